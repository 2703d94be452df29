"""Demo accounts of DESIGN.md, password ``Demo-2023!``. Never created in production."""

from typing import Any

from fulian.accounts.models import Role, User
from fulian.orgs.models import Org

DEMO_PASSWORD = "Demo-2023!"
DEMO_ACCOUNTS = [
    ("qinzhou-admin", "区妇联管理员", "620502", Role.DISTRICT_ADMIN),
    ("tianshui-town", "天水镇妇联主席", "620502108", Role.ORG_ADMIN),
    ("zaojiao-town", "皂郊镇妇联主席", "620502103", Role.ORG_ADMIN),
    ("xiazhaizi-village", "下寨子社区妇联主席", "620502103005", Role.EDITOR),
]


def load(stdout: Any) -> None:
    for username, full_name, code, role in DEMO_ACCOUNTS:
        org = Org.objects.get(code=code)
        user = User.objects.filter(username=username).first()
        if user is None:
            user = User(username=username)
            user.set_password(DEMO_PASSWORD)
        user.full_name, user.org, user.role, user.is_active = full_name, org, role, True
        user.save()
    stdout.write(f"accounts: demo logins (password {DEMO_PASSWORD}):")
    for username, full_name, code, _role in DEMO_ACCOUNTS:
        stdout.write(f"  {username:<18} {full_name} ({code})")

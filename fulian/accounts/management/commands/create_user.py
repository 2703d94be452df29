import getpass
from typing import Any

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from fulian.accounts.models import Role, User
from fulian.orgs.models import Org


class Command(BaseCommand):
    help = (
        "Create an account for an org (the way to make the first district admin of a deployment)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")
        parser.add_argument("--org", required=True, help="NBS code of the org")
        parser.add_argument("--role", choices=Role.values, default=Role.VIEWER)
        parser.add_argument("--full-name", default="")

    def handle(
        self, *args: Any, username: str, org: str, role: str, full_name: str, **options: Any
    ) -> None:
        target = Org.objects.filter(code=org).first()
        if target is None:
            raise CommandError(f"no org with code {org}")
        if User.objects.filter(username=username).exists():
            raise CommandError(f"user {username} exists")
        password = getpass.getpass("password: ")
        user = User(username=username, org=target, role=role, full_name=full_name)
        try:
            validate_password(password, user)
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from error
        user.set_password(password)
        user.save()
        self.stdout.write(f"created {username} ({user.get_role_display()}) at {target.name}")

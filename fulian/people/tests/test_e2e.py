import pytest

from fulian.core.testing import PASSWORD
from fulian.people.models import Person

from .conftest import id_for, roster_bytes, roster_row

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def _login(page, live_server, user):
    page.goto(f"{live_server.url}/login/")
    page.fill("input[name=username]", user.username)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{live_server.url}/")


def test_import_a_roster_and_see_masked_id_numbers(page, live_server, cast, tmp_path):
    path = tmp_path / "roster.xlsx"
    path.write_bytes(roster_bytes([roster_row(n, "620502103005") for n in range(3)]))
    _login(page, live_server, cast.village_editor)
    page.goto(f"{live_server.url}/people/import/")
    page.set_input_files("input[name=file]", str(path))
    page.click("#upload-form button[type=submit]")
    assert "共 3 行，其中新增人员 3 人。" in page.inner_text("#import-preview")
    page.click("#confirm-import")
    page.wait_for_url(f"{live_server.url}/people/")
    assert Person.objects.count() == 3
    cells = page.locator("#people-table td.masked-id").all_inner_texts()
    expected = sorted(id_for(1000 + n)[:4] + "*" * 10 + id_for(1000 + n)[-4:] for n in range(3))
    assert sorted(cells) == expected
    html = page.content()
    assert not any(id_for(1000 + n) in html for n in range(3))


def test_people_list_on_a_phone(phone, live_server, cast, people):
    _login(phone, live_server, cast.town_a_admin)
    phone.goto(f"{live_server.url}/people/")
    assert phone.locator("#people-table tbody tr").count() == 3
    width = phone.evaluate("document.documentElement.scrollWidth")
    assert width <= 375

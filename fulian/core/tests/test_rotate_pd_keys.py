"""`manage.py rotate_pd_keys`: re-encrypts with the current key in batches, resumable, and
recomputes blind indexes after a change of index key."""

import io

import pytest
from django.core.management import call_command

from fulian.accounts import services as account_services
from fulian.core import personal_data as pd
from fulian.people.models import Person
from fulian.people.tests.conftest import id_for, make_person

pytestmark = pytest.mark.django_db

OLD = {"current": "k1", "keys": {"k1": "00112233445566778899aabbccddeeff"}, "index_key": "ab" * 32}
NEW = {
    "current": "k2",
    "keys": {"k1": "00112233445566778899aabbccddeeff", "k2": "ffeeddccbbaa99887766554433221100"},
    "index_key": "ab" * 32,
}
NEW_INDEX = {**NEW, "index_key": "cd" * 32}


def _run(*args):
    out = io.StringIO()
    call_command("rotate_pd_keys", *args, stdout=out)
    return out.getvalue()


@pytest.fixture
def five(cast, settings):
    settings.FULIAN_PD_KEYS = OLD
    people = [make_person(cast.village_a, n) for n in range(5)]
    account_services.start_totp_enrollment(user=cast.viewer)
    return people


def _tokens():
    return sorted(Person.objects.values_list("id_number_cipher", "phone_cipher"))


def test_rotation_re_encrypts_every_value_in_batches_and_keeps_it(five, cast, settings):
    settings.FULIAN_PD_KEYS = NEW
    out = _run("--batch-size", "2")
    assert "people.Person.id_number_cipher: 2/5 checked, 2 rewritten (40%)" in out
    assert "people.Person.id_number_cipher: 5/5 checked, 5 rewritten (100%)" in out
    assert "Done: 11 rows rewritten." in out  # 5 ID numbers, 5 phones, 1 TOTP secret
    for person in Person.objects.order_by("pk"):
        assert person.id_number_cipher.startswith("k2:")
        assert person.phone_cipher.startswith("k2:")
    people = list(Person.objects.order_by("pk"))
    assert [p.id_number for p in people] == [id_for(n) for n in range(5)]
    assert [p.phone for p in people] == [f"138{n:08d}" for n in range(5)]
    cast.viewer.refresh_from_db()
    assert cast.viewer.totp_secret.startswith("k2:")
    assert len(account_services.totp_secret(cast.viewer)) >= 16
    # Nothing names k1 any more, so the old key can be dropped.
    assert "people.Person.id_number_cipher: k2: 5" in _run("--status")
    assert "Done: 0 rows rewritten." in _run()


def test_an_interrupted_rotation_goes_on_where_it_stopped(five, settings):
    settings.FULIAN_PD_KEYS = NEW
    first = _run("--batch-size", "2", "--max-rows", "4")
    # The TOTP secret comes first (accounts), then three ID numbers: four rows.
    assert "Stopped after 4 rows (--max-rows): run again to go on." in first
    kids = [
        pd.key_id(t)
        for t in Person.objects.order_by("pk").values_list("id_number_cipher", flat=True)
    ]
    assert kids == ["k2", "k2", "k2", "k1", "k1"]
    second = _run("--batch-size", "2")
    assert "people.Person.id_number_cipher: 2/2 checked, 2 rewritten (100%)" in second
    assert "Done: 7 rows rewritten." in second  # the 2 ID numbers left and 5 phones
    assert {pd.key_id(t) for pair in _tokens() for t in pair} == {"k2"}


def test_status_changes_nothing(five, settings):
    settings.FULIAN_PD_KEYS = NEW
    before = _tokens()
    out = _run("--status")
    assert "people.Person.id_number_cipher: k1: 5" in out
    assert "accounts.User.totp_secret: k1: 1" in out
    assert _tokens() == before


def test_reindex_after_a_new_index_key_finds_people_again(five, settings):
    settings.FULIAN_PD_KEYS = NEW_INDEX
    index = pd.index_of(pd.ID_NUMBER, id_for(3))
    assert not Person.objects.filter(id_number_index=index).exists()
    out = _run("--reindex", "--batch-size", "2")
    assert "people.Person.id_number_cipher: 5/5 checked, 5 rewritten (100%)" in out
    assert Person.objects.get(id_number_index=index).id_number == id_for(3)
    phone = pd.index_of(pd.PHONE, "13800000004")
    assert Person.objects.get(phone_index=phone).phone == "13800000004"
    # A second run checks every row and rewrites none.
    assert "people.Person.id_number_cipher: 5/5 checked, 0 rewritten (100%)" in _run("--reindex")


def test_rows_changed_by_the_rotation_are_not_audited(five, settings):
    from auditlog.models import LogEntry

    settings.FULIAN_PD_KEYS = NEW
    before = LogEntry.objects.count()
    _run()
    assert LogEntry.objects.count() == before

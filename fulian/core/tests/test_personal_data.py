import json

import pytest

from fulian.core import personal_data as pd
from fulian.core.models import AccessLog, log_access

KEYS_V1 = {
    "current": "k1",
    "keys": {"k1": "00112233445566778899aabbccddeeff"},
    "index_key": "ab" * 32,
}
KEYS_V2 = {
    "current": "k2",
    "keys": {"k1": "00112233445566778899aabbccddeeff", "k2": "ffeeddccbbaa99887766554433221100"},
    "index_key": "ab" * 32,
}


@pytest.fixture
def keys(settings):
    settings.FULIAN_PD_KEYS = KEYS_V1
    return settings


def test_round_trip_with_key_id_prefix(keys):
    token = pd.encrypt(pd.ID_NUMBER, "62050219900101123X")
    assert token.startswith("k1:")
    assert "62050219900101123X" not in token
    assert pd.decrypt(pd.ID_NUMBER, token) == "62050219900101123X"
    # A fresh nonce each time: equal values give different ciphertexts.
    assert pd.encrypt(pd.ID_NUMBER, "62050219900101123X") != token


def test_ciphertext_cannot_move_to_another_kind_or_be_tampered(keys):
    token = pd.encrypt(pd.ID_NUMBER, "62050219900101123X")
    with pytest.raises(pd.PersonalDataError):
        pd.decrypt(pd.PHONE, token)
    kid, body = token.split(":")
    flipped = body[:-4] + ("AAAA" if body[-4:] != "AAAA" else "BBBB")
    with pytest.raises(pd.PersonalDataError):
        pd.decrypt(pd.ID_NUMBER, f"{kid}:{flipped}")
    with pytest.raises(pd.PersonalDataError):
        pd.decrypt(pd.ID_NUMBER, "k9:" + body)


def test_rotation_keeps_old_tokens_readable(keys):
    old = pd.encrypt(pd.PHONE, "13812345678")
    keys.FULIAN_PD_KEYS = KEYS_V2
    assert pd.needs_rotation(old)
    assert pd.decrypt(pd.PHONE, old) == "13812345678"
    new = pd.rotate(pd.PHONE, old)
    assert new.startswith("k2:") and not pd.needs_rotation(new)
    assert pd.decrypt(pd.PHONE, new) == "13812345678"


def test_blind_index_is_deterministic_keyed_and_separated_by_kind(keys):
    a = pd.blind_index(pd.ID_NUMBER, "62050219900101123X")
    assert a == pd.blind_index(pd.ID_NUMBER, "62050219900101123X")
    assert len(a) == 64
    assert a != pd.blind_index(pd.PHONE, "62050219900101123X")
    assert pd.index_of(pd.ID_NUMBER, " 620502 19900101 123x ") == a
    keys.FULIAN_PD_KEYS = {**KEYS_V1, "index_key": "cd" * 32}
    assert pd.blind_index(pd.ID_NUMBER, "62050219900101123X") != a


def test_normalising():
    assert pd.normalise_id_number("６２０５０２19900101123ｘ") == "62050219900101123X"
    assert pd.normalise_phone("+86 138-1234-5678") == "13812345678"
    assert pd.normalise_phone("0086 13812345678") == "13812345678"
    assert pd.normalise_phone("8613812345678") == "13812345678"


def test_masks():
    assert pd.mask_id_number("62050219900101123X") == "6205**********123X"
    assert pd.mask_phone("13812345678") == "138****5678"
    assert pd.mask_id_number("") == "" and pd.mask_phone("") == ""
    assert pd.mask_phone("12345") == "*****"


def test_blobs(keys):
    blob = pd.encrypt_bytes(b"roster", purpose="import")
    assert b"roster" not in blob
    assert pd.decrypt_bytes(blob, purpose="import") == b"roster"
    with pytest.raises(pd.PersonalDataError):
        pd.decrypt_bytes(blob, purpose="other")


def test_settings_keys_are_valid_json_shape(settings):
    config = settings.FULIAN_PD_KEYS
    assert json.loads(json.dumps(config))["current"] in config["keys"]


@pytest.mark.django_db
def test_access_log_row(cast):
    row = log_access(user=cast.district_admin, obj=cast.village_a, field="id_number", reason="核实")
    assert AccessLog.objects.get() == row
    assert (row.username, row.target_model, row.target_id, row.field, row.org_path) == (
        "district-admin",
        "orgs.org",
        str(cast.village_a.pk),
        "id_number",
        "",
    )

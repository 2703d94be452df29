"""Personal data at rest: ID numbers and phones are stored encrypted, never in plaintext.

* **Encryption**: SM4-GCM (GB/T 32907, national algorithm), a fresh 96-bit nonce per value,
  the kind of value (``id_number``, ``phone``) as associated data so a ciphertext cannot be
  moved to another column. A stored token is ``<key id>:<base64(nonce | ciphertext | tag)>``:
  the key id lets keys rotate (``settings.FULIAN_PD_KEYS["current"]`` encrypts, every key in
  ``keys`` decrypts; :func:`rotate` re-encrypts an old token with the current key).
* **Blind index**: HMAC-SM3 of ``kind`` and the *normalised* value under a separate
  ``index_key``. Equal values have equal indexes, so exact lookups and duplicate checks are
  one indexed query and never decrypt a table. Without the key the index reveals nothing.
* **Masking**: what every page, export and API response shows unless the user may reveal.

A model holds a sensitive value as two columns ``<name>_cipher`` and ``<name>_index`` made
by :func:`cipher_field` and :func:`index_field`, plus ``<name> = SensitiveValue(kind, name)``
which encrypts on assignment and decrypts on read (also accepted by the model constructor).
"""

from __future__ import annotations

import base64
import hashlib
import os
import re
import unicodedata
from functools import cache
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes, hmac
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

ID_NUMBER = "id_number"
PHONE = "phone"
KINDS = (ID_NUMBER, PHONE)

NONCE_BYTES = 12
TAG_BYTES = 16
INDEX_LENGTH = 64  # hex digits of an SM3 digest


class PersonalDataError(Exception):
    """A token that cannot be decrypted: unknown key id, tampered or moved ciphertext."""


@cache
def _parsed_keys(config_json: str) -> tuple[str, dict[str, bytes], bytes]:
    import json

    config = json.loads(config_json)
    keys = {kid: bytes.fromhex(hexkey) for kid, hexkey in config["keys"].items()}
    for kid, key in keys.items():
        if len(key) != 16:
            raise PersonalDataError(f"SM4 key {kid!r} must be 16 bytes (32 hex digits)")
        if ":" in kid:
            raise PersonalDataError(f"key id {kid!r} must not contain ':'")
    index_key = bytes.fromhex(config["index_key"])
    if len(index_key) < 16:
        raise PersonalDataError("index_key must be at least 16 bytes")
    if config["current"] not in keys:
        raise PersonalDataError("the current key id is not among the keys")
    return config["current"], keys, index_key


def _keys() -> tuple[str, dict[str, bytes], bytes]:
    import json

    # Keyed by the JSON so tests that override settings.FULIAN_PD_KEYS see their own keys.
    return _parsed_keys(json.dumps(settings.FULIAN_PD_KEYS, sort_keys=True))


# --- normalising ----------------------------------------------------------------------------


def _clean(value: Any) -> str:
    """Full-width to half-width, spaces and separators removed."""
    text = unicodedata.normalize("NFKC", "" if value is None else str(value))
    return re.sub(r"[\s\-‐‑–—_·.()]", "", text)


def normalise_id_number(value: Any) -> str:
    """``620502 19900101 123x`` → ``62050219900101123X``."""
    return _clean(value).upper()


def normalise_phone(value: Any) -> str:
    """Digits only, without the country code: ``+86 138-1234-5678`` → ``13812345678``."""
    text = _clean(value).replace("+", "")
    if text.startswith("0086"):
        text = text[4:]
    elif text.startswith("86") and len(text) == 13:
        text = text[2:]
    return text


NORMALISERS = {ID_NUMBER: normalise_id_number, PHONE: normalise_phone}


def normalise(kind: str, value: Any) -> str:
    return NORMALISERS[kind](value)


# --- encryption -----------------------------------------------------------------------------


def encrypt(kind: str, plaintext: str) -> str:
    """A token ``<key id>:<base64>`` of SM4-GCM with the current key."""
    current, keys, _index = _keys()
    nonce = os.urandom(NONCE_BYTES)
    encryptor = Cipher(algorithms.SM4(keys[current]), modes.GCM(nonce)).encryptor()
    encryptor.authenticate_additional_data(kind.encode())
    body = encryptor.update(plaintext.encode()) + encryptor.finalize()
    return f"{current}:{base64.b64encode(nonce + body + encryptor.tag).decode()}"


def decrypt(kind: str, token: str) -> str:
    _current, keys, _index = _keys()
    kid, _sep, payload = token.partition(":")
    if kid not in keys:
        raise PersonalDataError(f"unknown key id {kid!r}")
    try:
        raw = base64.b64decode(payload, validate=True)
    except ValueError as exc:
        raise PersonalDataError("malformed token") from exc
    if len(raw) < NONCE_BYTES + TAG_BYTES:
        raise PersonalDataError("malformed token")
    nonce, body, tag = raw[:NONCE_BYTES], raw[NONCE_BYTES:-TAG_BYTES], raw[-TAG_BYTES:]
    decryptor = Cipher(algorithms.SM4(keys[kid]), modes.GCM(nonce, tag)).decryptor()
    decryptor.authenticate_additional_data(kind.encode())
    try:
        return (decryptor.update(body) + decryptor.finalize()).decode()
    except InvalidTag as exc:
        raise PersonalDataError("ciphertext does not authenticate") from exc


def key_id(token: str) -> str:
    return token.partition(":")[0]


def needs_rotation(token: str) -> bool:
    return bool(token) and key_id(token) != _keys()[0]


def rotate(kind: str, token: str) -> str:
    """The same value encrypted with the current key (unchanged if it already is)."""
    if not needs_rotation(token):
        return token
    return encrypt(kind, decrypt(kind, token))


def encrypt_bytes(data: bytes, *, purpose: str) -> bytes:
    """SM4-GCM for a blob kept for a short while (an uploaded roster between preview and
    confirm): ``key id`` + NUL + nonce + ciphertext + tag."""
    current, keys, _index = _keys()
    nonce = os.urandom(NONCE_BYTES)
    encryptor = Cipher(algorithms.SM4(keys[current]), modes.GCM(nonce)).encryptor()
    encryptor.authenticate_additional_data(purpose.encode())
    body = encryptor.update(data) + encryptor.finalize()
    return current.encode() + b"\0" + nonce + body + encryptor.tag


def decrypt_bytes(blob: bytes, *, purpose: str) -> bytes:
    _current, keys, _index = _keys()
    kid, _sep, raw = blob.partition(b"\0")
    key = keys.get(kid.decode(errors="replace"))
    if key is None or len(raw) < NONCE_BYTES + TAG_BYTES:
        raise PersonalDataError("malformed blob")
    nonce, body, tag = raw[:NONCE_BYTES], raw[NONCE_BYTES:-TAG_BYTES], raw[-TAG_BYTES:]
    decryptor = Cipher(algorithms.SM4(key), modes.GCM(nonce, tag)).decryptor()
    decryptor.authenticate_additional_data(purpose.encode())
    try:
        return decryptor.update(body) + decryptor.finalize()
    except InvalidTag as exc:
        raise PersonalDataError("blob does not authenticate") from exc


# --- blind index ----------------------------------------------------------------------------


def blind_index(kind: str, normalised_value: str) -> str:
    """HMAC-SM3 over ``kind`` and the normalised value: 64 hex digits."""
    _current, _keys_by_id, index_key = _keys()
    mac = hmac.HMAC(index_key, hashes.SM3())
    mac.update(kind.encode() + b"\0" + normalised_value.encode())
    return mac.finalize().hex()


def index_of(kind: str, value: Any) -> str:
    """The blind index of a raw value (normalised first); empty for an empty value."""
    text = normalise(kind, value)
    return blind_index(kind, text) if text else ""


# --- masking --------------------------------------------------------------------------------


def mask_id_number(value: str) -> str:
    """``620502199001011234`` → ``6205**********1234``: region and last four only."""
    if not value:
        return ""
    if len(value) <= 8:
        return "*" * len(value)
    return value[:4] + "*" * (len(value) - 8) + value[-4:]


def mask_phone(value: str) -> str:
    """``13812345678`` → ``138****5678``."""
    if not value:
        return ""
    if len(value) <= 7:
        return "*" * len(value)
    return value[:3] + "*" * (len(value) - 7) + value[-4:]


MASKERS = {ID_NUMBER: mask_id_number, PHONE: mask_phone}


def mask(kind: str, value: str) -> str:
    return MASKERS[kind](value)


# --- model helpers --------------------------------------------------------------------------


def cipher_field(verbose_name: Any = "") -> models.TextField:
    """The encrypted column ``<name>_cipher`` (empty when there is no value)."""
    return models.TextField(verbose_name or _("密文"), blank=True, default="", editable=False)


def index_field(verbose_name: Any = "") -> models.CharField:
    """The blind-index column ``<name>_index`` (indexed; empty when there is no value)."""
    return models.CharField(
        verbose_name or _("盲索引"),
        max_length=INDEX_LENGTH,
        blank=True,
        default="",
        editable=False,
        db_index=True,
    )


class SensitiveValue(property):
    """``person.id_number = "…"`` fills ``id_number_cipher`` and ``id_number_index``;
    reading ``person.id_number`` decrypts. ``person.masked_id_number`` is what to show.

    A ``property`` subclass, so ``Person(id_number=…)`` works in the model constructor.
    Reading the plaintext is for services that check permission and log the access
    (see ``fulian.people.services.reveal``), for validation and for exports that mask.
    """

    def __init__(self, kind: str, name: str) -> None:
        self.kind, self.name = kind, name
        super().__init__(self._get, self._set)

    def _get(self, obj: Any) -> str:
        token = getattr(obj, f"{self.name}_cipher")
        return decrypt(self.kind, token) if token else ""

    def _set(self, obj: Any, value: Any) -> None:
        text = normalise(self.kind, value)
        setattr(obj, f"{self.name}_cipher", encrypt(self.kind, text) if text else "")
        setattr(obj, f"{self.name}_index", blind_index(self.kind, text) if text else "")


def fingerprint() -> str:
    """A short, non-secret fingerprint of the index key (to tell key sets apart in logs)."""
    return hashlib.sha256(_keys()[2]).hexdigest()[:8]

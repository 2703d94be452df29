"""One way to make a create safe to repeat (a double tap, a resubmission after a lost
connection): the form or the API call carries an ``idempotency_key`` (a UUID), the model
stores it in a unique ``idempotency_key`` field and has ``created_by``.

    key, existing = idempotency.existing(Model, idempotency_key, actor)
    if existing is not None:
        return existing
    ...
    obj, created = idempotency.save_new(Model(..., idempotency_key=key), key, actor)

A key that another user already used is refused; when two copies of one submission race,
the unique index lets one insert through and the other gets the winner's record.
"""

from __future__ import annotations

import uuid
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _


def _same_submitter(found: Any, actor: Any) -> Any:
    # A public form (no actor) matches only records made without one: a key never hands
    # anyone a record that someone else submitted.
    if found.created_by_id != (actor.pk if actor is not None else None):
        raise ValidationError(_("提交编号已被使用。"))
    return found


def _every_row(model: Any) -> Any:
    """Every row, those in the recycle bin too: a deleted record still holds its key."""
    return getattr(model, "all_objects", model._default_manager)


def existing(model: Any, key: Any, actor: Any) -> tuple[uuid.UUID | None, Any]:
    """(the key as a UUID, the record this submission already created, or None)."""
    if key is None or key == "":
        return None, None
    try:
        key = uuid.UUID(str(key))
    except ValueError:
        raise ValidationError({"idempotency_key": _("提交编号无效。")}) from None
    found = _every_row(model).filter(idempotency_key=key).first()
    return key, (None if found is None else _same_submitter(found, actor))


def save_new(obj: Any, key: uuid.UUID | None, actor: Any) -> tuple[Any, bool]:
    """Insert ``obj``; when a copy of the same submission won a race, return that one."""
    try:
        with transaction.atomic():
            obj.save()
    except IntegrityError:
        if key is None:
            raise
        return _same_submitter(_every_row(type(obj)).get(idempotency_key=key), actor), False
    return obj, True

"""The audit trail: django-auditlog records every create, update and delete with actor,
IP, time and the change. Each entry also carries the org path of the record, so the audit
page can show a subtree; personal fields are registered with ``mask_fields``."""

import re
from typing import Any

from django.utils.translation import gettext_lazy as _


def mask_value(value: str) -> str:
    """What an audit diff shows of a personal field: that it changed, nothing of it
    (django-auditlog's own mask keeps half the value, e.g. the month and day of a date)."""
    return "******" if value and value != "None" else value


class OrgAuditMixin:
    """For models with an ``org`` foreign key: put the org's path into each audit entry."""

    org: Any

    def get_additional_data(self) -> dict[str, Any]:
        return {"org_id": self.org.pk, "org_path": self.org.path}


# Columns that models leave unnamed: the audit page still shows words, not column names.
_FALLBACK_LABELS = {
    "id": _("编号"),
    "created_at": _("创建时间"),
    "updated_at": _("修改时间"),
    "created_by": _("创建人"),
    "idempotency_key": _("提交编号"),
    "deleted_at": _("删除时间"),
    "deleted_by": _("删除人"),
    "path": _("树路径"),
    "depth": _("层级"),
    "numchild": _("下级数"),
    "content_type": _("文件类型"),
    "size": _("文件大小（字节）"),
    "uploaded_by": _("上传人"),
    "uploaded_at": _("上传时间"),
    "recorded_by": _("记录人"),
    "image": _("图片"),
    "thumbnail": _("缩略图"),
    "width": _("宽度"),
    "height": _("高度"),
    "actor": _("操作人"),
    "at": _("时间"),
}


def readable_changes(entry: Any) -> list[tuple[str, str, str]]:
    """An audit entry's changes as (field label, before, after): labels, not column names;
    choice labels and the names of related records, not ids; local time to the minute.
    A list, never a dict, so a field called ``items`` cannot shadow anything in a template.
    Reverse relations (auditlog lists them on a create as ``app.Model.None``) are left out."""
    model = entry.content_type.model_class() if entry.content_type_id else None
    changes = entry.changes_dict or {}
    try:
        display = entry.changes_display_dict if model is not None else {}
    except Exception:  # a model or field that no longer exists
        display = {}
    rows = []
    for name, values in changes.items():
        field = _field(model, name)
        if field is not None and not field.concrete:
            continue
        label = field_label(field, name)
        if isinstance(values, dict):  # many-to-many: {"type": "m2m", "operation", "objects"}
            objects = "、".join(str(o) for o in values.get("objects", []))
            before, after = ("", objects) if values.get("operation") == "add" else (objects, "")
        else:
            shown = display.get(field.verbose_name, values) if field is not None else values
            pair = [_value(v) for v in list(shown)[:2]] + ["", ""]
            before, after = pair[0], pair[1]
        rows.append((label, before, after))
    return rows


def field_label(field: Any, name: str) -> str:
    """The field's own verbose name; for one left unnamed, a word from the table above or
    the related model's name (``item`` → 整改事项)."""
    if name == "id":
        return str(_FALLBACK_LABELS["id"])
    if field is not None and str(field.verbose_name) != name.replace("_", " "):
        return str(field.verbose_name)
    if name in _FALLBACK_LABELS:
        return str(_FALLBACK_LABELS[name])
    if field is not None and getattr(field, "related_model", None) is not None:
        return str(field.related_model._meta.verbose_name)
    return name.replace("_", " ")


def _field(model: Any, name: str) -> Any:
    if model is None:
        return None
    try:
        return model._meta.get_field(name)
    except Exception:  # FieldDoesNotExist: a field removed since the entry was written
        return None


def _value(value: Any) -> str:
    text = "" if value is None else str(value)
    if text in ("None", "[]", "{}"):
        return ""
    if text in ("True", "False"):
        return str(_("是") if text == "True" else _("否"))
    # auditlog localizes datetimes with seconds; the page shows minutes.
    if _SECONDS.match(text):
        return text[:16]
    return text


_SECONDS = re.compile(r"^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}")

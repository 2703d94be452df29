"""Request bodies of the API, bounded: DRF's parsers read the raw stream and so skip
Django's ``DATA_UPLOAD_MAX_MEMORY_SIZE``; these enforce it, and a JSON body may nest only
so deep and carry no string longer than any field holds."""

from __future__ import annotations

import io
from typing import Any

from django.conf import settings
from django.utils.translation import gettext_lazy as _
from rest_framework import status
from rest_framework.exceptions import APIException, ParseError
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser

MAX_DEPTH = 20
MAX_STRING = 100_000


class BodyTooLarge(APIException):
    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_detail = _("请求内容过大。")
    default_code = "too_large"


def _read_bounded(stream: Any) -> bytes:
    limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    data = stream.read(limit + 1) if stream is not None else b""
    if limit is not None and len(data) > limit:
        raise BodyTooLarge
    return bytes(data)


def check_json(value: Any) -> None:
    """Refuse nesting deeper than MAX_DEPTH, strings longer than MAX_STRING and NULs."""
    stack = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if depth > MAX_DEPTH:
            raise ParseError(_("JSON 嵌套层数过多（最多%(n)d层）。") % {"n": MAX_DEPTH})
        if isinstance(item, str):
            if len(item) > MAX_STRING:
                raise ParseError(_("字段内容过长（最多%(n)d个字符）。") % {"n": MAX_STRING})
            if "\x00" in item:  # no text holds one, and PostgreSQL refuses it in a parameter
                raise ParseError(_("内容中不能含有空字符（NUL）。"))
        elif isinstance(item, dict):
            stack.extend((k, depth + 1) for k in item)
            stack.extend((v, depth + 1) for v in item.values())
        elif isinstance(item, list):
            stack.extend((v, depth + 1) for v in item)


class BoundedJSONParser(JSONParser):
    def parse(self, stream: Any, media_type: Any = None, parser_context: Any = None) -> Any:
        raw = _read_bounded(stream)
        try:
            data = super().parse(io.BytesIO(raw), media_type, parser_context)
        except RecursionError as exc:
            raise ParseError(_("JSON 嵌套层数过多（最多%(n)d层）。") % {"n": MAX_DEPTH}) from exc
        check_json(data)
        return data


class BoundedFormParser(FormParser):
    def parse(self, stream: Any, media_type: Any = None, parser_context: Any = None) -> Any:
        data = super().parse(io.BytesIO(_read_bounded(stream)), media_type, parser_context)
        check_json({key: data.getlist(key) for key in data})
        return data


class CheckedMultiPartParser(MultiPartParser):
    """Django's multipart parsing (it keeps to the upload limits itself), with the same
    refusal of NULs in the fields."""

    def parse(self, stream: Any, media_type: Any = None, parser_context: Any = None) -> Any:
        parsed = super().parse(stream, media_type, parser_context)
        check_json({key: parsed.data.getlist(key) for key in parsed.data})
        return parsed

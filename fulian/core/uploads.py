"""Uploads: checked by their content, not their name, and size-limited.

* ``check_upload``: evidence (photos, PDF, Word, Excel) kept as uploaded.
* ``process_photo``: a photo re-encoded as a fresh JPEG and a thumbnail, resized, with every
  EXIF tag (GPS included) dropped. Use it for every photo people take with a phone.

Files are stored under MEDIA_ROOT with random names and are never served from a public
path: a view checks the reader's scope and streams the file with ``serve``.
"""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

MAX_EVIDENCE_BYTES = 10 * 1024 * 1024
MAX_PHOTO_BYTES = 15 * 1024 * 1024
MAX_PIXELS = 50_000_000  # a 50-megapixel phone photo; more is a decompression bomb
MAX_SIDE = 1600
THUMB_SIDE = 400
PHOTO_FORMATS = frozenset({"JPEG", "PNG", "WEBP", "MPO"})

IMAGE_TYPES = {
    "JPEG": ("image/jpeg", "jpg"),
    "PNG": ("image/png", "png"),
    "WEBP": ("image/webp", "webp"),
}
OFFICE_TYPES = {
    "word/": ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", "docx"),
    "xl/": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "xlsx"),
}


@dataclass(frozen=True)
class Checked:
    content_type: str
    extension: str
    size: int


def _image(head: bytes, data: Any) -> Checked | None:
    try:
        data.seek(0)
        with Image.open(data) as image:
            fmt = image.format
            image.verify()
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        return None
    if fmt not in IMAGE_TYPES:
        return None
    content_type, extension = IMAGE_TYPES[fmt]
    return Checked(content_type, extension, 0)


def _office(data: Any) -> Checked | None:
    try:
        data.seek(0)
        with zipfile.ZipFile(data) as archive:
            names = archive.namelist()
    except (zipfile.BadZipFile, OSError, ValueError):
        return None
    if "[Content_Types].xml" not in names:
        return None
    for prefix, (content_type, extension) in OFFICE_TYPES.items():
        if any(n.startswith(prefix) for n in names):
            return Checked(content_type, extension, 0)
    return None


def check_upload(upload: Any, *, max_bytes: int = MAX_EVIDENCE_BYTES) -> Checked:
    """What an upload really is (JPEG, PNG, WebP, PDF, .docx, .xlsx), or a ValidationError.
    The file name and the browser's type are ignored."""
    size = upload.size
    if size > max_bytes:
        raise ValidationError(
            _("文件过大：不能超过 %(mb)d MB。") % {"mb": max_bytes // (1024 * 1024)}
        )
    if size == 0:
        raise ValidationError(_("文件为空。"))
    upload.seek(0)
    head = upload.read(8)
    data = upload.file if hasattr(upload, "file") else io.BytesIO(upload.read())
    checked = _image(head, data)
    if checked is None:
        if head.startswith(b"%PDF-"):
            checked = Checked("application/pdf", "pdf", 0)
        elif head.startswith(b"PK\x03\x04"):
            checked = _office(data)
    upload.seek(0)
    if checked is None:
        raise ValidationError(_("只能上传照片（JPEG、PNG、WebP）、PDF、Word 或 Excel 文件。"))
    return Checked(checked.content_type, checked.extension, size)


def safe_name(name: str, extension: str) -> str:
    """The name to show and to offer on download: the uploader's stem, our extension."""
    stem = name.rsplit("/", 1)[-1].rsplit("\\", 1)[-1]
    stem = stem.rsplit(".", 1)[0] if "." in stem else stem
    stem = "".join(c for c in stem if c.isprintable() and c not in '"\\;')[:150] or "file"
    return f"{stem}.{extension}"


def serve(field_file: Any, *, content_type: str, name: str, cache_seconds: int = 0) -> FileResponse:
    """Stream a stored file after the caller has checked scope. Photos and PDFs open in the
    browser, other files download; a file missing on disk is a 404."""
    inline = content_type.startswith("image/") or content_type == "application/pdf"
    try:
        handle = field_file.open("rb")
    except FileNotFoundError as exc:
        raise Http404 from exc
    response = FileResponse(
        handle, content_type=content_type, as_attachment=not inline, filename=name
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; img-src 'self'; sandbox"
    response["Cache-Control"] = (
        f"private, max-age={cache_seconds}" if cache_seconds else "private, no-store"
    )
    return response


# --- photos ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class ProcessedPhoto:
    image: bytes
    thumbnail: bytes
    width: int
    height: int


def _encode(image: Image.Image, side: int) -> tuple[bytes, int, int]:
    copy = image.copy()
    copy.thumbnail((side, side), Image.Resampling.LANCZOS)
    out = io.BytesIO()
    # No exif= argument: the new file carries no EXIF block at all.
    copy.save(out, format="JPEG", quality=82, optimize=True)
    return out.getvalue(), copy.width, copy.height


def process_photo(upload: Any) -> ProcessedPhoto:
    """Check and re-encode one uploaded file; raise ValidationError in Chinese."""
    size = getattr(upload, "size", None)
    if size is not None and size > MAX_PHOTO_BYTES:
        raise ValidationError(_("照片不能超过 15 MB。"))
    data = upload.read() if hasattr(upload, "read") else bytes(upload)
    if len(data) > MAX_PHOTO_BYTES:
        raise ValidationError(_("照片不能超过 15 MB。"))
    try:
        with Image.open(io.BytesIO(data)) as probe:
            if probe.format not in PHOTO_FORMATS:
                raise ValidationError(_("只能上传 JPEG、PNG 或 WebP 照片。"))
            if probe.width * probe.height > MAX_PIXELS:
                raise ValidationError(_("照片像素过大。"))
            probe.verify()
        with Image.open(io.BytesIO(data)) as opened:
            opened.load()
            # Keep what the camera meant (rotation), then drop the metadata that said so.
            image: Image.Image = ImageOps.exif_transpose(opened)
            if image.mode not in ("RGB", "L"):
                background = Image.new("RGB", image.size, "white")
                rgba = image.convert("RGBA")
                background.paste(rgba, mask=rgba.getchannel("A"))
                image = background
            elif image.mode == "L":
                image = image.convert("RGB")
            full, width, height = _encode(image, MAX_SIDE)
            thumb, _w, _h = _encode(image, THUMB_SIDE)
    except (
        UnidentifiedImageError,
        OSError,
        SyntaxError,
        ValueError,
        Image.DecompressionBombError,
    ) as exc:
        raise ValidationError(_("文件不是有效的照片。")) from exc
    return ProcessedPhoto(full, thumb, width, height)

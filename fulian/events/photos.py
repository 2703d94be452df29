"""Photo intake: check the content, re-encode, strip every EXIF tag (GPS included).

A phone photo arrives as JPEG, PNG, WebP or HEIF-free formats Pillow reads; whatever the
file's name or declared type says, only its decoded content counts. The stored image is a
fresh JPEG (longest side ``MAX_SIDE``) and a thumbnail, neither carrying any metadata.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

MAX_PHOTOS = 9
MAX_UPLOAD_BYTES = 15 * 1024 * 1024
MAX_PIXELS = 50_000_000  # a 50-megapixel phone photo; more is a decompression bomb
MAX_SIDE = 1600
THUMB_SIDE = 400
ACCEPTED_FORMATS = frozenset({"JPEG", "PNG", "WEBP", "MPO"})


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
    if size is not None and size > MAX_UPLOAD_BYTES:
        raise ValidationError(_("照片不能超过 15 MB。"))
    data = upload.read() if hasattr(upload, "read") else bytes(upload)
    if len(data) > MAX_UPLOAD_BYTES:
        raise ValidationError(_("照片不能超过 15 MB。"))
    try:
        with Image.open(io.BytesIO(data)) as probe:
            if probe.format not in ACCEPTED_FORMATS:
                raise ValidationError(_("只能上传 JPEG、PNG 或 WebP 照片。"))
            if probe.width * probe.height > MAX_PIXELS:
                raise ValidationError(_("照片像素过大。"))
            probe.verify()
        with Image.open(io.BytesIO(data)) as image:
            image.load()
            # Keep what the camera meant (rotation), then drop the metadata that said so.
            image = ImageOps.exif_transpose(image)
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

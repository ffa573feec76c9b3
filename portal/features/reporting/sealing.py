"""Turning what reporters and handlers write into ciphertext, and back for those who hold a key.

Files: images are re-encoded from their pixels alone (no EXIF, GPS, ICC or text chunks); any
other file is kept as sent and marked as not cleaned, so handlers open it with care.
"""

import io
import json
import os
import secrets

from django.core.files.base import ContentFile
from PIL import Image, ImageOps, UnidentifiedImageError

from portal.features.reporting import crypto
from portal.features.reporting.models import Attachment, Author, Message

IMAGE_FORMATS = {"JPEG": "jpg", "PNG": "png", "GIF": "png", "WEBP": "png", "BMP": "png",
                 "TIFF": "png"}


def seal_json(public_key: bytes, data: dict) -> bytes:
    return crypto.seal(bytes(public_key), json.dumps(data).encode())


def open_json(private_key: bytes, ciphertext) -> dict:
    return json.loads(crypto.unseal(private_key, bytes(ciphertext)))


def clean_file(name: str, data: bytes) -> tuple[str, bytes, bool]:
    """(name, bytes, cleaned): images re-encoded without metadata, anything else as it was."""
    try:
        with Image.open(io.BytesIO(data)) as image:
            kind = image.format
            if kind not in IMAGE_FORMATS:
                return name, data, False
            image = ImageOps.exif_transpose(image)
            mode = "RGB" if kind == "JPEG" else "RGBA"
            image = image.convert(mode)
            # Only the pixels are copied: no info, EXIF, ICC profile or comments come along.
            bare = Image.frombytes(mode, image.size, image.tobytes())
            out = io.BytesIO()
            bare.save(out, format="JPEG" if kind == "JPEG" else "PNG")
    except (UnidentifiedImageError, OSError, ValueError, Image.DecompressionBombError):
        return name, data, False
    stem = os.path.splitext(name)[0] or "image"
    return f"{stem}.{IMAGE_FORMATS[kind]}", out.getvalue(), True


def store_attachment(report, upload) -> Attachment:
    name, data, cleaned = clean_file(os.path.basename(upload.name)[:200], upload.read())
    public = bytes(report.channel.public_key)
    meta = {"name": name, "content_type": "application/octet-stream"
            if not cleaned else ("image/jpeg" if name.endswith(".jpg") else "image/png"),
            "cleaned": cleaned, "size": len(data)}
    return Attachment.objects.create(
        report=report, sealed_meta=seal_json(public, meta),
        blob=ContentFile(crypto.seal(public, data), name=f"{secrets.token_hex(16)}.bin"))


def open_attachment(private_key: bytes, attachment) -> tuple[dict, bytes]:
    meta = open_json(private_key, attachment.sealed_meta)
    with attachment.blob.open("rb") as blob:
        return meta, crypto.unseal(private_key, blob.read())


def add_message(report, author: str, text: str, handler=None) -> Message:
    sealed = {"text": text}
    return Message.objects.create(
        report=report, author=author, handler=handler if author == Author.HANDLER else None,
        for_channel=seal_json(report.channel.public_key, sealed),
        for_reporter=seal_json(report.reporter_public_key, sealed))

"""Attachments of secretaries' submissions, stored as Wagtail documents.

- Checked before anything is written: at most ASSESSMENTS_ATTACHMENT_MAX_BYTES (default 20 MB),
  one of ALLOWED_EXTENSIONS, and the first bytes must look like that type (PDF, the Office zip
  and OLE2 containers, JPEG, PNG, text without NUL bytes). A renamed file is refused.
- Stored in one collection of their own under the root collection ("三型社区书记考评材料"), which
  no section publishers group holds permissions on: Wagtail's document serve view
  (portal/documents.py) then serves a document used by no live page only to superusers, so an
  attachment is not public before its award is published. The secretary and the street's
  committee download it through assessments' own view (views_awards.attachment).
- On publication (work.publish_awards) the document goes into the author's section collection
  and into the result page's body: from then the page's readers may download it.
"""

from __future__ import annotations

import codecs
import os
import zipfile

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadhandler import FileUploadHandler, SkipFile
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from wagtail.documents import get_document_model
from wagtail.models import Collection

from core.text import normalise

DEFAULT_MAX_BYTES = 20 * 1024 * 1024
COLLECTION_NAME = "三型社区书记考评材料"
ALLOWED_EXTENSIONS = ("pdf", "doc", "docx", "xls", "xlsx", "ppt", "pptx", "jpg", "jpeg", "png", "txt")
SNIFF_BYTES = 8192
OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
# The folder an Office Open XML package of each extension holds.
OOXML_FOLDERS = {"docx": "word/", "xlsx": "xl/", "pptx": "ppt/"}


def max_bytes() -> int:
    return int(getattr(settings, "ASSESSMENTS_ATTACHMENT_MAX_BYTES", DEFAULT_MAX_BYTES))


def _refuse() -> ValidationError:
    return ValidationError(
        {
            "attachment": _(
                "Attach a PDF, Word, Excel, PowerPoint, JPG, PNG or plain text file; this file is not one."
            )
        }
    )


def _is_text(head: bytes) -> bool:
    if b"\x00" in head:
        return False
    for encoding in ("utf-8", "gb18030"):
        try:
            codecs.getincrementaldecoder(encoding)().decode(head, final=False)
        except UnicodeDecodeError:
            continue
        return True
    return False


def _looks_like(extension: str, upload, head: bytes) -> bool:
    if extension == "pdf":
        return head.startswith(b"%PDF-")
    if extension in ("doc", "xls", "ppt"):
        return head.startswith(OLE2)
    if extension in OOXML_FOLDERS:
        if not head.startswith(b"PK\x03\x04"):
            return False
        try:
            upload.seek(0)
            with zipfile.ZipFile(upload) as package:  # reads the central directory only
                names = package.namelist()
        except (zipfile.BadZipFile, OSError, ValueError):
            return False
        folder = OOXML_FOLDERS[extension]
        return "[Content_Types].xml" in names and any(n.startswith(folder) for n in names)
    if extension in ("jpg", "jpeg"):
        return head.startswith(b"\xff\xd8\xff")
    if extension == "png":
        return head.startswith(b"\x89PNG\r\n\x1a\n")
    if extension == "txt":
        return _is_text(head)
    return False


def check_upload(upload) -> str:
    """The upload's clean file name, or a ValidationError (Chinese for the user) naming why not."""
    size = getattr(upload, "size", None) or 0
    if size <= 0:
        raise ValidationError({"attachment": _("The attached file is empty.")})
    if size > max_bytes():
        raise ValidationError(
            {
                "attachment": _("The file is %(size)s; attachments may be at most %(max)s.")
                % {"size": filesizeformat(size), "max": filesizeformat(max_bytes())}
            }
        )
    name = os.path.basename(normalise(upload.name or "").replace("\\", "/")).strip()
    stem, dot, extension = name.rpartition(".")
    extension = extension.lower()
    if not dot or not stem or extension not in ALLOWED_EXTENSIONS:
        raise _refuse()
    upload.seek(0)
    head = upload.read(SNIFF_BYTES)
    ok = _looks_like(extension, upload, head)
    upload.seek(0)
    if not ok:
        raise _refuse()
    return name


def collection() -> Collection:
    """The attachments' own collection under the root (made on first use)."""
    root = Collection.get_first_root_node()
    if root is None:
        root = Collection.add_root(name="Root")
    found = root.get_children().filter(name=COLLECTION_NAME).first()
    return found or root.add_child(instance=Collection(name=COLLECTION_NAME))


def store(upload, *, name: str, title: str, actor):
    """Save a checked upload as a document in the attachments' collection; the caller deletes
    the file again if its transaction fails (the row rolls back with it, the file does not)."""
    document = get_document_model()(title=title[:255], collection=collection(), uploaded_by_user=actor)
    document.file.save(name, upload, save=False)
    document.file_size = upload.size
    upload.seek(0)
    document._set_file_hash()
    document.save()
    return document


def discard(document) -> None:
    """Remove a stored file whose row was rolled back (no orphan file left in storage)."""
    if document is not None and document.file:
        document.file.delete(save=False)


class SizeLimitHandler(FileUploadHandler):
    """First upload handler of a submission form: a file past the size limit is skipped while it
    streams in (never written to a temporary file) and the request remembers it was too large."""

    def __init__(self, request=None, limit: int | None = None):
        super().__init__(request)
        self.limit = max_bytes() if limit is None else limit
        self.received = 0

    def new_file(self, *args, **kwargs) -> None:
        super().new_file(*args, **kwargs)
        self.received = 0

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes:
        self.received += len(raw_data)
        if self.received > self.limit:
            self.request.attachment_too_large = True
            raise SkipFile
        return raw_data

    def file_complete(self, file_size: int) -> None:
        return None


def too_large() -> ValidationError:
    return ValidationError(
        {"attachment": _("Attachments may be at most %(max)s.") % {"max": filesizeformat(max_bytes())}}
    )

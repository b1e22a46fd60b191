"""Builders shared by the awards, attachments and rating-question tests."""

from __future__ import annotations

import io
import zipfile

from django.core.files.uploadedfile import SimpleUploadedFile

from assessments.models import AssessmentCycle, Phase

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32
JPG = b"\xff\xd8\xff\xe0" + b"\x00" * 32
OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 64


def ooxml(folder: str = "word/") -> bytes:
    """A minimal Office Open XML package (docx: word/, xlsx: xl/, pptx: ppt/)."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as package:
        package.writestr("[Content_Types].xml", "<Types/>")
        package.writestr(f"{folder}document.xml", "<document/>")
    return out.getvalue()


def upload(name: str = "调研报告.pdf", content: bytes = PDF) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content)


def move(cycle: AssessmentCycle, phase: str, **fields) -> AssessmentCycle:
    AssessmentCycle.objects.filter(pk=cycle.pk).update(phase=phase, **fields)
    cycle.refresh_from_db()
    return cycle


__all__ = ["JPG", "OLE2", "PDF", "PNG", "Phase", "move", "ooxml", "upload"]

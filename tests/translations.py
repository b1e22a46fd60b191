"""The Chinese of a msgid: from the zh-hans catalogue, or a pending fragment not merged yet."""

from __future__ import annotations

from functools import cache
from pathlib import Path

import polib
from django.conf import settings


@cache
def chinese(fragment: str) -> dict[str, str]:
    found: dict[str, str] = {}
    for path in (
        Path(settings.BASE_DIR) / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po",
        Path(settings.BASE_DIR) / "locale" / "pending" / f"{fragment}.po",
    ):
        if path.exists():
            for entry in polib.pofile(str(path)):
                if entry.msgstr:
                    found.setdefault(entry.msgid, entry.msgstr)
    return found

"""The assessment's refusals read in Chinese in the zh-hans catalogue."""

from __future__ import annotations

from pathlib import Path

import polib
import pytest
from django.conf import settings

EXPECTED = {
    "The indicators' weights add up to %(sum)s points, not the cycle's total of %(total)s.": (
        "%(sum)s",
        "权重",
    ),
    "%(phase)s (%(day)s) is before %(previous)s (%(before)s).": ("早于",),
    "This street already has an assessment cycle for that year.": ("当年已有考评",),
    "Objections are accepted only during the public notice.": ("公示期内",),
    "An objection is still unanswered.": ("异议",),
    "Give the reason for moving the cycle by hand.": ("原因",),
    "Only the street's post-holders manage its assessment.": ("街道",),
}


def _translations() -> dict[str, str]:
    found: dict[str, str] = {}
    path = Path(settings.BASE_DIR) / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"
    for entry in polib.pofile(str(path)):
        if entry.msgstr:
            found.setdefault(entry.msgid, entry.msgstr)
    return found


@pytest.mark.parametrize("msgid", sorted(EXPECTED))
def test_refusal_reads_in_chinese(msgid):
    text = _translations().get(msgid, "")
    assert all(part in text for part in EXPECTED[msgid]), (msgid, text)

"""The assessment's refusals read in Chinese (the pending fragment until the lead merges it), and
the fragment is a valid catalogue whose translations keep every placeholder."""

from __future__ import annotations

import re
from pathlib import Path

import polib
import pytest
from django.conf import settings

PENDING = Path(settings.BASE_DIR) / "locale" / "pending" / "assess-core.po"

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
    for path in (Path(settings.BASE_DIR) / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po", PENDING):
        if path.exists():
            for entry in polib.pofile(str(path)):
                if entry.msgstr:
                    found.setdefault(entry.msgid, entry.msgstr)
    return found


@pytest.mark.parametrize("msgid", sorted(EXPECTED))
def test_refusal_reads_in_chinese(msgid):
    text = _translations().get(msgid, "")
    assert all(part in text for part in EXPECTED[msgid]), (msgid, text)


def test_the_pending_fragment_is_complete_and_keeps_placeholders():
    entries = polib.pofile(str(PENDING))
    assert entries.percent_translated() == 100
    for entry in entries:
        assert sorted(re.findall(r"%\(\w+\)[sd]", entry.msgid)) == sorted(
            re.findall(r"%\(\w+\)[sd]", entry.msgstr)
        ), entry.msgid

"""The refusals say in Chinese what the issue asks for. Until the lead merges the fragment
locale/pending/volunteer.po into the catalogue, the Chinese is looked up there; afterwards in the
catalogue itself."""

from __future__ import annotations

from pathlib import Path

import polib
import pytest
from django.conf import settings

EXPECTED = {
    "The activity is full: you are number %(position)d on the waiting list.": (
        "已满",
        "候补第%(position)d位",
    ),
    "Sign-up for this activity has closed.": ("报名已截止",),
    "You are not eligible: this activity is for party members of %(organisation)s.": ("不符合报名条件",),
    "You are not eligible: this activity is for party members.": ("不符合报名条件",),
    "You are not eligible: register as a volunteer first.": ("不符合报名条件",),
    "This clashes with an activity you signed up for at the same time: %(title)s (%(time)s).": (
        "与您已报名的同一时间的活动冲突",
    ),
    "It is past the cancellation cut-off (%(time)s); please tell the organiser.": ("已过取消截止时间",),
    "This confirmation link is not valid.": ("链接无效",),
    "That check-in code is not the code of this activity.": ("签到码",),
}


def _translations() -> dict[str, str]:
    found: dict[str, str] = {}
    for path in (
        Path(settings.BASE_DIR) / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po",
        Path(settings.BASE_DIR) / "locale" / "pending" / "volunteer.po",
    ):
        if path.exists():
            for entry in polib.pofile(str(path)):
                if entry.msgstr:
                    found.setdefault(entry.msgid, entry.msgstr)
    return found


@pytest.mark.parametrize("msgid", sorted(EXPECTED))
def test_refusal_reads_in_chinese(msgid):
    text = _translations().get(msgid, "")
    assert all(part in text for part in EXPECTED[msgid]), (msgid, text)

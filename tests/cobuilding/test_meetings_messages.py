"""The joint-meeting refusals and the overdue notice read in Chinese: looked up in the
catalogue, or in the fragment locale/pending/meetings.po until the lead merges it."""

from __future__ import annotations

from pathlib import Path

import polib
import pytest
from django.conf import settings

EXPECTED = {
    "Write what was decided.": "议定事项",
    "The due date cannot be before the meeting.": "不能早于会议日期",
    "A decision cannot be done before the meeting.": "不能早于会议日期",
    "The date it was done cannot be in the future.": "不能晚于今天",
    "Choose one owner: a person or a unit taking part.": "责任方",
    "The owning unit must take part in the meeting.": "参会单位",
    "Only the community or the decision's owner marks it done.": "标记完成",
    "This decision is already done.": "已经完成",
    "Only units with an agreement in force with this community take part.": "共建协议",
    "Joint meeting decision overdue (due %(date)s): %(text)s": "已逾期",
    "Co-building joint meeting": "共建联席会议",
}


def _translations() -> dict[str, str]:
    found: dict[str, str] = {}
    for path in (
        Path(settings.BASE_DIR) / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po",
        Path(settings.BASE_DIR) / "locale" / "pending" / "meetings.po",
    ):
        if path.exists():
            for entry in polib.pofile(str(path)):
                if entry.msgstr:
                    found.setdefault(entry.msgid, entry.msgstr)
    return found


@pytest.mark.parametrize("msgid", sorted(EXPECTED))
def test_reads_in_chinese(msgid):
    assert EXPECTED[msgid] in _translations().get(msgid, ""), msgid

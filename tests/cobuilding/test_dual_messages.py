"""Every msgid of the dual reporting pages and invitations reads in Chinese: in the catalogue, or,
until the lead merges it, in the fragments locale/pending/dual.po and meetings.po (the
invitation's fuller wording)."""

from __future__ import annotations

import re
from pathlib import Path

import polib
from django.conf import settings

BASE = Path(settings.BASE_DIR)
SOURCES = (
    "cobuilding/dual.py",
    "cobuilding/views_dual.py",
    "templates/cobuilding/dual/index.html",
    "templates/cobuilding/dual/community.html",
    "templates/cobuilding/dual/home.html",
)


def _translations() -> dict[str, str]:
    found: dict[str, str] = {}
    for path in (
        BASE / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po",
        BASE / "locale" / "pending" / "dual.po",
        BASE / "locale" / "pending" / "meetings.po",
    ):
        if path.exists():
            for entry in polib.pofile(str(path)):
                if entry.msgstr:
                    found.setdefault(entry.msgid, entry.msgstr)
    return found


def _msgids() -> set[str]:
    ids: set[str] = set()
    for name in SOURCES:
        text = (BASE / name).read_text()
        # Python: _("...") with implicit concatenation of adjacent literals.
        for call in re.findall(r'_\(\s*((?:"(?:[^"\\]|\\.)*"\s*)+)', text):
            ids.add("".join(re.findall(r'"((?:[^"\\]|\\.)*)"', call)))
        ids.update(re.findall(r'\{% translate "([^"]*)"', text))
        ids.update(re.findall(r"\{% translate '([^']*)'", text))
        for body in re.findall(r"\{% blocktranslate[^%]*%\}(.*?)\{% endblocktranslate %\}", text, re.S):
            ids.add(re.sub(r"\{\{ (\w+) \}\}", r"%(\1)s", body))
    return ids


def test_every_msgid_has_a_chinese_translation():
    translations = _translations()
    ids = _msgids()
    assert len(ids) > 30
    missing = sorted(i for i in ids if i not in translations)
    assert not missing


def test_the_invitation_reads_in_chinese():
    text = _translations()["Invitation from %(community)s: %(title)s on %(date)s"]
    assert "邀请" in text and "%(title)s" in text

"""The zh-hans catalogue is complete and compiled: every user-facing string has its Chinese."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import polib
import pytest
from django.utils import translation

ROOT = Path(__file__).resolve().parents[2]
PO = ROOT / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"
MO = PO.with_suffix(".mo")


def test_every_message_is_translated_and_none_is_fuzzy():
    catalogue = polib.pofile(str(PO))
    assert catalogue.untranslated_entries() == []
    assert catalogue.fuzzy_entries() == []
    assert len(catalogue.translated_entries()) > 100


def test_compiled_catalogue_matches_the_source():
    source = {
        (e.msgctxt, e.msgid): e.msgstr
        for e in polib.pofile(str(PO)).translated_entries()
        if not e.msgid_plural
    }
    compiled = {(e.msgctxt, e.msgid): e.msgstr for e in polib.mofile(str(MO)) if not e.msgid_plural}
    assert source == compiled, "run `make messages` to recompile locale/zh_Hans/LC_MESSAGES/django.mo"


def test_catalogue_is_used_for_a_user_facing_string():
    from orgchart.models import OrgKind

    with translation.override("zh-hans"):
        assert str(OrgKind.STREET.label) == "街道党工委"


@pytest.mark.skipif(shutil.which("xgettext") is None, reason="GNU gettext's xgettext is not installed")
def test_no_user_facing_string_is_missing_from_the_catalogue(tmp_path):
    """makemessages over a copy of the sources finds no msgid the catalogue lacks."""
    copy = tmp_path / "src"
    ignore = shutil.ignore_patterns(".venv", "var", ".git", "node_modules", "test-artifacts", "__pycache__")
    shutil.copytree(ROOT, copy, ignore=ignore)
    subprocess.run(
        [sys.executable, "manage.py", "makemessages", "-l", "zh_Hans", "--ignore=tests/*", "--no-obsolete"],
        cwd=copy,
        check=True,
        capture_output=True,
    )
    fresh = polib.pofile(str(copy / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"))
    # A new msgid close to an old one comes out fuzzy, carrying the old one's Chinese (a new
    # "You checked in at %(time)s." got 签到时间): missing too, not translated.
    missing = sorted((e.msgctxt or "", e.msgid) for e in fresh.untranslated_entries() + fresh.fuzzy_entries())
    assert missing == []

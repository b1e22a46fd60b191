"""A translation fragment awaiting the lead's merge (locale/pending/<name>.po), read for a test.

Until the fragment is merged into locale/zh_Hans, its Chinese is not in the compiled catalogue;
`pending_catalogue(name)` puts it in front of the active zh-hans catalogue for the test's
duration, so the same assertions on Chinese hold before the merge and after it (once merged and
removed, the fragment is not found and the catalogue answers alone).
"""

from __future__ import annotations

import gettext
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from django.conf import settings
from django.utils.translation import trans_real


def pending_path(name: str) -> Path:
    return Path(settings.BASE_DIR) / "locale" / "pending" / f"{name}.po"


@contextmanager
def pending_catalogue(name: str) -> Iterator[None]:
    path = pending_path(name)
    if not path.exists():
        yield
        return
    import polib

    with tempfile.TemporaryDirectory() as tmp:
        compiled = Path(tmp) / f"{name}.mo"
        polib.pofile(str(path)).save_as_mofile(str(compiled))
        with compiled.open("rb") as handle:
            pending = gettext.GNUTranslations(handle)
    trans_real.translation(settings.LANGUAGE_CODE).merge(pending)
    try:
        yield
    finally:
        # The merged catalogue is cached per process: drop it, as Django does when settings change.
        trans_real._translations = {}
        trans_real._default = None
        trans_real._active = trans_real.Local()

"""The site (sections for every organisation) the evidence tests publish pages in."""

from __future__ import annotations

import pytest

from portal.site import ensure_site


@pytest.fixture
def site(street):
    return ensure_site(street["street"])


@pytest.fixture(autouse=True)
def _english():
    """The evidence's sentences are asserted by their msgids (the catalogue test checks each has
    its Chinese; tests/assessments/test_messages.py reads a few)."""
    from django.utils import translation

    with translation.override("en"):
        yield

"""The site (sections for every organisation) the evidence tests publish pages in."""

from __future__ import annotations

import pytest

from portal.site import ensure_site


@pytest.fixture
def site(street):
    return ensure_site(street["street"])

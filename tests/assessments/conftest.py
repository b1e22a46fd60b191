"""Fixtures of the assessment tests: the shared street and roles, and a cycle of that street."""

from __future__ import annotations

import pytest

from tests.factories.assessments import make_cycle


@pytest.fixture
def cycle(street):
    """The street's 2026 cycle, in draft, with the default indicators."""
    return make_cycle(street["street"], 2026)

"""Fixtures of the residents tests."""

from __future__ import annotations

import pytest

from tests.factories.orgchart import make_post_holder


@pytest.fixture
def community2_secretary(street):
    return make_post_holder(street["community2"], "shequ2", branch=street["branch2"])

"""Inbox fixtures: people to notify, some with an e-mail address, some without."""

from __future__ import annotations

import pytest

from tests.factories.orgchart import UserFactory


def make_people(count: int, *, with_email_every: int = 2, prefix: str = "p") -> list:
    """`count` users; every `with_email_every`-th one (from the first) has an e-mail address."""
    return [
        UserFactory(
            username=f"{prefix}{i}",
            email=f"{prefix}{i}@example.com" if i % with_email_every == 0 else "",
        )
        for i in range(count)
    ]


@pytest.fixture
def people(db):
    """Ten users, five of them (p0, p2, …) with an e-mail address."""
    return make_people(10)

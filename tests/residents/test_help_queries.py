"""Lists and figures take the same number of queries at 1× and 10× the requests."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from residents import services_help as services
from residents.figures_help import help_figures
from tests.residents.help_support import file, make_catalogue


def _fill(street, cat, roles, n: int) -> None:
    for i in range(n):
        r, _c = file(street, cat["meals"] if i % 2 else cat["bath"])
        if i % 3:
            services.accept(r, actor=roles["community_secretary"])
        if i % 3 == 2:
            services.close(r, "已办结。", actor=roles["community_secretary"])
        file(street, cat["jobs"], address="黄河路3号")
        file(street, cat["legal"], address="淮海路1号")


def _count(fn) -> int:
    with CaptureQueriesContext(connection) as queries:
        fn()
    return len(queries)


@pytest.mark.parametrize(
    "url, role",
    [
        ("/residents/help/", "street_secretary"),
        ("/residents/help/", "community_secretary"),
        ("/residents/help/figures/", "street_secretary"),
        ("/residents/help/figures/export/", "street_secretary"),
        ("/api/residents/help-requests/", "street_secretary"),
    ],
)
def test_pages_take_constant_queries(client, street, roles, url, role):
    cat = make_catalogue(street)
    client.force_login(roles[role])
    _fill(street, cat, roles, 1)
    client.get(url)  # warm the session and caches
    small = _count(lambda: client.get(url))
    _fill(street, cat, roles, 9)
    large = _count(lambda: client.get(url))
    assert small == large, (url, small, large)


def test_figures_take_three_queries(street, roles):
    cat = make_catalogue(street)
    _fill(street, cat, roles, 10)
    with CaptureQueriesContext(connection) as queries:
        figures = help_figures(street["street"])
    assert len(queries) == 3
    assert figures.total == 30

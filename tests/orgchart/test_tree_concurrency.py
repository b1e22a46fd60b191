"""Tree writes survive concurrency: 100 mixed writes at once, none fails, the tree stays sound.

Stock treebeard on PostgreSQL fails about 40 of 90 such writes (duplicate paths, deadlocks) and
leaves numchild wrong; services.run_tree_write serialises them with an advisory lock and retries.
"""

from __future__ import annotations

import random
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection, connections

from orgchart import services
from orgchart.models import Organisation, OrgKind
from tests.factories.orgchart import make_org

pytestmark = pytest.mark.django_db(transaction=True)

WRITES = 100
THREADS = 10


def _build_base() -> dict[str, list[Organisation]]:
    street = make_org(None, OrgKind.STREET, name="并发街道", code="C-JD")
    communities = [make_org(street, OrgKind.COMMUNITY, code=f"C-SQ{i}") for i in range(4)]
    branches = [
        make_org(c, OrgKind.BRANCH, code=f"C-ZB{i}{j}") for i, c in enumerate(communities) for j in range(2)
    ]
    return {"street": [street], "communities": communities, "branches": branches}


def _operation(n: int, base: dict[str, list[Organisation]]):
    rnd = random.Random(n)
    choice = n % 4
    if choice == 0:
        return lambda: services.create_organisation(
            parent=None, name=f"新街道{n}", kind=OrgKind.STREET, code=f"R{n}"
        )
    if choice == 1:
        return lambda: services.create_organisation(
            parent=base["street"][0], name=f"新社区{n}", kind=OrgKind.COMMUNITY, code=f"S{n}"
        )
    if choice == 2:
        parent = rnd.choice(base["communities"])
        return lambda: services.create_organisation(
            parent=parent, name=f"新支部{n}", kind=OrgKind.BRANCH, code=f"B{n}"
        )
    branch, target = rnd.choice(base["branches"]), rnd.choice(base["communities"])
    return lambda: services.move_organisation(branch, target)


def test_hundred_concurrent_mixed_tree_writes_all_succeed_and_leave_a_sound_tree():
    base = _build_base()
    operations = [_operation(n, base) for n in range(WRITES)]
    barrier = threading.Barrier(THREADS)
    errors: list[BaseException] = []

    def worker(chunk):
        try:
            barrier.wait(timeout=30)
            for op in chunk:
                try:
                    op()
                except BaseException as exc:  # noqa: BLE001 — every failure is what we count
                    errors.append(exc)
        finally:
            connections.close_all()

    chunks = [operations[i::THREADS] for i in range(THREADS)]
    with ThreadPoolExecutor(THREADS) as pool:
        list(pool.map(worker, chunks))

    assert errors == []
    assert Organisation.find_problems() == ([], [], [], [], [])
    roots = Organisation.get_root_nodes().count()
    assert roots == 1 + len([n for n in range(WRITES) if n % 4 == 0])
    street = Organisation.objects.get(code="C-JD")
    assert (
        street.numchild == street.get_children().count() == 4 + len([n for n in range(WRITES) if n % 4 == 1])
    )
    expected_branches = len(base["branches"]) + len([n for n in range(WRITES) if n % 4 == 2])
    assert Organisation.objects.filter(kind=OrgKind.BRANCH).count() == expected_branches
    for community in Organisation.objects.filter(kind=OrgKind.COMMUNITY):
        assert community.numchild == community.get_children().count()


def test_the_tree_lock_is_an_advisory_lock_on_postgresql():
    if connection.vendor != "postgresql":
        pytest.skip("advisory locks exist only on PostgreSQL; SQLite serialises writers itself")
    street = make_org(None, OrgKind.STREET, code="L-JD")
    seen = {}

    def write():
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT count(*) FROM pg_locks"
                " WHERE locktype = 'advisory' AND objid = %s AND pid = pg_backend_pid()",
                [services.TREE_LOCK_KEY],
            )
            seen["locks"] = cursor.fetchone()[0]
        return street

    services.run_tree_write(write)
    assert seen["locks"] == 1

"""Shared fixtures: a small street, and users in every role of the access rule."""

from __future__ import annotations

import pytest

from orgchart.models import OrgKind
from tests.factories.orgchart import MemberFactory, UserFactory, make_org, make_post_holder

pytest_plugins = ["tests.celery_worker"]


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    """API throttling counts requests in the cache, which outlives a test's database: start
    every test with none counted (django-axes counts in the database, rolled back anyway)."""
    from django.core.cache import cache

    cache.clear()
    yield


@pytest.fixture
def street(db):
    """A street with two communities, each with a branch and a group, and a union."""
    root = make_org(None, OrgKind.STREET, name="测试街道党工委", code="JD")
    tree = {"street": root}
    for i in (1, 2):
        community = make_org(root, OrgKind.COMMUNITY, name=f"第{i}社区党委", code=f"SQ{i}")
        branch = make_org(community, OrgKind.BRANCH, name=f"第{i}社区第一党支部", code=f"SQ{i}-ZB1")
        group = make_org(branch, OrgKind.GROUP, name=f"第{i}社区第一党小组", code=f"SQ{i}-ZB1-XZ1")
        tree[f"community{i}"] = community
        tree[f"branch{i}"] = branch
        tree[f"group{i}"] = group
    tree["union"] = make_org(root, OrgKind.UNION, name="街道总工会", code="GH")
    return tree


@pytest.fixture
def roles(street):
    """Users by role: street secretary, community-1 secretary, a plain member of community 1,
    a user with no member record, and a superuser."""
    street_sec = make_post_holder(street["street"], "jiedao", branch=street["branch1"])
    community_sec = make_post_holder(street["community1"], "shequ", branch=street["branch1"])
    member_user = UserFactory(username="dangyuan")
    own = MemberFactory(organisation=street["branch1"], user=member_user, name="普通党员")
    other = MemberFactory(organisation=street["branch2"], name="二社区党员")
    outsider = UserFactory(username="outsider")
    admin = UserFactory(username="admin", is_superuser=True, is_staff=True)
    return {
        "street_secretary": street_sec,
        "community_secretary": community_sec,
        "member": member_user,
        "own_member": own,
        "other_member": other,
        "outsider": outsider,
        "superuser": admin,
    }


@pytest.fixture(autouse=True)
def _empty_cache():
    """Each test starts with an empty cache: figures and pages cached by an earlier test's rows
    (whose ids a rolled-back database hands out again) must not answer for this one's."""
    from django.core.cache import cache

    cache.clear()
    yield


def _transactional(item) -> bool:
    marker = item.get_closest_marker("django_db")
    if marker is not None and (marker.kwargs.get("transaction") or (marker.args and marker.args[0])):
        return True
    return bool({"transactional_db", "live_server", "celery_worker"} & set(getattr(item, "fixturenames", ())))


def _serialized(item) -> bool:
    marker = item.get_closest_marker("django_db")
    return marker is not None and bool(marker.kwargs.get("serialized_rollback"))


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(items) -> None:
    """Serialized-rollback tests (the browser tests) run first among the transactional ones.

    A plain transactional test ends with a flush that re-creates the content types (post_migrate)
    under new ids; a serialized-rollback test after it restores its snapshot on top and collides
    (UNIQUE constraint failed: django_content_type). pytest-django has already put the
    non-transactional tests first; this keeps its order otherwise."""
    serialized = [item for item in items if _serialized(item)]
    if not serialized:
        return
    rest = [item for item in items if not _serialized(item)]
    at = next((i for i, item in enumerate(rest) if _transactional(item)), len(rest))
    items[:] = [*rest[:at], *serialized, *rest[at:]]

"""The inbox API under /api/inbox/: my notifications only, the unread count, marking read."""

from __future__ import annotations

import pytest
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from inbox.models import Notification
from tests.factories.orgchart import UserFactory
from tests.inbox.test_pages import note

pytestmark = pytest.mark.django_db


@pytest.fixture
def alice(db):
    return UserFactory(username="alice")


@pytest.fixture
def bob(db):
    return UserFactory(username="bob")


@pytest.fixture
def api(alice) -> APIClient:
    client = APIClient()
    client.force_login(alice)
    return client


def test_the_list_is_mine_newest_first_and_paginated(api, alice, bob):
    note(alice, 1, read=True)
    note(alice, 2, url="/notices/2/")
    note(bob, 3)

    body = api.get("/api/inbox/").json()

    assert body["count"] == 2
    first, second = body["results"]
    assert first["cause_key"] == "notice:2" and first["kind"] == "notice" and first["is_read"] is False
    assert first["url"] == "/notices/2/" and second["is_read"] is True


def test_the_list_filters_unread_and_refuses_a_bad_filter(api, alice):
    note(alice, 1, read=True)
    note(alice, 2)

    assert [n["cause_key"] for n in api.get("/api/inbox/", {"unread": "true"}).json()["results"]] == [
        "notice:2"
    ]
    bad = api.get("/api/inbox/", {"unread": "maybe"})
    assert bad.status_code == 400 and "unread" in bad.json()


def test_a_link_that_is_not_local_is_never_handed_out(api, alice):
    note(alice, 1, url="https://evil.example.com/")
    assert api.get("/api/inbox/").json()["results"][0]["url"] == ""


def test_unread_count_and_mark_read(api, alice):
    one = note(alice, 1)
    note(alice, 2)

    assert api.get("/api/inbox/unread-count/").json() == {"unread": 2}
    response = api.post(f"/api/inbox/{one.pk}/read/")
    assert response.status_code == 200 and response.json()["is_read"] is True
    assert api.get("/api/inbox/unread-count/").json() == {"unread": 1}
    assert api.post("/api/inbox/read-all/").json() == {"marked": 1}
    assert api.get("/api/inbox/unread-count/").json() == {"unread": 0}


def test_another_users_notification_is_404(api, bob):
    theirs = note(bob, 1)

    assert api.get(f"/api/inbox/{theirs.pk}/").status_code == 404
    assert api.post(f"/api/inbox/{theirs.pk}/read/").status_code == 404
    assert api.post("/api/inbox/read-all/").json() == {"marked": 0}
    assert Notification.objects.get(pk=theirs.pk).read_at is None


def test_token_authentication_works_and_anonymous_gets_401(alice):
    note(alice, 1)
    token = Token.objects.create(user=alice)
    client = APIClient()

    assert client.get("/api/inbox/").status_code == 401
    assert client.get("/api/inbox/unread-count/").status_code == 401
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    assert client.get("/api/inbox/unread-count/").json() == {"unread": 1}


def test_the_list_costs_the_same_queries_for_many_notifications(api, alice, django_assert_max_num_queries):
    for n in range(40):
        note(alice, n)
    # session + user, count, page
    with django_assert_max_num_queries(4):
        assert len(api.get("/api/inbox/").json()["results"]) == 40

"""The inbox pages and the header's unread count."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import timezone

from inbox.models import Notification
from tests.factories.orgchart import UserFactory

pytestmark = pytest.mark.django_db


def note(user, n: int, *, url: str = "", read: bool = False, **fields) -> Notification:
    return Notification.objects.create(
        recipient=user,
        cause_key=f"notice:{n}",
        title=fields.pop("title", f"第{n}号通知"),
        summary=fields.pop("summary", "请按时参加。"),
        url=url,
        read_at=timezone.now() if read else None,
        **fields,
    )


@pytest.fixture
def alice(db):
    return UserFactory(username="alice", email="alice@example.com")


@pytest.fixture
def bob(db):
    return UserFactory(username="bob")


def test_the_inbox_lists_my_notifications_newest_first_with_unread_marked(client, alice, bob):
    note(alice, 1, read=True, title="旧的通知")
    note(alice, 2, title="新的通知")
    note(bob, 3, title="别人的通知")
    client.force_login(alice)

    page = client.get(reverse("inbox:inbox")).content.decode()

    assert page.index("新的通知") < page.index("旧的通知")
    assert "别人的通知" not in page
    assert page.count("is-unread") == 1
    assert 'data-testid="mark-all-read"' in page


def test_the_inbox_is_paginated(client, alice):
    for n in range(25):
        note(alice, n)
    client.force_login(alice)

    first = client.get(reverse("inbox:inbox")).content.decode()
    second = client.get(reverse("inbox:inbox"), {"page": 2}).content.decode()

    assert first.count('data-testid="notification"') == 20
    assert second.count('data-testid="notification"') == 5
    assert client.get(reverse("inbox:inbox"), {"page": "abc"}).status_code == 200


def test_the_inbox_page_needs_a_login(client):
    response = client.get(reverse("inbox:inbox"))
    assert response.status_code == 302 and "/accounts/login/" in response.url


def test_opening_a_notification_marks_it_read_and_goes_to_its_page(client, alice):
    n = note(alice, 1, url="/notices/1/?from=inbox#top")
    client.force_login(alice)

    response = client.get(reverse("inbox:open", args=[n.pk]))

    assert response.status_code == 302 and response.url == "/notices/1/?from=inbox#top"
    n.refresh_from_db()
    assert n.read_at is not None


@pytest.mark.parametrize(
    "url",
    [
        "https://evil.example.com/login",
        "//evil.example.com/",
        "///evil.example.com/",
        "/\\evil.example.com/",
        "\\\\evil.example.com",
        "/\t/evil.example.com",
        "javascript:alert(1)",
        "http:/evil.example.com",
        "evil.example.com",
    ],
)
def test_opening_never_redirects_off_the_site(client, alice, url):
    # notify() refuses such links; a row written some other way still must not redirect away:
    # the notification opens on its own page instead.
    n = note(alice, 1, url=url)
    client.force_login(alice)

    response = client.get(reverse("inbox:open", args=[n.pk]))

    assert response.status_code == 302 and response.url == reverse("inbox:detail", args=[n.pk])
    n.refresh_from_db()
    assert n.read_at is not None


def test_a_notification_without_a_link_opens_its_own_page(client, alice):
    n = note(alice, 1, title="学习资料已更新", summary="第二季度学习资料已上传。")
    client.force_login(alice)

    response = client.get(reverse("inbox:open", args=[n.pk]), follow=True)

    assert response.status_code == 200
    assert "第二季度学习资料已上传" in response.content.decode()


def test_someone_elses_notification_is_404_on_every_page(client, alice, bob):
    n = note(bob, 1, url="/notices/1/")
    client.force_login(alice)

    assert client.get(reverse("inbox:open", args=[n.pk])).status_code == 404
    assert client.get(reverse("inbox:detail", args=[n.pk])).status_code == 404
    n.refresh_from_db()
    assert n.read_at is None


def test_mark_all_read_marks_only_mine_and_needs_post(client, alice, bob):
    for n in range(3):
        note(alice, n)
    note(bob, 9)
    client.force_login(alice)

    assert client.get(reverse("inbox:mark_all_read")).status_code == 405
    response = client.post(reverse("inbox:mark_all_read"), follow=True)

    assert response.status_code == 200
    assert not Notification.objects.filter(recipient=alice, read_at__isnull=True).exists()
    assert Notification.objects.filter(recipient=bob, read_at__isnull=True).count() == 1
    assert "3" in response.content.decode()


def test_the_header_shows_my_unread_count(client, alice, bob):
    note(alice, 1)
    note(alice, 2)
    note(alice, 3, read=True)
    note(bob, 4)
    client.force_login(alice)

    page = client.get(reverse("inbox:inbox")).content.decode()

    assert 'data-testid="header-inbox"' in page
    assert '<span class="header-badge" data-testid="unread-count">2</span>' in page


def test_the_header_has_no_badge_when_all_is_read(client, alice):
    note(alice, 1, read=True)
    client.force_login(alice)

    page = client.get(reverse("inbox:inbox")).content.decode()

    assert 'data-testid="header-inbox"' in page and 'data-testid="unread-count"' not in page


def test_the_unread_count_costs_one_query_and_none_for_anonymous(rf, alice, django_assert_num_queries):
    from django.contrib.auth.models import AnonymousUser
    from django.template import Context, Template

    template = Template("{% load inbox_tags %}{% inbox_unread_count as n %}{{ n }}")
    note(alice, 1)
    request = rf.get("/")
    request.user = alice
    with django_assert_num_queries(1):
        assert template.render(Context({"request": request})) == "1"
        assert template.render(Context({"request": request})) == "1"  # cached for the request
    request.user = AnonymousUser()
    with django_assert_num_queries(0):
        assert template.render(Context({"request": request})) == "0"


def test_anonymous_visitors_see_no_inbox_link(client, db):
    page = client.get(reverse("login")).content.decode()
    assert 'data-testid="header-inbox"' not in page


def test_the_inbox_page_costs_the_same_queries_for_few_or_many(client, alice, django_assert_num_queries):
    client.force_login(alice)
    note(alice, 0)
    client.get(reverse("inbox:inbox"))  # warm Wagtail's site lookup

    def count() -> int:
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as captured:
            assert client.get(reverse("inbox:inbox")).status_code == 200
        return len(captured.captured_queries)

    few = count()
    for n in range(1, 40):
        note(alice, n)
    assert count() == few

"""The public side of a recurring series: the activity page of an occurrence says it is one of a
series ("本活动为系列活动：每周六 09:00") and links to the series page, which lists the coming
occurrences; both are seen under the activities' visibility rule (others: 404, no line).
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth.models import AnonymousUser
from django.urls import reverse
from django.utils import timezone

from activities import series as series_rules
from activities.access import visible_series
from activities.models import Activity, ActivityKind, ActivityState, Eligibility, MeetingType
from volunteers import services

pytestmark = pytest.mark.django_db


def _series(organiser, **overrides):
    values = {
        "kind": ActivityKind.VOLUNTEER_SERVICE,
        "title": "社区环境整治志愿服务",
        "place": "社区广场",
        "start_time": dt.time(9, 0),
        "duration_minutes": 120,
        "capacity": 5,
        "eligibility": Eligibility.ANYONE,
        "rule": "FREQ=WEEKLY;BYDAY=SA",
        "starts_on": timezone.localdate(),
    }
    values.update(overrides)
    return series_rules.create_series(actor=None, organiser=organiser, **values)


def _first(series) -> Activity:
    return Activity.objects.filter(series=series).order_by("starts_at").first()


def test_occurrence_page_says_it_is_one_of_a_series_and_links_to_it(client, street):
    series = _series(street["community1"])
    page = client.get(reverse("volunteers:activity", args=[_first(series).pk]))
    assert page.status_code == 200
    body = page.content.decode()
    assert "本活动为系列活动：每周六 09:00" in body
    assert reverse("volunteers:series", args=[series.pk]) in body


def test_a_one_off_activity_has_no_series_line(client, street):
    from tests.factories.volunteers import make_activity

    activity = make_activity(street["community1"])
    assert (
        'data-testid="series-line"'
        not in client.get(reverse("volunteers:activity", args=[activity.pk])).content.decode()
    )


def test_series_page_lists_its_coming_occurrences_with_places_taken(client, street, people):
    series = _series(street["community1"], rule="FREQ=MONTHLY;BYDAY=1SA", start_time=dt.time(14, 30))
    first = _first(series)
    services.sign_up(first, actor=people["m1"])
    page = client.get(reverse("volunteers:series", args=[series.pk]))
    assert page.status_code == 200
    assert page.context["rule_words"] == "每月第一个周六 14:30"
    listed = [activity for activity, _count in page.context["rows"]]
    assert listed == list(Activity.objects.filter(series=series).order_by("starts_at"))
    assert page.context["rows"][0][1]["held"] == 1
    body = page.content.decode()
    assert reverse("volunteers:activity", args=[first.pk]) in body


def test_series_page_leaves_out_past_and_lists_cancelled_occurrences_as_such(client, street):
    series = _series(street["community1"])
    first = _first(series)
    Activity.objects.filter(pk=first.pk).update(
        starts_at=timezone.now() - dt.timedelta(days=7),
        ends_at=timezone.now() - dt.timedelta(days=7, hours=-2),
    )
    second = Activity.objects.filter(series=series).order_by("starts_at")[1]
    services.cancel_activity(second, actor=None)
    rows = client.get(reverse("volunteers:series", args=[series.pk])).context["rows"]
    assert first.pk not in [a.pk for a, _c in rows]
    assert next(a for a, _c in rows if a.pk == second.pk).state == ActivityState.CANCELLED


def test_a_branchs_organisation_life_series_is_404_to_the_public_and_to_other_communities(
    client, street, people, roles
):
    meetings = _series(
        street["branch1"],
        kind=ActivityKind.ORGANISATION_LIFE,
        meeting_type=MeetingType.THEME_DAY,
        eligibility=Eligibility.SUBTREE,
        title="主题党日",
        rule="FREQ=MONTHLY;BYDAY=1SA",
    )
    url = reverse("volunteers:series", args=[meetings.pk])
    occurrence_url = reverse("volunteers:activity", args=[_first(meetings).pk])
    assert client.get(url).status_code == 404
    assert client.get(occurrence_url).status_code == 404
    client.force_login(people["other_community"])
    assert client.get(url).status_code == 404
    client.force_login(people["m1"])  # a member of that branch
    assert client.get(url).status_code == 200
    assert "本活动为系列活动" in client.get(occurrence_url).content.decode()
    client.force_login(roles["community_secretary"])
    page = client.get(url)
    assert page.status_code == 200 and page.context["can_manage"]


def test_a_members_series_is_seen_signed_in_only(client, street, people):
    series = _series(street["community1"], eligibility=Eligibility.MEMBERS)
    assert client.get(reverse("volunteers:series", args=[series.pk])).status_code == 404
    client.force_login(people["volunteer"])
    assert client.get(reverse("volunteers:series", args=[series.pk])).status_code == 200


def test_an_older_occurrence_of_a_series_now_closed_to_the_public_does_not_link_to_it(client, street, roles):
    from volunteers.series import update_series

    series = _series(street["community1"])
    first = _first(series)
    Activity.objects.filter(pk=first.pk).update(state=ActivityState.DONE)  # history stays public
    update_series(None, series, eligibility=Eligibility.SUBTREE)
    body = client.get(reverse("volunteers:activity", args=[first.pk])).content.decode()
    assert 'data-testid="series-line"' not in body
    assert client.get(reverse("volunteers:series", args=[series.pk])).status_code == 404


def test_visible_series_follows_the_activities_rule_for_each_reader(street, people, roles):
    public = _series(street["community1"], title="公开")
    members = _series(street["community1"], title="党员", eligibility=Eligibility.MEMBERS)
    subtree = _series(street["community1"], title="一社区", eligibility=Eligibility.SUBTREE)
    life = _series(
        street["branch1"], title="支部", kind=ActivityKind.ORGANISATION_LIFE, eligibility=Eligibility.SUBTREE
    )

    def seen(user):
        return set(visible_series(user).values_list("title", flat=True))

    assert seen(AnonymousUser()) == {public.title}
    assert seen(people["volunteer"]) == {public.title, members.title}
    assert seen(people["other_community"]) == {public.title, members.title, subtree.title}
    assert seen(people["m1"]) == {public.title, members.title, subtree.title, life.title}
    assert seen(roles["community_secretary"]) == {public.title, members.title, subtree.title, life.title}


def test_series_page_query_count_does_not_grow_with_its_occurrences(
    client, street, django_assert_num_queries
):
    weekly = _series(street["community1"])
    daily = _series(street["community1"], title="每日", rule="FREQ=DAILY")
    assert Activity.objects.filter(series=daily).count() > 4 * Activity.objects.filter(series=weekly).count()
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.get(reverse("volunteers:series", args=[weekly.pk]))  # the site and its menus cached
    with CaptureQueriesContext(connection) as first:
        assert client.get(reverse("volunteers:series", args=[weekly.pk])).status_code == 200
    assert len(first) <= 5
    with django_assert_num_queries(len(first)):
        assert client.get(reverse("volunteers:series", args=[daily.pk])).status_code == 200

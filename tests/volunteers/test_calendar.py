"""Calendars: the ICS feeds (per organisation, public; per person, behind a secret URL that can be
reset), the month page, and "my calendar" in the JSON API."""

from __future__ import annotations

import datetime as dt

import icalendar
import pytest
from django.test import Client
from django.utils import timezone
from rest_framework.test import APIClient

from activities.models import Activity, ActivityKind, ActivityState, Eligibility
from tests.factories.volunteers import make_activity
from volunteers import services
from volunteers.calendars import tokens
from volunteers.models import CalendarToken, SignUpStatus

E = Eligibility
LIFE = ActivityKind.ORGANISATION_LIFE

pytestmark = pytest.mark.django_db


def client_for(user) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def api_for(user) -> APIClient:
    client = APIClient()
    if user is not None:
        client.force_authenticate(user)
    return client


def org_feed_url(org) -> str:
    return f"/activities/calendar/organisations/{org.pk}.ics"


def feed_path(user) -> str:
    return f"/activities/calendar/feed/{tokens.feed_token(actor=user)}.ics"


def parse(response) -> icalendar.Calendar:
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    return icalendar.Calendar.from_ical(response.content)


def events(cal: icalendar.Calendar) -> dict[str, icalendar.Event]:
    return {str(e["UID"]): e for e in cal.walk("VEVENT")}


def assert_rfc5545_lines(content: bytes) -> None:
    """Every content line ends in CRLF and is at most 75 octets (folding keeps UTF-8 whole)."""
    assert content.endswith(b"\r\n")
    lines = content.split(b"\r\n")[:-1]
    assert lines and all(len(line) <= 75 for line in lines), max(lines, key=len)
    assert not any(b"\n" in line or b"\r" in line for line in lines)
    for line in lines:
        line.decode("utf-8")  # a fold never splits a character


# The organisation feed -------------------------------------------------------------------------


def test_organisation_feed_is_valid_rfc5545_with_chinese_text(street):
    long_description = "请自带手套和垃圾袋，" * 20
    activity = make_activity(street["community1"], title="社区环境整治志愿服务", description=long_description)
    response = Client().get(org_feed_url(street["community1"]))
    assert_rfc5545_lines(response.content)
    cal = parse(response)
    assert cal["VERSION"] == "2.0" and cal["PRODID"] and cal["CALSCALE"] == "GREGORIAN"
    assert "第1社区党委" in str(cal["X-WR-CALNAME"])
    assert cal["X-WR-TIMEZONE"] == "Asia/Shanghai"
    assert [tz["TZID"] for tz in cal.walk("VTIMEZONE")] == ["Asia/Shanghai"]
    # Beijing keeps no summer time: one +0800 block, the same in every fetch.
    assert [c.decoded("TZOFFSETTO") for c in cal.walk("STANDARD")] == [dt.timedelta(hours=8)]
    assert not cal.walk("DAYLIGHT")
    event = events(cal)[f"activity-{activity.pk}@127.0.0.1"]
    assert str(event["SUMMARY"]) == "社区环境整治志愿服务"
    assert str(event["LOCATION"]) == "社区活动中心"
    activity.refresh_from_db()  # the description as stored (NFKC-normalised by the service)
    assert len(activity.description) == 200 and activity.description in str(event["DESCRIPTION"])
    assert str(event["URL"]).endswith(f"/activities/{activity.pk}/")
    assert event["STATUS"] == "CONFIRMED"
    assert event.decoded("DTSTART") == activity.starts_at.replace(microsecond=0)
    assert event.decoded("DTEND") == activity.ends_at.replace(microsecond=0)
    assert event["DTSTART"].params["TZID"] == "Asia/Shanghai"
    assert event.decoded("DTSTAMP") == event.decoded("LAST-MODIFIED") and int(event["SEQUENCE"]) > 0
    assert "METHOD" not in cal  # a subscription, not an iTIP message


def test_organisation_feed_has_its_subtree_and_the_organisations_above_not_a_siblings(street):
    own = make_activity(street["branch1"], title="支部公开活动", eligibility=E.ANYONE)
    above = make_activity(street["street"], title="街道公开活动", eligibility=E.ANYONE)
    own_members_only = make_activity(street["branch1"], title="支部党员活动", eligibility=E.SUBTREE)
    above_members_only = make_activity(street["street"], title="街道党员活动", eligibility=E.MEMBERS)
    meeting = make_activity(
        street["branch1"],
        title="支委会",
        kind=LIFE,
        eligibility=E.SUBTREE,
    )
    other_open = make_activity(street["community2"], title="二社区公开活动", eligibility=E.ANYONE)
    draft = make_activity(street["community1"], title="草稿", open_now=False)
    uids = set(events(parse(Client().get(org_feed_url(street["community1"])))))
    assert {f"activity-{own.pk}@127.0.0.1", f"activity-{above.pk}@127.0.0.1"} == uids
    # The public feed publishes what anyone may join: never members-only activities, never when
    # and where a branch meets, never a sibling's or a draft.
    for absent in (own_members_only, above_members_only, meeting, other_open, draft):
        assert f"activity-{absent.pk}@127.0.0.1" not in uids


def test_organisation_feed_covers_60_days_back_to_180_days_ahead(street):
    recent = make_activity(street["community1"], starts_at=timezone.now() - dt.timedelta(days=50))
    old = make_activity(street["community1"], starts_at=timezone.now() - dt.timedelta(days=70))
    far = make_activity(street["community1"], starts_in=dt.timedelta(days=200))
    uids = set(events(parse(Client().get(org_feed_url(street["community1"])))))
    assert f"activity-{recent.pk}@127.0.0.1" in uids
    assert not {f"activity-{old.pk}@127.0.0.1", f"activity-{far.pk}@127.0.0.1"} & uids


def test_cancelled_activity_stays_in_the_feed_as_cancelled_with_a_higher_sequence(street, roles):
    activity = make_activity(street["community1"])
    # As if the activity was last changed five minutes ago (SEQUENCE counts seconds).
    Activity.objects.filter(pk=activity.pk).update(updated_at=activity.updated_at - dt.timedelta(minutes=5))
    before = events(parse(Client().get(org_feed_url(street["community1"]))))[
        f"activity-{activity.pk}@127.0.0.1"
    ]
    activity.refresh_from_db()
    services.cancel_activity(activity, actor=roles["community_secretary"], reason="天气原因")
    after = events(parse(Client().get(org_feed_url(street["community1"]))))[
        f"activity-{activity.pk}@127.0.0.1"
    ]
    assert after["STATUS"] == "CANCELLED"
    assert int(after["SEQUENCE"]) > int(before["SEQUENCE"])
    assert after["UID"] == before["UID"]


def test_unknown_organisation_feed_is_a_404(street):
    assert Client().get("/activities/calendar/organisations/999999.ics").status_code == 404


def _grow(org, n: int) -> None:
    for i in range(n):
        make_activity(org, title=f"活动{i}", starts_in=dt.timedelta(days=2 + i))


def test_organisation_feed_query_count_does_not_grow_with_activities(street, django_assert_num_queries):
    _grow(street["community1"], 1)
    client = Client()
    url = org_feed_url(street["community1"])
    client.get(url)  # warm Wagtail's site look-up (redirect middleware), cached from then on
    # the organisation, the activities with their organisers
    with django_assert_num_queries(2):
        assert len(parse(client.get(url)).walk("VEVENT")) == 1
    _grow(street["branch1"], 9)
    with django_assert_num_queries(2):
        assert len(parse(client.get(url)).walk("VEVENT")) == 10


# The personal feed -----------------------------------------------------------------------------


def test_personal_feed_maps_sign_up_statuses(street, people):
    confirmed = make_activity(street["community1"], title="已确认的活动")
    full = make_activity(street["community1"], title="候补的活动", capacity=1, starts_in=dt.timedelta(days=4))
    dropped = make_activity(street["community1"], title="取消报名的活动", starts_in=dt.timedelta(days=5))
    services.sign_up(confirmed, actor=people["m1"])
    services.sign_up(full, actor=people["m2"])
    services.sign_up(full, actor=people["m1"])  # waiting
    services.cancel_signup(services.sign_up(dropped, actor=people["m1"]), actor=people["m1"])
    response = Client().get(feed_path(people["m1"]))
    assert_rfc5545_lines(response.content)
    assert "no-store" in response["Cache-Control"]
    found = events(parse(response))
    status = {uid: e["STATUS"] for uid, e in found.items()}
    assert status == {
        f"activity-{confirmed.pk}-signup@127.0.0.1": "CONFIRMED",
        f"activity-{full.pk}-signup@127.0.0.1": "TENTATIVE",
        f"activity-{dropped.pk}-signup@127.0.0.1": "CANCELLED",
    }
    assert "已确认的活动" in {str(e["SUMMARY"]) for e in found.values()}


def test_signing_up_again_after_cancelling_shows_the_live_sign_up(street, people):
    activity = make_activity(street["community1"])
    services.cancel_signup(services.sign_up(activity, actor=people["m1"]), actor=people["m1"])
    services.sign_up(activity, actor=people["m1"])
    found = events(parse(Client().get(feed_path(people["m1"]))))
    assert [e["STATUS"] for e in found.values()] == ["CONFIRMED"]


def test_cancelled_activity_is_cancelled_in_the_personal_feed(street, people, roles):
    activity = make_activity(street["community1"])
    services.sign_up(activity, actor=people["m1"])
    services.cancel_activity(activity, actor=roles["community_secretary"])
    (event,) = events(parse(Client().get(feed_path(people["m1"])))).values()
    assert event["STATUS"] == "CANCELLED"


def test_someone_elses_sign_ups_are_not_in_my_feed(street, people):
    mine = make_activity(street["community1"], title="我的活动")
    theirs = make_activity(street["community1"], title="别人的活动", starts_in=dt.timedelta(days=4))
    services.sign_up(mine, actor=people["m1"])
    services.sign_up(theirs, actor=people["m2"])
    uids = set(events(parse(Client().get(feed_path(people["m1"])))))
    assert uids == {f"activity-{mine.pk}-signup@127.0.0.1"}


@pytest.mark.parametrize(
    "token",
    ["wrong", "A" * tokens.TOKEN_LENGTH, "x" * 200],
)
def test_wrong_token_is_a_404(street, people, token):
    tokens.feed_token(actor=people["m1"])
    assert Client().get(f"/activities/calendar/feed/{token}.ics").status_code == 404


def test_reset_makes_the_old_url_a_404_at_once(street, people):
    old = feed_path(people["m1"])
    assert Client().get(old).status_code == 200
    response = client_for(people["m1"]).post("/activities/calendar/mine/reset/")
    assert response.status_code == 302
    assert Client().get(old).status_code == 404
    new = feed_path(people["m1"])
    assert new != old and Client().get(new).status_code == 200


def test_reset_needs_post_and_a_login(street, people):
    old = feed_path(people["m1"])
    assert client_for(people["m1"]).get("/activities/calendar/mine/reset/").status_code == 405
    assert Client().post("/activities/calendar/mine/reset/").status_code == 302  # to the login page
    assert Client().get(old).status_code == 200


def test_token_is_stored_only_as_a_keyed_hash(street, people):
    token = tokens.feed_token(actor=people["m1"])
    row = CalendarToken.objects.get(user=people["m1"])
    stored = f"{row.nonce} {row.token_hash}"
    assert token not in stored
    assert tokens.feed_token(actor=people["m1"]) == token  # shown again, the same
    assert CalendarToken.objects.count() == 1


def test_feed_of_a_deactivated_login_is_a_404(street, people):
    url = feed_path(people["m1"])
    people["m1"].is_active = False
    people["m1"].save()
    assert Client().get(url).status_code == 404


def test_feed_of_a_member_who_left_the_street_is_a_404(street, people):
    url = feed_path(people["m1"])
    member = people["m1"].member
    member.left_on = timezone.localdate()
    member.save()
    assert Client().get(url).status_code == 404


def test_personal_feed_query_count_does_not_grow_with_sign_ups(street, people, django_assert_num_queries):
    services.sign_up(make_activity(street["community1"]), actor=people["m1"])
    url = feed_path(people["m1"])
    Client().get(url)  # warm Wagtail's site look-up (redirect middleware), cached from then on
    # the token with its user, the sign-ups with their activities and organisers
    with django_assert_num_queries(2):
        assert len(parse(Client().get(url)).walk("VEVENT")) == 1
    for i in range(9):
        services.sign_up(
            make_activity(street["community1"], starts_in=dt.timedelta(days=5 + i)), actor=people["m1"]
        )
    with django_assert_num_queries(2):
        assert len(parse(Client().get(url)).walk("VEVENT")) == 10


def test_my_calendar_page_shows_the_secret_url_and_is_not_stored(street, people):
    response = client_for(people["m1"]).get("/activities/calendar/mine/")
    assert response.status_code == 200
    assert tokens.feed_token(actor=people["m1"]) in response.content.decode()
    assert "no-store" in response["Cache-Control"]
    assert client_for(None).get("/activities/calendar/mine/").status_code == 302


def test_my_service_links_to_the_calendar_feed(street, people):
    assert "/activities/calendar/mine/" in client_for(people["m1"]).get("/activities/mine/").content.decode()


# The month page --------------------------------------------------------------------------------


def _at(year: int, month: int, day: int, hour: int = 9) -> dt.datetime:
    return timezone.make_aware(dt.datetime(year, month, day, hour))


def test_month_page_shows_the_months_activities_linked(street):
    start = _at(2030, 3, 14)
    inside = make_activity(street["community1"], title="三月活动", starts_at=start)
    make_activity(street["community1"], title="四月活动", starts_at=_at(2030, 4, 2))
    response = Client().get("/activities/calendar/", {"month": "2030-03"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "三月活动" in html and "四月活动" not in html
    assert f'href="/activities/{inside.pk}/"' in html
    assert "month=2030-02" in html and "month=2030-04" in html


def test_month_navigation_crosses_the_year_and_keeps_the_filters(street):
    response = Client().get(
        "/activities/calendar/", {"month": "2030-12", "kind": ActivityKind.RESEARCH_VISIT}
    )
    assert response.context["next_url"] == "?kind=research_visit&month=2031-01"
    assert response.context["previous_url"] == "?kind=research_visit&month=2030-11"


def test_month_page_filters_by_organisation_and_kind(street):
    mine = make_activity(
        street["community1"], title="一社区走访", kind=ActivityKind.RESEARCH_VISIT, starts_at=_at(2030, 3, 5)
    )
    make_activity(
        street["community2"], title="二社区走访", kind=ActivityKind.RESEARCH_VISIT, starts_at=_at(2030, 3, 6)
    )
    make_activity(street["community1"], title="一社区服务", starts_at=_at(2030, 3, 7))
    response = Client().get(
        "/activities/calendar/",
        {"month": "2030-03", "organisation": street["community1"].pk, "kind": ActivityKind.RESEARCH_VISIT},
    )
    html = response.content.decode()
    assert "一社区走访" in html and "二社区走访" not in html and "一社区服务" not in html
    assert f"/activities/calendar/organisations/{street['community1'].pk}.ics" in html
    assert mine.pk


def test_month_page_hides_drafts_from_visitors_and_shows_them_to_managers(street, roles):
    make_activity(street["community1"], title="草稿活动", open_now=False, starts_at=_at(2030, 3, 5))
    assert "草稿活动" not in Client().get("/activities/calendar/", {"month": "2030-03"}).content.decode()
    manager = client_for(roles["community_secretary"])
    assert "草稿活动" in manager.get("/activities/calendar/", {"month": "2030-03"}).content.decode()


@pytest.mark.parametrize("month", ["2030-13", "abc", "1999-01", "2030-1-1", "9999999999-01", "2030-00"])
def test_bad_month_is_a_clear_message_not_an_error(street, month):
    response = Client().get("/activities/calendar/", {"month": month})
    assert response.status_code == 400
    (message,) = response.context["form"].errors["month"]
    assert message in response.content.decode()
    assert response.context["year"] == timezone.localdate().year


def test_empty_month_says_so(street):
    make_activity(street["community1"], starts_at=_at(2030, 4, 1))
    response = Client().get("/activities/calendar/", {"month": "2030-03"})
    assert 'data-testid="calendar-empty"' in response.content.decode()
    response = Client().get("/activities/calendar/", {"month": "2030-04"})
    assert 'data-testid="calendar-empty"' not in response.content.decode()


def test_month_page_without_parameters_is_this_month(street):
    response = Client().get("/activities/calendar/")
    today = timezone.localdate()
    assert response.status_code == 200
    assert (response.context["year"], response.context["month"]) == (today.year, today.month)


def test_month_page_query_count_does_not_grow_with_activities(street, django_assert_num_queries):
    make_activity(street["community1"], starts_at=_at(2030, 3, 1))
    client = Client()
    client.get("/activities/calendar/", {"month": "2030-03"})  # warm Wagtail's site look-up
    with django_assert_num_queries(2) as first:  # the activities, the organisations of the filter
        client.get("/activities/calendar/", {"month": "2030-03"})
    for day in range(2, 11):
        make_activity(street["branch1"], starts_at=_at(2030, 3, day))
    with django_assert_num_queries(len(first)):
        html = client.get("/activities/calendar/", {"month": "2030-03"}).content.decode()
    assert html.count('data-testid="calendar-activity"') == 10


def test_activity_list_links_to_the_calendar(street):
    assert 'href="/activities/calendar/"' in Client().get("/activities/").content.decode()


# The API ---------------------------------------------------------------------------------------


def test_api_my_calendar_lists_my_sign_ups_in_the_range(street, people):
    soon = make_activity(street["community1"], title="近期活动")
    later = make_activity(street["community1"], title="远期活动", starts_in=dt.timedelta(days=60))
    services.sign_up(soon, actor=people["m1"])
    services.sign_up(later, actor=people["m1"])
    services.sign_up(make_activity(street["community1"], starts_in=dt.timedelta(days=4)), actor=people["m2"])
    rows = api_for(people["m1"]).get("/api/me/calendar/").json()
    assert [row["activity"] for row in rows] == [soon.pk]
    assert rows[0]["calendar_status"] == "CONFIRMED" and rows[0]["starts_at"] and rows[0]["place"]
    today = timezone.localdate()
    rows = (
        api_for(people["m1"])
        .get(
            "/api/me/calendar/",
            {"from": today.isoformat(), "to": (today + dt.timedelta(days=90)).isoformat()},
        )
        .json()
    )
    assert [row["activity"] for row in rows] == [soon.pk, later.pk]


@pytest.mark.parametrize(
    "query",
    [{"from": "2030-02-01", "to": "2030-01-01"}, {"from": "2030-01-01", "to": "2031-06-01"}, {"from": "x"}],
)
def test_api_my_calendar_bad_range_is_a_400(street, people, query):
    response = api_for(people["m1"]).get("/api/me/calendar/", query)
    assert response.status_code == 400


def test_api_my_calendar_needs_a_login(street):
    assert api_for(None).get("/api/me/calendar/").status_code in (401, 403)
    assert api_for(None).get("/api/me/calendar-feed/").status_code in (401, 403)
    assert api_for(None).post("/api/me/calendar-feed/reset/").status_code in (401, 403)


def test_api_feed_url_and_reset(street, people):
    client = api_for(people["m1"])
    first = client.get("/api/me/calendar-feed/").json()
    assert first["url"].startswith("http://testserver/activities/calendar/feed/")
    assert first["webcal_url"].startswith("webcal://testserver/")
    assert client.get("/api/me/calendar-feed/").json() == first
    path = first["url"].removeprefix("http://testserver")
    assert Client().get(path).status_code == 200
    reset = client.post("/api/me/calendar-feed/reset/")
    assert reset.status_code == 200 and reset.json()["url"] != first["url"]
    assert Client().get(path).status_code == 404
    assert Client().get(reset.json()["url"].removeprefix("http://testserver")).status_code == 200


def test_api_my_calendar_query_count_does_not_grow(street, people, django_assert_num_queries):
    client = api_for(people["m1"])
    services.sign_up(make_activity(street["community1"]), actor=people["m1"])
    with django_assert_num_queries(1):
        assert len(client.get("/api/me/calendar/").json()) == 1
    for i in range(9):
        services.sign_up(
            make_activity(street["community1"], starts_in=dt.timedelta(days=4 + i)), actor=people["m1"]
        )
    with django_assert_num_queries(1):
        assert len(client.get("/api/me/calendar/").json()) == 10


def test_waiting_sign_up_is_tentative_in_the_api(street, people):
    activity = make_activity(street["community1"], capacity=1)
    services.sign_up(activity, actor=people["m2"])
    assert services.sign_up(activity, actor=people["m1"]).status == SignUpStatus.WAITING
    (row,) = api_for(people["m1"]).get("/api/me/calendar/").json()
    assert row["calendar_status"] == "TENTATIVE" and row["activity_state"] == ActivityState.OPEN


def test_feed_names_are_chinese_with_their_placeholders_kept():
    from django.utils import translation

    with translation.override("zh-hans"):
        name = translation.gettext("%(organisation)s · Volunteer service")
        cancelled = translation.gettext("[Cancelled] %(title)s")
    assert "志愿服务" in name and "%(organisation)s" in name
    assert cancelled.startswith("【已取消】") and "%(title)s" in cancelled

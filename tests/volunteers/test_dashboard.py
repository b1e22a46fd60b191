"""The volunteer-service dashboard of a subtree: who may read it, its figures against hand-built
data (months in Asia/Shanghai time), refused filters, the Excel export, and a query count that
does not grow with the data."""

from __future__ import annotations

import datetime as dt
import zoneinfo
from decimal import Decimal
from io import BytesIO

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils.translation import gettext as _
from openpyxl import load_workbook

from activities.models import Activity, ActivityKind, ActivityState
from tests.factories.orgchart import MemberFactory, UserFactory, make_post_holder
from tests.factories.volunteers import make_activity
from volunteers.dashboard import dashboard, dashboard_charts
from volunteers.models import SignUp, SignUpStatus, Team

pytestmark = pytest.mark.django_db

SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")
START, END = dt.date(2025, 1, 1), dt.date(2025, 3, 31)
RANGE = {"start": "2025-01-01", "end": "2025-03-31"}
URL = "/activities/dashboard/"
EXPORT_URL = "/activities/dashboard/export.xlsx"


def _at(*args) -> dt.datetime:
    return dt.datetime(*args, tzinfo=SHANGHAI)


def _held(
    organiser, starts_at: dt.datetime, hours: float, *, kind=ActivityKind.VOLUNTEER_SERVICE, state=None
):
    activity = make_activity(organiser, starts_at=starts_at, hours=hours, kind=kind, open_now=False)
    Activity.objects.filter(pk=activity.pk).update(state=state or ActivityState.DONE)
    return activity


def _signups(activity, present=(), absent=(), booked=(), hours: str | None = None) -> None:
    """Present people credited (the activity's length, or `hours`), absent ones no-shows, booked
    ones confirmed on an activity not completed."""
    credited = Decimal(hours) if hours is not None else activity.length_hours
    rows = [
        SignUp(
            activity=activity,
            person=user,
            status=SignUpStatus.CONFIRMED,
            queued_at=activity.starts_at,
            checked_in_at=activity.starts_at if user in present else None,
            hours=credited if user in present else Decimal("0"),
            no_show=user in absent,
        )
        for user in (*present, *absent, *booked)
    ]
    SignUp.objects.bulk_create(rows)


@pytest.fixture
def data(street, people):
    """Hand-built figures, 2025-01-01 to 2025-03-31 (see each activity's comment)."""
    m1, m2, m3, m4, m5, m6 = (people[f"m{i}"] for i in range(1, 7))
    volunteer = people["volunteer"]
    team1 = Team.objects.create(organisation=street["community1"], name="一社区党员志愿服务队")
    team2 = Team.objects.create(organisation=street["community2"], name="二社区便民服务队")
    # 31 January 23:30 in Shanghai: January (15:30 UTC, still January in UTC too).
    a1 = _held(street["community1"], _at(2025, 1, 31, 23, 30), 2)
    _signups(a1, present=(m1, m2), absent=(m3,))
    team1.activities.add(a1)
    # 1 February 00:30 in Shanghai is 31 January 16:30 UTC: February by local time, two teams.
    a2 = _held(street["branch2"], _at(2025, 2, 1, 0, 30), 3, kind=ActivityKind.PIONEER)
    _signups(a2, present=(m1, volunteer))
    team1.activities.add(a2)
    team2.activities.add(a2)
    # Organised by the street itself, no team, hours adjusted to 1.5.
    a3 = _held(street["street"], _at(2025, 2, 15, 9), 2, kind=ActivityKind.LARGE_EVENT)
    _signups(a3, present=(m4,), hours="1.5")
    # Closed, not completed: two sign-ups, nothing held.
    a4 = _held(street["community1"], _at(2025, 3, 20, 9), 2, state=ActivityState.CLOSED)
    _signups(a4, booked=(m5, m6))
    # 1 January 00:10 in Shanghai is 31 December 2024 in UTC: in the range, in January.
    a5 = _held(street["community2"], _at(2025, 1, 1, 0, 10), 1, kind=ActivityKind.HOME_STUDY)
    _signups(a5, present=(m5,))
    # Outside the range: 31 December 23:00 in Shanghai, 1 April 00:30 in Shanghai; and cancelled.
    for starts_at in (_at(2024, 12, 31, 23), _at(2025, 4, 1, 0, 30)):
        _signups(_held(street["community1"], starts_at, 2), present=(m1, m2))
    cancelled = _held(street["community1"], _at(2025, 3, 3, 9), 2, state=ActivityState.CANCELLED)
    SignUp.objects.create(activity=cancelled, person=m6, status=SignUpStatus.CANCELLED)
    return {"team1": team1, "team2": team2, "people": people}


def _get(client, user, url=URL, **params):
    client.force_login(user)
    return client.get(url, params)


# Who may read it ------------------------------------------------------------------------------


def test_anonymous_is_sent_to_sign_in(client, street):
    response = client.get(URL)
    assert response.status_code == 302 and reverse("login") in response["Location"]
    assert client.get(EXPORT_URL).status_code == 302


@pytest.mark.parametrize("who", ["member", "volunteer", "outsider"])
def test_people_who_manage_nothing_are_refused(client, people, roles, who):
    user = people.get(who) or roles[who]
    assert _get(client, user).status_code == 403
    assert _get(client, user, EXPORT_URL).status_code == 403


def test_a_team_leader_who_manages_no_organisation_is_refused(client, street, people):
    team = Team.objects.create(organisation=street["community1"], name="队")
    team.leaders.add(people["m1"])
    assert _get(client, people["m1"]).status_code == 403


def test_branch_secretary_sees_their_branch_and_not_a_sibling_or_parent(client, street, data):
    secretary = make_post_holder(street["branch2"], "zhibu2")
    response = _get(client, secretary, **RANGE)
    assert response.status_code == 200
    board = response.context["board"]
    assert board.root == street["branch2"] and board.total.hours == Decimal("6.00")
    assert [org for org, _label in response.context["picker"]] == [street["branch2"], street["group2"]]
    for forged in (street["branch1"], street["community2"], street["street"]):
        refused = _get(client, secretary, org=forged.pk, **RANGE)
        assert refused.status_code == 400 and "board" not in refused.context
        assert _("Choose an organisation you manage.") in refused.content.decode()
        assert _get(client, secretary, EXPORT_URL, org=forged.pk, **RANGE).status_code == 400
    assert _get(client, secretary, org=street["group2"].pk).status_code == 200


def test_community_secretary_defaults_to_their_community(client, street, roles, data):
    response = _get(client, roles["community_secretary"], **RANGE)
    assert response.context["board"].root == street["community1"]
    assert response.context["board"].total.hours == Decimal("4.00")
    assert _get(client, roles["community_secretary"], org=street["community2"].pk).status_code == 400


def test_street_secretary_sees_the_street_and_any_organisation_in_it(client, street, roles, data):
    response = _get(client, roles["street_secretary"], **RANGE)
    assert response.status_code == 200 and response.context["board"].root == street["street"]
    picked = [org for org, _label in response.context["picker"]]
    assert picked == [street["street"], street["community1"], street["community2"], street["union"]]
    other = _get(client, roles["street_secretary"], org=street["community2"].pk, **RANGE)
    assert other.context["board"].total.hours == Decimal("7.00")
    deeper = _get(client, roles["street_secretary"], org=street["group1"].pk)
    assert deeper.status_code == 200 and street["group1"] in [o for o, _l in deeper.context["picker"]]


def test_superuser_sees_the_first_street(client, street, roles):
    assert _get(client, roles["superuser"]).context["board"].root == street["street"]


# Figures --------------------------------------------------------------------------------------


def test_totals_of_the_street(street, data):
    total = dashboard(street["street"], START, END).total
    assert total.hours == Decimal("12.50")  # 2×2 + 2×3 + 1.5 + 1
    assert total.activities == 4  # done: the closed and the cancelled ones are not held
    assert total.signups == 9  # places on activities not cancelled, the closed one's included
    assert (total.attendances, total.no_shows) == (6, 1)
    assert total.participants == 5  # m1, m2, the volunteer, m4, m5
    assert total.attendance_rate == pytest.approx(6 / 7)


def test_months_are_local_time_across_the_boundary(street, data):
    board = dashboard(street["street"], START, END)
    by_month = {p.label: p for p in board.periods}
    assert list(by_month) == ["2025-01", "2025-02", "2025-03"]
    january, february, march = by_month.values()
    assert (january.hours, january.activities, january.participants) == (Decimal("5.00"), 2, 3)
    assert (january.attendances, january.no_shows, january.signups) == (3, 1, 4)
    assert (february.hours, february.activities, february.participants) == (Decimal("7.50"), 2, 3)
    assert (march.hours, march.activities, march.signups, march.participants) == (Decimal("0.00"), 0, 2, 0)


def test_weeks_start_on_monday(street, data):
    board = dashboard(street["street"], dt.date(2025, 1, 27), dt.date(2025, 2, 9), "week")
    assert [(p.label, p.hours) for p in board.periods] == [
        ("2025-01-27", Decimal("10.00")),  # 31 January and 1 February (local) are the same week
        ("2025-02-03", Decimal("0.00")),
    ]


def test_figures_by_kind(street, data):
    kinds = {
        k.kind: (k.hours, k.activities, k.attendances) for k in dashboard(street["street"], START, END).kinds
    }
    assert kinds == {
        ActivityKind.VOLUNTEER_SERVICE: (Decimal("4.00"), 1, 2),
        ActivityKind.PIONEER: (Decimal("6.00"), 1, 2),
        ActivityKind.HOME_STUDY: (Decimal("1.00"), 1, 1),
        ActivityKind.LARGE_EVENT: (Decimal("1.50"), 1, 1),
    }


def test_figures_by_team_count_an_activity_of_two_teams_for_both(street, data):
    teams = [(t.team_id, t.hours, t.participants) for t in dashboard(street["street"], START, END).teams]
    assert teams == [
        (data["team1"].pk, Decimal("10.00"), 3),
        (data["team2"].pk, Decimal("6.00"), 2),
        (None, Decimal("2.50"), 2),  # no team: the street's event and the home study
    ]


def test_organisations_below_by_hours_then_the_roots_own(street, data):
    rows = [(r.organisation, r.hours, r.own) for r in dashboard(street["street"], START, END).organisations]
    assert rows == [
        (street["community2"], Decimal("7.00"), False),
        (street["community1"], Decimal("4.00"), False),
        (street["union"], Decimal("0.00"), False),
        (street["street"], Decimal("1.50"), True),
    ]


def test_the_dashboards_hours_are_the_hours_by_organisation(street, data):
    from volunteers import queries

    for org in (street["street"], street["community1"], street["community2"], street["branch2"]):
        expected = queries.hours_by_organisation([org], START, END)[org.pk]
        assert dashboard(org, START, END).total.hours == expected


def test_an_empty_subtree_has_zero_figures_and_empty_charts(street):
    board = dashboard(street["union"], START, END)
    assert board.total.hours == 0 and board.total.attendance_rate is None
    assert [p.hours for p in board.periods] == [0, 0, 0] and not board.kinds and not board.teams
    charts = dashboard_charts(board)
    assert charts.hours.is_empty and charts.kinds.is_empty


def test_page_shows_figures_and_charts_with_tables(client, street, roles, data):
    response = _get(client, roles["street_secretary"], **RANGE)
    html = response.content.decode()
    assert html.count('data-testid="column-chart"') == 3 and html.count('data-testid="bar-chart"') == 3
    assert html.count("<table") >= 3 + 3  # each column chart's table, kinds, teams, organisations
    assert "12.5" in html and "一社区党员志愿服务队" in html
    assert 'style="' not in html.split('data-testid="dashboard"')[1]  # attributes only: CSP-proof
    charts = response.context["charts"]
    assert [c.display for c in charts.hours.columns] == ["5", "7.5", "0"]
    link = charts.organisations.bars[0].url  # a bar leads to that organisation's dashboard
    assert f"org={street['community2'].pk}" in link and "start=2025-01-01" in link


# Refused filters ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"start": "2025-13-01"}, "Give dates as YYYY-MM-DD, e.g. 2026-03-01."),
        ({"end": "yesterday"}, "Give dates as YYYY-MM-DD, e.g. 2026-03-01."),
        ({"start": "2025-02-30"}, "Give dates as YYYY-MM-DD, e.g. 2026-03-01."),
        ({"start": "2025-03-01", "end": "2025-02-01"}, "The end date is before the start date."),
        ({"start": "2019-01-01", "end": "2025-01-01"}, "The range can be at most %(years)s years."),
        (
            {"start": "2024-01-01", "end": "2025-03-01", "by": "week"},
            "By week, the range can be at most one year.",
        ),
        ({"by": "year"}, "Show figures by month or by week."),
        ({"start": "0001-01-01", "end": "0001-12-31"}, "Dates run from %(first)s to %(last)s."),
        ({"end": "9999-12-31"}, "Dates run from %(first)s to %(last)s."),
        ({"org": "abc"}, "Choose an organisation you manage."),
        ({"org": "-1"}, "Choose an organisation you manage."),
        ({"org": "99999999"}, "Choose an organisation you manage."),
        ({"org": "99999999999999999999999"}, "Choose an organisation you manage."),
        ({"org": "١٢"}, "Choose an organisation you manage."),
    ],
)
def test_bad_filters_say_why_and_show_no_figures(client, street, roles, params, message):
    response = _get(client, roles["street_secretary"], **params)
    assert response.status_code == 400 and "board" not in response.context
    expected = _(message).split("%(")[0]
    assert expected in response.content.decode()
    assert _get(client, roles["street_secretary"], EXPORT_URL, **params).status_code == 400


def test_full_width_digits_are_read(client, street, roles, data):
    response = _get(client, roles["street_secretary"], start="２０２５-０１-０１", end="２０２５-０３-３１")
    assert response.status_code == 200 and response.context["board"].total.hours == Decimal("12.50")


def test_defaults_are_this_year_to_today_by_month(client, street, roles):
    from django.utils import timezone

    board = _get(client, roles["street_secretary"]).context["board"]
    today = timezone.localdate()
    assert (board.start, board.end, board.granularity) == (today.replace(month=1, day=1), today, "month")
    assert len(board.periods) == today.month


def test_five_years_exactly_is_allowed(client, street, roles):
    response = _get(client, roles["street_secretary"], start="2020-01-01", end="2024-12-31")
    assert response.status_code == 200 and len(response.context["board"].periods) == 60


# Export ---------------------------------------------------------------------------------------


def test_export_holds_the_same_figures_as_numbers(client, street, roles, data):
    response = _get(client, roles["street_secretary"], EXPORT_URL, **RANGE)
    assert response.status_code == 200 and response["Content-Type"].startswith("application/vnd.openxml")
    book = load_workbook(BytesIO(response.content))
    assert book.sheetnames == [_("Summary"), _("By month"), _("By kind"), _("By team"), _("By organisation")]
    summary = {row[0]: row[1] for row in book[_("Summary")].iter_rows(values_only=True)}
    assert summary[_("Organisation")] == street["street"].name
    assert summary[_("Service hours")] == 12.5 and summary[_("Participants")] == 5
    assert summary[_("Attendance rate")] == pytest.approx(6 / 7, abs=1e-4)
    months = list(book[_("By month")].iter_rows(values_only=True))
    assert months[0][:3] == (_("Month"), _("Service hours"), _("Activities held"))
    assert [row[:3] for row in months[1:]] == [("2025-01", 5, 2), ("2025-02", 7.5, 2), ("2025-03", 0, 0)]
    assert all(isinstance(v, int | float) for row in months[1:] for v in row[1:6])
    kinds = {row[0]: row[1:3] for row in book[_("By kind")].iter_rows(min_row=2, values_only=True)}
    assert kinds[str(ActivityKind.PIONEER.label)] == (6, 1)
    teams = list(book[_("By team")].iter_rows(min_row=2, values_only=True))
    assert teams[0][:2] == (data["team1"].name, 10) and teams[-1][0] == _("No team")
    orgs = list(book[_("By organisation")].iter_rows(min_row=2, values_only=True))
    assert orgs[0] == (street["community2"].name, street["community2"].code, 7)


def test_export_by_week_names_its_sheet_for_weeks(client, street, roles, data):
    response = _get(
        client, roles["street_secretary"], EXPORT_URL, start="2025-01-27", end="2025-02-09", by="week"
    )
    book = load_workbook(BytesIO(response.content))
    rows = list(book[_("By week")].iter_rows(values_only=True))
    assert rows[0][0] == _("Week starting") and [r[:2] for r in rows[1:]] == [
        ("2025-01-27", 10),
        ("2025-02-03", 0),
    ]


def test_export_writes_a_formula_looking_team_name_as_text(client, street, roles, data):
    data["team2"].name = '=HYPERLINK("http://example.com","x")'
    data["team2"].save()
    response = _get(client, roles["street_secretary"], EXPORT_URL, **RANGE)
    sheet = load_workbook(BytesIO(response.content))[_("By team")]
    cell = next(row[0] for row in sheet.iter_rows(min_row=2) if str(row[0].value).startswith("="))
    assert cell.data_type == "s"


# Queries --------------------------------------------------------------------------------------


def _bulk(street, scale: int) -> None:
    """`scale` done activities a month in each community over the first quarter of 2025, each
    with three people present and one absent, run by a team of its community."""
    users = []
    for i in range(4):
        user = UserFactory(username=f"q{scale}-{i}")
        MemberFactory(organisation=street["branch1"], user=user)
        users.append(user)
    for n in range(scale):
        for c in (1, 2):
            team, _created = Team.objects.get_or_create(organisation=street[f"community{c}"], name=f"队{c}")
            for month in (1, 2, 3):
                activity = _held(street[f"branch{c}"], _at(2025, month, 1 + n % 27, 9), 2)
                team.activities.add(activity)
                _signups(activity, present=users[:3], absent=users[3:])


@pytest.mark.parametrize("scale", [1, 10])
def test_figures_take_seven_queries_whatever_the_data(street, django_assert_num_queries, scale):
    _bulk(street, scale)
    with django_assert_num_queries(7):
        board = dashboard(street["street"], START, END)
        dashboard_charts(board)
    assert board.total.activities == 6 * scale and board.total.hours == Decimal("36.00") * scale


def test_page_and_export_queries_do_not_grow_with_the_data(client, street, roles):
    client.force_login(roles["street_secretary"])
    client.get(URL)  # the layout's cached lookups (the site, the chart page) warm
    counts = []
    for scale in (1, 9):  # 1× the data, then 10×
        _bulk(street, scale)
        with CaptureQueriesContext(connection) as page:
            assert client.get(URL, RANGE).status_code == 200
        with CaptureQueriesContext(connection) as export:
            assert client.get(EXPORT_URL, RANGE).status_code == 200
        counts.append((len(page), len(export)))
    # Page: the login, their posts, their roots, the seven figures, the picker, the inbox badge,
    # the menu's assessment links (a cycle in rating? a community secretary?).
    # Export: the same less the picker, the badge and the menu.
    assert counts == [(14, 10), (14, 10)]


# Where organisers find it ---------------------------------------------------------------------


def test_activity_list_and_compliance_page_link_the_dashboard_for_managers_only(client, street, roles):
    client.force_login(roles["community_secretary"])
    assert 'data-testid="dashboard-link"' in client.get(reverse("volunteers:activities")).content.decode()
    assert URL in client.get(reverse("volunteers:compliance")).content.decode()
    client.force_login(roles["member"])
    assert URL not in client.get(reverse("volunteers:activities")).content.decode()


def test_admin_menu_links_the_dashboard_for_managers(client, street, roles):
    client.force_login(roles["community_secretary"])
    assert URL in client.get(reverse("wagtailadmin_home")).content.decode()

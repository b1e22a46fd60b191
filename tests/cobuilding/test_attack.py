"""Attack pass on co-building (issue 9): people beside or below the data — a unit contact of
another unit, a part-time (兼职) post-holder whose term ended, a plain member, the secretary of
another community, anonymous — try its pages, admin and API with real and forged ids; a manager
sends oversized and odd input to every POST/PATCH. Expected: 400 with a Chinese message, 403 or
404 (or the sign-in page), never a 500, and nothing written."""

from __future__ import annotations

import datetime as dt
import json
import re

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import translation
from rest_framework.test import APIClient

from cobuilding import services
from cobuilding.models import Agreement, Need, OutsideUnit, Project, ReportIn, Resource, UnitContact
from cobuilding.models_meetings import Decision, JointMeeting
from orgchart import access as org_access
from orgchart import services as org_services
from orgchart.models import OrgKind, PostTitle
from tests import translations
from tests.factories.cobuilding import make_agreement, make_need, make_resource
from tests.factories.orgchart import MemberFactory, UserFactory, make_org

from .dual_support import employed, reported_in
from .meetings_support import decide, make_meeting
from .support import codes

pytestmark = pytest.mark.django_db

CHINESE = re.compile(r"[\u4e00-\u9fff]")
BIG_TEXT = "长" * 100_000
MANY_IDS = list(range(1, 10_001))
HUGE_ID = 2**70


@pytest.fixture
def world(street, units, roles, community2_secretary):
    """Rows of community 1 with the hospital (unit A) and the school (unit B), a contact of each,
    a need and a meeting of each unit's, a report-in, a project; rows of another street."""
    c1 = street["community1"]
    hospital, school = units["hospital"], units["school"]
    contact_a, contact_b = UserFactory(username="lxr-a"), UserFactory(username="lxr-b")
    services.add_unit_contact(actor=None, user=contact_a, unit_org=hospital)
    services.add_unit_contact(actor=None, user=contact_b, unit_org=school)
    a = {
        "agreement": make_agreement(c1, hospital, content="医院共建内容"),
        "resource": make_resource(c1, hospital, description="医院礼堂"),
        "need": make_need(c1, description="给医院的需求", published_to=[hospital]),
    }
    b_agreement = make_agreement(c1, school, content="学校共建内容")
    b = {
        "agreement": b_agreement,
        "resource": make_resource(c1, school, description="学校操场"),
        "need": make_need(c1, description="给学校的需求", published_to=[school]),
        "meeting": make_meeting(c1, [b_agreement]),
    }
    b["decision"] = decide(b["meeting"], dt.date(2026, 12, 1), owner_unit_org=school)
    spare = make_resource(c1, school, description="学校会议室", available_from=dt.date(2026, 1, 1))
    project_need = make_need(c1, description="已满足的需求")
    b["project"] = services.make_project_from_match(project_need, [spare.pk], actor=None, title="共建项目")
    member = employed(make_org(school, OrgKind.BRANCH, name="学校党支部", code="DW2-ZB1"), 1)
    b["report_in"] = reported_in(member, c1)

    foreign_community = make_org(units["other_street"], OrgKind.COMMUNITY, name="外街道社区", code="W-SQ")
    foreign = {
        "agreement": make_agreement(foreign_community, units["foreign"]),
        "resource": make_resource(foreign_community, units["foreign"], description="外街道资源"),
        "need": make_need(foreign_community, description="外街道需求"),
    }
    return {
        "a": a,
        "b": b,
        "foreign": foreign,
        "contact_a": contact_a,
        "contact_b": contact_b,
        "member": member,
        "c1": c1,
        "units": units,
        "roles": roles,
        "community2_secretary": community2_secretary,
    }


def _counts() -> dict[str, int]:
    models = (Agreement, Resource, Need, Project, ReportIn, JointMeeting, Decision, OutsideUnit, UnitContact)
    return {model.__name__: model.objects.count() for model in models}


def _snapshot() -> dict:
    """What a refused write must leave as it was: counts and the changeable fields."""
    return {
        "counts": _counts(),
        "agreements": list(Agreement.objects.order_by("pk").values()),
        "resources": list(Resource.objects.order_by("pk").values()),
        "needs": list(Need.objects.order_by("pk").values()),
        "projects": list(Project.objects.order_by("pk").values()),
        "report_ins": list(ReportIn.objects.order_by("pk").values()),
        "decisions": list(Decision.objects.order_by("pk").values()),
        "meetings": list(JointMeeting.objects.order_by("pk").values()),
    }


def _api(user=None) -> APIClient:
    client = APIClient()
    if user is not None:
        org_access.forget(user)
        client.force_authenticate(user)
    return client


def _ids(response) -> set[int]:
    body = response.json()
    rows = body["results"] if isinstance(body, dict) and "results" in body else body
    return {row["id"] for row in rows}


def _other_rows(world) -> list[tuple[str, int]]:
    """(API collection, id) of unit B's rows, the community's report-in and project, and the
    other street's rows: none of them the unit A contact's to see."""
    b, foreign = world["b"], world["foreign"]
    return [
        ("agreements", b["agreement"].pk),
        ("resources", b["resource"].pk),
        ("needs", b["need"].pk),
        ("projects", b["project"].pk),
        ("report-ins", b["report_in"].pk),
        ("meetings", b["meeting"].pk),
        ("decisions", b["decision"].pk),
        ("agreements", foreign["agreement"].pk),
        ("resources", foreign["resource"].pk),
        ("needs", foreign["need"].pk),
    ]


def _admin_urls(world) -> list[str]:
    a, b, foreign = world["a"], world["b"], world["foreign"]
    return [
        reverse("cobuilding_agreement:index"),
        reverse("cobuilding_agreement:inspect", args=(b["agreement"].pk,)),
        reverse("cobuilding_agreement:change", args=(a["agreement"].pk,)),
        reverse("cobuilding_agreement:end", args=(b["agreement"].pk,)),
        reverse("cobuilding_agreement:inspect", args=(foreign["agreement"].pk,)),
        reverse("cobuilding_resource:inspect", args=(b["resource"].pk,)),
        reverse("cobuilding_resource:change", args=(a["resource"].pk,)),
        reverse("cobuilding_need:inspect", args=(b["need"].pk,)),
        reverse("cobuilding_need:match", args=(a["need"].pk,)),
        reverse("cobuilding_need:change", args=(a["need"].pk,)),
        reverse("cobuilding_project:inspect", args=(b["project"].pk,)),
        reverse("cobuilding_project:edit", args=(b["project"].pk,)),
        reverse("cobuilding_reportin:inspect", args=(b["report_in"].pk,)),
        reverse("cobuilding_reportin:end", args=(b["report_in"].pk,)),
        reverse("cobuilding_meeting:inspect", args=(b["meeting"].pk,)),
        reverse("cobuilding_meeting:decide", args=(b["meeting"].pk,)),
        reverse("cobuilding_decision:inspect", args=(b["decision"].pk,)),
        reverse("cobuilding_decision:done", args=(b["decision"].pk,)),
        reverse("cobuilding_unitcontact:index"),
        reverse("cobuilding_outsideunit:index"),
    ]


def _assert_admin_closed(client, urls) -> None:
    """No admin page of co-building opens: sign-in redirect, 403 or 404; a POST writes nothing."""
    before = _snapshot()
    for url in urls:
        response = client.get(url)
        assert response.status_code in (302, 403, 404), url
        if response.status_code == 302:
            assert "/login/" in response["Location"], url
        response = client.post(url, {"ended_on": "2026-01-01", "resources": ["1"], "text": "x"})
        assert response.status_code in (302, 403, 404, 405), url
    assert _snapshot() == before


def _assert_api_closed(client, rows, world) -> None:
    """Every other row: 404 to read, to change, and on each action; nothing written."""
    before = _snapshot()
    for collection, pk in rows:
        url = f"/api/cobuilding/{collection}/{pk}/"
        assert client.get(url).status_code == 404, url
        response = client.patch(url, {"description": "改", "content": "改"}, format="json")
        assert response.status_code in (404, 405), url
    b = world["b"]
    posts = [
        (f"/api/cobuilding/needs/{b['need'].pk}/project/", {"resources": [b["resource"].pk]}),
        (f"/api/cobuilding/report-ins/{b['report_in'].pk}/end/", {}),
        (f"/api/cobuilding/meetings/{b['meeting'].pk}/decisions/", {"text": "x", "due_on": "2026-12-01"}),
        (f"/api/cobuilding/decisions/{b['decision'].pk}/done/", {}),
    ]
    for url, body in posts:
        assert client.post(url, body, format="json").status_code == 404, url
    assert client.get(f"/api/cobuilding/needs/{b['need'].pk}/suggestions/").status_code == 404
    assert _snapshot() == before


# --- a unit contact of unit A -------------------------------------------------------------------


def test_unit_contact_reads_only_their_units_rows_in_the_api(world):
    client = _api(world["contact_a"])
    a = world["a"]
    assert _ids(client.get("/api/cobuilding/agreements/")) == {a["agreement"].pk}
    assert _ids(client.get("/api/cobuilding/resources/")) == {a["resource"].pk}
    assert _ids(client.get("/api/cobuilding/needs/")) == {a["need"].pk}
    assert _ids(client.get("/api/cobuilding/projects/")) == set()
    assert _ids(client.get("/api/cobuilding/report-ins/")) == set()
    assert _ids(client.get("/api/cobuilding/meetings/")) == set()
    assert _ids(client.get("/api/cobuilding/decisions/")) == set()
    _assert_api_closed(client, _other_rows(world), world)


def test_unit_contact_changes_nothing_but_their_units_resources_in_the_api(world):
    """The unit side keeps its own resources (unit_side.update_own_resource, tested there); the
    agreement, the community's need, its matching and projects stay the community's."""
    client = _api(world["contact_a"])
    a, c1 = world["a"], world["c1"]
    before = _snapshot()
    assert (
        client.patch(f"/api/cobuilding/agreements/{a['agreement'].pk}/", {"content": "改"}, format="json")
    ).status_code == 403
    assert (
        client.patch(f"/api/cobuilding/needs/{a['need'].pk}/", {"description": "改"}, format="json")
    ).status_code == 403
    assert client.get(f"/api/cobuilding/needs/{a['need'].pk}/suggestions/").status_code == 403
    response = client.post(
        f"/api/cobuilding/needs/{a['need'].pk}/project/", {"resources": [a["resource"].pk]}, format="json"
    )
    assert response.status_code == 403
    # Creating for the community: the community is not theirs to pick (400, in Chinese).
    for collection, body in (
        (
            "agreements",
            {
                "community": c1.pk,
                "unit_org": world["units"]["hospital"].pk,
                "starts_on": "2027-01-01",
                "ends_on": "2027-12-31",
            },
        ),
        (
            # Their own unit's resources they may offer (test_unit_side_api); another unit's not.
            "resources",
            {
                "community": c1.pk,
                "unit_org": world["units"]["school"].pk,
                "kind": "venue",
                "available_from": "2027-01-01",
            },
        ),
        (
            "needs",
            {
                "community": c1.pk,
                "kind": "venue",
                "description": "x",
                "wanted_from": "2027-01-01",
                "wanted_until": "2027-01-31",
            },
        ),
    ):
        response = client.post(f"/api/cobuilding/{collection}/", body, format="json")
        assert response.status_code in (400, 403), collection
        assert CHINESE.search(json.dumps(response.json(), ensure_ascii=False)), collection
    assert _snapshot() == before


def test_unit_contact_has_no_cobuilding_admin(client, world):
    client.force_login(world["contact_a"])
    _assert_admin_closed(client, _admin_urls(world))


def test_unit_contact_page_shows_no_other_units_rows(client, world):
    client.force_login(world["contact_a"])
    html = client.get("/cobuilding/unit/").content.decode()
    assert "医院礼堂" in html and "给医院的需求" in html
    for other in ("学校操场", "给学校的需求", "学校共建内容", "外街道"):
        assert other not in html
    # The community's pages are not theirs.
    for url in (
        f"/cobuilding/report-ins/{world['c1'].pk}/",
        f"/cobuilding/report-ins/{world['c1'].pk}/export.xlsx",
        "/cobuilding/report-ins/",
        "/cobuilding/figures/",
        f"/cobuilding/figures/?organisation={world['c1'].pk}",
    ):
        assert client.get(url).status_code in (403, 404), url
    assert _api(world["contact_a"]).get(
        f"/api/cobuilding/figures/?organisation={world['c1'].pk}"
    ).status_code in (403, 404)
    before = _snapshot()
    response = client.post(f"/cobuilding/report-ins/{world['c1'].pk}/invite/", {"activity": "1"})
    assert response.status_code in (403, 404)
    assert _snapshot() == before


# --- a part-time post-holder whose term ended ----------------------------------------------------


@pytest.fixture
def former_part_timer(world, street):
    """The hospital's secretary, who held a committee post of community 1 part-time until 2025."""
    hospital = world["units"]["hospital"]
    branch = make_org(hospital, OrgKind.BRANCH, name="医院第一党支部", code="DW1-ZB1")
    user = UserFactory(username="jianzhi")
    member = MemberFactory(organisation=branch, user=user, name="兼职委员")
    # A part-time post from a unit needs an agreement in force when it starts (cobuilding.crossposts).
    make_agreement(world["c1"], hospital, starts_on=dt.date(2024, 1, 1), ends_on=dt.date(2025, 12, 31))
    post = org_services.ensure_post(world["c1"], PostTitle.COMMITTEE)
    org_services.appoint(
        post,
        member,
        started_on=dt.date(2024, 1, 1),
        from_organisation=hospital,
        ended_on=dt.date(2025, 12, 31),
    )
    return user


def test_part_timer_after_the_term_reaches_none_of_the_communitys_cobuilding(
    client, world, former_part_timer
):
    api = _api(former_part_timer)
    assert _ids(api.get("/api/cobuilding/projects/")) == set()
    assert _ids(api.get("/api/cobuilding/report-ins/")) == set()
    assert world["b"]["agreement"].pk not in _ids(api.get("/api/cobuilding/agreements/"))
    _assert_api_closed(api, _other_rows(world), world)
    # Community 1's need published to their unit: they hold no post in the unit, so it is not theirs.
    need = world["a"]["need"]
    assert api.get(f"/api/cobuilding/needs/{need.pk}/suggestions/").status_code == 404
    before = _snapshot()
    response = api.post(
        "/api/cobuilding/needs/",
        {
            "community": world["c1"].pk,
            "kind": "venue",
            "description": "x",
            "wanted_from": "2027-01-01",
            "wanted_until": "2027-01-31",
        },
        format="json",
    )
    assert response.status_code == 400
    assert CHINESE.search(json.dumps(response.json(), ensure_ascii=False))
    assert _snapshot() == before
    client.force_login(former_part_timer)
    _assert_admin_closed(client, _admin_urls(world))
    assert client.get(f"/cobuilding/report-ins/{world['c1'].pk}/").status_code in (403, 404)
    assert client.get("/cobuilding/figures/").status_code == 403


# --- a plain member, another community's secretary, anonymous --------------------------------------


def test_plain_member_sees_and_changes_nothing(client, world):
    user = world["roles"]["member"]
    api = _api(user)
    for collection in ("agreements", "resources", "needs", "projects", "report-ins", "meetings", "decisions"):
        assert _ids(api.get(f"/api/cobuilding/{collection}/")) == set(), collection
    _assert_api_closed(api, _other_rows(world) + [("agreements", world["a"]["agreement"].pk)], world)
    client.force_login(user)
    _assert_admin_closed(client, _admin_urls(world))
    for url in ("/cobuilding/unit/", "/cobuilding/report-ins/", f"/cobuilding/report-ins/{world['c1'].pk}/"):
        assert client.get(url).status_code in (403, 404), url


def test_other_communitys_secretary_gets_404_on_community_1(client, world):
    user = world["community2_secretary"]
    api = _api(user)
    for collection in ("agreements", "resources", "needs", "projects", "report-ins", "meetings", "decisions"):
        assert _ids(api.get(f"/api/cobuilding/{collection}/")) == set(), collection
    rows = _other_rows(world) + [
        (c, world["a"][k].pk)
        for c, k in (("agreements", "agreement"), ("resources", "resource"), ("needs", "need"))
    ]
    _assert_api_closed(api, rows, world)
    client.force_login(user)
    a, b = world["a"], world["b"]
    before = _snapshot()
    for url in (
        reverse("cobuilding_agreement:inspect", args=(a["agreement"].pk,)),
        reverse("cobuilding_agreement:change", args=(a["agreement"].pk,)),
        reverse("cobuilding_agreement:end", args=(a["agreement"].pk,)),
        reverse("cobuilding_resource:change", args=(a["resource"].pk,)),
        reverse("cobuilding_need:match", args=(a["need"].pk,)),
        reverse("cobuilding_need:change", args=(a["need"].pk,)),
        reverse("cobuilding_project:edit", args=(b["project"].pk,)),
        reverse("cobuilding_reportin:end", args=(b["report_in"].pk,)),
        reverse("cobuilding_meeting:inspect", args=(b["meeting"].pk,)),
        reverse("cobuilding_meeting:decide", args=(b["meeting"].pk,)),
        reverse("cobuilding_decision:done", args=(b["decision"].pk,)),
        f"/cobuilding/report-ins/{world['c1'].pk}/",
    ):
        assert client.get(url).status_code == 404, url
        assert client.post(
            url, {"ended_on": "2026-01-01", "resources": [str(a["resource"].pk)]}
        ).status_code in (
            404,
            405,
        ), url
    # Their own admin lists do not show community 1's rows.
    html = client.get(reverse("cobuilding_agreement:index")).content.decode()
    assert "医院共建内容" not in html and "区中心医院党委" not in html
    # Creating for community 1: the community is not one to pick (a form error, 400 in the API).
    response = api.post(
        "/api/cobuilding/resources/",
        {
            "community": world["c1"].pk,
            "unit_org": world["units"]["hospital"].pk,
            "kind": "venue",
            "available_from": "2027-01-01",
        },
        format="json",
    )
    assert response.status_code == 400
    assert CHINESE.search(json.dumps(response.json(), ensure_ascii=False))
    assert _snapshot() == before


def test_anonymous_gets_the_sign_in_page_or_401(client, world):
    api = _api()
    for collection in ("agreements", "resources", "needs", "projects", "report-ins", "meetings", "decisions"):
        assert api.get(f"/api/cobuilding/{collection}/").status_code in (401, 403), collection
    before = _snapshot()
    assert api.post("/api/cobuilding/needs/", {"community": world["c1"].pk}, format="json").status_code in (
        401,
        403,
    )
    assert api.post(
        f"/api/cobuilding/needs/{world['a']['need'].pk}/project/", {}, format="json"
    ).status_code in (
        401,
        403,
    )
    _assert_admin_closed(client, _admin_urls(world))
    for url in (
        "/cobuilding/unit/",
        "/cobuilding/report-ins/",
        "/cobuilding/me/report-in/",
        "/cobuilding/figures/",
    ):
        response = client.get(url)
        assert response.status_code == 302 and "/login/" in response["Location"], url
    assert _snapshot() == before


# --- odd and oversized input from the manager ------------------------------------------------------


def _bad_bodies(world) -> list[tuple[str, str, dict]]:
    """(method, url, body) of each co-building API write, with an odd or oversized value."""
    c1, hospital = world["c1"].pk, world["units"]["hospital"].pk
    a, b = world["a"], world["b"]
    agreement = {"community": c1, "unit_org": hospital, "starts_on": "2027-01-01", "ends_on": "2027-12-31"}
    resource = {"community": c1, "unit_org": hospital, "kind": "venue", "available_from": "2027-01-01"}
    need = {
        "community": c1,
        "kind": "venue",
        "description": "x",
        "wanted_from": "2027-01-01",
        "wanted_until": "2027-01-31",
    }
    bodies = []
    for collection, base, text_field, date_field, id_field in (
        ("agreements", agreement, "content", "starts_on", "unit_org"),
        ("resources", resource, "description", "available_from", "unit_org"),
        ("needs", need, "description", "wanted_from", "community"),
    ):
        list_url = f"/api/cobuilding/{collection}/"
        detail_url = f"/api/cobuilding/{collection}/{a[collection[:-1]].pk}/"
        for odd in (
            {text_field: BIG_TEXT},
            {date_field: "9999-99-99"},
            {date_field: "0000-00-00"},
            {date_field: "10000-01-01"},
            {id_field: "abc"},
            {id_field: 1.5},
            {id_field: [1, 2]},
            {id_field: HUGE_ID},
            {id_field: -1},
            {
                "community": b["agreement"].community_id if collection != "needs" else HUGE_ID,
                id_field: HUGE_ID,
            },
        ):
            bodies.append(("post", list_url, {**base, **odd}))
            patch = {k: v for k, v in odd.items() if k not in ("community", "unit_org")}
            if patch:
                bodies.append(("patch", detail_url, patch))
    for odd in (
        {"published_to_orgs": MANY_IDS},
        {"published_to_orgs": ["abc"]},
        {"published_to_orgs": [HUGE_ID]},
        {"published_to_outside": [HUGE_ID]},
        {"published_to_orgs": "1,2"},
    ):
        bodies.append(("post", "/api/cobuilding/needs/", {**need, **odd}))
        bodies.append(("patch", f"/api/cobuilding/needs/{a['need'].pk}/", odd))
    project_url = f"/api/cobuilding/needs/{a['need'].pk}/project/"
    for odd in (
        {"resources": MANY_IDS},
        {"resources": ["abc"]},
        {"resources": [HUGE_ID]},
        {"resources": "1"},
        {"resources": [a["resource"].pk], "title": BIG_TEXT},
        {"resources": [world["foreign"]["resource"].pk]},
        {"resources": []},
    ):
        bodies.append(("post", project_url, odd))
    member = world["member"].pk
    for odd in (
        {"member": member, "community": c1, "skills": BIG_TEXT},
        {"member": member, "community": c1, "reported_on": "9999-99-99"},
        {"member": "abc", "community": c1},
        {"member": HUGE_ID, "community": c1},
        {"member": member, "community": HUGE_ID},
        {"member": MANY_IDS, "community": c1},
    ):
        bodies.append(("post", "/api/cobuilding/report-ins/", odd))
    end_url = f"/api/cobuilding/report-ins/{b['report_in'].pk}/end/"
    for odd in ({"ended_on": "9999-99-99"}, {"ended_on": "10000-01-01"}, {"ended_on": ["x"]}):
        bodies.append(("post", end_url, odd))
    decisions_url = f"/api/cobuilding/meetings/{b['meeting'].pk}/decisions/"
    for odd in (
        {"text": BIG_TEXT, "due_on": "2026-12-01", "owner_unit": world["units"]["school"].pk},
        {"text": "x", "due_on": "9999-99-99", "owner_unit": world["units"]["school"].pk},
        {"text": "x", "due_on": "2026-12-01", "owner_user": HUGE_ID},
        {"text": "x", "due_on": "2026-12-01", "owner_unit": HUGE_ID},
        {"text": "x", "due_on": "2026-12-01", "owner_user": "abc"},
        {"text": "x", "due_on": "2026-12-01", "owner_unit": MANY_IDS},
    ):
        bodies.append(("post", decisions_url, odd))
    done_url = f"/api/cobuilding/decisions/{b['decision'].pk}/done/"
    for odd in ({"done_on": "9999-99-99"}, {"note": BIG_TEXT}, {"done_on": "10000-01-01"}):
        bodies.append(("post", done_url, odd))
    return bodies


def test_odd_and_oversized_api_input_is_a_chinese_400_writing_nothing(world):
    client = _api(world["roles"]["community_secretary"])
    before = _snapshot()
    failures = []
    for method, url, body in _bad_bodies(world):
        response = getattr(client, method)(url, body, format="json")
        shown = {k: (v if len(str(v)) < 60 else f"<{len(str(v))} chars>") for k, v in body.items()}
        if response.status_code != 400:
            failures.append((method, url, shown, response.status_code))
            continue
        if not CHINESE.search(json.dumps(response.json(), ensure_ascii=False)):
            failures.append((method, url, shown, response.json()))
    assert failures == [], "\n".join(map(str, failures))
    assert _snapshot() == before


def test_odd_ids_in_api_urls_are_404(world):
    client = _api(world["roles"]["community_secretary"])
    for collection in ("agreements", "resources", "needs", "projects", "report-ins", "meetings", "decisions"):
        for pk in ("abc", HUGE_ID, -1, 0, "1.5"):
            assert client.get(f"/api/cobuilding/{collection}/{pk}/").status_code == 404, (collection, pk)
    before = _snapshot()
    for pk in ("abc", HUGE_ID):
        assert (
            client.post(f"/api/cobuilding/needs/{pk}/project/", {"resources": [1]}, format="json").status_code
            == 404
        )
        assert client.get(f"/api/cobuilding/needs/{pk}/suggestions/").status_code == 404
    assert _snapshot() == before
    for query in (
        f"organisation={HUGE_ID}&side=community&year=2026",
        "organisation=abc&side=community&year=2026",
        f"organisation={world['c1'].pk}&side=community&year=99999999999999999999",
        f"organisation={world['c1'].pk}&side=elsewhere&year=2026",
    ):
        response = client.get(f"/api/cobuilding/report-ins/hours/?{query}")
        assert response.status_code in (400, 404), query
    for query in (f"organisation={HUGE_ID}", "organisation=abc", "year=9999-99-99", "start=9999-99-99"):
        response = client.get(f"/api/cobuilding/figures/?{query}")
        assert response.status_code in (200, 400, 403, 404), query


def test_odd_and_oversized_page_input_is_refused_writing_nothing(client, world, street):
    """The admin forms and the portal pages: a form error or a 404 with nothing written, never a 500."""
    client.force_login(world["roles"]["community_secretary"])
    a, c1 = world["a"], world["c1"]
    before = _snapshot()
    forms = [
        (
            reverse("cobuilding_agreement:add"),
            {
                "community": c1.pk,
                "unit_org": world["units"]["hospital"].pk,
                "starts_on": "9999-99-99",
                "ends_on": "2027-12-31",
                "content": BIG_TEXT,
            },
        ),
        (
            reverse("cobuilding_agreement:add"),
            {"community": HUGE_ID, "unit_org": "abc", "starts_on": "2027-01-01", "ends_on": "2027-12-31"},
        ),
        (
            reverse("cobuilding_agreement:change", args=(a["agreement"].pk,)),
            {"starts_on": "9999-99-99", "ends_on": "2027-12-31", "content": BIG_TEXT},
        ),
        (reverse("cobuilding_agreement:end", args=(a["agreement"].pk,)), {"ended_on": "9999-99-99"}),
        (
            reverse("cobuilding_resource:add"),
            {
                "community": c1.pk,
                "unit_org": HUGE_ID,
                "kind": "venue",
                "quantity": "99999999999999999999",
                "available_from": "2027-01-01",
                "description": BIG_TEXT,
            },
        ),
        (
            reverse("cobuilding_resource:change", args=(a["resource"].pk,)),
            {"kind": "venue", "quantity": "abc", "available_from": "0000-00-00", "description": BIG_TEXT},
        ),
        (
            reverse("cobuilding_need:add"),
            {
                "community": c1.pk,
                "kind": "venue",
                "description": BIG_TEXT,
                "wanted_from": "2027-01-01",
                "wanted_until": "9999-99-99",
                "published_to_orgs": MANY_IDS[:2000],
            },
        ),
        (
            reverse("cobuilding_need:change", args=(a["need"].pk,)),
            {
                "kind": "venue",
                "description": "x",
                "wanted_from": "2027-01-01",
                "wanted_until": "2027-01-31",
                "published_to_orgs": ["abc", str(HUGE_ID)],
            },
        ),
        (
            reverse("cobuilding_need:match", args=(a["need"].pk,)),
            {"resources": MANY_IDS[:2000], "title": BIG_TEXT},
        ),
        (reverse("cobuilding_need:match", args=(a["need"].pk,)), {"resources": ["abc", str(HUGE_ID)]}),
        (
            reverse("cobuilding_project:edit", args=(world["b"]["project"].pk,)),
            {"status": "nonsense", "outcome": BIG_TEXT},
        ),
        (
            reverse("cobuilding_reportin:add"),
            {"member": str(HUGE_ID), "community": c1.pk, "reported_on": "9999-99-99", "skills": BIG_TEXT},
        ),
        (reverse("cobuilding_reportin:end", args=(world["b"]["report_in"].pk,)), {"ended_on": "10000-01-01"}),
        (
            reverse("cobuilding_meeting:decide", args=(world["b"]["meeting"].pk,)),
            {"text": BIG_TEXT, "due_on": "9999-99-99", "owner_user": str(HUGE_ID)},
        ),
        (
            reverse("cobuilding_decision:done", args=(world["b"]["decision"].pk,)),
            {"done_on": "9999-99-99", "note": BIG_TEXT},
        ),
        (
            reverse("cobuilding_meeting:minutes", args=(world["b"]["meeting"].pk,)),
            {"minutes": "记" * 200_000},
        ),
        (
            reverse("cobuilding_need:change", args=(a["need"].pk,)),
            {
                "kind": "venue",
                "description": "x",
                "wanted_from": "2027-01-01",
                "wanted_until": "2027-01-31",
                "published_to_orgs": [str(HUGE_ID)],
            },
        ),
        (reverse("cobuilding_need:match", args=(a["need"].pk,)), {"resources": [str(HUGE_ID)]}),
        (reverse("cobuilding_reportin:add"), {"member": world["member"].pk, "community": str(HUGE_ID)}),
    ]
    failures = []
    for url, data in forms:
        response = client.post(url, data)
        shown = {k: (v if len(str(v)) < 60 else f"<{len(str(v))} chars>") for k, v in data.items()}
        if response.status_code == 302:
            failures.append((url, shown, "accepted"))
        elif response.status_code not in (200, 400, 404):
            failures.append((url, shown, response.status_code))
        elif response.status_code in (200, 400) and not CHINESE.search(response.content.decode()):
            failures.append((url, shown, "no Chinese"))
    assert failures == [], "\n".join(map(str, failures))
    assert _snapshot() == before
    # The invitation form answers by a message on the page it redirects to (PRG).
    for data in (
        {"activity": str(HUGE_ID), "member": MANY_IDS[:900]},
        {"activity": "abc", "member": ["abc"]},
        {"activity": "1", "member": [str(HUGE_ID)]},
    ):
        response = client.post(f"/cobuilding/report-ins/{c1.pk}/invite/", data, follow=True)
        assert response.status_code == 200
        assert [m.level_tag for m in response.context["messages"]] == ["error"], data
    assert _snapshot() == before
    for url in (
        f"/cobuilding/report-ins/{HUGE_ID}/",
        f"/cobuilding/home-branch/{HUGE_ID}/",
        f"/cobuilding/report-ins/{c1.pk}/?year=99999999999999999999",
        f"/cobuilding/report-ins/{c1.pk}/?year=abc",
        f"/cobuilding/figures/?organisation={HUGE_ID}",
        "/cobuilding/figures/?organisation=abc",
        reverse("cobuilding_need:match", args=(HUGE_ID,)),
        reverse("cobuilding_agreement:inspect", args=(HUGE_ID,)),
    ):
        assert client.get(url).status_code in (200, 400, 404), url


def test_member_report_in_page_refuses_odd_input(client, world):
    """The member's own page: a Chinese 400 with nothing written."""
    member = world["member"]
    services.end_report_in(world["b"]["report_in"], actor=None)
    client.force_login(member.user)
    before = _snapshot()
    for data in (
        {"community": str(HUGE_ID), "skills": "x"},
        {"community": "abc"},
        {"community": world["c1"].pk, "skills": BIG_TEXT},
        {"community": world["c1"].pk, "reported_on": "9999-99-99"},
    ):
        response = client.post("/cobuilding/me/report-in/", data)
        assert response.status_code == 400, data
        assert CHINESE.search(response.content.decode())
    assert _snapshot() == before


def test_too_many_form_fields_is_a_400_page_that_says_so(client, world):
    """More fields than Django reads (DATA_UPLOAD_MAX_NUMBER_FIELDS) is a 400: the portal's own
    page saying nothing was saved (its Chinese in the catalogue or the pending fragment)."""
    client.force_login(world["roles"]["community_secretary"])
    before = _snapshot()
    with translation.override("en"):
        response = client.post(
            reverse("cobuilding_need:match", args=(world["a"]["need"].pk,)), {"resources": MANY_IDS[:2000]}
        )
    assert response.status_code == 400
    html = response.content.decode()
    msgid = "What was sent was too large or not in the expected form, so nothing was saved."
    chinese = translations.chinese("cobuild_e2e")[msgid]
    assert "未保存" in chinese
    assert 'data-testid="error-400"' in html and (msgid in html or chinese in html)
    assert _snapshot() == before


def test_a_resource_id_too_large_for_the_database_is_unknown_to_the_service(world):
    need, resource = world["a"]["need"], world["a"]["resource"]
    before = _snapshot()
    with pytest.raises(ValidationError) as exc:
        services.make_project_from_match(need, [resource.pk, HUGE_ID], actor=None)
    assert codes(exc.value) == {"unknown_resource"}
    assert _snapshot() == before

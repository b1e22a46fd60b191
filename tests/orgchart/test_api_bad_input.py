"""Bad input to every write endpoint of the API: a 400 naming the field, never a 500, nothing written."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

import pytest
from django.utils import timezone

from orgchart import services
from orgchart.models import OrgKind
from orgchart.validators import build_id_number
from tests.factories.orgchart import make_org

from .api_support import client_for, db_state, new_member_payload


@pytest.fixture
def ctx(street, roles):
    return {**street, **roles, "branch1b": make_org(street["community1"], OrgKind.BRANCH, code="SQ1-ZB2")}


def _close(key: str) -> Callable[[dict], None]:
    return lambda c: services.close_organisation(c[key])


def _transfer_out(key: str) -> Callable[[dict], None]:
    return lambda c: services.transfer_member(c[key], outside_organisation="外区党委")


def _wrong_check_digit(c: dict) -> str:
    good = build_id_number("310101", dt.date(1970, 1, 2), 77)
    return good[:17] + ("0" if good[17] != "0" else "1")


@dataclass(frozen=True)
class Bad:
    name: str
    method: str
    url: Callable[[dict], str]
    body: Callable[[dict], object]
    fields: tuple[str, ...]  # the keys the 400 answer must name
    setup: Callable[[dict], None] | None = None


ORGS = "/api/organisations/"
MEMBERS = "/api/members/"


def _org(key: str, suffix: str = "") -> Callable[[dict], str]:
    return lambda c: f"/api/organisations/{c[key].pk}/{suffix}"


def _member(key: str, suffix: str = "") -> Callable[[dict], str]:
    return lambda c: f"/api/members/{c[key].pk}/{suffix}"


def _new_org(**overrides) -> Callable[[dict], dict]:
    def body(c: dict) -> dict:
        data = {"parent": c["community1"].pk, "name": "新支部", "code": "NEW-1", "kind": "branch"}
        data.update({k: (v(c) if callable(v) else v) for k, v in overrides.items()})
        return {k: v for k, v in data.items() if v is not ...}

    return body


def _new_member(**overrides) -> Callable[[dict], dict]:
    def body(c: dict) -> dict:
        data = new_member_payload(c["branch1"])
        data.update({k: (v(c) if callable(v) else v) for k, v in overrides.items()})
        return {k: v for k, v in data.items() if v is not ...}

    return body


# Computed when the module is collected: a week ahead stays in the future if the run crosses
# midnight in Shanghai (a day ahead did not: CI failed at 00:00 Asia/Shanghai).
NEXT_WEEK = (timezone.localdate() + dt.timedelta(days=7)).isoformat()

CASES = [
    # POST /api/organisations/
    Bad("create: body is a list", "post", lambda c: ORGS, lambda c: [1, 2], ("non_field_errors",)),
    Bad("create: parent not a number", "post", lambda c: ORGS, _new_org(parent="abc"), ("parent",)),
    Bad("create: parent does not exist", "post", lambda c: ORGS, _new_org(parent=999999), ("parent",)),
    Bad(
        "create: required fields missing",
        "post",
        lambda c: ORGS,
        lambda c: {},
        ("parent", "name", "code", "kind"),
    ),
    Bad("create: unknown kind", "post", lambda c: ORGS, _new_org(kind="castle"), ("kind",)),
    Bad("create: group under a community", "post", lambda c: ORGS, _new_org(kind="group"), ("kind",)),
    Bad(
        "create: community under a branch",
        "post",
        lambda c: ORGS,
        _new_org(parent=lambda c: c["branch1"].pk, kind="community_committee"),
        ("kind",),
    ),
    Bad("create: duplicate code", "post", lambda c: ORGS, _new_org(code="SQ1"), ("code",)),
    Bad(
        "create: date not a date",
        "post",
        lambda c: ORGS,
        _new_org(established_on="yesterday"),
        ("established_on",),
    ),
    Bad("create: name too long", "post", lambda c: ORGS, _new_org(name="长" * 101), ("name",)),
    Bad("create: name not a string", "post", lambda c: ORGS, _new_org(name={"a": 1}), ("name",)),
    Bad(
        "create: parent closed",
        "post",
        lambda c: ORGS,
        _new_org(parent=lambda c: c["branch1b"].pk, kind="group"),
        ("parent",),
        setup=_close("branch1b"),
    ),
    # PATCH /api/organisations/<id>/
    Bad("patch org: kind", "patch", _org("branch1"), lambda c: {"kind": "group"}, ("kind",)),
    Bad("patch org: parent", "patch", _org("branch1"), lambda c: {"parent": c["community2"].pk}, ("parent",)),
    Bad(
        "patch org: closed_on",
        "patch",
        _org("branch1"),
        lambda c: {"closed_on": "2025-01-01"},
        ("closed_on",),
    ),
    Bad("patch org: duplicate code", "patch", _org("branch1"), lambda c: {"code": "SQ2"}, ("code",)),
    Bad("patch org: empty name", "patch", _org("branch1"), lambda c: {"name": ""}, ("name",)),
    Bad("patch org: phone too long", "patch", _org("branch1"), lambda c: {"phone": "1" * 31}, ("phone",)),
    Bad("patch org: body is a string", "patch", _org("branch1"), lambda c: "rename", ("non_field_errors",)),
    # POST /api/organisations/<id>/move/
    Bad(
        "move: into own subtree",
        "post",
        _org("community1", "move/"),
        lambda c: {"parent": c["branch1"].pk},
        ("parent",),
    ),
    Bad(
        "move: under itself",
        "post",
        _org("branch1", "move/"),
        lambda c: {"parent": c["branch1"].pk},
        ("parent",),
    ),
    Bad(
        "move: kind not allowed",
        "post",
        _org("branch1", "move/"),
        lambda c: {"parent": c["union"].pk},
        ("parent",),
    ),
    Bad("move: parent missing", "post", _org("group1", "move/"), lambda c: {}, ("parent",)),
    Bad(
        "move: parent does not exist",
        "post",
        _org("group1", "move/"),
        lambda c: {"parent": 999999},
        ("parent",),
    ),
    Bad("move: parent not a number", "post", _org("group1", "move/"), lambda c: {"parent": "x"}, ("parent",)),
    Bad(
        "move: parent closed",
        "post",
        _org("group1", "move/"),
        lambda c: {"parent": c["branch1b"].pk},
        ("parent",),
        setup=_close("branch1b"),
    ),
    # POST /api/organisations/<id>/close/
    Bad(
        "close: active members remain",
        "post",
        _org("community1", "close/"),
        lambda c: {},
        ("non_field_errors",),
    ),
    Bad(
        "close: already closed",
        "post",
        _org("union", "close/"),
        lambda c: {},
        ("non_field_errors",),
        _close("union"),
    ),
    Bad(
        "close: date not a date",
        "post",
        _org("union", "close/"),
        lambda c: {"closed_on": "soon"},
        ("closed_on",),
    ),
    # POST /api/members/
    Bad("member: body is a list", "post", lambda c: MEMBERS, lambda c: [], ("non_field_errors",)),
    Bad(
        "member: required fields missing",
        "post",
        lambda c: MEMBERS,
        lambda c: {},
        (
            "name",
            "gender",
            "birth_date",
            "education",
            "joined_party_on",
            "mobile",
            "category",
            "organisation",
        ),
    ),
    Bad("member: mobile too short", "post", lambda c: MEMBERS, _new_member(mobile="12345"), ("mobile",)),
    Bad(
        "member: mobile bad prefix", "post", lambda c: MEMBERS, _new_member(mobile="12800001111"), ("mobile",)
    ),
    Bad(
        "member: ID check digit",
        "post",
        lambda c: MEMBERS,
        _new_member(id_number=_wrong_check_digit),
        ("id_number",),
    ),
    Bad(
        "member: ID format",
        "post",
        lambda c: MEMBERS,
        _new_member(id_number="31010119700102abc"),
        ("id_number",),
    ),
    Bad("member: ID too long", "post", lambda c: MEMBERS, _new_member(id_number="3" * 19), ("id_number",)),
    Bad(
        "member: ID with impossible birth date",
        "post",
        lambda c: MEMBERS,
        _new_member(id_number="31010119701302" + "0000"),
        ("id_number",),
    ),
    Bad(
        "member: birth date differs from ID",
        "post",
        lambda c: MEMBERS,
        _new_member(birth_date="1970-01-03"),
        ("id_number",),
    ),
    Bad(
        "member: duplicate ID",
        "post",
        lambda c: MEMBERS,
        _new_member(
            id_number=lambda c: c["own_member"].id_number,
            birth_date=lambda c: c["own_member"].birth_date.isoformat(),
        ),
        ("id_number",),
    ),
    Bad(
        "member: organisation does not exist",
        "post",
        lambda c: MEMBERS,
        _new_member(organisation=999999),
        ("organisation",),
    ),
    Bad(
        "member: organisation is not a branch",
        "post",
        lambda c: MEMBERS,
        _new_member(organisation=lambda c: c["community1"].pk),
        ("organisation",),
    ),
    Bad(
        "member: organisation closed",
        "post",
        lambda c: MEMBERS,
        _new_member(organisation=lambda c: c["branch1b"].pk),
        ("organisation",),
        setup=_close("branch1b"),
    ),
    Bad(
        "member: birth date not a date",
        "post",
        lambda c: MEMBERS,
        _new_member(birth_date="abc"),
        ("birth_date",),
    ),
    Bad(
        "member: birth date in future",
        "post",
        lambda c: MEMBERS,
        _new_member(birth_date=NEXT_WEEK, id_number=""),
        ("birth_date",),
    ),
    Bad("member: unknown gender", "post", lambda c: MEMBERS, _new_member(gender="x"), ("gender",)),
    Bad(
        "member: category wrong type",
        "post",
        lambda c: MEMBERS,
        _new_member(category=["retired"]),
        ("category",),
    ),
    Bad(
        "member: joined the party before 18",
        "post",
        lambda c: MEMBERS,
        _new_member(joined_party_on="1980-01-01"),
        ("joined_party_on",),
    ),
    # PATCH /api/members/<id>/
    Bad(
        "patch member: organisation",
        "patch",
        _member("own_member"),
        lambda c: {"organisation": c["branch1b"].pk},
        ("organisation",),
    ),
    Bad(
        "patch member: bad mobile",
        "patch",
        _member("own_member"),
        lambda c: {"mobile": "1380000111x"},
        ("mobile",),
    ),
    Bad(
        "patch member: unknown education",
        "patch",
        _member("own_member"),
        lambda c: {"education": "phd"},
        ("education",),
    ),
    Bad(
        "patch member: birth date differs from stored ID",
        "patch",
        _member("own_member"),
        lambda c: {"birth_date": "1961-01-01"},
        ("id_number",),
    ),
    Bad(
        "patch member: ID of another member",
        "patch",
        _member("own_member"),
        lambda c: {"id_number": c["other_member"].id_number},
        ("id_number",),
    ),
    Bad(
        "patch member: ID check digit",
        "patch",
        _member("own_member"),
        lambda c: {"id_number": _wrong_check_digit(c), "birth_date": "1970-01-02"},
        ("id_number",),
    ),
    Bad("patch member: body is a list", "patch", _member("own_member"), lambda c: [], ("non_field_errors",)),
    # POST /api/members/<id>/transfer/
    Bad(
        "transfer: no destination",
        "post",
        _member("own_member", "transfer/"),
        lambda c: {},
        ("non_field_errors",),
    ),
    Bad(
        "transfer: destination does not exist",
        "post",
        _member("own_member", "transfer/"),
        lambda c: {"to_organisation": 999999},
        ("to_organisation",),
    ),
    Bad(
        "transfer: destination not a branch",
        "post",
        _member("own_member", "transfer/"),
        lambda c: {"to_organisation": c["community2"].pk},
        ("non_field_errors",),
    ),
    Bad(
        "transfer: to the same branch",
        "post",
        _member("own_member", "transfer/"),
        lambda c: {"to_organisation": c["branch1"].pk},
        ("non_field_errors",),
    ),
    Bad(
        "transfer: destination closed",
        "post",
        _member("own_member", "transfer/"),
        lambda c: {"to_organisation": c["branch1b"].pk},
        ("non_field_errors",),
        setup=_close("branch1b"),
    ),
    Bad(
        "transfer: dated in the future",
        "post",
        _member("own_member", "transfer/"),
        lambda c: {"outside_organisation": "外区党委", "on": NEXT_WEEK},
        ("non_field_errors",),
    ),
    Bad(
        "transfer: date not a date",
        "post",
        _member("own_member", "transfer/"),
        lambda c: {"outside_organisation": "外区党委", "on": "2025-02-30"},
        ("on",),
    ),
    Bad(
        "transfer: member already left",
        "post",
        _member("other_member", "transfer/"),
        lambda c: {"outside_organisation": "另一区党委"},
        ("non_field_errors",),
        setup=_transfer_out("other_member"),
    ),
]


@pytest.mark.parametrize("case", CASES, ids=[case.name for case in CASES])
def test_bad_input_is_a_400_naming_the_field_and_writes_nothing(ctx, case):
    if case.setup:
        case.setup(ctx)
    client = client_for("street_secretary", ctx)
    before = db_state()
    response = getattr(client, case.method)(case.url(ctx), case.body(ctx), format="json")
    assert response.status_code == 400, response.content.decode()
    errors = response.json()
    assert set(case.fields) <= set(errors), errors
    for messages in errors.values():
        assert messages and all(isinstance(m, str) and m for m in messages)
    assert db_state() == before


WRITE_ENDPOINTS = [
    ("post", lambda c: ORGS),
    ("patch", _org("branch1")),
    ("post", _org("group1", "move/")),
    ("post", _org("union", "close/")),
    ("post", lambda c: MEMBERS),
    ("patch", _member("own_member")),
    ("post", _member("own_member", "transfer/")),
    ("post", lambda c: "/api/token/"),
]


@pytest.mark.parametrize(("method", "url"), WRITE_ENDPOINTS)
@pytest.mark.parametrize("body", ['{"name": ', "not json at all", '{"name": "x",}'])
def test_invalid_json_is_a_400_on_every_write_endpoint(ctx, method, url, body):
    client = client_for("street_secretary", ctx)
    before = db_state()
    response = getattr(client, method)(url(ctx), body, content_type="application/json")
    assert response.status_code == 400
    assert response.json()["detail"].startswith("JSON")
    assert db_state() == before


def test_drf_field_messages_are_answered_in_chinese(ctx):
    response = client_for("street_secretary", ctx).post(
        MEMBERS, {**new_member_payload(ctx["branch1"]), "organisation": 999999}, format="json"
    )
    assert response.json()["organisation"] == ["无效主键 “999999” － 对象不存在。"]


def test_id_number_errors_say_what_is_wrong(ctx):
    client = client_for("street_secretary", ctx)
    own = ctx["own_member"]
    cases = [
        (
            new_member_payload(ctx["branch1"], id_number=_wrong_check_digit(ctx)),
            "身份证号校验位不正确",
        ),
        (new_member_payload(ctx["branch1"], birth_date="1970-01-03"), "与填写的出生日期"),
        (
            new_member_payload(
                ctx["branch1"], id_number=own.id_number, birth_date=own.birth_date.isoformat()
            ),
            "该身份证号的党员已登记。",
        ),
    ]
    for payload, message in cases:
        response = client.post(MEMBERS, payload, format="json")
        assert response.status_code == 400
        assert message in response.json()["id_number"][0]


def test_kind_not_allowed_says_which_kind_may_not_sit_where(ctx):
    response = client_for("street_secretary", ctx).post(
        ORGS,
        {"parent": ctx["community1"].pk, "name": "小组", "code": "X-1", "kind": "group"},
        format="json",
    )
    assert response.json() == {"kind": ["党小组不能设在社区党委之下。"]}


def test_tree_fields_in_a_patch_point_to_move_or_close(ctx):
    response = client_for("street_secretary", ctx).patch(
        f"/api/organisations/{ctx['branch1'].pk}/",
        {"name": "新名", "kind": "group"},
        format="json",
    )
    assert response.json() == {"kind": ["请使用“移动”或“撤销”来修改：kind。"]}


def test_non_manager_gets_403_before_their_input_is_even_read(ctx):
    # A plain member posting rubbish learns only that they may not, not what was wrong with it.
    response = client_for("member", ctx).post(MEMBERS, {"name": ""}, format="json")
    assert response.status_code == 403


HUGE = 10**20  # beyond a 64-bit integer column


@pytest.mark.parametrize(
    ("method", "url", "body", "status"),
    [
        ("get", lambda c: f"/api/organisations/{HUGE}/", None, 404),
        ("get", lambda c: f"/api/organisations/?root={HUGE}", None, 400),
        ("get", lambda c: f"/api/members/{HUGE}/", None, 404),
        ("get", lambda c: f"/api/members/?organisation={HUGE}", None, 400),
        ("get", lambda c: "/api/members/abc/", None, 404),
        ("get", lambda c: "/api/members/?search=%00", None, 400),
        ("post", lambda c: ORGS, _new_org(parent=HUGE), 400),
        ("post", _org("group1", "move/"), lambda c: {"parent": HUGE}, 400),
        ("post", lambda c: MEMBERS, _new_member(organisation=HUGE), 400),
        ("post", lambda c: MEMBERS, _new_member(name="党\x00员"), 400),
        ("post", _member("own_member", "transfer/"), lambda c: {"to_organisation": HUGE}, 400),
    ],
)
def test_out_of_range_ids_and_null_characters_are_refused_not_a_500(ctx, method, url, body, status):
    client = client_for("street_secretary", ctx)
    before = db_state()
    response = getattr(client, method)(url(ctx), body(ctx) if body else None, format="json")
    assert response.status_code == status, response.content.decode()
    assert db_state() == before

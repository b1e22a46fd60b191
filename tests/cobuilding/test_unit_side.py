"""The unit side's own writes (cobuilding.unit_side): offer, change and withdraw their unit's
resources, answer a need published to them; the community makes a project from an answer. Each
refusal is Chinese and writes nothing; a unit never touches another unit's rows."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import translation

from cobuilding import services, unit_side
from cobuilding.models import NeedAnswer, NeedStatus, Project, Resource
from inbox.models import FanOut
from tests import translations
from tests.factories.cobuilding import make_need, make_resource
from tests.factories.orgchart import UserFactory, make_post_holder

pytestmark = pytest.mark.django_db


def _refused(exc_info, msgid: str) -> None:
    assert msgid in exc_info.value.messages
    assert translations.chinese("unitoffers").get(msgid) or translations.chinese("cobuild").get(msgid), msgid


def _offer(actor, unit, community, **fields):
    values = {"kind": "venue", "available_from": dt.date(2026, 1, 1), "quantity": 2, "description": "会议室"}
    values.update(fields)
    return unit_side.offer_resource(actor=actor, unit=unit, community=community, **values)


# Offering ----------------------------------------------------------------------------------------


def test_a_contact_offers_a_resource_to_a_partner_community_and_the_street(street, units, side):
    resource = _offer(side["contact"], units["hospital"], street["community1"])
    assert resource.unit_org == units["hospital"] and resource.community == street["community1"]
    assert Resource.objects.get(pk=resource.pk).created_by == side["contact"]
    street_resource = _offer(side["contact"], units["hospital"], street["street"], kind="volunteers")
    assert street_resource.community == street["street"]


def test_a_unit_post_holder_offers_too(street, units, side):
    holder = make_post_holder(units["hospital"], "yiyuan-shuji")
    resource = _offer(holder, units["hospital"], street["community1"])
    assert resource.unit_org == units["hospital"]


@pytest.mark.parametrize(
    "case, msgid",
    [
        ("not_partner", "Choose a community your unit co-builds with, or the street."),
        ("too_long", "At most %(n)d characters."),
        ("no_kind", "Say what kind of resource this is."),
        ("window", "Availability cannot end before it starts."),
        ("quantity", "The quantity is at least 1."),
    ],
)
def test_bad_offers_are_refused_in_chinese_and_write_nothing(street, units, side, case, msgid):
    community, fields = street["community1"], {}
    if case == "not_partner":
        community = street["community2"]  # no agreement with the hospital
    elif case == "too_long":
        fields["description"] = "长" * 2001
    elif case == "no_kind":
        fields["kind"] = ""
    elif case == "window":
        fields["available_until"] = dt.date(2025, 1, 1)
    elif case == "quantity":
        fields["quantity"] = 0
    before = Resource.objects.count()
    with translation.override("en"), pytest.raises(ValidationError) as exc:
        _offer(side["contact"], units["hospital"], community, **fields)
    text = " ".join(exc.value.messages)
    assert msgid.replace("%(n)d", "2000") in text or msgid in text
    assert Resource.objects.count() == before


def test_nobody_else_offers_for_the_unit(street, units, side, roles, community2_secretary):
    before = Resource.objects.count()
    for user in (
        side["school_contact"],  # a contact of another unit
        roles["member"],
        community2_secretary,  # a secretary of another community
        roles["community_secretary"],  # manages the list, but does not speak for the unit here
        UserFactory(username="nobody"),
    ):
        with pytest.raises(PermissionDenied):
            _offer(user, units["hospital"], street["community1"])
    assert Resource.objects.count() == before


def test_an_agreement_ended_closes_the_communitys_list_to_the_unit(street, units, side):
    services.end_agreement(side["agreement"], actor=None, ended_on=dt.date(2024, 6, 30))
    with pytest.raises(ValidationError):
        _offer(side["contact"], units["hospital"], street["community1"])
    assert _offer(side["contact"], units["hospital"], street["street"]).community == street["street"]


# Changing and withdrawing --------------------------------------------------------------------


def test_the_unit_changes_and_withdraws_its_own_resource(street, units, side):
    venue = side["venue"]
    changed = unit_side.update_own_resource(venue, actor=side["contact"], quantity=5, description="大礼堂")
    assert (changed.quantity, changed.description) == (5, "大礼堂")
    unit_side.withdraw_resource(venue, actor=side["contact"])
    assert not Resource.objects.filter(pk=venue.pk).exists()


def test_another_units_resource_is_refused_and_untouched(street, units, side):
    theirs = side["school_venue"]
    with translation.override("en"):
        with pytest.raises(ValidationError) as exc:
            unit_side.update_own_resource(theirs, actor=side["contact"], quantity=9)
        _refused(exc, "This resource belongs to another unit.")
        with pytest.raises(ValidationError):
            unit_side.withdraw_resource(theirs, actor=side["contact"])
    theirs.refresh_from_db()
    assert theirs.quantity == 1


def test_a_resource_a_project_uses_is_not_withdrawn(street, units, side):
    services.make_project_from_match(side["need"], [side["venue"]], actor=None)
    with translation.override("en"), pytest.raises(ValidationError) as exc:
        unit_side.withdraw_resource(side["venue"], actor=side["contact"])
    _refused(exc, "A project uses this resource: it cannot be withdrawn.")
    assert Resource.objects.filter(pk=side["venue"].pk).exists()


def test_an_oversized_change_writes_nothing(street, units, side):
    with pytest.raises(ValidationError):
        unit_side.update_own_resource(
            side["venue"], actor=side["contact"], description="长" * 2001, quantity=7
        )
    side["venue"].refresh_from_db()
    assert side["venue"].quantity == 1 and side["venue"].description == "礼堂"


# Answering ---------------------------------------------------------------------------------------


def test_a_unit_answers_and_the_communitys_managers_are_told_once(street, units, side, roles):
    answer = unit_side.answer_need(
        side["need"],
        actor=side["contact"],
        unit=units["hospital"],
        resources=[side["venue"]],
        note="周末可用",
    )
    assert answer.unit_org == units["hospital"] and list(answer.resources.all()) == [side["venue"]]
    fanouts = FanOut.objects.filter(cause_key=f"cobuilding-answer:{answer.pk}")
    assert fanouts.count() == 1
    told = set(fanouts.get().recipient_ids)
    assert roles["community_secretary"].pk in told and roles["street_secretary"].pk in told
    assert side["contact"].pk not in told
    # Answering again: refused, nobody told again.
    with translation.override("en"), pytest.raises(ValidationError) as exc:
        unit_side.answer_need(
            side["need"], actor=side["contact"], unit=units["hospital"], resources=[side["venue"]]
        )
    _refused(exc, "Your unit has already answered this need.")
    assert (
        NeedAnswer.objects.count() == 1
        and FanOut.objects.filter(cause_key__startswith="cobuilding-answer").count() == 1
    )


@pytest.mark.parametrize(
    "case, msgid",
    [
        ("not_published", "This need was not published to your unit."),
        ("met", "This need is no longer open."),
        ("closed", "This need is no longer open."),
        ("other_units_resource", "A resource chosen is not your unit's."),
        ("forged_resource", "A resource chosen is not your unit's."),
        ("no_resources", "Choose at least one of your unit's resources."),
        ("unfit", "A resource chosen does not fit this need (kind or time)."),
        ("too_long", "At most %(n)d characters."),
    ],
)
def test_bad_answers_are_refused_in_chinese_and_write_nothing(street, units, side, case, msgid):
    need, resources, note = side["need"], [side["venue"]], ""
    if case == "not_published":
        need = make_need(street["community1"], published_to=[units["school"]])
    elif case in ("met", "closed"):
        need.status = NeedStatus.MET if case == "met" else NeedStatus.CLOSED
        need.save()
    elif case == "other_units_resource":
        resources = [side["school_venue"]]
    elif case == "forged_resource":
        resources = [987654]
    elif case == "no_resources":
        resources = []
    elif case == "unfit":
        resources = [make_resource(street["community1"], units["hospital"], kind="funds")]
    elif case == "too_long":
        note = "长" * 501
    with translation.override("en"), pytest.raises(ValidationError) as exc:
        unit_side.answer_need(
            need, actor=side["contact"], unit=units["hospital"], resources=resources, note=note
        )
    text = " ".join(exc.value.messages)
    assert msgid.replace("%(n)d", "500") in text
    if msgid != "At most %(n)d characters.":
        _refused(exc, msgid)
    assert not NeedAnswer.objects.exists() and not FanOut.objects.filter(
        cause_key__startswith="cobuilding-answer"
    )


def test_nobody_else_answers_for_the_unit(street, units, side, roles, community2_secretary):
    for user in (side["school_contact"], roles["member"], community2_secretary, roles["community_secretary"]):
        with pytest.raises(PermissionDenied):
            unit_side.answer_need(side["need"], actor=user, unit=units["hospital"], resources=[side["venue"]])
    assert not NeedAnswer.objects.exists()


def test_the_community_makes_a_project_from_an_answer_in_one_step(
    street, units, side, roles, community2_secretary
):
    answer = unit_side.answer_need(
        side["need"], actor=side["contact"], unit=units["hospital"], resources=[side["venue"]]
    )
    for user in (side["contact"], community2_secretary, roles["member"]):
        with pytest.raises(PermissionDenied):
            unit_side.project_from_answer(answer, actor=user)
    assert not Project.objects.exists()
    project = unit_side.project_from_answer(answer, actor=roles["community_secretary"], title="暑期托管")
    assert list(project.resources.all()) == [side["venue"]] and project.title == "暑期托管"
    side["need"].refresh_from_db()
    answer.refresh_from_db()
    assert side["need"].status == NeedStatus.MET and answer.project == project
    with translation.override("en"), pytest.raises(ValidationError) as exc:
        unit_side.project_from_answer(answer, actor=roles["community_secretary"])
    _refused(exc, "This answer has already been made into a project.")
    assert Project.objects.count() == 1
    # The need is met: another unit's answer is refused now.
    with pytest.raises(ValidationError):
        unit_side.answer_need(
            side["need"], actor=side["school_contact"], unit=units["school"], resources=[side["school_venue"]]
        )

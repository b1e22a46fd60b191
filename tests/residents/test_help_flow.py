"""Each state of a help request and who hears of it: filed (routed by address), assigned from the
street's queue, accepted, handled, closed with an outcome; the requester with a login told in the
inbox at each step, the anonymous one reading every step by tracking code."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext

from inbox.models import FanOut
from orgchart import crypto
from residents import services_help as services
from residents.models_help import HelpRequest, HelpStatus, HelpStep
from tests.residents.help_support import file, make_catalogue
from tests.translations import chinese


@pytest.fixture
def cat(street):
    return make_catalogue(street)


def _fanouts(cause_prefix: str) -> list[FanOut]:
    return list(FanOut.objects.filter(cause_key__startswith=cause_prefix).order_by("pk"))


def test_address_on_a_listed_road_goes_to_that_community_due_by_the_item(street, cat):
    request, code = file(street, cat["meals"], address="长江路12弄3号")
    assert request.community == street["community1"]
    assert request.status == HelpStatus.NEW
    assert (request.due_at - request.created_at).total_seconds() == 24 * 3600
    assert services.find_by_code(code) == request
    assert [s.kind for s in request.steps.all()] == ["submitted"]


def test_longest_name_wins_and_unmatched_or_tied_go_to_the_street_queue(street, cat):
    from residents.models_help import ServiceArea

    ServiceArea.objects.create(community=street["community2"], name="长江路东段")
    assert services.route_address("长江路东段8号", street["street"]) == street["community2"]
    assert services.route_address("淮海路1号", street["street"]) is None
    ServiceArea.objects.create(community=street["community2"], name="阳光苑")
    # two communities' names of the same length: nobody guesses, the street assigns
    assert services.route_address("长江路与黄河路路口", street["street"]) is None
    request, _code = file(street, cat["legal"], address="淮海路1号")
    assert request.community is None
    assert request.answering_organisation == street["street"]


def test_full_journey_of_a_member_with_an_inbox_message_at_each_step(street, cat, roles):
    member = roles["member"]
    request, _code = file(street, cat["legal"], address="淮海路1号", actor=member, name="", phone="")
    assert request.requester_user == member
    assert request.requester_name == "普通党员"  # the member's own name, not one typed in
    services.assign(request, street["community1"], actor=roles["street_secretary"])
    services.accept(request, actor=roles["community_secretary"])
    services.record_progress(request, "已联系律师，约定周三上门。", actor=roles["community_secretary"])
    services.close(request, "律师已上门解答，居民满意。", actor=roles["community_secretary"])
    request.refresh_from_db()
    assert request.status == HelpStatus.CLOSED and request.outcome == "律师已上门解答，居民满意。"
    assert request.on_time is True
    kinds = [s.kind for s in request.steps.all()]
    assert kinds == ["submitted", "assigned", "accepted", "progress", "closed"]
    told = [f for f in _fanouts(f"help-request:{request.pk}:") if f.recipient_ids == [member.pk]]
    assert [f.cause_key.split(":")[2].split("-")[0] for f in told] == kinds
    # the staff who act next heard too: the street of the queued request, then the community
    staff = [f for f in _fanouts(f"help-request:{request.pk}:staff-")]
    assert roles["street_secretary"].pk in staff[0].recipient_ids
    assert roles["community_secretary"].pk in staff[1].recipient_ids


def test_anonymous_requester_is_told_nothing_by_inbox_but_every_step_shows_by_code(
    client, street, cat, roles
):
    request, code = file(street, cat["meals"])
    services.accept(request, actor=roles["community_secretary"])
    services.record_progress(request, "志愿者明日起送餐。", actor=roles["community_secretary"])
    assert not [f for f in _fanouts(f"help-request:{request.pk}:") if ":staff-" not in f.cause_key]
    page = client.post("/help/status/", {"code": code.lower().replace("-", " ")})
    body = page.content.decode()
    assert page.status_code == 200
    assert (
        'data-kind="submitted"' in body and 'data-kind="accepted"' in body and 'data-kind="progress"' in body
    )
    assert "志愿者明日起送餐。" in body
    assert "shequ" not in body  # staff names stay off the public page


def test_phone_is_stored_encrypted_and_shown_masked(street, cat):
    request, _code = file(street, cat["meals"], phone="１３８１２３４５６７８")  # full-width digits
    row = HelpRequest.objects.get(pk=request.pk)
    assert "13812345678" not in row.phone_encrypted
    assert crypto.decrypt(row.phone_encrypted) == "13812345678"
    assert row.phone_masked == "138****5678"


def test_only_a_hash_of_the_tracking_code_is_kept(street, cat):
    request, code = file(street, cat["meals"])
    assert code not in request.code_hash and code.replace("-", "") not in request.code_hash
    assert len(code) == 14 and code.count("-") == 2


# Bad input: a Chinese message and nothing written -------------------------------------------


def _nothing_written(before: tuple[int, int, int]) -> bool:
    return (HelpRequest.objects.count(), HelpStep.objects.count(), FanOut.objects.count()) == before


def _counts() -> tuple[int, int, int]:
    return HelpRequest.objects.count(), HelpStep.objects.count(), FanOut.objects.count()


@pytest.mark.parametrize(
    "changes, field, message",
    [
        (
            {"item": "jobs"},
            "item",
            "This service item belongs to another community (%(owner)s). Choose one of %(community)s "
            "or a street-wide item.",
        ),
        ({"description": "   "}, "description", "Please say what help is needed."),
        (
            {"description": "帮" * 100_000},
            "description",
            "At most %(limit)d characters, please; this is %(length)d.",
        ),
        ({"address": ""}, "address", "Please give the address."),
        ({"name": ""}, "name", "Please give the name of the person who needs help."),
        (
            {"phone": "12345"},
            "phone",
            "Mobile number must be 11 digits starting with 13–19, e.g. 13812345678.",
        ),
    ],
)
def test_bad_input_is_refused_with_a_reason_and_writes_nothing(street, cat, changes, field, message):
    before = _counts()
    item = cat[changes.pop("item", "meals")]
    with pytest.raises(ValidationError) as refused:
        file(street, item, **changes)
    assert field in refused.value.message_dict
    assert _nothing_written(before)
    assert chinese("helpreq")[message]  # the Chinese exists


def test_closing_without_an_outcome_is_refused_and_leaves_it_open(street, cat, roles):
    request, _code = file(street, cat["meals"])
    services.accept(request, actor=roles["community_secretary"])
    before = _counts()
    with pytest.raises(ValidationError) as refused:
        services.close(request, "  ", actor=roles["community_secretary"])
    assert refused.value.message_dict == {"outcome": [gettext("Please record the outcome before closing.")]}
    assert _nothing_written(before)
    assert HelpRequest.objects.get(pk=request.pk).status == HelpStatus.ACCEPTED
    assert chinese("helpreq")["Please record the outcome before closing."]


def test_accepting_a_closed_request_is_refused(street, cat, roles):
    request, _code = file(street, cat["meals"])
    services.accept(request, actor=roles["community_secretary"])
    services.close(request, "已送餐。", actor=roles["community_secretary"])
    before = _counts()
    msgid = "This help request is closed already; nothing more can be done to it."
    for act in (
        lambda: services.accept(request, actor=roles["community_secretary"]),
        lambda: services.record_progress(request, "再次", actor=roles["community_secretary"]),
        lambda: services.close(request, "再次", actor=roles["community_secretary"]),
        lambda: services.assign(request, street["community2"], actor=roles["street_secretary"]),
    ):
        with pytest.raises(ValidationError) as refused:
            act()
        assert refused.value.messages == [gettext(msgid)]
    assert _nothing_written(before)
    assert chinese("helpreq")[msgid]


def test_closing_before_accepting_and_accepting_twice_are_refused(street, cat, roles):
    request, _code = file(street, cat["meals"])
    with pytest.raises(ValidationError):
        services.close(request, "已办", actor=roles["community_secretary"])
    services.accept(request, actor=roles["community_secretary"])
    with pytest.raises(ValidationError):
        services.accept(request, actor=roles["community_secretary"])


def test_assigning_to_a_community_other_than_the_items_is_refused(street, cat, roles):
    request, _code = file(street, cat["meals"], address="淮海路1号")  # queue, community-1 item
    with pytest.raises(ValidationError) as refused:
        services.assign(request, street["community2"], actor=roles["street_secretary"])
    assert "community" in refused.value.message_dict
    with pytest.raises(ValidationError):
        services.assign(request, street["branch1"], actor=roles["street_secretary"])  # not a community
    services.assign(request, street["community1"], actor=roles["street_secretary"])


def test_queued_request_is_not_accepted_before_assignment(street, cat, roles):
    request, _code = file(street, cat["legal"], address="淮海路1号")
    with pytest.raises(PermissionDenied):
        services.accept(request, actor=roles["street_secretary"])


def test_a_help_line_call_is_recorded_only_by_a_post_holder(street, cat, roles):
    before = _counts()
    with pytest.raises(PermissionDenied):
        file(street, cat["meals"], actor=roles["member"], channel="phone")
    with pytest.raises(PermissionDenied):
        file(street, cat["meals"], actor=None, channel="phone")
    assert _nothing_written(before)
    request, _code = file(street, cat["meals"], actor=roles["community_secretary"], channel="phone")
    assert request.channel == "phone" and request.recorded_by == roles["community_secretary"]
    assert request.requester_user is None and request.requester_name == "王阿姨"

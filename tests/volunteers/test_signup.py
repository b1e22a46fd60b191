"""Sign-up rules: places, the FIFO waiting list, refusals in Chinese, cancel, offers."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import signing
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from activities.models import ActivityState, Eligibility
from inbox.models import FanOut
from tests.factories.volunteers import make_activity
from volunteers import services
from volunteers.models import SignUp, SignUpStatus

pytestmark = pytest.mark.django_db


def _codes(exc_info) -> set[str]:
    return {error.code for error in exc_info.value.error_list}


def _message(exc_info) -> str:
    return " ".join(exc_info.value.messages)


def test_sign_up_takes_a_free_place(street, people):
    activity = make_activity(street["community1"])
    signup = services.sign_up(activity, actor=people["m1"])
    assert signup.status == SignUpStatus.CONFIRMED
    assert activity.title in services.signup_message(signup)


def test_full_activity_puts_next_sign_up_on_waiting_list_in_order(street, people):
    activity = make_activity(street["community1"], capacity=2)
    for name in ("m1", "m2"):
        assert services.sign_up(activity, actor=people[name]).status == SignUpStatus.CONFIRMED
    third = services.sign_up(activity, actor=people["m3"])
    fourth = services.sign_up(activity, actor=people["m4"])
    assert (third.status, fourth.status) == (SignUpStatus.WAITING, SignUpStatus.WAITING)
    assert services.waiting_position(third) == 1
    assert services.waiting_position(fourth) == 2
    assert "2" in services.signup_message(fourth)


def test_sign_up_after_the_deadline_is_refused(street, people):
    activity = make_activity(street["community1"], signup_deadline=timezone.now() + dt.timedelta(days=1))
    activity.signup_deadline = timezone.now() - dt.timedelta(minutes=1)
    activity.save(update_fields=["signup_deadline"])
    with pytest.raises(ValidationError) as exc:
        services.sign_up(activity, actor=people["m1"])
    assert _codes(exc) == {"closed"}
    assert not SignUp.objects.exists()


def test_closed_or_draft_activity_takes_no_sign_up(street, people):
    draft = make_activity(street["community1"], open_now=False)
    with pytest.raises(ValidationError) as exc:
        services.sign_up(draft, actor=people["m1"])
    assert _codes(exc) == {"closed"}


def test_member_of_another_community_cannot_sign_up_to_subtree_activity(street, people):
    activity = make_activity(street["community1"], eligibility=Eligibility.SUBTREE)
    with pytest.raises(ValidationError) as exc:
        services.sign_up(activity, actor=people["other_community"])
    assert _codes(exc) == {"not_eligible"}
    assert services.sign_up(activity, actor=people["m1"]).status == SignUpStatus.CONFIRMED


def test_registered_volunteer_signs_up_only_where_anyone_may(street, people):
    members_only = make_activity(street["community1"], eligibility=Eligibility.MEMBERS)
    with pytest.raises(ValidationError) as exc:
        services.sign_up(members_only, actor=people["volunteer"])
    assert _codes(exc) == {"not_eligible"}
    open_to_all = make_activity(
        street["community1"], eligibility=Eligibility.ANYONE, starts_in=dt.timedelta(days=9)
    )
    assert services.sign_up(open_to_all, actor=people["volunteer"]).status == SignUpStatus.CONFIRMED


def test_sign_up_clashing_with_another_at_the_same_time_is_refused(street, people):
    first = make_activity(street["community1"], title="敬老院探访")
    overlapping = make_activity(street["community1"], starts_at=first.starts_at + dt.timedelta(hours=1))
    services.sign_up(first, actor=people["m1"])
    with pytest.raises(ValidationError) as exc:
        services.sign_up(overlapping, actor=people["m1"])
    assert _codes(exc) == {"clash"} and "敬老院探访" in _message(exc)


def test_one_live_sign_up_per_person_and_activity(street, people):
    activity = make_activity(street["community1"])
    services.sign_up(activity, actor=people["m1"])
    with pytest.raises(ValidationError) as exc:
        services.sign_up(activity, actor=people["m1"])
    assert _codes(exc) == {"duplicate"}
    assert SignUp.objects.filter(activity=activity).count() == 1


def test_cancel_after_the_cutoff_is_refused(street, people):
    activity = make_activity(street["community1"], starts_in=dt.timedelta(hours=1), cancel_cutoff_hours=2)
    signup = services.sign_up(activity, actor=people["m1"])
    with pytest.raises(ValidationError) as exc:
        services.cancel_signup(signup, actor=people["m1"])
    assert _codes(exc) == {"cutoff"}
    signup.refresh_from_db()
    assert signup.status == SignUpStatus.CONFIRMED


def test_someone_else_cannot_cancel_my_sign_up(street, people):
    activity = make_activity(street["community1"])
    signup = services.sign_up(activity, actor=people["m1"])
    with pytest.raises(PermissionDenied):
        services.cancel_signup(signup, actor=people["m2"])


def test_cancel_offers_the_place_to_the_first_in_line_with_a_signed_link(street, people):
    activity = make_activity(street["community1"], capacity=1)
    first = services.sign_up(activity, actor=people["m1"])
    waiting = services.sign_up(activity, actor=people["m2"])
    later = services.sign_up(activity, actor=people["m3"])
    services.cancel_signup(first, actor=people["m1"])
    waiting.refresh_from_db()
    later.refresh_from_db()
    assert waiting.status == SignUpStatus.OFFERED and later.status == SignUpStatus.WAITING
    assert waiting.offer_expires_at <= activity.starts_at
    fanout = FanOut.objects.get(cause_key=f"waitlist:{waiting.pk}:offer")
    assert fanout.recipient_ids == [people["m2"].pk]
    # The link carries this offer's signed token (its signing time may differ by a second).
    token = fanout.url.rstrip("/").rsplit("/", 1)[-1]
    assert fanout.url == reverse("volunteers:offer", args=[token])
    assert signing.loads(token, salt=services.OFFER_SALT) == signing.loads(
        services.offer_token(waiting), salt=services.OFFER_SALT
    )
    token = fanout.url.rstrip("/").rsplit("/", 1)[-1]
    confirmed = services.confirm_offer(token, actor=people["m2"])
    assert confirmed.status == SignUpStatus.CONFIRMED


def test_forged_confirm_link_is_refused_and_writes_nothing(street, people):
    activity = make_activity(street["community1"], capacity=1)
    first = services.sign_up(activity, actor=people["m1"])
    waiting = services.sign_up(activity, actor=people["m2"])
    services.cancel_signup(first, actor=people["m1"])
    forged = signing.dumps({"s": waiting.pk, "o": "x"}, salt="another-salt")
    for token in (forged, "abc", f"{waiting.pk}"):
        with pytest.raises(ValidationError) as exc:
            services.confirm_offer(token, actor=people["m2"])
        assert _codes(exc) == {"offer_link"}
    waiting.refresh_from_db()
    assert waiting.status == SignUpStatus.OFFERED


def test_someone_elses_confirm_link_is_refused(street, people):
    activity = make_activity(street["community1"], capacity=1)
    first = services.sign_up(activity, actor=people["m1"])
    waiting = services.sign_up(activity, actor=people["m2"])
    services.cancel_signup(first, actor=people["m1"])
    waiting.refresh_from_db()
    with pytest.raises(ValidationError) as exc:
        services.confirm_offer(services.offer_token(waiting), actor=people["m3"])
    assert _codes(exc) == {"offer_link"}
    waiting.refresh_from_db()
    assert waiting.status == SignUpStatus.OFFERED


def test_expired_confirm_link_is_refused_and_writes_nothing(street, people):
    activity = make_activity(street["community1"], capacity=1)
    first = services.sign_up(activity, actor=people["m1"])
    waiting = services.sign_up(activity, actor=people["m2"])
    services.cancel_signup(first, actor=people["m1"])
    waiting.refresh_from_db()
    token = services.offer_token(waiting)
    SignUp.objects.filter(pk=waiting.pk).update(offer_expires_at=timezone.now() - dt.timedelta(minutes=1))
    with pytest.raises(ValidationError) as exc:
        services.confirm_offer(token, actor=people["m2"])
    assert _codes(exc) == {"offer_expired"}
    waiting.refresh_from_db()
    assert waiting.status == SignUpStatus.OFFERED


def test_expire_offers_passes_the_place_to_the_next_and_acts_once(street, people):
    activity = make_activity(street["community1"], capacity=1)
    first = services.sign_up(activity, actor=people["m1"])
    second = services.sign_up(activity, actor=people["m2"])
    third = services.sign_up(activity, actor=people["m3"])
    services.cancel_signup(first, actor=people["m1"])
    later = timezone.now() + dt.timedelta(hours=13)
    assert services.expire_offers(now=later) == [second.pk]
    assert services.expire_offers(now=later) == []
    second.refresh_from_db()
    third.refresh_from_db()
    assert second.status == SignUpStatus.DECLINED
    assert third.status == SignUpStatus.OFFERED
    assert FanOut.objects.filter(cause_key=f"waitlist:{third.pk}:offer").count() == 1


def test_declining_an_offer_passes_it_on(street, people):
    activity = make_activity(street["community1"], capacity=1)
    first = services.sign_up(activity, actor=people["m1"])
    second = services.sign_up(activity, actor=people["m2"])
    third = services.sign_up(activity, actor=people["m3"])
    services.cancel_signup(first, actor=people["m1"])
    second.refresh_from_db()
    services.decline_offer(services.offer_token(second), actor=people["m2"])
    third.refresh_from_db()
    assert third.status == SignUpStatus.OFFERED


def test_places_are_never_more_than_capacity_while_offers_are_open(street, people):
    activity = make_activity(street["community1"], capacity=1)
    first = services.sign_up(activity, actor=people["m1"])
    services.sign_up(activity, actor=people["m2"])
    services.cancel_signup(first, actor=people["m1"])
    newcomer = services.sign_up(activity, actor=people["m4"])
    assert newcomer.status == SignUpStatus.WAITING
    assert services.places_held(activity) == 1


def test_cancelling_an_activity_tells_everyone_signed_up_or_waiting(street, people, roles):
    activity = make_activity(street["community1"], capacity=1)
    services.sign_up(activity, actor=people["m1"])
    services.sign_up(activity, actor=people["m2"])
    services.cancel_activity(activity, actor=roles["community_secretary"], reason="天气原因")
    activity.refresh_from_db()
    assert activity.state == ActivityState.CANCELLED
    fanout = FanOut.objects.get(cause_key=f"activity:{activity.pk}:cancelled")
    assert sorted(fanout.recipient_ids) == sorted([people["m1"].pk, people["m2"].pk])
    assert "天气原因" in fanout.summary
    assert not SignUp.objects.live().filter(activity=activity).exists()


def test_secretary_of_another_community_cannot_cancel_or_edit(street, people, roles):
    from tests.factories.orgchart import make_post_holder

    other_sec = make_post_holder(street["community2"], "erqu", branch=street["branch2"])
    activity = make_activity(street["community1"])
    with pytest.raises(PermissionDenied):
        services.cancel_activity(activity, actor=other_sec)
    with pytest.raises(PermissionDenied):
        services.update_activity(activity, actor=other_sec, title="改名")
    activity.refresh_from_db()
    assert activity.state == ActivityState.OPEN and activity.title != "改名"


def test_more_places_are_offered_to_the_waiting_list(street, people, roles):
    activity = make_activity(street["community1"], capacity=1)
    services.sign_up(activity, actor=people["m1"])
    waiting = services.sign_up(activity, actor=people["m2"])
    services.update_activity(activity, actor=roles["community_secretary"], capacity=2)
    waiting.refresh_from_db()
    assert waiting.status == SignUpStatus.OFFERED


def test_places_cannot_be_reduced_below_those_taken(street, people, roles):
    activity = make_activity(street["community1"], capacity=3)
    services.sign_up(activity, actor=people["m1"])
    services.sign_up(activity, actor=people["m2"])
    with pytest.raises(ValidationError) as exc:
        services.update_activity(activity, actor=roles["community_secretary"], capacity=1)
    assert "capacity" in exc.value.message_dict
    activity.refresh_from_db()
    assert activity.capacity == 3


def test_organisation_with_activities_is_refused_deletion_not_a_server_error(street, roles):
    from orgchart import services as org_services
    from orgchart.models import OrgKind
    from tests.factories.orgchart import make_org

    leaf = make_org(street["community1"], OrgKind.UNION, name="一社区工会", code="SQ1-GH")
    make_activity(leaf)
    with pytest.raises(ValidationError):
        org_services.delete_organisation(leaf, actor=roles["community_secretary"])
    assert type(leaf).objects.filter(pk=leaf.pk).exists()

"""Registering, moving and deregistering through the services: the rules, and every bad input
refused with a Chinese message and nothing written."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from orgchart.validators import build_id_number
from residents import services
from residents.models import AuditEntry, EventKind, Resident, ResidentEvent
from tests import translations
from tests.factories.residents import register, registration

pytestmark = pytest.mark.django_db


def _counts():
    return Resident.objects.count(), ResidentEvent.objects.count(), AuditEntry.objects.count()


def _refused(actor, data) -> dict:
    before = _counts()
    with pytest.raises(ValidationError) as exc:
        services.register(actor, data)
    assert _counts() == before  # nothing written
    return exc.value.message_dict


def test_registration_keeps_the_id_number_encrypted_hashed_and_masked(people, homes):
    resident = register(
        people["community1"], homes["flat1"], id_number=build_id_number("340102", dt.date(1995, 6, 15), 7)
    )
    stored = Resident.objects.get(pk=resident.pk)
    assert "340102199506150" not in stored.id_number_encrypted
    assert stored.id_number == build_id_number("340102", dt.date(1995, 6, 15), 7)
    assert stored.id_number_masked.startswith("3401") and "*" in stored.id_number_masked
    assert stored.community == homes["flat1"].community
    assert stored.registered_by == people["community1"]
    assert list(stored.events.values_list("kind", flat=True)) == [EventKind.REGISTERED]
    assert AuditEntry.objects.filter(resident=stored, action="register").count() == 1


def test_full_width_id_number_is_the_same_person(people, homes):
    number = build_id_number("340102", dt.date(1995, 6, 15), 8)
    register(people["community1"], homes["flat1"], id_number=number)
    wide = number.translate(str.maketrans("0123456789", "０１２３４５６７８９"))
    errors = _refused(people["street"], registration(homes["flat2"], id_number=wide))
    assert "already registered" in errors["id_number"][0] or "已" in errors["id_number"][0]


def test_a_wrong_check_digit_is_refused(people, homes):
    good = build_id_number("340102", dt.date(1995, 6, 15), 9)
    bad = good[:17] + ("0" if good[17] != "0" else "1")
    errors = _refused(people["community1"], registration(homes["flat1"], id_number=bad))
    assert errors["id_number"]


def test_an_id_number_not_matching_the_birth_date_is_refused(people, homes):
    number = build_id_number("340102", dt.date(1990, 1, 1), 10)
    errors = _refused(
        people["community1"], registration(homes["flat1"], id_number=number, birth_date=dt.date(1995, 6, 15))
    )
    assert "1990-01-01" in errors["id_number"][0]


def test_a_second_registration_of_a_registered_person_is_refused(people, homes):
    number = build_id_number("340102", dt.date(1995, 6, 15), 11)
    first = register(people["community1"], homes["flat1"], id_number=number)
    errors = _refused(people["community1"], registration(homes["flat1b"], id_number=number))
    assert first.arrived_on.isoformat() in errors["id_number"][0]  # the officer may see where


def test_the_duplicate_answer_hides_where_from_those_who_may_not_see_the_person(people, homes):
    number = build_id_number("340102", dt.date(1995, 6, 15), 12)
    register(people["community1"], homes["flat1"], id_number=number)
    errors = _refused(people["community2"], registration(homes["flat2"], id_number=number))
    message = errors["id_number"][0]
    assert "第1社区" not in message and "2026-03-01" not in message


def test_a_person_who_left_may_register_again(people, homes):
    number = build_id_number("340102", dt.date(1995, 6, 15), 13)
    first = register(people["community1"], homes["flat1"], id_number=number)
    services.deregister(people["community1"], first, dt.date(2026, 4, 1), "回老家")
    again = register(people["community2"], homes["flat2"], id_number=number, arrived_on=dt.date(2026, 5, 1))
    assert Resident.objects.filter(id_number_hash=again.id_number_hash).count() == 2


def test_more_tenants_than_beds_needs_a_reason(people, homes):
    flat = homes["flat1b"]  # one bed
    register(people["community1"], flat)
    errors = _refused(people["community1"], registration(flat))
    assert flat.address in errors["over_beds_reason"][0]
    second = register(people["community1"], flat, over_beds_reason="夫妻同住一床")
    assert second.over_beds_reason == "夫妻同住一床"


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"category": "family"}, "joined_person"),
        ({"category": "family", "joined_person": "李大"}, "relation"),
        ({"category": "study"}, "school"),
        ({"category": "study", "school": "某职校"}, "course"),
        ({"phone": "12345"}, "phone"),
        ({"name": "   "}, "name"),
        ({"name": "12345"}, "name"),
        ({"origin": ""}, "origin"),
        ({"arrived_on": dt.date(2099, 1, 1)}, "arrived_on"),
        ({"arrived_on": None}, "arrived_on"),
        ({"gender": "x"}, "gender"),
        ({"category": "nope"}, "category"),
        ({"birth_date": None}, "birth_date"),
    ],
)
def test_bad_input_is_refused_with_a_message_and_nothing_written(people, homes, overrides, field):
    assert _refused(people["community1"], registration(homes["flat1"], **overrides))[field]


def test_departure_before_arrival_is_refused(people, homes):
    resident = register(people["community1"], homes["flat1"])
    before = _counts()
    with pytest.raises(ValidationError) as exc:
        services.deregister(people["community1"], resident, dt.date(2026, 2, 1), "工作变动")
    assert "2026-03-01" in exc.value.message_dict["left_on"][0]
    assert _counts() == before
    assert Resident.objects.get(pk=resident.pk).left_on is None


def test_deregistration_needs_a_reason_and_happens_once(people, homes):
    resident = register(people["community1"], homes["flat1"])
    with pytest.raises(ValidationError):
        services.deregister(people["community1"], resident, dt.date(2026, 4, 1), "  ")
    services.deregister(people["landlord"], resident, dt.date(2026, 4, 1), "合同到期")
    with pytest.raises(PermissionDenied):
        services.deregister(people["community1"], resident, dt.date(2026, 4, 2), "再次")
    assert resident.events.filter(kind=EventKind.LEFT).count() == 1


def test_a_move_within_the_street_changes_the_community_and_keeps_history(people, homes):
    resident = register(people["community1"], homes["flat1"])
    services.move(people["street"], resident, homes["flat2"], dt.date(2026, 4, 1))
    resident.refresh_from_db()
    assert resident.community == homes["flat2"].community
    assert list(resident.events.values_list("kind", flat=True)) == [EventKind.REGISTERED, EventKind.MOVED]
    move = resident.events.get(kind=EventKind.MOVED)
    assert (move.from_housing, move.to_housing) == (homes["flat1"], homes["flat2"])


def test_a_community_officer_cannot_move_a_resident_into_another_community(people, homes):
    resident = register(people["community1"], homes["flat1"])
    with pytest.raises(PermissionDenied):
        services.move(people["community1"], resident, homes["flat2"], dt.date(2026, 4, 1))
    assert Resident.objects.get(pk=resident.pk).housing == homes["flat1"]


def test_a_move_before_arrival_is_refused(people, homes):
    resident = register(people["community1"], homes["flat1"])
    with pytest.raises(ValidationError) as exc:
        services.move(people["community1"], resident, homes["flat1b"], dt.date(2026, 1, 1))
    assert exc.value.message_dict["moved_on"]
    assert resident.events.count() == 1


@pytest.mark.parametrize("who", ["other_landlord", "community2", "member", "outsider", "branch_secretary"])
def test_others_may_not_register_in_someone_elses_housing(people, homes, who):
    before = _counts()
    with pytest.raises(PermissionDenied):
        services.register(people[who], registration(homes["flat1"]))
    assert _counts() == before


def test_a_landlord_may_not_move_tenants(people, homes):
    resident = register(people["landlord"], homes["flat1"])
    with pytest.raises(PermissionDenied):
        services.move(people["landlord"], resident, homes["flat1b"], dt.date(2026, 4, 1))


MESSAGES = [
    "This person is already registered (arrived %(day)s, %(community)s). Deregister the earlier "
    "registration first, or move them.",
    "This person is already registered in the street. Ask the community office to deregister them first.",
    "%(address)s has %(beds)s beds and %(tenants)s registered tenants: one more is more tenants "
    "than beds. Give the reason, or choose other housing.",
    "The departure date cannot be before the arrival date (%(day)s).",
    "Joining family: give the person joined.",
    "Study: give the school.",
]


@pytest.mark.parametrize("msgid", MESSAGES)
def test_refusals_read_in_chinese(msgid):
    assert translations.chinese("reg")[msgid]

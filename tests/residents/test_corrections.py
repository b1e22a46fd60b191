"""Correcting a registration (issue 10): officers every detail, a landlord their own tenant's mobile.

Each correction goes through the same checks as a registration, writes one history event (kind
"corrected", which fields changed, the ID number masked) and one audit row, and nothing on any
refusal. Attacks: other communities' officers, landlords beyond the mobile or on another's tenant,
members, the anonymous, huge ids, 100 kB text, odd dates.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext

from core.masking import mask_id_number
from orgchart.validators import build_id_number
from residents import corrections, services
from residents.models import AuditEntry, Resident, ResidentEvent
from tests.factories.residents import register
from tests.translations import chinese

pytestmark = pytest.mark.django_db

BIG_TEXT = "长" * 100_000
BORN = dt.date(1995, 6, 15)
NOT_YOURS = (
    "This person is already registered in the street. Ask the community office to deregister them first."
)


def said(msgid: str, **values) -> str:
    """The message as shown (Chinese once the catalogue is merged); its Chinese must exist."""
    assert chinese("corrections")[msgid], msgid
    text = gettext(msgid)
    return text % values if values else text


def snapshot(resident: Resident) -> tuple:
    """What a refused correction must leave as it was: the row, its events, the audit trail."""
    row = Resident.objects.filter(pk=resident.pk).values().get()
    return (row, ResidentEvent.objects.count(), AuditEntry.objects.exclude(action="read").count())


@pytest.fixture
def resident(people, homes):
    return register(people["community1"], homes["flat1"], id_number=build_id_number("340102", BORN, 7))


def fix(actor, resident, reason="登记时录入错误", **changes):
    return corrections.correct(actor, resident, changes, reason)


# Each field --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("field", "value", "shown_old", "shown_new"),
    [
        ("name", "李思", "李四", "李思"),
        ("gender", "female", "男", "女"),
        ("origin", "安徽芜湖", "安徽合肥", "安徽芜湖"),
        ("phone", "13987654321", "138****5678", "139****4321"),
        ("arrived_on", dt.date(2026, 2, 1), "2026-03-01", "2026-02-01"),
    ],
)
def test_an_officer_corrects_each_plain_field(people, resident, field, value, shown_old, shown_new):
    event = fix(people["community1"], resident, **{field: value})
    assert getattr(Resident.objects.get(pk=resident.pk), field) == value
    expected_old = shown_old if field != "gender" else gettext("Male")
    expected_new = shown_new if field != "gender" else gettext("Female")
    assert event.changes == [{"field": field, "old": expected_old, "new": expected_new}]
    assert event.kind == "corrected" and event.reason == "登记时录入错误"
    assert AuditEntry.objects.filter(action="correct", resident=resident).count() == 1


def test_the_id_number_and_birth_date_are_corrected_together_and_shown_masked(people, resident):
    old = resident.id_number
    born = dt.date(1996, 1, 2)
    new = build_id_number("320102", born, 11)
    event = fix(people["community1"], resident, id_number=new, birth_date=born)
    stored = Resident.objects.get(pk=resident.pk)
    assert stored.id_number == new and stored.birth_date == born
    assert Resident.objects.filter(id_number_hash=resident.id_number_hash).count() == 0
    assert stored.id_number_masked == mask_id_number(new)
    id_change = next(c for c in event.changes if c["field"] == "id_number")
    assert id_change == {"field": "id_number", "old": mask_id_number(old), "new": mask_id_number(new)}
    assert old not in str(event.changes) and new not in str(event.changes)
    assert old not in AuditEntry.objects.get(action="correct").detail


def test_category_change_clears_the_old_categorys_fields_and_fills_the_new(people, homes):
    r = register(
        people["community1"], homes["flat1"], category="family", joined_person="李大", relation="父子"
    )
    event = fix(people["community1"], r, category="study", school="合肥学院", course="会计")
    stored = Resident.objects.get(pk=r.pk)
    assert (stored.category, stored.school, stored.course) == ("study", "合肥学院", "会计")
    assert (stored.joined_person, stored.relation) == ("", "")
    assert [c["field"] for c in event.changes] == [
        "category",
        "joined_person",
        "relation",
        "school",
        "course",
    ]


# Refusals: same checks as a registration, nothing written -----------------------------------------


@pytest.mark.parametrize(
    ("changes", "field", "msgid"),
    [
        ({"name": ""}, "name", "Give the resident's full name."),
        ({"origin": "   "}, "origin", "Give the place of origin."),
        ({"gender": "robot"}, "gender", "Choose the gender."),
        ({"category": "tourist"}, "category", "Choose the category."),
        ({"category": "family"}, "joined_person", "Joining family: give the person joined."),
        ({"category": "study", "school": "合肥学院"}, "course", "Study: give the course."),
        ({"arrived_on": None}, "arrived_on", "Give the arrival date."),
        ({"birth_date": None}, "birth_date", "Give the birth date."),
    ],
)
def test_bad_details_are_refused_in_chinese_and_nothing_is_written(people, resident, changes, field, msgid):
    before = snapshot(resident)
    with pytest.raises(ValidationError) as caught:
        fix(people["community1"], resident, **changes)
    assert said(msgid) in caught.value.message_dict[field]
    assert snapshot(resident) == before


def test_a_future_arrival_and_an_arrival_after_a_move_are_refused(people, homes, resident):
    before = snapshot(resident)
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    with pytest.raises(ValidationError) as caught:
        fix(people["community1"], resident, arrived_on=tomorrow)
    assert caught.value.message_dict["arrived_on"] == [said("The arrival date cannot be in the future.")]
    assert snapshot(resident) == before
    services.move(people["community1"], resident, homes["flat1b"], dt.date(2026, 4, 1))
    before = snapshot(resident)
    with pytest.raises(ValidationError) as caught:
        fix(people["community1"], resident, arrived_on=dt.date(2026, 4, 2))
    assert caught.value.message_dict["arrived_on"] == [
        said("The arrival date cannot be after a recorded move (%(day)s).", day="2026-04-01")
    ]
    assert snapshot(resident) == before


def test_an_arrival_before_the_birth_date_is_refused_here_and_at_registration(people, homes, resident):
    before = snapshot(resident)
    with pytest.raises(ValidationError) as caught:
        fix(people["community1"], resident, arrived_on=dt.date(1, 1, 1))
    assert caught.value.message_dict["arrived_on"] == [
        said("The arrival date cannot be before the birth date.")
    ]
    assert snapshot(resident) == before
    with pytest.raises(ValidationError):
        register(people["community1"], homes["flat1b"], arrived_on=dt.date(1990, 1, 1))


def test_a_bad_checksum_and_a_birth_date_that_disagrees_with_the_id_are_refused(people, resident):
    before = snapshot(resident)
    good = build_id_number("320102", BORN, 12)
    bad_checksum = good[:-1] + ("0" if good[-1] != "0" else "1")
    with pytest.raises(ValidationError) as caught:
        fix(people["community1"], resident, id_number=bad_checksum)
    assert "id_number" in caught.value.message_dict
    with pytest.raises(ValidationError) as caught:
        fix(people["community1"], resident, birth_date=dt.date(1990, 1, 1))
    assert "id_number" in caught.value.message_dict  # the ID says 1995-06-15
    assert snapshot(resident) == before


def test_a_reason_is_required_and_a_correction_must_change_something(people, resident):
    before = snapshot(resident)
    with pytest.raises(ValidationError) as caught:
        fix(people["community1"], resident, reason="  ", phone="13987654321")
    assert caught.value.message_dict["reason"] == [said("Give the reason for the correction.")]
    with pytest.raises(ValidationError) as caught:
        fix(people["community1"], resident, name="李四")
    assert caught.value.messages == [said("Nothing to correct: change at least one detail.")]
    assert snapshot(resident) == before


def test_an_id_number_of_another_current_registration_is_a_duplicate_told_only_to_who_may_see(
    people, homes, resident
):
    other = register(people["community2"], homes["flat2"], arrived_on=dt.date(2026, 1, 5))
    before = snapshot(resident)
    with pytest.raises(ValidationError) as caught:
        fix(people["community1"], resident, id_number=other.id_number, birth_date=other.birth_date)
    assert caught.value.message_dict["id_number"] == [said(NOT_YOURS)]
    with pytest.raises(ValidationError) as caught:
        fix(people["street"], resident, id_number=other.id_number, birth_date=other.birth_date)
    (message,) = caught.value.message_dict["id_number"]
    assert "2026-01-05" in message and other.community.name in message
    assert snapshot(resident) == before


def test_keeping_ones_own_id_number_is_not_a_duplicate_and_a_departed_ones_is_free(people, homes, resident):
    gone = register(people["community1"], homes["flat1b"])
    services.deregister(people["community1"], gone, dt.date(2026, 4, 1), "回老家")
    fix(people["community1"], resident, id_number=gone.id_number, birth_date=gone.birth_date)
    assert Resident.objects.get(pk=resident.pk).id_number == gone.id_number


def test_deregistered_and_purged_registrations_are_not_corrected(people, homes, resident):
    services.deregister(people["community1"], resident, dt.date(2026, 4, 1), "回老家")
    resident.refresh_from_db()
    with pytest.raises(PermissionDenied):
        fix(people["community1"], resident, phone="13987654321")
    Resident.objects.filter(pk=resident.pk).update(purged_at=timezone.now(), left_on=None)
    resident.refresh_from_db()
    with pytest.raises(PermissionDenied):
        fix(people["community1"], resident, phone="13987654321")
    assert not ResidentEvent.objects.filter(kind="corrected").exists()


def test_a_deregistration_meanwhile_ends_the_correction(people, resident):
    stale = Resident.objects.get(pk=resident.pk)
    services.deregister(people["community1"], resident, dt.date(2026, 4, 1), "回老家")
    with pytest.raises(ValidationError) as caught:
        fix(people["community1"], stale, phone="13987654321")
    assert caught.value.messages == [
        said("This registration has been deregistered; it can no longer be corrected.")
    ]
    assert Resident.objects.get(pk=resident.pk).phone == "13812345678"


# Who may -----------------------------------------------------------------------------------------


def test_a_landlord_corrects_their_own_tenants_mobile_only(people, homes, resident):
    event = fix(people["landlord"], resident, phone="13987654321")
    assert Resident.objects.get(pk=resident.pk).phone == "13987654321"
    assert event.actor == people["landlord"]
    before = snapshot(resident)
    for field, value in (("name", "王五"), ("arrived_on", dt.date(2026, 2, 1)), ("id_number", "x")):
        with pytest.raises(PermissionDenied) as caught:
            fix(people["landlord"], resident, **{field: value})
        assert str(caught.value) == said(
            "A landlord may correct a tenant's mobile only; ask the community office for the rest."
        )
    assert snapshot(resident) == before


@pytest.mark.parametrize("role", ["other_landlord", "community2", "branch_secretary", "member", "outsider"])
def test_others_may_not_correct(people, resident, role):
    before = snapshot(resident)
    with pytest.raises(PermissionDenied):
        fix(people[role], resident, phone="13987654321")
    assert snapshot(resident) == before


def test_the_street_corrects_any_community(people, resident):
    fix(people["street"], resident, origin="安徽芜湖")
    assert Resident.objects.get(pk=resident.pk).origin == "安徽芜湖"


def test_unknown_fields_are_refused(people, resident):
    with pytest.raises(ValidationError):
        corrections.correct(people["community1"], resident, {"community_id": 99}, "改社区")


# The pages ---------------------------------------------------------------------------------------


def _form(resident, **overrides):
    values = {k: ("" if v is None else v) for k, v in corrections.current_values(resident).items()}
    values = {k: (v.isoformat() if isinstance(v, dt.date) else v) for k, v in values.items()}
    values["reason"] = "核对身份证后更正"
    values.update(overrides)
    return values


def test_an_officer_corrects_on_the_page_and_sees_it_in_the_history(client, people, resident):
    client.force_login(people["community1"])
    page = client.get(reverse("residents:detail", args=[resident.pk])).content.decode()
    assert reverse("residents:correct", args=[resident.pk]) in page
    url = reverse("residents:correct", args=[resident.pk])
    form_page = client.get(url)
    assert form_page.status_code == 200 and resident.id_number in form_page.content.decode()
    response = client.post(url, _form(resident, phone="13987654321", arrived_on="2026-02-01"))
    assert response.status_code == 302
    stored = Resident.objects.get(pk=resident.pk)
    assert (stored.phone, stored.arrived_on) == ("13987654321", dt.date(2026, 2, 1))
    history = client.get(reverse("residents:detail", args=[resident.pk])).content.decode()
    assert "139****4321" in history and "2026-03-01 → 2026-02-01" in history
    assert "核对身份证后更正" in history
    assert gettext("Corrected") in history
    assert ResidentEvent.objects.filter(kind="corrected").count() == 1
    assert AuditEntry.objects.filter(action="correct").count() == 1


def test_a_refused_page_post_is_400_with_the_chinese_message_and_writes_nothing(client, people, resident):
    client.force_login(people["community1"])
    before = snapshot(resident)
    reads = AuditEntry.objects.filter(action="read").count()
    response = client.post(
        reverse("residents:correct", args=[resident.pk]), _form(resident, phone="12345", reason="")
    )
    assert response.status_code == 400
    assert snapshot(resident) == before
    assert AuditEntry.objects.filter(action="read").count() == reads  # a refused POST audits nothing


def test_opening_the_officers_form_is_an_audited_read(client, people, resident):
    client.force_login(people["community1"])
    client.get(reverse("residents:correct", args=[resident.pk]))
    assert AuditEntry.objects.filter(action="read", resident=resident).count() == 1


def test_the_landlord_page_offers_a_mobile_only_form(client, people, resident):
    client.force_login(people["landlord"])
    url = reverse("residents:correct", args=[resident.pk])
    assert url in client.get(reverse("residents:landlord")).content.decode()
    page = client.get(url).content.decode()
    assert resident.id_number not in page and 'name="name"' not in page and 'name="phone"' in page
    # a forged POST with other fields changes the mobile only (the form has no other field)
    response = client.post(
        url, {"phone": "13987654321", "reason": "租客换号", "name": "王五", "id_number": "1" * 18}
    )
    assert response.status_code == 302
    stored = Resident.objects.get(pk=resident.pk)
    assert (stored.phone, stored.name) == ("13987654321", "李四")
    assert not AuditEntry.objects.filter(action="read").exists()


@pytest.mark.parametrize(
    ("role", "status"),
    [("other_landlord", 404), ("community2", 404), ("branch_secretary", 404), ("member", 404)],
)
def test_others_get_404_on_the_page_and_change_nothing(client, people, resident, role, status):
    client.force_login(people[role])
    url = reverse("residents:correct", args=[resident.pk])
    before = snapshot(resident)
    assert client.get(url).status_code == status
    assert client.post(url, _form(resident, phone="13987654321")).status_code == status
    assert snapshot(resident) == before


def test_the_anonymous_are_sent_to_log_in(client, resident):
    response = client.post(
        reverse("residents:correct", args=[resident.pk]), _form(resident, phone="13987654321")
    )
    assert response.status_code == 302 and "login" in response["Location"]
    assert Resident.objects.get(pk=resident.pk).phone == "13812345678"


def test_a_deregistered_record_page_offers_no_correction_and_the_form_is_403(client, people, resident):
    services.deregister(people["community1"], resident, dt.date(2026, 4, 1), "回老家")
    client.force_login(people["community1"])
    assert "correct-link" not in client.get(reverse("residents:detail", args=[resident.pk])).content.decode()
    assert client.get(reverse("residents:correct", args=[resident.pk])).status_code == 403


def test_a_huge_id_is_404(client, people):
    client.force_login(people["community1"])
    assert client.get(f"/residents/{2**70}/correct/").status_code == 404
    assert client.post(f"/residents/{2**70}/correct/", {"phone": "13987654321"}).status_code == 404


@pytest.mark.parametrize(
    "overrides",
    [
        {"name": BIG_TEXT},
        {"reason": BIG_TEXT},
        {"origin": BIG_TEXT},
        {"arrived_on": "2026-02-30"},
        {"arrived_on": "0001-01-01"},
        {"birth_date": "9999-12-31"},
        {"arrived_on": "十二月"},
        {"id_number": BIG_TEXT},
    ],
)
def test_hostile_input_is_a_400_and_writes_nothing(client, people, resident, overrides):
    client.force_login(people["community1"])
    before = snapshot(resident)
    response = client.post(reverse("residents:correct", args=[resident.pk]), _form(resident, **overrides))
    assert response.status_code == 400
    assert snapshot(resident) == before


def test_the_record_page_makes_the_same_queries_with_1_or_10_corrections(client, people, resident):
    client.force_login(people["community1"])
    url = reverse("residents:detail", args=[resident.pk])
    fix(people["community1"], resident, phone="13900000001")
    client.get(url)
    with CaptureQueriesContext(connection) as one:
        client.get(url)
    for n in range(2, 11):
        fix(people["community1"], resident, phone=f"139000000{n:02d}")
    with CaptureQueriesContext(connection) as ten:
        page = client.get(url).content.decode()
    assert page.count('data-testid="correction"') == 10
    assert len(one) == len(ten), [q["sql"] for q in ten.captured_queries]

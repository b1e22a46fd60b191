"""Members: validation of personal data, encryption of ID numbers, transfers, posts."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection

from core.masking import mask_id_number
from orgchart import access, services
from orgchart.models import Member, MemberCategory, PostTitle, Tenure, Transfer, TransferKind
from orgchart.validators import build_id_number, validate_id_number
from tests.factories.orgchart import MemberFactory

VALID_ID = build_id_number("310104", dt.date(1958, 3, 9), 123)


def member_fields(org, **overrides):
    fields = {
        "name": "张建国",
        "gender": "male",
        "birth_date": dt.date(1958, 3, 9),
        "education": "junior_high",
        "joined_party_on": dt.date(1980, 7, 1),
        "mobile": "13812345678",
        "category": MemberCategory.RETIRED,
        "organisation": org,
    }
    fields.update(overrides)
    return fields


def test_id_number_is_stored_encrypted_hashed_and_masked(street):
    member = services.create_member(id_number=VALID_ID, **member_fields(street["branch1"]))
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT id_number_encrypted, id_number_masked FROM orgchart_member WHERE id = %s", [member.pk]
        )
        encrypted, masked = cursor.fetchone()
    assert VALID_ID not in encrypted
    assert masked == f"{VALID_ID[:4]}**********{VALID_ID[-4:]}"
    assert Member.objects.get(pk=member.pk).id_number == VALID_ID
    assert member.id_number_hash and VALID_ID not in member.id_number_hash


def test_lower_case_x_is_accepted_and_normalised(street):
    first17 = "11010519491231002"
    from orgchart.validators import id_check_char

    assert id_check_char(first17) == "X"
    member = services.create_member(
        id_number=first17 + "x", **member_fields(street["branch1"], birth_date=dt.date(1949, 12, 31))
    )
    assert member.id_number == first17 + "X"


@pytest.mark.parametrize(
    ("id_number", "code"),
    [
        ("31010419580309123", "id_format"),  # 17 characters
        ("3101041958030912A5", "id_format"),
        ("310104195802301230", "id_birth"),  # 30 February
        (VALID_ID[:-1] + ("0" if VALID_ID[-1] != "0" else "1"), "id_check"),
    ],
)
def test_malformed_id_numbers_are_refused_with_their_reason(id_number, code):
    with pytest.raises(ValidationError) as exc:
        validate_id_number(id_number)
    assert exc.value.code == code


def test_id_birth_date_must_match_the_birth_date_given(street):
    with pytest.raises(ValidationError) as exc:
        services.create_member(
            id_number=VALID_ID, **member_fields(street["branch1"], birth_date=dt.date(1958, 3, 10))
        )
    assert "1958-03-09" in str(exc.value)
    assert not Member.objects.exists()


def test_same_id_number_cannot_be_registered_twice(street):
    services.create_member(id_number=VALID_ID, **member_fields(street["branch1"]))
    with pytest.raises(ValidationError) as exc:
        services.create_member(id_number=VALID_ID, **member_fields(street["branch2"], name="李四"))
    assert "id_number" in exc.value.message_dict
    assert Member.objects.count() == 1


@pytest.mark.parametrize("mobile", ["1381234567", "23812345678", "138-1234-5678", "12812345678", ""])
def test_bad_mobile_numbers_are_refused(street, mobile):
    with pytest.raises(ValidationError) as exc:
        services.create_member(**member_fields(street["branch1"], mobile=mobile))
    assert "mobile" in exc.value.message_dict
    assert not Member.objects.exists()


@pytest.mark.parametrize("org_key", ["street", "community1", "union"])
def test_a_member_belongs_to_a_branch_or_group_never_a_committee(street, org_key):
    with pytest.raises(ValidationError) as exc:
        services.create_member(**member_fields(street[org_key]))
    assert "organisation" in exc.value.message_dict


def test_member_must_be_eighteen_when_joining(street):
    with pytest.raises(ValidationError) as exc:
        services.create_member(**member_fields(street["branch1"], joined_party_on=dt.date(1970, 1, 1)))
    assert "joined_party_on" in exc.value.message_dict


def test_members_may_be_in_a_party_group(street):
    member = services.create_member(**member_fields(street["group1"]))
    assert member.organisation == street["group1"]


def test_community_secretary_cannot_register_members_in_another_community(street, roles):
    with pytest.raises(PermissionDenied):
        services.create_member(actor=roles["community_secretary"], **member_fields(street["branch2"]))
    assert not Member.objects.filter(name="张建国").exists()


def test_masks_hide_the_middle_of_an_id_number():
    assert mask_id_number("310104195803091234") == "3101**********1234"


# Transfers ---------------------------------------------------------------------------------


def test_transfer_within_the_street_moves_member_and_keeps_history(street, roles):
    member = MemberFactory(organisation=street["branch1"])
    services.transfer_member(member, to_organisation=street["branch2"], on=dt.date(2025, 3, 1), reason="搬家")
    services.transfer_member(member, to_organisation=street["group2"], on=dt.date(2025, 9, 1))
    member.refresh_from_db()
    assert member.organisation == street["group2"]
    history = list(member.transfers.order_by("transferred_on"))
    assert [(t.from_organisation_id, t.to_organisation_id) for t in history] == [
        (street["branch1"].pk, street["branch2"].pk),
        (street["branch2"].pk, street["group2"].pk),
    ]
    assert all(t.kind == TransferKind.WITHIN for t in history)


def test_transfer_out_of_the_street_ends_membership_and_posts(street):
    member = MemberFactory(organisation=street["branch1"])
    post = services.ensure_post(street["branch1"], PostTitle.SECRETARY)
    services.appoint(post, member, started_on=dt.date(2023, 1, 1))
    services.transfer_member(member, outside_organisation="徐汇区某街道党工委", on=dt.date(2025, 5, 1))
    member.refresh_from_db()
    assert member.left_on == dt.date(2025, 5, 1)
    assert not Member.objects.active().filter(pk=member.pk).exists()
    assert Tenure.objects.get(post=post).ended_on == dt.date(2025, 4, 30)
    out = Transfer.objects.get(member=member)
    assert out.kind == TransferKind.OUT and out.outside_organisation == "徐汇区某街道党工委"
    with pytest.raises(ValidationError):
        services.transfer_member(member, to_organisation=street["branch2"])


def test_transfer_in_from_outside_records_where_from(street):
    member = services.transfer_in(
        outside_organisation="闵行区某社区党委", id_number=VALID_ID, **member_fields(street["branch2"])
    )
    transfer = member.transfers.get()
    assert transfer.kind == TransferKind.IN
    assert transfer.to_organisation == street["branch2"]


@pytest.mark.parametrize(
    "kwargs",
    [
        {},  # neither a branch nor an outside organisation
        {"to_organisation_key": "community2"},  # not a branch
        {"to_organisation_key": "branch1"},  # the same branch
        {"to_organisation_key": "branch2", "on": dt.date(2999, 1, 1)},  # future date
    ],
)
def test_bad_transfers_are_refused_and_write_nothing(street, kwargs):
    member = MemberFactory(organisation=street["branch1"])
    key = kwargs.pop("to_organisation_key", None)
    if key:
        kwargs["to_organisation"] = street[key]
    with pytest.raises(ValidationError):
        services.transfer_member(member, **kwargs)
    member.refresh_from_db()
    assert member.organisation == street["branch1"]
    assert not Transfer.objects.exists()


def test_community_secretary_cannot_transfer_another_communitys_member(street, roles):
    with pytest.raises(PermissionDenied):
        services.transfer_member(
            roles["other_member"], to_organisation=street["branch1"], actor=roles["community_secretary"]
        )


# Posts -------------------------------------------------------------------------------------


def test_appointing_a_new_holder_ends_the_previous_tenure(street):
    old, new = MemberFactory(organisation=street["branch1"]), MemberFactory(organisation=street["branch1"])
    post = services.ensure_post(street["community1"], PostTitle.SECRETARY)
    services.appoint(post, old, started_on=dt.date(2021, 1, 1))
    services.appoint(post, new, started_on=dt.date(2024, 1, 1))
    assert post.current_tenure().member == new
    assert Tenure.objects.get(member=old).ended_on == dt.date(2023, 12, 31)


def test_holding_a_post_grants_and_vacating_removes_management(street):
    from tests.factories.orgchart import UserFactory

    user = UserFactory(username="newsec")
    member = MemberFactory(organisation=street["branch2"], user=user)
    post = services.ensure_post(street["community2"], PostTitle.ORGANISATION)
    services.appoint(post, member, started_on=dt.date(2024, 1, 1))
    assert access.can_manage(user, street["group2"])
    services.vacate(post)
    access.forget(user)
    assert not access.can_manage(user, street["group2"])
    assert post.current_tenure() is None


def test_term_cannot_end_before_it_starts(street):
    member = MemberFactory(organisation=street["branch1"])
    post = services.ensure_post(street["branch1"], PostTitle.SECRETARY)
    with pytest.raises(ValidationError):
        services.appoint(post, member, started_on=dt.date(2024, 1, 1), ended_on=dt.date(2023, 1, 1))
    assert not Tenure.objects.exists()

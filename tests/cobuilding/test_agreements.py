"""Co-building agreements: one unit each, in the community's street; no two active agreements of
one pair overlap; only the community's (or the street's) post-holders write them."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, connection, transaction

from cobuilding import services
from cobuilding.models import Agreement, AgreementStatus
from tests.cobuilding.support import codes
from tests.factories.cobuilding import make_agreement, make_outside_unit

pytestmark = pytest.mark.django_db

JAN1, DEC31 = dt.date(2026, 1, 1), dt.date(2026, 12, 31)


def test_secretary_creates_an_active_agreement_with_a_unit_party_organisation(street, units, roles):
    agreement = services.create_agreement(
        actor=roles["community_secretary"],
        community=street["community1"],
        unit_org=units["hospital"],
        starts_on=JAN1,
        ends_on=DEC31,
        signed_on=dt.date(2025, 12, 20),
        unit_contact="李主任",
        unit_contact_phone="１３９００００１１１１",  # full-width, as input methods type it
        status=AgreementStatus.ACTIVE,
    )
    assert agreement.status == AgreementStatus.ACTIVE
    assert agreement.unit == units["hospital"]
    assert agreement.unit_contact_phone == "13900001111"
    assert agreement.masked_unit_contact_phone == "139****1111"


def test_street_may_co_build_with_an_outside_unit(street, units, roles):
    agreement = make_agreement(street["street"], units["company"])
    assert agreement.unit == units["company"]


def test_overlapping_active_agreement_for_the_same_pair_is_refused_and_writes_nothing(street, units):
    make_agreement(street["community1"], units["hospital"])
    with pytest.raises(ValidationError) as exc:
        make_agreement(
            street["community1"],
            units["hospital"],
            starts_on=dt.date(2026, 12, 1),
            ends_on=dt.date(2027, 11, 30),
        )
    assert "overlap" in codes(exc.value)
    assert Agreement.objects.count() == 1


def test_overlap_is_checked_for_outside_units_too(street, units):
    make_agreement(street["community1"], units["company"])
    with pytest.raises(ValidationError) as exc:
        make_agreement(street["community1"], units["company"], starts_on=dt.date(2026, 3, 1))
    assert "overlap" in codes(exc.value)


def test_following_term_and_other_pairs_do_not_clash(street, units):
    make_agreement(street["community1"], units["hospital"])
    make_agreement(
        street["community1"], units["hospital"], starts_on=dt.date(2027, 1, 1), ends_on=dt.date(2027, 12, 31)
    )
    make_agreement(street["community2"], units["hospital"])
    make_agreement(street["community1"], units["school"])
    assert Agreement.objects.active().count() == 4


def test_overlapping_draft_is_kept_but_cannot_be_put_in_force(street, units):
    make_agreement(street["community1"], units["hospital"])
    draft = make_agreement(street["community1"], units["hospital"], status=AgreementStatus.DRAFT)
    with pytest.raises(ValidationError) as exc:
        services.activate_agreement(draft, actor=None)
    assert "overlap" in codes(exc.value)
    draft.refresh_from_db()
    assert draft.status == AgreementStatus.DRAFT


def test_ending_early_frees_the_rest_of_the_term(street, units):
    first = make_agreement(street["community1"], units["hospital"])
    ended = services.end_agreement(first, actor=None, ended_on=dt.date(2026, 6, 30))
    assert (ended.status, ended.ends_on) == (AgreementStatus.ENDED, dt.date(2026, 6, 30))
    make_agreement(street["community1"], units["hospital"], starts_on=dt.date(2026, 7, 1))
    with pytest.raises(ValidationError) as exc:
        services.end_agreement(ended, actor=None)
    assert "already_ended" in codes(exc.value)


@pytest.mark.parametrize("both", [True, False])
def test_agreement_needs_exactly_one_unit(street, units, both):
    extra = {"unit_org": units["hospital"], "outside_unit": units["company"]} if both else {}
    with pytest.raises(ValidationError) as exc:
        services.create_agreement(
            actor=None, community=street["community1"], starts_on=JAN1, ends_on=DEC31, **extra
        )
    assert "one_unit" in codes(exc.value)
    assert not Agreement.objects.exists()


def test_unit_of_another_street_is_refused(street, units):
    with pytest.raises(ValidationError) as exc:
        make_agreement(street["community1"], units["foreign"])
    assert exc.value.message_dict["unit_org"]
    outside = make_outside_unit(units["other_street"], "别街道公司")
    with pytest.raises(ValidationError):
        make_agreement(street["community1"], outside)
    assert not Agreement.objects.exists()


def test_a_branch_is_not_a_unit_and_not_a_community(street, units):
    with pytest.raises(ValidationError) as exc:
        make_agreement(street["community1"], street["branch1"])
    assert "unit_org" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:
        make_agreement(street["branch1"], units["hospital"])
    assert "not_community" in codes(exc.value)


def test_term_ending_before_it_starts_is_refused(street, units):
    with pytest.raises(ValidationError) as exc:
        make_agreement(street["community1"], units["hospital"], starts_on=DEC31, ends_on=JAN1)
    assert "term_order" in codes(exc.value)


def test_malformed_phone_is_refused(street, units):
    with pytest.raises(ValidationError) as exc:
        make_agreement(street["community1"], units["hospital"], unit_contact_phone="call me")
    assert "unit_contact_phone" in exc.value.message_dict
    assert not Agreement.objects.exists()


def test_other_communitys_secretary_and_plain_member_may_not_create(
    street, units, roles, community2_secretary
):
    for actor in (community2_secretary, roles["member"], roles["outsider"]):
        with pytest.raises(PermissionDenied):
            services.create_agreement(
                actor=actor,
                community=street["community1"],
                unit_org=units["hospital"],
                starts_on=JAN1,
                ends_on=DEC31,
            )
    assert not Agreement.objects.exists()


def test_street_secretary_manages_a_communitys_agreement(street, units, roles):
    agreement = services.create_agreement(
        actor=roles["street_secretary"],
        community=street["community1"],
        unit_org=units["hospital"],
        starts_on=JAN1,
        ends_on=DEC31,
    )
    assert (
        services.activate_agreement(agreement, actor=roles["street_secretary"]).status
        == AgreementStatus.ACTIVE
    )


@pytest.mark.postgres
def test_postgresql_refuses_overlapping_active_agreements_written_around_the_service(street, units):
    if connection.vendor != "postgresql":
        pytest.skip("the exclusion constraint exists on PostgreSQL only")
    make_agreement(street["community1"], units["hospital"])
    with pytest.raises(IntegrityError) as exc, transaction.atomic():
        Agreement.objects.create(
            community=street["community1"],
            unit_org=units["hospital"],
            starts_on=dt.date(2026, 6, 1),
            ends_on=dt.date(2027, 5, 31),
            status=AgreementStatus.ACTIVE,
        )
    assert "cobuilding_agreement_no_overlap" in str(exc.value)

"""Row invariants: exactly one unit per agreement and resource, phones masked in lists."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import IntegrityError, transaction

from cobuilding.models import Agreement, Resource, mask_phone
from tests.factories.orgchart import MemberFactory

pytestmark = pytest.mark.django_db


def test_agreement_with_both_units_is_refused_by_the_database(street, units):
    with pytest.raises(IntegrityError), transaction.atomic():
        Agreement.objects.create(
            community=street["community1"],
            unit_org=units["hospital"],
            outside_unit=units["company"],
            starts_on=dt.date(2026, 1, 1),
            ends_on=dt.date(2026, 12, 31),
        )


def test_agreement_with_no_unit_is_refused_by_the_database(street):
    with pytest.raises(IntegrityError), transaction.atomic():
        Agreement.objects.create(
            community=street["community1"], starts_on=dt.date(2026, 1, 1), ends_on=dt.date(2026, 12, 31)
        )


def test_resource_with_no_unit_is_refused_by_the_database(street):
    with pytest.raises(IntegrityError), transaction.atomic():
        Resource.objects.create(
            community=street["community1"], kind="venue", available_from=dt.date(2026, 1, 1)
        )


def test_agreement_term_ending_before_it_starts_is_refused_by_the_database(street, units):
    with pytest.raises(IntegrityError), transaction.atomic():
        Agreement.objects.create(
            community=street["community1"],
            unit_org=units["hospital"],
            starts_on=dt.date(2026, 2, 1),
            ends_on=dt.date(2026, 1, 1),
        )


def test_contact_mobile_is_masked_like_a_members_mobile(street, units):
    member = MemberFactory(organisation=street["branch1"], mobile="13812345678")
    assert units["company"].masked_contact_phone == member.masked_mobile == "138****5678"


def test_landline_keeps_only_its_area_code_and_last_four_digits():
    assert mask_phone("021-55551234") == "021-****1234"
    assert mask_phone("") == ""

"""Street co-building figures: counts of the subtree, five queries at 1× and 10× the rows."""

from __future__ import annotations

import datetime as dt

import pytest

from cobuilding import queries
from cobuilding.models import Agreement, AgreementStatus, Need, NeedStatus, OutsideUnit, Project, Resource

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 6, 1)


def _grow(street, scale: int) -> None:
    for community in (street["community1"], street["community2"]):
        units = OutsideUnit.objects.bulk_create(
            OutsideUnit(
                organisation=community, name=f"{community.code}-单位{OutsideUnit.objects.count() + i}"
            )
            for i in range(scale)
        )
        for unit in units:
            Agreement.objects.create(
                community=community,
                outside_unit=unit,
                starts_on=dt.date(2026, 1, 1),
                ends_on=dt.date(2026, 12, 31),
                status=AgreementStatus.ACTIVE,
            )
            Resource.objects.create(
                community=community, outside_unit=unit, kind="venue", available_from=TODAY
            )
            Resource.objects.create(
                community=community, outside_unit=unit, kind="funds", available_from=TODAY
            )
            need = Need.objects.create(
                community=community, kind="venue", description="场地", wanted_from=TODAY, wanted_until=TODAY
            )
            Need.objects.create(
                community=community,
                kind="funds",
                description="资金",
                wanted_from=TODAY,
                wanted_until=TODAY,
                status=NeedStatus.MET,
            )
            Project.objects.create(need=need, title="项目", status="done")


def test_figures_count_the_subtree_in_six_queries_at_one_and_ten_times(street, django_assert_num_queries):
    results = []
    for scale in (1, 9):  # 1 unit per community, then 10
        _grow(street, scale)
        with django_assert_num_queries(6):
            street_fig = queries.street_figures(street["street"], TODAY)
        community_fig = queries.street_figures(street["community1"], TODAY)
        results.append((street_fig, community_fig))
    (one, one_c), (ten, ten_c) = results
    assert (
        one.agreements_active,
        one.resources_by_kind,
        one.needs_open,
        one.needs_met,
        one.projects_done,
    ) == (
        2,
        {"venue": 2, "funds": 2},
        2,
        2,
        2,
    )
    assert (ten.agreements_active, ten.resources_by_kind["venue"], ten.needs_met, ten.projects_done) == (
        20,
        20,
        20,
        20,
    )
    assert (one_c.agreements_active, ten_c.agreements_active) == (1, 10)
    assert queries.street_figures(street["street"], dt.date(2027, 1, 1)).agreements_active == 0

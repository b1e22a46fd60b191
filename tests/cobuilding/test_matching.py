"""Matching suggestions: units whose resources fit a need (kind, time, street), ranked by distance
by organisation, partnership, coverage and quantity; queries that do not grow with the data."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied

from cobuilding import matching, services
from cobuilding.models import Agreement, AgreementStatus, Need, OutsideUnit, Resource, ResourceKind
from orgchart.models import OrgKind
from tests.factories.cobuilding import make_agreement, make_need, make_outside_unit, make_resource
from tests.factories.orgchart import make_org

pytestmark = pytest.mark.django_db

JUNE1, JUNE30 = dt.date(2026, 6, 1), dt.date(2026, 6, 30)


@pytest.fixture
def need(street):
    return make_need(street["community1"], kind=ResourceKind.VENUE, wanted_from=JUNE1, wanted_until=JUNE30)


def _names(suggestions) -> list[str]:
    return [str(s.unit) for s in suggestions]


def test_suggestions_are_ranked_by_distance_partnership_and_coverage(street, units, need):
    c1, c2, root = street["community1"], street["community2"], street["street"]
    library = make_org(root, OrgKind.UNIT, name="区图书馆党支部", code="DW3")
    far_company = make_outside_unit(c2, "远处公司")
    # A partner of community 1, its venue on the street's list: near.
    make_agreement(c1, units["school"], starts_on=dt.date(2026, 1, 1), ends_on=dt.date(2026, 12, 31))
    make_resource(root, units["school"], available_from=dt.date(2026, 1, 1))
    # On community 1's own list, but free only from mid-June: near, less coverage.
    make_resource(c1, library, available_from=dt.date(2026, 6, 16), available_until=dt.date(2026, 9, 1))
    # Elsewhere in the street, no tie to community 1: street tier, whatever its coverage.
    make_resource(c2, units["hospital"], available_from=dt.date(2026, 5, 1), quantity=5)
    # Outside units last; a partner of community 1 first among them.
    make_agreement(c1, units["company"])
    make_resource(c1, units["company"], available_from=dt.date(2026, 6, 20), available_until=JUNE30)
    make_resource(c2, far_company, available_from=dt.date(2026, 1, 1))
    # Not fitting: wrong kind, over before June, another street, a draft partner does not count.
    make_resource(c1, units["hospital"], kind=ResourceKind.FUNDS)
    make_resource(c1, library, available_from=dt.date(2026, 1, 1), available_until=dt.date(2026, 5, 31))
    make_resource(units["other_street"], make_outside_unit(units["other_street"], "外街道公司"))

    ranked = matching.suggest(need)

    assert _names(ranked) == ["实验小学党支部", "区图书馆党支部", "区中心医院党委", "某科技公司", "远处公司"]
    assert [s.tier for s in ranked] == [
        matching.NEAR,
        matching.NEAR,
        matching.STREET,
        matching.OUTSIDE,
        matching.OUTSIDE,
    ]
    assert [s.partner for s in ranked] == [True, False, False, True, False]
    assert [s.covered_days for s in ranked] == [30, 15, 30, 11, 30]


def test_a_units_resources_together_cover_the_period(street, units, need):
    make_resource(
        street["community1"], units["school"], available_from=JUNE1, available_until=dt.date(2026, 6, 10)
    )
    make_resource(
        street["community1"],
        units["school"],
        available_from=dt.date(2026, 6, 5),
        available_until=dt.date(2026, 6, 20),
    )
    make_resource(
        street["community1"],
        units["hospital"],
        available_from=dt.date(2026, 6, 1),
        available_until=dt.date(2026, 6, 25),
    )
    first, second = matching.suggest(need)
    assert (str(first.unit), first.covered_days, len(first.resources)) == ("区中心医院党委", 25, 1)
    assert (str(second.unit), second.covered_days, len(second.resources)) == ("实验小学党支部", 20, 2)


def test_quantity_breaks_a_tie(street, units, need):
    make_resource(street["community2"], units["school"], quantity=1)
    make_resource(street["community2"], units["hospital"], quantity=4)
    assert _names(matching.suggest(need)) == ["区中心医院党委", "实验小学党支部"]


def test_a_suggestion_becomes_a_project_in_one_step(street, units, roles, need):
    make_resource(street["community1"], units["school"])
    best = matching.suggestions_for(need, actor=roles["community_secretary"])[0]
    project = services.make_project_from_match(need, best.resources, actor=roles["community_secretary"])
    assert list(project.resources.all()) == best.resources


def test_other_communitys_secretary_gets_no_suggestions(need, community2_secretary, roles):
    with pytest.raises(PermissionDenied):
        matching.suggestions_for(need, actor=community2_secretary)
    with pytest.raises(PermissionDenied):
        matching.suggestions_for(need, actor=roles["member"])
    assert matching.suggestions_for(need, actor=roles["street_secretary"]) == []


def _grow(street, scale: int) -> None:
    """`scale` tree units and `scale` outside units, each with fitting and unfitting resources, half
    of them partners of community 1, and other needs."""
    c1, c2 = street["community1"], street["community2"]
    start = OutsideUnit.objects.count() + Agreement.objects.count()
    for i in range(scale):
        org = make_org(street["street"], OrgKind.UNIT, name=f"规模单位{start + i}", code=f"GM{start + i}")
        outside = OutsideUnit.objects.create(organisation=c2, name=f"规模公司{start + i}")
        rows = []
        for unit in ({"unit_org": org}, {"outside_unit": outside}):
            rows += [
                Resource(
                    community=c1 if i % 2 else c2, kind="venue", available_from=dt.date(2026, 1, 1), **unit
                ),
                Resource(
                    community=c2, kind="venue", available_from=dt.date(2026, 6, 10), quantity=i + 1, **unit
                ),
                Resource(community=c2, kind="funds", available_from=dt.date(2026, 1, 1), **unit),
            ]
            if i % 2 == 0:
                Agreement.objects.create(
                    community=c1,
                    starts_on=dt.date(2026, 1, 1),
                    ends_on=dt.date(2026, 12, 31),
                    status=AgreementStatus.ACTIVE,
                    **unit,
                )
        Resource.objects.bulk_create(rows)
        Need.objects.create(
            community=c1, kind="venue", description="其他需求", wanted_from=JUNE1, wanted_until=JUNE30
        )


def test_suggestions_take_the_same_queries_at_one_and_ten_times_the_units(
    street, need, django_assert_num_queries
):
    sizes = []
    for scale in (2, 18):  # 2 units each kind, then 20: 1× and 10×
        _grow(street, scale)
        loaded = Need.objects.select_related("community").get(pk=need.pk)
        with django_assert_num_queries(2):
            sizes.append(len(matching.suggest(loaded)))
    assert sizes == [4, 40]

"""The three lists: resources (kind, quantity, availability), needs (kind required), and projects
made from a match in one step."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from cobuilding import services
from cobuilding.models import Need, NeedStatus, Project, ProjectStatus, Resource, ResourceKind
from tests.cobuilding.support import codes
from tests.factories.cobuilding import make_need, make_resource

pytestmark = pytest.mark.django_db


def test_secretary_adds_a_resource_to_the_communitys_list(street, units, roles):
    resource = services.add_resource(
        actor=roles["community_secretary"],
        community=street["community1"],
        unit_org=units["hospital"],
        kind=ResourceKind.EXPERTS,
        description="义诊专家 3 名",
        quantity=3,
        available_from=dt.date(2026, 3, 1),
        available_until=dt.date(2026, 9, 30),
    )
    assert (resource.kind, resource.quantity, resource.unit) == ("experts", 3, units["hospital"])


@pytest.mark.parametrize(
    ("changes", "code"),
    [
        ({"kind": ""}, "kind_missing"),
        ({"kind": "spaceship"}, "kind_unknown"),
        ({"quantity": 0}, "quantity"),
        ({"available_until": dt.date(2025, 12, 31)}, "window_order"),
        ({"available_from": None}, "window_missing"),
    ],
)
def test_bad_resource_is_refused_and_writes_nothing(street, units, changes, code):
    fields = {
        "community": street["community1"],
        "unit_org": units["hospital"],
        "kind": ResourceKind.VENUE,
        "available_from": dt.date(2026, 1, 1),
        **changes,
    }
    with pytest.raises(ValidationError) as exc:
        services.add_resource(actor=None, **fields)
    assert code in codes(exc.value)
    assert not Resource.objects.exists()


def test_other_community_may_not_add_to_this_list(street, units, community2_secretary):
    with pytest.raises(PermissionDenied):
        services.add_resource(
            actor=community2_secretary,
            community=street["community1"],
            unit_org=units["hospital"],
            kind=ResourceKind.VENUE,
            available_from=dt.date(2026, 1, 1),
        )
    assert not Resource.objects.exists()


def test_need_is_published_to_units(street, units, roles):
    need = services.add_need(
        actor=roles["community_secretary"],
        community=street["community1"],
        kind=ResourceKind.VENUE,
        description="暑期托管需要教室",
        wanted_from=dt.date(2026, 7, 1),
        wanted_until=dt.date(2026, 8, 31),
        published_to=[units["school"], units["company"]],
    )
    assert list(need.published_to_orgs.all()) == [units["school"]]
    assert list(need.published_to_outside.all()) == [units["company"]]
    assert need.status == NeedStatus.OPEN


@pytest.mark.parametrize("kind", ["", None, "  "])
def test_need_with_no_kind_is_refused_and_writes_nothing(street, kind):
    with pytest.raises(ValidationError) as exc:
        make_need(street["community1"], kind=kind)
    assert "kind_missing" in codes(exc.value)
    assert not Need.objects.exists()


def test_need_with_no_description_or_backwards_period_is_refused(street):
    with pytest.raises(ValidationError) as exc:
        make_need(street["community1"], description="")
    assert "required" in codes(exc.value)
    with pytest.raises(ValidationError) as exc:
        make_need(street["community1"], wanted_until=dt.date(2026, 5, 1))
    assert "window_order" in codes(exc.value)
    assert not Need.objects.exists()


def test_need_published_to_a_unit_of_another_street_is_refused(street, units):
    with pytest.raises(ValidationError) as exc:
        make_need(street["community1"], published_to=[units["foreign"]])
    assert "other_street" in codes(exc.value)
    assert not Need.objects.exists()


def test_match_becomes_a_project_in_one_step(street, units, roles):
    need = make_need(street["community1"])
    venue = make_resource(street["community1"], units["school"])
    other_venue = make_resource(street["community2"], units["hospital"])
    project = services.make_project_from_match(
        need, [venue, other_venue.pk], actor=roles["community_secretary"]
    )
    assert project.status == ProjectStatus.PLANNED
    assert set(project.resources.all()) == {venue, other_venue}
    need.refresh_from_db()
    assert need.status == NeedStatus.MET


def test_unfit_resource_kind_or_time_is_refused_and_writes_nothing(street, units):
    need = make_need(street["community1"])
    funds = make_resource(street["community1"], units["school"], kind=ResourceKind.FUNDS)
    late_venue = make_resource(street["community1"], units["school"], available_from=dt.date(2026, 7, 1))
    for resource in (funds, late_venue):
        with pytest.raises(ValidationError) as exc:
            services.make_project_from_match(need, [resource], actor=None)
        assert "unfit_resource" in codes(exc.value)
    assert not Project.objects.exists()
    need.refresh_from_db()
    assert need.status == NeedStatus.OPEN


def test_forged_or_foreign_resource_ids_are_refused(street, units):
    need = make_need(street["community1"])
    outside_other = services.record_outside_unit(
        actor=None, organisation=units["other_street"], name="别处公司"
    )
    foreign = make_resource(units["other_street"], outside_other)
    for ids in ([foreign.pk], [999999], []):
        with pytest.raises(ValidationError) as exc:
            services.make_project_from_match(need, ids, actor=None)
        assert codes(exc.value) & {"unknown_resource", "no_resources"}
    assert not Project.objects.exists()


def test_a_met_need_takes_no_second_project(street, units):
    need = make_need(street["community1"])
    venue = make_resource(street["community1"], units["school"])
    services.make_project_from_match(need, [venue], actor=None)
    with pytest.raises(ValidationError) as exc:
        services.make_project_from_match(need, [venue], actor=None)
    assert "need_not_open" in codes(exc.value)
    assert Project.objects.count() == 1


def test_only_the_needs_community_or_street_make_its_project(street, units, roles, community2_secretary):
    need = make_need(street["community1"])
    venue = make_resource(street["community1"], units["school"])
    with pytest.raises(PermissionDenied):
        services.make_project_from_match(need, [venue], actor=community2_secretary)
    assert services.make_project_from_match(need, [venue], actor=roles["street_secretary"]).pk


def test_cancelling_the_only_project_reopens_the_need(street, units):
    need = make_need(street["community1"])
    project = services.make_project_from_match(
        need, [make_resource(street["community1"], units["school"])], actor=None
    )
    services.update_project(project, actor=None, status=ProjectStatus.CANCELLED)
    need.refresh_from_db()
    assert need.status == NeedStatus.OPEN
    with pytest.raises(ValidationError) as exc:
        services.update_project(project, actor=None, status=ProjectStatus.RUNNING)
    assert "finished" in codes(exc.value)


def test_done_project_keeps_its_outcome(street, units):
    need = make_need(street["community1"])
    project = services.make_project_from_match(
        need, [make_resource(street["community1"], units["school"])], actor=None
    )
    services.update_project(project, actor=None, status=ProjectStatus.RUNNING)
    done = services.update_project(project, actor=None, status=ProjectStatus.DONE, outcome="服务儿童 40 人")
    assert (done.status, done.outcome) == ("done", "服务儿童 40 人")

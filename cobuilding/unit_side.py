"""What a unit does for itself (共建单位自助): offer, change and withdraw its own resources, and
answer a need published to it ("we can help"); the community turns an answer into a project.

The actor speaks for the unit by the unit page's one rule (unit_access.page_units: a contact
person or a post-holder of the unit party organisation). Refusals are ValidationError (English
msgid, Chinese in the catalogue, a `code`) or PermissionDenied, and nothing is written then.
`actor` None is the system (the demo).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from core.tree import path_prefix_q
from inbox import services as inbox
from orgchart import access as org_access
from orgchart.models import Organisation, OrgKind

from . import services
from .editing import RESOURCE_FIELDS, _unknown_fields, apply_resource_changes
from .models import Agreement, AgreementStatus, Need, NeedAnswer, NeedStatus, OutsideUnit, Project, Resource
from .models_answers import NOTE_MAX
from .services import resource_fits  # noqa: F401 (the page filters its choices by it)
from .unit_access import page_units, speaks_for, unit_value

Unit = Organisation | OutsideUnit


def _check_speaks_for(actor, unit: Unit | None) -> None:
    if actor is not None and not speaks_for(actor, unit):
        raise PermissionDenied(_("Only the unit's contact persons and post-holders act for it."))


def _unit_fields(unit: Unit) -> dict:
    return {"outside_unit": unit} if isinstance(unit, OutsideUnit) else {"unit_org": unit}


def _unit_street(unit: Unit) -> str:
    org = unit.organisation if isinstance(unit, OutsideUnit) else unit
    return org.path[: Organisation.steplen]


def offer_communities(unit: Unit, today: dt.date | None = None) -> QuerySet[Organisation]:
    """Whose list a unit may put its resource on: the communities (or the street) it has an
    agreement with that has not ended (draft or active), and always its own street committee."""
    today = today or timezone.localdate()
    partners = Agreement.objects.filter(
        status__in=(AgreementStatus.DRAFT, AgreementStatus.ACTIVE), ends_on__gte=today, **_unit_fields(unit)
    ).values("community_id")
    street = _unit_street(unit)
    return (
        Organisation.objects.open()
        .filter(path_prefix_q(street, "path"))
        .filter(Q(pk__in=partners) | Q(kind=OrgKind.STREET, path=street))
        .order_by("path")
    )


@transaction.atomic
def offer_resource(
    *,
    actor,
    unit: Unit,
    community: Organisation,
    kind: str,
    available_from: dt.date,
    description: str = "",
    quantity: int = 1,
    available_until: dt.date | None = None,
) -> Resource:
    """The unit puts a resource of its own on a community's list (add_resource's checks)."""
    _check_speaks_for(actor, unit)
    if community is None or not offer_communities(unit).filter(pk=community.pk).exists():
        raise services._invalid(
            _("Choose a community your unit co-builds with, or the street."),
            "not_offer_community",
            "community",
        )
    resource = services.add_resource(
        actor=None,  # the unit side was checked above; the community's manager check does not apply
        community=community,
        kind=kind,
        available_from=available_from,
        description=description,
        quantity=quantity,
        available_until=available_until,
        **_unit_fields(unit),
    )
    if actor is not None and actor.is_authenticated:
        Resource.objects.filter(pk=resource.pk).update(created_by=actor)
        resource.created_by = actor
    return resource


def _own_resource(actor, resource: Resource) -> Resource:
    """The resource locked, if the actor speaks for its unit; another unit's: refused."""
    fresh = services._lock(Resource, resource.pk)
    if actor is not None and not speaks_for(actor, fresh.unit):
        raise services._invalid(_("This resource belongs to another unit."), "other_unit")
    return fresh


@transaction.atomic
def update_own_resource(resource: Resource, *, actor, **changes) -> Resource:
    """The unit changes its resource's kind, description, quantity or availability."""
    _unknown_fields(changes, RESOURCE_FIELDS)
    return apply_resource_changes(_own_resource(actor, resource), changes)


@transaction.atomic
def withdraw_resource(resource: Resource, *, actor) -> None:
    """The unit takes its resource off the list; not one a project uses (the project keeps it)."""
    fresh = _own_resource(actor, resource)
    if fresh.projects.exists():
        raise services._invalid(_("A project uses this resource: it cannot be withdrawn."), "in_project")
    fresh.delete()


# Answers to needs ------------------------------------------------------------------------------


def published_to(need: Need, unit: Unit) -> bool:
    if isinstance(unit, OutsideUnit):
        return need.published_to_outside.filter(pk=unit.pk).exists()
    return need.published_to_orgs.filter(pk=unit.pk).exists()


@transaction.atomic
def answer_need(
    need: Need, *, actor, unit: Unit, resources: Iterable[Resource | int], note: str = ""
) -> NeedAnswer:
    """The unit answers a need published to it: which of its resources (at least one, fitting
    the need's kind and time), and a note. Once per unit and need; the community's post-holders
    (and the street's) are told through the inbox, once per answer."""
    _check_speaks_for(actor, unit)
    fresh = services._lock(Need, need.pk)
    if not published_to(fresh, unit):
        raise ValidationError(_("This need was not published to your unit."), code="not_published")
    if fresh.status != NeedStatus.OPEN:
        raise ValidationError(_("This need is no longer open."), code="need_not_open")
    if NeedAnswer.objects.filter(need=fresh, **_unit_fields(unit)).exists():
        raise ValidationError(_("Your unit has already answered this need."), code="already_answered")
    note = services.clean_text(note, "note", max_length=NOTE_MAX)
    ids = {r.pk if isinstance(r, Resource) else int(r) for r in resources}
    if not ids:
        raise services._invalid(
            _("Choose at least one of your unit's resources."), "no_resources", "resources"
        )
    chosen = list(Resource.objects.filter(pk__in=ids, **_unit_fields(unit)))
    if len(chosen) != len(ids):
        raise services._invalid(_("A resource chosen is not your unit's."), "unknown_resource", "resources")
    if not all(services.resource_fits(r, fresh) for r in chosen):
        raise services._invalid(
            _("A resource chosen does not fit this need (kind or time)."), "unfit_resource", "resources"
        )
    answer = NeedAnswer(
        need=fresh,
        note=note,
        answered_by=actor if actor is not None and actor.is_authenticated else None,
        **_unit_fields(unit),
    )
    try:
        with transaction.atomic():
            answer.save()
    except IntegrityError as exc:  # the same unit answering twice at once
        raise ValidationError(
            _("Your unit has already answered this need."), code="already_answered"
        ) from exc
    answer.resources.set(chosen)
    _tell_managers(answer, fresh, unit, actor)
    return answer


def _tell_managers(answer: NeedAnswer, need: Need, unit: Unit, actor) -> None:
    title = _("%(unit)s can help with the need “%(need)s”") % {
        "unit": unit.name,
        "need": need.description[:60],
    }
    inbox.notify(
        inbox.cause_key("cobuilding-answer", answer.pk),
        org_access.manager_users(need.community),
        title=title,
        summary=answer.note,
        url=reverse("cobuilding_need:answers", args=(need.pk,)),
        actor=actor,
    )


@transaction.atomic
def project_from_answer(answer: NeedAnswer, *, actor, title: str = "") -> Project:
    """The community turns a unit's answer into a project in one step: make_project_from_match
    with the answer's resources (the need locked, open, each resource fitting)."""
    services._check_manager(actor, answer.need.community)
    fresh = services._lock(NeedAnswer, answer.pk)
    if fresh.project_id is not None:
        raise ValidationError(_("This answer has already been made into a project."), code="already_project")
    project = services.make_project_from_match(
        fresh.need, list(fresh.resources.all()), actor=actor, title=title
    )
    fresh.project = project
    fresh.save(update_fields=["project"])
    return project


def units_of(actor) -> list[Unit]:
    """The units `actor` speaks for (page_units' list)."""
    return page_units(actor)[0]


def pick_unit(units: list[Unit], wanted: str = "") -> Unit | None:
    """The unit named `wanted` ("org-<id>" / "outside-<id>") among `units`; with nothing named,
    the only one (several: None, the caller asks which)."""
    if not wanted:
        return units[0] if len(units) == 1 else None
    return next((u for u in units if unit_value(u) == wanted), None)

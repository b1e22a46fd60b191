"""Posts and tenures: appointing and vacating."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.tree import paths_q

from .. import access, part_time
from ..models import (
    Member,
    Organisation,
    OrgKind,
    Post,
    Tenure,
    current_tenure_q,
)
from ..signals import posts_changed
from .base import _require_manage

# Posts --------------------------------------------------------------------------------------


def ensure_post(org: Organisation, title: str, *, actor=None) -> Post:
    """The post `title` of `org`, created if it does not exist yet."""
    _require_manage(actor, org)
    post, _created = Post.objects.get_or_create(organisation=org, title=title)
    return post


@transaction.atomic
def appoint(
    post: Post,
    member: Member,
    *,
    started_on: dt.date | None = None,
    ended_on: dt.date | None = None,
    from_organisation: Organisation | None = None,
    actor=None,
) -> Tenure:
    """Give `post` to `member`, ending whoever held it the day before.

    With `from_organisation` the appointment is part-time (兼职, cross-holding): the member
    comes from that unit party organisation (see check_part_time). Access follows the tenure
    like any other, through orgchart.access's one rule, and ends with it."""
    post = Post.objects.select_for_update().select_related("organisation").get(pk=post.pk)
    _require_manage(actor, post.organisation)
    started_on = started_on or timezone.localdate()
    if post.organisation.is_closed:
        raise ValidationError(_("This organisation is closed."))
    if not member.is_active:
        raise ValidationError(_("This member has left the street and cannot hold a post."))
    if ended_on is not None and ended_on < started_on:
        raise ValidationError({"ended_on": _("The term cannot end before it starts.")})
    if from_organisation is not None:
        check_part_time(post, member, from_organisation, started_on=started_on)
    tenure = Tenure(
        post=post,
        member=member,
        started_on=started_on,
        ended_on=ended_on,
        part_time=from_organisation is not None,
        from_organisation=from_organisation,
    )
    tenure.full_clean()
    previous = Tenure.objects.filter(current_tenure_q(day=started_on), post=post)
    holders = [member.user_id, *previous.values_list("member__user_id", flat=True)]
    previous.update(ended_on=started_on - dt.timedelta(days=1))
    tenure.save()
    posts_changed.send(sender=Tenure, user_ids=holders)
    if actor is not None:
        access.forget(actor)
    return tenure


def part_time_origins(post: Post):
    """Unit party organisations a part-time holder of `post` may come from: the open unit_orgs
    of the post's street (the organisations a unit's leader belongs to in the tree)."""
    street = post.organisation.path[: Organisation.steplen]
    return Organisation.objects.in_subtrees((street,)).filter(kind=OrgKind.UNIT, closed_on__isnull=True)


def part_time_candidates(post: Post):
    """Whom the admin offers for a part-time post: active members holding a current post in one
    of the street's unit party organisations (a unit's secretary and committee, 双向进入) — not
    every member of every unit, whose names a community's managers have no need to see."""
    paths = tuple(part_time_origins(post).values_list("path", flat=True))
    if not paths:
        return Member.objects.none()
    leaders = Tenure.objects.filter(current_tenure_q(), part_time=False).filter(
        paths_q(paths, "post__organisation__path")
    )
    return Member.objects.active().filter(pk__in=leaders.values("member"))


def check_part_time(
    post: Post, member: Member, origin: Organisation, *, started_on: dt.date | None = None
) -> None:
    """A part-time post is one in the street or a community committee (not in a unit), held by
    a member of an open unit party organisation of the same street; then the checks higher apps
    registered (orgchart.part_time: cobuilding asks for a co-building agreement in force)."""
    if origin.kind != OrgKind.UNIT:
        raise ValidationError(_("A part-time holder comes from a unit party organisation."))
    if origin.is_closed:
        raise ValidationError(_("This unit party organisation is closed."))
    if post.organisation.kind not in (OrgKind.STREET, OrgKind.COMMUNITY):
        raise ValidationError(_("Part-time posts are held in the street or a community committee."))
    if origin.path[: Organisation.steplen] != post.organisation.path[: Organisation.steplen]:
        raise ValidationError(_("The unit party organisation is in another street."))
    if not member.organisation.path.startswith(origin.path):
        raise ValidationError(_("The member does not belong to this unit party organisation."))
    part_time.run_checks(post, member, origin, started_on or timezone.localdate())


@transaction.atomic
def vacate(post: Post, *, on: dt.date | None = None, actor=None) -> int:
    """Leave `post` vacant from `on` (today by default): the holder's last day is the day before."""
    _require_manage(actor, post.organisation)
    on = on or timezone.localdate()
    ending = Tenure.objects.filter(current_tenure_q(), post=post)
    holders = list(ending.values_list("member__user_id", flat=True))
    count = ending.update(ended_on=on - dt.timedelta(days=1))
    posts_changed.send(sender=Tenure, user_ids=holders)
    return count

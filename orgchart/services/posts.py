"""Posts and tenures: appointing and vacating."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from .. import access
from ..models import (
    Member,
    Organisation,
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
    actor=None,
) -> Tenure:
    """Give `post` to `member`, ending whoever held it the day before."""
    post = Post.objects.select_for_update().select_related("organisation").get(pk=post.pk)
    _require_manage(actor, post.organisation)
    started_on = started_on or timezone.localdate()
    if post.organisation.is_closed:
        raise ValidationError(_("This organisation is closed."))
    if not member.is_active:
        raise ValidationError(_("This member has left the street and cannot hold a post."))
    tenure = Tenure(post=post, member=member, started_on=started_on, ended_on=ended_on)
    tenure.full_clean()
    previous = Tenure.objects.filter(current_tenure_q(day=started_on), post=post)
    holders = [member.user_id, *previous.values_list("member__user_id", flat=True)]
    previous.update(ended_on=started_on - dt.timedelta(days=1))
    tenure.save()
    posts_changed.send(sender=Tenure, user_ids=holders)
    if actor is not None:
        access.forget(actor)
    return tenure


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

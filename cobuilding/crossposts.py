"""Cross-holding posts (兼职) seen from co-building, filled into orgchart.part_time in ready():

- `agreement_in_force_check`: a part-time appointment from a unit party organisation into a
  community committee needs a co-building agreement in force (active, the start date within its
  term) between that unit and that community; into the street committee, one between the unit and
  the street or any community of the street (the street's committee leads all its communities'
  co-building, so any tie in the street is a tie with it). Refused in Chinese, nothing written.
- `tell_secretary`: when a part-time post ends because its holder left their unit (orgchart's
  transfers), the committee's secretary is told in the inbox, once per tenure (cause
  `cobuilding-part-time:<tenure>:ended`); with no secretary in post, the committee's other
  post-holders.
- An agreement's end does not end the posts (the committee appointed them and decides): the
  agreement's admin page lists them (viewsets_answers.part_time_tenures).
"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from core.tree import path_prefix_q
from inbox import services as inbox
from orgchart.models import Member, Organisation, OrgKind, Post, PostTitle, Tenure, current_tenure_q

from .models import Agreement


def agreement_in_force(unit: Organisation, committee: Organisation, day: dt.date) -> bool:
    """An active agreement of `unit` with `committee` (a community), or with the street or any
    community of it (`committee` the street), whose term contains `day`."""
    agreements = Agreement.objects.active().filter(unit_org=unit, starts_on__lte=day, ends_on__gte=day)
    if committee.kind == OrgKind.STREET:
        agreements = agreements.filter(path_prefix_q(committee.path, "community__path"))
    else:
        agreements = agreements.filter(community=committee)
    return agreements.exists()


def agreement_in_force_check(post: Post, member: Member, origin: Organisation, started_on: dt.date) -> None:
    committee = post.organisation
    if not agreement_in_force(origin, committee, started_on):
        raise ValidationError(
            _(
                "%(unit)s has no co-building agreement in force with %(committee)s on %(date)s: "
                "a part-time post from a unit needs one."
            )
            % {"unit": origin.name, "committee": committee.name, "date": started_on.isoformat()},
            code="no_agreement",
        )


def _secretaries(org: Organisation, day: dt.date) -> list[int]:
    holders = Tenure.objects.filter(
        current_tenure_q(day=day), post__organisation=org, member__left_on__isnull=True
    ).values_list("post__title", "member__user_id")
    rows = [(title, user_id) for title, user_id in holders if user_id is not None]
    secretaries = [user_id for title, user_id in rows if title == PostTitle.SECRETARY]
    return secretaries or [user_id for _title, user_id in rows]


def tell_secretary(tenures: list[Tenure], on: dt.date) -> None:
    """orgchart.part_time listener: tell each committee's secretary that the post ended."""
    for tenure in tenures:
        committee = tenure.post.organisation
        recipients = [u for u in _secretaries(committee, on) if u != tenure.member.user_id]
        title = _(
            "%(member)s left %(unit)s: their part-time post (%(post)s) in %(committee)s ended on %(date)s"
        ) % {
            "member": tenure.member.name,
            "unit": tenure.from_organisation.name,
            "post": tenure.post.get_title_display(),
            "committee": committee.name,
            "date": tenure.ended_on.isoformat(),
        }
        inbox.notify(inbox.cause_key("cobuilding-part-time", tenure.pk, "ended"), recipients, title=title)

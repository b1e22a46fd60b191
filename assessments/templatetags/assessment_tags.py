"""The portal menu's links into the assessment: 民主评议 for a member while their street's cycle is
in rating, the secretary's own page for a community secretary.

On every page for every signed-in user, so kept cheap: a member costs one query (is a cycle of
their street in rating? the member and organisation come with the user), and only someone who
holds a post (known from the access rule's cached posts) a second (is it a community secretary?).
"""

from __future__ import annotations

from django import template

from orgchart import access as org_access
from orgchart.models import COMMUNITY_KINDS, Organisation, PostTitle, Tenure, current_tenure_q

from ..models import AssessmentCycle, Phase

register = template.Library()


@register.simple_tag(takes_context=True)
def assessment_links(context) -> dict[str, bool]:
    """{"rate": a cycle of the member's street is in rating, "mine": a community secretary}."""
    request = context.get("request")
    user = getattr(request, "user", None)
    links = {"rate": False, "mine": False}
    member = org_access.member_for(user) if user is not None and user.is_authenticated else None
    if member is None or not member.is_active:
        return links
    street_path = member.organisation.path[: Organisation.steplen]
    links["rate"] = AssessmentCycle.objects.filter(street__path=street_path, phase=Phase.RATING).exists()
    if org_access.is_manager(user):
        links["mine"] = Tenure.objects.filter(
            current_tenure_q(),
            member=member,
            post__title=PostTitle.SECRETARY,
            post__organisation__kind__in=COMMUNITY_KINDS,
        ).exists()
    return links

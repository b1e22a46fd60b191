"""The portal menu's links into the assessment: 民主评议 for a member while their street's cycle is
in rating, the secretary's own page for a community secretary."""

from __future__ import annotations

from django import template

from orgchart.models import COMMUNITY_KINDS, PostTitle, Tenure, current_tenure_q

from .. import ratings

register = template.Library()


@register.simple_tag(takes_context=True)
def assessment_links(context) -> dict[str, bool]:
    """{"rate": the user may rate (or has rated) now, "mine": the user is a community secretary}."""
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"rate": False, "mine": False}
    mine = Tenure.objects.filter(
        current_tenure_q(),
        member__user=user,
        post__title=PostTitle.SECRETARY,
        post__organisation__kind__in=COMMUNITY_KINDS,
    ).exists()
    return {"rate": ratings.has_rated(user) is not None, "mine": mine}

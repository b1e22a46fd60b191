"""The unit's own co-building page (共建单位), under /cobuilding/unit/, read-only:

- for a unit's contact person with a login (UnitContact) and for the post-holders of a unit party
  organisation (a current post in the unit itself): their unit's agreements (community, term,
  status, contacts), their resources, and the needs published to their unit (kind, description,
  window, community);
- anyone else (community and street post-holders included: they have the admin lists) gets 403.

Rows are cobuilding.access's visible_* narrowed to the page's units, so no other unit's row shows.
Constant queries. The site nav links here when the login said so (`session_flag`), no query per page.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from orgchart.models import Organisation, OrgKind, Tenure, current_tenure_q

from . import access
from .models import OutsideUnit, UnitContact

# The session key the site nav reads to show the link (set at login, see `remember_at_login`).
SESSION_FLAG = "cobuilding_unit_page"


def _post_unit_ids(user) -> list[int]:
    """Unit party organisations (open) in which `user` holds a current post."""
    return list(
        Tenure.objects.filter(
            current_tenure_q(),
            member__user=user,
            member__left_on__isnull=True,
            post__organisation__kind=OrgKind.UNIT,
            post__organisation__closed_on__isnull=True,
        )
        .values_list("post__organisation_id", flat=True)
        .distinct()
    )


def page_units(user) -> tuple[list[Organisation | OutsideUnit], Q, Q]:
    """(the units `user` sees on the page, Q on rows' unit side, Q on needs published to them)."""
    if user is None or not user.is_authenticated or not user.is_active:
        return [], Q(pk__in=[]), Q(pk__in=[])
    contacts = list(
        UnitContact.objects.filter(user=user).select_related("unit_org", "outside_unit").order_by("pk")
    )
    org_ids = {c.unit_org_id for c in contacts if c.unit_org_id}
    outside_ids = {c.outside_unit_id for c in contacts if c.outside_unit_id}
    post_ids = set(_post_unit_ids(user)) - org_ids
    units: list[Organisation | OutsideUnit] = [c.unit for c in contacts]
    if post_ids:
        units += list(Organisation.objects.filter(pk__in=post_ids).order_by("path"))
        org_ids |= post_ids
    rows_q = Q(unit_org__in=org_ids) | Q(outside_unit__in=outside_ids)
    needs_q = Q(published_to_orgs__in=org_ids) | Q(published_to_outside__in=outside_ids)
    return units, rows_q, needs_q


def has_unit_page(user) -> bool:
    return bool(page_units(user)[0])


def remember_at_login(sender, request, user, **kwargs) -> None:
    """user_logged_in receiver: note in the session whether the nav shows the unit page link."""
    if request is not None and hasattr(request, "session"):
        request.session[SESSION_FLAG] = has_unit_page(user)


@login_required
def unit_page(request: HttpRequest) -> HttpResponse:
    units, rows_q, needs_q = page_units(request.user)
    if not units:
        raise PermissionDenied(_("Only a co-building unit's contact persons and post-holders see this page."))
    user = request.user
    agreements = (
        access.visible_agreements(user)
        .filter(rows_q)
        .select_related("community", "unit_org", "outside_unit")
        .order_by("-ends_on", "pk")
    )
    resources = (
        access.visible_resources(user)
        .filter(rows_q)
        .select_related("community", "unit_org", "outside_unit")
        .order_by("kind", "pk")
    )
    needs = (
        access.visible_needs(user)
        .filter(pk__in=access.visible_needs(user).filter(needs_q).values("pk"))
        .select_related("community")
        .order_by("wanted_from", "pk")
    )
    context = {
        "units": units,
        "many_units": len(units) > 1,
        "agreements": list(agreements),
        "resources": list(resources),
        "needs": list(needs),
    }
    return render(request, "cobuilding/unit/page.html", context)

"""The unit's own co-building page (共建单位), under /cobuilding/unit/:

- for a unit's contact person with a login (UnitContact) and for the post-holders of a unit party
  organisation (a current post in the unit itself) — unit_access.page_units, the one rule: their
  unit's agreements (community, term, status, contacts), their resources, and the needs published
  to their unit (kind, description, window, community);
- they offer a new resource of their unit, change or withdraw their unit's resources, and answer
  an open need published to them ("we can help": which resources, a note) — through
  cobuilding.unit_side, whose refusals show on the page (400) and write nothing;
- anyone else (community and street post-holders included: they have the admin lists) gets 403;
  a resource or need outside the page's rows is 404.

Rows are cobuilding.access's visible_* narrowed to the page's units, so no other unit's row shows.
Constant queries. The site nav links here when the login said so (`session_flag`), no query per page.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from . import access, unit_side
from .models import Need, NeedAnswer, NeedStatus, Resource
from .unit_access import page_units
from .unit_forms import AnswerForm, OfferForm, ResourceForm
from .views_member import _service_errors

# The session key the site nav reads to show the link (set at login, see `remember_at_login`).
SESSION_FLAG = "cobuilding_unit_page"
PAGE = "cobuilding_unit:page"


def has_unit_page(user) -> bool:
    return bool(page_units(user)[0])


def remember_at_login(sender, request, user, **kwargs) -> None:
    """user_logged_in receiver: note in the session whether the nav shows the unit page link."""
    if request is not None and hasattr(request, "session"):
        request.session[SESSION_FLAG] = has_unit_page(user)


def _units(request: HttpRequest) -> tuple[list, Q, Q]:
    units, rows_q, needs_q = page_units(request.user)
    if not units:
        raise PermissionDenied(_("Only a co-building unit's contact persons and post-holders see this page."))
    return units, rows_q, needs_q


def _offer_communities(units: list) -> list:
    """The communities (and streets) any of `units` may offer to, in one query."""
    query = None
    for unit in units:
        query = (
            unit_side.offer_communities(unit) if query is None else query | unit_side.offer_communities(unit)
        )
    return list(query.distinct().order_by("path")) if query is not None else []


def _page(request: HttpRequest, units, rows_q, needs_q, *, offer_form=None, status=200) -> HttpResponse:
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
    needs = list(
        access.visible_needs(user)
        .filter(pk__in=access.visible_needs(user).filter(needs_q).values("pk"))
        .select_related("community")
        .order_by("wanted_from", "pk")
    )
    answered = {
        a.need_id: a
        for a in NeedAnswer.objects.filter(rows_q, need__in=[n.pk for n in needs]).select_related("project")
    }
    for need in needs:
        need.our_answer = answered.get(need.pk)
        need.can_answer = need.status == NeedStatus.OPEN and need.our_answer is None
    if offer_form is None:
        offer_form = OfferForm(units=units, communities=_offer_communities(units))
    context = {
        "units": units,
        "many_units": len(units) > 1,
        "agreements": list(agreements),
        "resources": list(resources),
        "needs": needs,
        "offer_form": offer_form,
    }
    return render(request, "cobuilding/unit/page.html", context, status=status)


@login_required
def unit_page(request: HttpRequest) -> HttpResponse:
    units, rows_q, needs_q = _units(request)
    return _page(request, units, rows_q, needs_q)


@login_required
@require_POST
def offer(request: HttpRequest) -> HttpResponse:
    units, rows_q, needs_q = _units(request)
    form = OfferForm(request.POST, units=units, communities=_offer_communities(units))
    if form.is_valid():
        try:
            unit_side.offer_resource(
                actor=request.user,
                unit=form.cleaned_data["unit"],
                community=form.cleaned_data["community"],
                **form.resource_values(),
            )
        except ValidationError as exc:
            _service_errors(form, exc)
        else:
            messages.success(request, _("Your resource is on the list."))
            return redirect(PAGE)
    return _page(request, units, rows_q, needs_q, offer_form=form, status=400)


def _own_resource(request: HttpRequest, pk: int) -> Resource:
    _units_, rows_q, _needs = _units(request)
    resource = (
        access.visible_resources(request.user)
        .filter(rows_q)
        .select_related("community")
        .filter(pk=pk)
        .first()
    )
    if resource is None:
        raise Http404
    return resource


@login_required
@require_http_methods(["GET", "POST"])
def edit_resource(request: HttpRequest, pk: int) -> HttpResponse:
    resource = _own_resource(request, pk)
    if request.method == "GET":
        form = ResourceForm(initial={name: getattr(resource, name) for name in ResourceForm.base_fields})
    else:
        form = ResourceForm(request.POST)
        if form.is_valid():
            try:
                unit_side.update_own_resource(resource, actor=request.user, **form.resource_values())
            except ValidationError as exc:
                _service_errors(form, exc)
            else:
                messages.success(request, _("The resource has been changed."))
                return redirect(PAGE)
    status = 400 if request.method == "POST" else 200
    return render(
        request, "cobuilding/unit/resource_form.html", {"resource": resource, "form": form}, status=status
    )


@login_required
@require_POST
def withdraw_resource(request: HttpRequest, pk: int) -> HttpResponse:
    resource = _own_resource(request, pk)
    try:
        unit_side.withdraw_resource(resource, actor=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("The resource has been withdrawn."))
    return redirect(PAGE)


@login_required
@require_http_methods(["GET", "POST"])
def answer(request: HttpRequest, pk: int) -> HttpResponse:
    units, rows_q, needs_q = _units(request)
    visible = access.visible_needs(request.user).filter(needs_q).values("pk")
    need = Need.objects.filter(pk=pk, pk__in=visible).select_related("community").first()
    if need is None:
        raise Http404
    targets = [u for u in units if unit_side.published_to(need, u)]
    resources = [
        r
        for r in access.visible_resources(request.user).filter(rows_q).order_by("kind", "pk")
        if unit_side.resource_fits(r, need)
    ]
    answers = list(NeedAnswer.objects.filter(rows_q, need=need).prefetch_related("resources"))
    form = AnswerForm(request.POST or None, units=targets or units, resources=resources)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                unit_side.answer_need(
                    need,
                    actor=request.user,
                    unit=form.cleaned_data["unit"],
                    resources=form.cleaned_data["resources"],
                    note=form.cleaned_data["note"],
                )
            except ValidationError as exc:
                _service_errors(form, exc)
            else:
                messages.success(request, _("Thank you: the community has been told that you can help."))
                return redirect(PAGE)
        status = 400
    context = {"need": need, "form": form, "answers": answers, "has_resources": bool(resources)}
    return render(request, "cobuilding/unit/answer_form.html", context, status=status)

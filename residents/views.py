"""Residents' pages (/residents/): officers' list and record pages, the landlord's own page, the
register / move / deregister forms, the street's export and audit trail. Thin: access and
services decide; a refusal is 403, a row outside one's reach 404 (it reads like an unknown id)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from core.spreadsheets import xlsx_response
from core.text import is_ascii_digits
from core.tree import path_prefix_q
from orgchart.models import Organisation

from . import access, audit, export, queries, services
from .forms import ExportForm, LeaveForm, MoveForm, RegistrationForm
from .models import Resident

PAGE_SIZE = 50


def _officer_or_403(request: HttpRequest) -> None:
    if not access.is_officer(request.user):
        raise PermissionDenied(_("Only officers of the street or a community see residents' registrations."))


def _int(value: str | None) -> int | None:
    return int(value) if value and is_ascii_digits(value) and len(value) <= 9 else None


def _visible_resident(request: HttpRequest, pk: int) -> Resident:
    resident = (
        access.visible_residents(request.user).select_related("community", "housing").filter(pk=pk).first()
    )
    if resident is None:
        raise Http404
    return resident


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """Officers go to the list; landlords to their own page."""
    if access.is_officer(request.user):
        return redirect("residents:list")
    if access.landlord_for(request.user) is not None:
        return redirect("residents:landlord")
    raise PermissionDenied(_("Only officers of the street or a community see residents' registrations."))


@login_required
def resident_list(request: HttpRequest) -> HttpResponse:
    _officer_or_403(request)
    communities = list(access.officer_communities(request.user).order_by("path"))
    wanted = _int(request.GET.get("community"))
    community = next((c for c in communities if c.pk == wanted), None)
    status = (
        request.GET.get("status")
        if request.GET.get("status") in ("registered", "left", "all")
        else "registered"
    )
    page = Paginator(
        queries.resident_list(request.user, community=community, status=status), PAGE_SIZE
    ).get_page(request.GET.get("page"))
    return render(
        request,
        "residents/list.html",
        {
            "page": page,
            "communities": communities,
            "community": community,
            "status": status,
            "can_export": access.can_export(request.user),
            "can_audit": access.can_review_audit(request.user),
        },
    )


@login_required
def resident_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """The full record: officers of the resident's community; each read is one audit row."""
    resident = (
        Resident.objects.select_related("community", "housing__landlord", "registered_by")
        .filter(pk=pk)
        .first()
    )
    if resident is None or not access.can_read_full_record(request.user, resident):
        raise Http404
    audit.record_read(request.user, resident)
    events = resident.events.select_related("from_housing", "to_housing", "actor")
    return render(
        request,
        "residents/detail.html",
        {
            "resident": resident,
            "events": events,
            "can_move": access.can_move(request.user, resident),
            "can_correct": access.can_correct(request.user, resident),
        },
    )


@login_required
def housing_list(request: HttpRequest) -> HttpResponse:
    _officer_or_403(request)
    housing = list(queries.housing_list(request.user).order_by("community__path", "address"))
    return render(request, "residents/housing.html", {"housing": housing})


@login_required
def landlord_page(request: HttpRequest) -> HttpResponse:
    """A landlord's own housing and its registered tenants (masked)."""
    landlord = access.landlord_for(request.user)
    if landlord is None:
        raise PermissionDenied(_("This page is for landlords."))
    housing = list(
        queries.with_tenant_counts(landlord.housing.select_related("community")).order_by("address")
    )
    tenants = list(
        Resident.objects.registered()
        .filter(housing__landlord=landlord)
        .select_related("housing")
        .order_by("housing", "name")
    )
    by_housing = {h.pk: [] for h in housing}
    for tenant in tenants:
        by_housing.setdefault(tenant.housing_id, []).append(tenant)
    rows = [(h, by_housing.get(h.pk, [])) for h in housing]
    return render(request, "residents/landlord.html", {"landlord": landlord, "rows": rows})


def _after_change(request: HttpRequest, resident: Resident) -> HttpResponse:
    if access.can_read_full_record(request.user, resident):
        return redirect("residents:detail", pk=resident.pk)
    return redirect("residents:landlord")


def _apply_errors(form, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


@login_required
def register(request: HttpRequest) -> HttpResponse:
    housing_qs = access.registrable_housing(request.user)
    if not access.is_officer(request.user) and access.landlord_for(request.user) is None:
        raise PermissionDenied(_("Only officers and landlords register residents."))
    initial = {}
    if (wanted := _int(request.GET.get("housing"))) is not None:
        initial["housing"] = wanted
    form = RegistrationForm(request.POST or None, housing_qs=housing_qs, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = services.Registration(**form.cleaned_data)
        try:
            resident = services.register(request.user, data)
        except ValidationError as exc:
            _apply_errors(form, exc)
        else:
            messages.success(request, _("%(name)s is registered.") % {"name": resident.name})
            return _after_change(request, resident)
    status = 400 if request.method == "POST" else 200
    return render(
        request, "residents/form.html", {"form": form, "title": _("Register a resident")}, status=status
    )


@login_required
def move(request: HttpRequest, pk: int) -> HttpResponse:
    resident = _visible_resident(request, pk)
    if not access.can_move(request.user, resident):
        raise PermissionDenied(_("You may not move this resident."))
    street_path = resident.community.path[: Organisation.steplen]
    housing_qs = access.visible_housing(request.user).filter(path_prefix_q(street_path, "community__path"))
    form = MoveForm(request.POST or None, housing_qs=housing_qs.exclude(pk=resident.housing_id))
    if request.method == "POST" and form.is_valid():
        try:
            services.move(
                request.user,
                resident,
                form.cleaned_data["housing"],
                form.cleaned_data["moved_on"],
                form.cleaned_data["over_beds_reason"],
            )
        except ValidationError as exc:
            _apply_errors(form, exc)
        else:
            messages.success(request, _("The move is recorded."))
            return _after_change(request, resident)
    status = 400 if request.method == "POST" else 200
    title = _("Move %(name)s within the street") % {"name": resident.masked_name}
    return render(
        request, "residents/form.html", {"form": form, "title": title, "resident": resident}, status=status
    )


@login_required
def leave(request: HttpRequest, pk: int) -> HttpResponse:
    resident = _visible_resident(request, pk)
    if not access.can_deregister(request.user, resident):
        raise PermissionDenied(_("You may not deregister this resident."))
    form = LeaveForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.deregister(
                request.user, resident, form.cleaned_data["left_on"], form.cleaned_data["leave_reason"]
            )
        except ValidationError as exc:
            _apply_errors(form, exc)
        else:
            messages.success(request, _("The resident is deregistered."))
            return _after_change(request, resident)
    status = 400 if request.method == "POST" else 200
    title = _("Deregister %(name)s") % {"name": resident.masked_name}
    return render(
        request, "residents/form.html", {"form": form, "title": title, "resident": resident}, status=status
    )


def _street_root(request: HttpRequest) -> Organisation:
    if not access.can_export(request.user):
        raise PermissionDenied(_("Only the street's officers export residents."))
    return access.figure_roots(request.user).order_by("depth", "path").first()


@login_required
def export_view(request: HttpRequest) -> HttpResponse:
    root = _street_root(request)
    if root is None:
        raise PermissionDenied(_("Only the street's officers export residents."))
    form = ExportForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        content = export.export_residents(request.user, root, form.cleaned_data["reason"])
        return xlsx_response(content, export.export_filename(root))
    return render(
        request,
        "residents/export.html",
        {"form": form, "root": root},
        status=400 if request.method == "POST" else 200,
    )


@login_required
def audit_trail(request: HttpRequest) -> HttpResponse:
    if not access.can_review_audit(request.user):
        raise PermissionDenied(_("Only the street's officers review the audit trail."))
    entries = access.visible_audit(request.user).select_related("community", "resident")
    page = Paginator(entries, 100).get_page(request.GET.get("page"))
    return render(request, "residents/audit.html", {"page": page, "list_url": reverse("residents:list")})

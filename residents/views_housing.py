"""Officers' pages of landlords and rented housing (/residents/landlords/…, /residents/housing/…):
record and edit landlords, create, reset, disable and enable a landlord's login, record and edit
housing. Thin: residents.access decides who, residents.services_housing checks and writes. A row
outside one's communities answers 404 (it reads like an unknown id); a landlord, member or anyone
not an officer gets 403."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from . import access, queries, services_housing
from .forms_housing import (
    HousingEditForm,
    HousingForm,
    LandlordEditForm,
    LandlordForm,
    LoginForm,
    PasswordForm,
)
from .models import Landlord
from .views import _apply_errors, _officer_or_403


def _form_page(request: HttpRequest, form, title: str, **context) -> HttpResponse:
    status = 400 if request.method == "POST" else 200
    return render(request, "residents/form.html", {"form": form, "title": title, **context}, status=status)


def _managed_landlord(request: HttpRequest, pk: int) -> Landlord:
    _officer_or_403(request)
    landlord = (
        access.managed_landlords(request.user).select_related("community", "user").filter(pk=pk).first()
    )
    if landlord is None:
        raise Http404
    return landlord


def _managed_landlords(request: HttpRequest):
    return access.managed_landlords(request.user).order_by("name", "pk")


@login_required
def landlord_list(request: HttpRequest) -> HttpResponse:
    _officer_or_403(request)
    landlords = list(_managed_landlords(request).select_related("community", "user"))
    return render(request, "residents/landlords.html", {"landlords": landlords})


@login_required
def landlord_detail(request: HttpRequest, pk: int) -> HttpResponse:
    landlord = _managed_landlord(request, pk)
    housing = list(queries.with_tenant_counts(landlord.housing.all()).order_by("address"))
    return render(request, "residents/landlord_detail.html", {"landlord": landlord, "housing": housing})


@login_required
def add_landlord(request: HttpRequest) -> HttpResponse:
    _officer_or_403(request)
    form = LandlordForm(
        request.POST or None, communities=access.officer_communities(request.user).order_by("path")
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            landlord = services_housing.add_landlord(
                request.user,
                data["community"],
                data["name"],
                data["phone"],
                username=data["username"],
                password=data["password"],
            )
        except ValidationError as exc:
            _apply_errors(form, exc)
        else:
            messages.success(request, _("The landlord is recorded."))
            return redirect("residents:landlord_detail", pk=landlord.pk)
    return _form_page(request, form, _("Record a landlord"))


@login_required
def edit_landlord(request: HttpRequest, pk: int) -> HttpResponse:
    landlord = _managed_landlord(request, pk)
    form = LandlordEditForm(request.POST or None, initial={"name": landlord.name, "phone": landlord.phone})
    if request.method == "POST" and form.is_valid():
        try:
            services_housing.update_landlord(
                request.user, landlord, form.cleaned_data["name"], form.cleaned_data["phone"]
            )
        except ValidationError as exc:
            _apply_errors(form, exc)
        else:
            messages.success(request, _("The landlord is saved."))
            return redirect("residents:landlord_detail", pk=landlord.pk)
    return _form_page(request, form, _("Edit landlord %(name)s") % {"name": landlord.name})


@login_required
def landlord_login(request: HttpRequest, pk: int) -> HttpResponse:
    """Create a new login for a landlord who has none."""
    landlord = _managed_landlord(request, pk)
    if landlord.user_id is not None:
        return redirect("residents:landlord_detail", pk=landlord.pk)
    form = LoginForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services_housing.create_landlord_login(
                request.user, landlord, form.cleaned_data["username"], form.cleaned_data["password"]
            )
        except ValidationError as exc:
            _apply_errors(form, exc)
        else:
            messages.success(request, _("The login is created."))
            return redirect("residents:landlord_detail", pk=landlord.pk)
    return _form_page(request, form, _("A login for %(name)s") % {"name": landlord.name})


@login_required
def landlord_password(request: HttpRequest, pk: int) -> HttpResponse:
    landlord = _managed_landlord(request, pk)
    form = PasswordForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services_housing.reset_landlord_password(request.user, landlord, form.cleaned_data["password"])
        except ValidationError as exc:
            _apply_errors(form, exc)
        else:
            messages.success(request, _("The password is reset; the landlord signs in with the new one."))
            return redirect("residents:landlord_detail", pk=landlord.pk)
    return _form_page(request, form, _("Reset the password of %(name)s") % {"name": landlord.name})


def _set_active(request: HttpRequest, pk: int, active: bool) -> HttpResponse:
    landlord = _managed_landlord(request, pk)
    try:
        services_housing.set_landlord_login_active(request.user, landlord, active)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("The login is enabled.") if active else _("The login is disabled."))
    return redirect("residents:landlord_detail", pk=landlord.pk)


@login_required
@require_POST
def disable_landlord_login(request: HttpRequest, pk: int) -> HttpResponse:
    return _set_active(request, pk, False)


@login_required
@require_POST
def enable_landlord_login(request: HttpRequest, pk: int) -> HttpResponse:
    return _set_active(request, pk, True)


@login_required
def add_housing(request: HttpRequest) -> HttpResponse:
    _officer_or_403(request)
    form = HousingForm(request.POST or None, landlords=_managed_landlords(request))
    if request.method == "POST" and form.is_valid():
        try:
            services_housing.add_housing(request.user, **form.cleaned_data)
        except ValidationError as exc:
            _apply_errors(form, exc)
        else:
            messages.success(request, _("The housing is recorded."))
            return redirect("residents:housing")
    return _form_page(request, form, _("Record rented housing"))


@login_required
def edit_housing(request: HttpRequest, pk: int) -> HttpResponse:
    _officer_or_403(request)
    housing = (
        queries.with_tenant_counts(
            access.visible_housing(request.user).select_related("community", "landlord")
        )
        .filter(pk=pk)
        .first()
    )
    if housing is None or not access.can_edit_housing(request.user, housing):
        raise Http404
    landlords = _managed_landlords(request).filter(community=housing.community_id)
    initial = {
        "landlord": housing.landlord_id,
        "address": housing.address,
        "rooms": housing.rooms,
        "beds": housing.beds,
    }
    form = HousingEditForm(request.POST or None, landlords=landlords, initial=initial)
    form.fields["beds"].help_text = _("Registered tenants now: %(n)s.") % {"n": housing.tenant_count}
    if request.method == "POST" and form.is_valid():
        try:
            services_housing.update_housing(request.user, housing, **form.cleaned_data)
        except ValidationError as exc:
            _apply_errors(form, exc)
        else:
            messages.success(request, _("The housing is saved."))
            return redirect("residents:housing")
    title = _("Edit housing %(address)s") % {"address": housing.address}
    return _form_page(request, form, title, housing=housing)

"""Help-request pages (phone first, large text).

Public (/help/): the form (a logged-in member, or anyone with a name and a mobile; rate-limited per
client address), the page that shows the tracking code once, the status page (the code typed in,
or read from the address's #fragment by residents/help_status.js and POSTed, so it never appears
in a path, a query or a server log), and a member's own requests (/help/mine/).

Staff (/residents/help/): the requests they answer for (residents.access_help), one request with
its steps and actions (assign, accept, record progress, close), and recording a help-line call.
Every write is a services_help call; a refusal is shown in Chinese and nothing is written.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from core import ratelimit
from core.text import is_ascii_digits, normalise
from orgchart.models import Organisation, OrgKind

from . import access_help as access
from . import services_help as services
from .models_help import HelpChannel, HelpRequest, HelpStatus, HelpStep, ServiceItem

SUBMISSIONS_PER_HOUR = 10
LOOKUPS_PER_HOUR = 60
FORM_FIELDS = ("item", "description", "address", "name", "phone")


def _streets():
    return list(
        Organisation.objects.filter(depth=1, kind=OrgKind.STREET, closed_on__isnull=True).order_by("path")
    )


def _pick(value: str | None, rows: list):
    value = normalise(value)
    wanted = int(value) if is_ascii_digits(value) and len(value) <= 12 else None
    return next((row for row in rows if row.pk == wanted), None)


def _catalogue(street: Organisation | None) -> list[tuple[str, list[ServiceItem]]]:
    """The items offered in `street`, grouped by who offers them (street-wide first)."""
    if street is None:
        return []
    items = (
        ServiceItem.objects.filter(active=True, series__organisation__path__startswith=street.path)
        .select_related("series__organisation")
        .order_by("series__organisation__path", "series__order", "series__pk", "order", "pk")
    )
    groups: dict[int, tuple[str, list[ServiceItem]]] = {}
    for item in items:
        org = item.series.organisation
        label = _("Street-wide") if org.pk == street.pk else org.name
        groups.setdefault(org.pk, (label, []))[1].append(item)
    return list(groups.values())


def _errors(exc: ValidationError | PermissionDenied) -> dict[str, list[str]]:
    """Errors by field; those of no field (and refusals) under "top" (templates cannot read "__all__")."""
    if isinstance(exc, PermissionDenied):
        return {"top": [str(exc)]}
    if not hasattr(exc, "error_dict"):
        return {"top": exc.messages}
    return {
        ("top" if field == "__all__" else field): messages for field, messages in exc.message_dict.items()
    }


def _limited(request: HttpRequest, scope: str, setting: str, default: int) -> bool:
    return not ratelimit.allow(
        scope, ratelimit.client_address(request), limit=getattr(settings, setting, default), seconds=3600
    )


def _too_many(request: HttpRequest) -> HttpResponse:
    message = _("Too many attempts from your network. Please wait an hour, or call the help line.")
    return render(request, "residents/help_message.html", {"message": message}, status=429)


def _submit(request: HttpRequest, *, channel: str, template: str, extra: dict) -> HttpResponse:
    streets = _streets()
    street = (
        _pick(request.POST.get("street"), streets) if len(streets) > 1 else (streets[0] if streets else None)
    )
    context = {
        "streets": streets if len(streets) > 1 else [],
        "street": street,
        "catalogue": _catalogue(street or (streets[0] if streets else None)),
        "values": {field: request.POST.get(field, "")[:5000] for field in FORM_FIELDS},
        **extra,
    }
    if request.method != "POST":
        return render(request, template, context)
    if street is None:
        context["errors"] = {"street": [_("Choose a street.")]}
        return render(request, template, context, status=400)
    item_id = normalise(request.POST.get("item"))
    item = (
        ServiceItem.objects.select_related("series__organisation").filter(pk=int(item_id)).first()
        if is_ascii_digits(item_id) and len(item_id) <= 12
        else None
    )
    try:
        help_request, code = services.submit_request(
            actor=request.user,
            street=street,
            item=item,
            description=request.POST.get("description"),
            address=request.POST.get("address"),
            name=request.POST.get("name"),
            phone=request.POST.get("phone"),
            channel=channel,
        )
    except (ValidationError, PermissionDenied) as exc:
        context["errors"] = _errors(exc)
        return render(request, template, context, status=403 if isinstance(exc, PermissionDenied) else 400)
    return render(
        request,
        "residents/help_submitted.html",
        {"help_request": help_request, "code": code, "channel": channel},
    )


@never_cache
def help_form(request: HttpRequest) -> HttpResponse:
    if request.method == "POST" and _limited(
        request, "help-request", "RESIDENTS_HELP_SUBMISSIONS_PER_HOUR", SUBMISSIONS_PER_HOUR
    ):
        return _too_many(request)
    return _submit(request, channel=HelpChannel.WEB, template="residents/help_form.html", extra={})


@never_cache
def help_status(request: HttpRequest) -> HttpResponse:
    """The status page by tracking code: typed in, or from the #fragment (help_status.js), POSTed."""
    if request.method != "POST":
        return render(request, "residents/help_status.html", {})
    if _limited(request, "help-status", "RESIDENTS_HELP_LOOKUPS_PER_HOUR", LOOKUPS_PER_HOUR):
        return _too_many(request)
    help_request = services.find_by_code(request.POST.get("code", "")[:40])
    if help_request is None:
        message = _("No help request has this tracking code. Check the code and type it again.")
        return render(request, "residents/help_status.html", {"refusal": message}, status=404)
    steps = list(help_request.steps.all())
    return render(request, "residents/help_status.html", {"help_request": help_request, "steps": steps})


@never_cache
@login_required
def my_requests(request: HttpRequest) -> HttpResponse:
    rows = list(
        HelpRequest.objects.filter(requester_user=request.user)
        .select_related("item", "community", "street")
        .prefetch_related("steps")
        .order_by("-created_at", "-pk")[:50]
    )
    return render(request, "residents/help_mine.html", {"rows": rows})


# Staff ----------------------------------------------------------------------------------------


def _staff_only(request: HttpRequest) -> None:
    if not access.is_help_staff(request.user):
        raise PermissionDenied(_("Only post-holders of the street or a community answer help requests."))


@never_cache
@login_required
def staff_index(request: HttpRequest) -> HttpResponse:
    _staff_only(request)
    status = request.GET.get("status", "")
    rows = access.handled_requests(request.user).select_related("item", "community", "street")
    if status == "overdue":
        rows = rows.overdue()
    elif status == "queue":
        rows = rows.filter(community__isnull=True, status=HelpStatus.NEW)
    elif status in HelpStatus.values:
        rows = rows.filter(status=status)
    page = Paginator(rows.order_by("-created_at", "-pk"), 30).get_page(request.GET.get("page"))
    return render(
        request,
        "residents/help_index.html",
        {"page": page, "status": status, "statuses": HelpStatus.choices},
    )


def _staff_request(request: HttpRequest, pk: int) -> HelpRequest:
    _staff_only(request)
    found = (
        access.handled_requests(request.user)
        .select_related("item__series__organisation", "community", "street", "requester_user")
        .filter(pk=pk)
        .first()
    )
    if found is None:
        raise Http404
    return found


def _detail_context(request: HttpRequest, help_request: HelpRequest, errors=None) -> dict:
    return {
        "help_request": help_request,
        "steps": list(HelpStep.objects.filter(request=help_request).select_related("actor")),
        "can_handle": access.can_handle(request.user, help_request),
        "can_assign": access.can_assign(request.user, help_request),
        "communities": list(access.communities_of(help_request.street).order_by("path")),
        "errors": errors or {},
    }


@never_cache
@login_required
def staff_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return render(
        request, "residents/help_detail.html", _detail_context(request, _staff_request(request, pk))
    )


ACTIONS = ("assign", "accept", "progress", "close")


@never_cache
@login_required
@require_POST
def staff_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    help_request = _staff_request(request, pk)
    if action not in ACTIONS:
        raise Http404
    try:
        if action == "assign":
            communities = list(access.communities_of(help_request.street))
            services.assign(
                help_request, _pick(request.POST.get("community"), communities), actor=request.user
            )
        elif action == "accept":
            services.accept(help_request, actor=request.user)
        elif action == "progress":
            services.record_progress(help_request, request.POST.get("note"), actor=request.user)
        else:
            services.close(help_request, request.POST.get("outcome"), actor=request.user)
    except (ValidationError, PermissionDenied) as exc:
        status = 403 if isinstance(exc, PermissionDenied) else 400
        help_request.refresh_from_db()
        context = _detail_context(request, help_request, {action: sum(_errors(exc).values(), [])})
        return render(request, "residents/help_detail.html", context, status=status)
    return redirect("residents_help:detail", pk=help_request.pk)


@never_cache
@login_required
def record_call(request: HttpRequest) -> HttpResponse:
    """Record a help-line call (求助电话): the caller's name, mobile, address and need."""
    if not access.may_record_calls(request.user):
        raise PermissionDenied(_("Only post-holders of the street or a community record help-line calls."))
    return _submit(request, channel=HelpChannel.PHONE, template="residents/help_record.html", extra={})

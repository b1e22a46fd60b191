"""Pages of the volunteer service: the activity list and page, sign-up and cancel, 我的志愿服务,
the organiser's check-in page (code, QR code, ticking names, completion, hours), the volunteer's
check-in form, the offer page reached from the signed link, and volunteer self-registration.

Thin: parse the request, ask volunteers.access / call volunteers.services, render. A service's
refusal (ValidationError) is shown as a message; PermissionDenied answers 403.
"""

from __future__ import annotations

import segno
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from activities import access as activity_access
from activities import queries as activity_queries
from activities import recurrence
from activities import services as activity_services
from activities.models import ActivityKind
from core import ratelimit

from . import access, queries, services
from .certificates import format_verification_code
from .certificates.issuing import certificate_pdf, find_certificate, issue_certificate, masked_name
from .forms import (
    ActivityFilterForm,
    CancelActivityForm,
    CertificateForm,
    CheckInForm,
    HoursForm,
    RegistrationForm,
    VerifyForm,
)
from .models import HoursCertificate, SignUp, SignUpStatus

PER_PAGE = 20


def _refused(request: HttpRequest, exc: ValidationError) -> None:
    for message in exc.messages:
        messages.error(request, message)


def _visible(request: HttpRequest, pk: int):
    return get_object_or_404(
        activity_access.visible_activities(request.user).select_related("organiser"), pk=pk
    )


def _organised(request: HttpRequest, pk: int):
    activity = _visible(request, pk)
    if not access.can_organise(request.user, activity):
        raise PermissionDenied(_("You do not organise this activity."))
    return activity


def activity_list(request: HttpRequest) -> HttpResponse:
    """Published activities, filtered by kind, organiser and month."""
    form = ActivityFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    activities = activity_queries.activity_list(
        request.user,
        kind=filters.get("kind") or "",
        organisation=filters.get("organisation"),
        month=filters.get("month"),
    )
    if not filters.get("month") and not request.GET.get("past"):
        activities = activities.filter(ends_at__gte=timezone.now())
    page = Paginator(activities, PER_PAGE).get_page(request.GET.get("page"))
    counts = queries.activity_counts(a.pk for a in page.object_list)
    rows = [(a, counts.get(a.pk, {"held": 0, "waiting": 0})) for a in page.object_list]
    return render(
        request,
        "volunteers/activity_list.html",
        {
            "form": form,
            "page_obj": page,
            "rows": rows,
            "kinds": ActivityKind,
            "can_view_dashboards": access.can_view_dashboards(request.user),
        },
    )


def activity_detail(request: HttpRequest, pk: int) -> HttpResponse:
    activity = _visible(request, pk)
    mine = None
    position = None
    if request.user.is_authenticated:
        mine = SignUp.objects.live().filter(activity=activity, person=request.user).first()
        if mine is not None:
            position = services.waiting_position(mine)
    counts = queries.activity_counts([activity.pk]).get(activity.pk, {"held": 0, "waiting": 0})
    refusal = access.eligibility_refusal(request.user, activity) if request.user.is_authenticated else None
    # Its series, if the reader may see it (an older occurrence may differ from the series now).
    series = None
    if activity.series_id is not None:
        series = activity_access.visible_series(request.user).filter(pk=activity.series_id).first()
    return render(
        request,
        "volunteers/activity_detail.html",
        {
            "activity": activity,
            "mine": mine,
            "position": position,
            "counts": counts,
            "free": max(activity.capacity - counts["held"], 0),
            "refusal": refusal,
            "can_organise": access.can_organise(request.user, activity),
            "signup_open": activity.state == "open" and timezone.now() < activity.effective_signup_deadline,
            "teams": activity.teams.all(),
            "series": series,
            "series_words": recurrence.describe_series(series) if series is not None else "",
        },
    )


@login_required
@require_POST
def sign_up(request: HttpRequest, pk: int) -> HttpResponse:
    activity = _visible(request, pk)
    try:
        signup = services.sign_up(activity, actor=request.user)
    except ValidationError as exc:
        _refused(request, exc)
    else:
        if signup.status == SignUpStatus.WAITING:
            messages.warning(request, services.signup_message(signup))
        else:
            messages.success(request, services.signup_message(signup))
    return redirect("volunteers:activity", pk=activity.pk)


@login_required
@require_POST
def cancel_signup(request: HttpRequest, pk: int) -> HttpResponse:
    signup = get_object_or_404(SignUp.objects.select_related("activity"), pk=pk)
    if signup.person_id != request.user.pk and not access.can_organise(request.user, signup.activity):
        raise PermissionDenied(_("This sign-up is not yours."))
    try:
        services.cancel_signup(signup, actor=request.user)
    except ValidationError as exc:
        _refused(request, exc)
    else:
        messages.success(request, _("The sign-up was cancelled."))
    if signup.person_id != request.user.pk:
        return redirect("volunteers:organise", pk=signup.activity_id)
    return redirect("volunteers:activity", pk=signup.activity_id)


@login_required
def my_service(request: HttpRequest) -> HttpResponse:
    """我的志愿服务: upcoming sign-ups, history, total hours."""
    data = queries.my_service(request.user)
    for signup in data["upcoming"]:
        signup.position = services.waiting_position(signup)
    response = render(request, "volunteers/mine.html", data)
    response.personal_data = True
    return response


@login_required
def check_in(request: HttpRequest, pk: int) -> HttpResponse:
    """The volunteer's own check-in by code (the QR code opens this page with the code filled in)."""
    activity = _visible(request, pk)
    form = CheckInForm(request.POST or None, initial={"code": request.GET.get("code", "")[:20]})
    if request.method == "POST" and form.is_valid():
        try:
            services.check_in(activity, form.cleaned_data["code"], actor=request.user)
        except ValidationError as exc:
            form.add_error("code", exc)
        else:
            messages.success(request, _("You are checked in. Thank you for taking part!"))
            return redirect("volunteers:activity", pk=activity.pk)
    return render(request, "volunteers/check_in.html", {"activity": activity, "form": form})


def _qr_svg(url: str) -> str:
    return segno.make(url, error="m").svg_inline(scale=5, border=2)


@login_required
def organise(request: HttpRequest, pk: int) -> HttpResponse:
    """The organiser's check-in page: the code and QR code, the roster with ticks, completion."""
    activity = _organised(request, pk)
    checkin_url = request.build_absolute_uri(
        reverse("volunteers:check_in", args=[activity.pk]) + "?" + urlencode({"code": activity.checkin_code})
    )
    signups = list(queries.roster(activity))
    queue = sorted(
        (s for s in signups if s.status == SignUpStatus.WAITING), key=lambda s: (s.queued_at, s.pk)
    )
    positions = {s.pk: n for n, s in enumerate(queue, start=1)}
    rows = []
    for signup in signups:
        volunteer = getattr(signup.person, "volunteer", None)
        rows.append(
            {
                "signup": signup,
                "name": queries.display_name(signup.person),
                "mobile": access.volunteer_mobile(request.user, volunteer) if volunteer else "",
                "position": positions.get(signup.pk),
            }
        )
    done = SignUp.objects.filter(activity=activity, status=SignUpStatus.CONFIRMED).select_related("person")
    response = render(
        request,
        "volunteers/organise.html",
        {
            "activity": activity,
            "checkin_url": checkin_url,
            "qr_svg": _qr_svg(checkin_url) if activity.checkin_code else "",
            "rows": rows,
            "credited": [(s, queries.display_name(s.person)) for s in done]
            if activity.state == "done"
            else [],
            "cancel_form": CancelActivityForm(),
            "hours_form": HoursForm(),
        },
    )
    response.personal_data = True  # names and mobiles: never stored by browsers or proxies
    return response


@login_required
@require_POST
def rotate_code(request: HttpRequest, pk: int) -> HttpResponse:
    activity = _organised(request, pk)
    try:
        activity_services.rotate_checkin_code(activity, actor=request.user)
    except PermissionDenied:
        # Team leaders run check-in but the code belongs to the organiser's managers.
        messages.error(request, _("Only the organiser's managers change the check-in code."))
    else:
        messages.success(request, _("A new check-in code is shown; the old one no longer works."))
    return redirect("volunteers:organise", pk=activity.pk)


@login_required
@require_POST
def tick(request: HttpRequest, pk: int) -> HttpResponse:
    signup = get_object_or_404(SignUp, pk=pk)
    _organised(request, signup.activity_id)
    try:
        services.tick(signup, actor=request.user, present=request.POST.get("present") != "0")
    except ValidationError as exc:
        _refused(request, exc)
    return redirect("volunteers:organise", pk=signup.activity_id)


@login_required
@require_POST
def complete(request: HttpRequest, pk: int) -> HttpResponse:
    activity = _organised(request, pk)
    try:
        services.complete_activity(activity, actor=request.user)
    except ValidationError as exc:
        _refused(request, exc)
    else:
        messages.success(request, _("The activity is completed and the hours are credited."))
    return redirect("volunteers:organise", pk=activity.pk)


@login_required
@require_POST
def cancel_activity(request: HttpRequest, pk: int) -> HttpResponse:
    activity = _organised(request, pk)
    form = CancelActivityForm(request.POST)
    reason = form.cleaned_data["reason"] if form.is_valid() else ""
    try:
        services.cancel_activity(activity, actor=request.user, reason=reason)
    except ValidationError as exc:
        _refused(request, exc)
    else:
        messages.success(request, _("The activity is cancelled; everyone signed up is told."))
    return redirect("volunteers:activity", pk=activity.pk)


@login_required
@require_POST
def adjust_hours(request: HttpRequest, pk: int) -> HttpResponse:
    signup = get_object_or_404(SignUp, pk=pk)
    _organised(request, signup.activity_id)
    form = HoursForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Give the hours and a reason."))
    else:
        try:
            services.adjust_hours(
                signup, form.cleaned_data["hours"], form.cleaned_data["reason"], actor=request.user
            )
        except ValidationError as exc:
            _refused(request, exc)
        else:
            messages.success(request, _("The hours were changed and the reason recorded."))
    return redirect("volunteers:organise", pk=signup.activity_id)


@login_required
def offer(request: HttpRequest, token: str) -> HttpResponse:
    """The page the offer notification links to: confirm or decline the place offered."""
    signup = None
    try:
        signup_id, _offered = services.offer_signup_id(token)
    except ValidationError as exc:
        _refused(request, exc)
        return render(request, "volunteers/offer.html", {"signup": None}, status=400)
    signup = SignUp.objects.filter(pk=signup_id, person=request.user).select_related("activity").first()
    if request.method == "POST" and signup is not None:
        try:
            if request.POST.get("answer") == "decline":
                services.decline_offer(token, actor=request.user)
                messages.success(request, _("You turned the place down; it goes to the next in line."))
            else:
                services.confirm_offer(token, actor=request.user)
                messages.success(request, _("Your place is confirmed."))
        except ValidationError as exc:
            _refused(request, exc)
        else:
            return redirect("volunteers:activity", pk=signup.activity_id)
    elif signup is None:
        messages.error(request, _("This confirmation link is not valid."))
    return render(request, "volunteers/offer.html", {"signup": signup, "token": token})


def register(request: HttpRequest) -> HttpResponse:
    """Volunteer self-registration: the volunteer record and a login, signed in at once."""
    if request.user.is_authenticated:
        return redirect("volunteers:mine")
    form = RegistrationForm(request.POST or None)
    if request.method == "POST" and not ratelimit.allow(
        "volunteer-registration",
        ratelimit.client_address(request),
        limit=settings.VOLUNTEERS_REGISTRATIONS_PER_HOUR,
        seconds=3600,
    ):
        form.is_valid()  # show what was typed, with the reason on top
        form.add_error(None, _("Too many registrations from your network; please try again in an hour."))
        return render(request, "volunteers/register.html", {"form": form}, status=429)
    if request.method == "POST" and form.is_valid():
        try:
            volunteer = services.register_volunteer(**form.cleaned_data)
        except ValidationError as exc:
            for field, errors in exc.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            login(request, volunteer.user, backend="orgchart.backends.MemberModelBackend")
            messages.success(request, _("Welcome! You are registered as a volunteer."))
            return redirect("volunteers:activities")
    return render(request, "volunteers/register.html", {"form": form})


# Certificates of hours --------------------------------------------------------------------------


def _verification_url(request: HttpRequest, certificate: HoursCertificate) -> str:
    query = urlencode({"code": format_verification_code(certificate.code)})
    return request.build_absolute_uri(f"{reverse('volunteers:verify')}?{query}")


@login_required
def certificates(request: HttpRequest) -> HttpResponse:
    """Ask for a certificate of one's hours over a period; the ones issued before."""
    today = timezone.localdate()
    form = CertificateForm(
        request.POST or None, initial={"start": today.replace(month=1, day=1), "end": today}
    )
    if request.method == "POST" and form.is_valid():
        try:
            certificate = issue_certificate(
                actor=request.user, start=form.cleaned_data["start"], end=form.cleaned_data["end"]
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Your certificate is ready: download it below."))
            return redirect(f"{reverse('volunteers:certificates')}#c-{certificate.pk}")
    issued = HoursCertificate.objects.filter(person=request.user)[:50]
    response = render(request, "volunteers/certificates.html", {"form": form, "issued": issued})
    response.personal_data = True
    return response


@login_required
def certificate_download(request: HttpRequest, pk: int) -> HttpResponse:
    """The holder's own certificate as a PDF (anyone else: 404)."""
    certificate = get_object_or_404(HoursCertificate, pk=pk, person=request.user)
    pdf = certificate_pdf(certificate, _verification_url(request, certificate))
    response = HttpResponse(pdf, content_type="application/pdf")
    filename = f"certificate-{certificate.code}.pdf"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.personal_data = True
    return response


def verify(request: HttpRequest) -> HttpResponse:
    """Anyone checks a certificate's code: what it stated, the holder's name masked."""
    form = VerifyForm(request.GET or None)
    certificate = None
    checked = False
    if form.is_valid():
        checked = True
        certificate = find_certificate(form.cleaned_data["code"])
    context = {
        "form": form,
        "checked": checked,
        "certificate": certificate,
        "holder": masked_name(certificate.holder_name) if certificate else "",
    }
    return render(request, "volunteers/verify.html", context)

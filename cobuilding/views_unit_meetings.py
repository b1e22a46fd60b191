"""The unit side's joint meetings (/cobuilding/unit/meetings/): invitations to answer and
decisions to follow, phone-friendly, large text, no script.

For whoever speaks for a co-building unit (its contact with a login, or a holder of a current
post in its unit party organisation: views_unit.page_units' rule through
meetings_access.spoken_units) and for anyone owning a decision in person:
- the invitations of their units to meetings not yet started, each answered here: will attend
  (the representative's name) or cannot attend (cobuilding.meetings_invites.answer_invitation);
- the decisions owned by their units or by them, grouped overdue / open / done (the latest done
  ones), each open one marked done here with a note (cobuilding.meetings.complete_decision).
Nothing of other units: rows are looked up among the user's own (a forged id is 404). Anyone with
neither units nor decisions gets 403. A refusal is 400 with the reason on the page, nothing
written; success redirects back (PRG). Constant queries whatever the number of decisions.
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from orgchart.models import Member

from . import meetings, meetings_access, meetings_invites
from .models import DecisionStatus, ReplyChoice

DONE_SHOWN = 20  # the latest done decisions shown


class DoneForm(forms.Form):
    note = forms.CharField(label=gettext_lazy("What was done"), max_length=2000, required=False)
    done_on = forms.DateField(label=gettext_lazy("Done on (today if empty)"), required=False)


class AnswerForm(forms.Form):
    reply = forms.ChoiceField(label=gettext_lazy("Your answer"), choices=ReplyChoice.choices)
    name = forms.CharField(label=gettext_lazy("Representative's name"), max_length=50, required=False)


def _rows(request: HttpRequest):
    """(spoken units, decisions, upcoming meeting places) of the user; 403 when neither."""
    user = request.user
    spoken = meetings_access.spoken_units(user)
    decisions = list(
        meetings_access.unit_side_decisions(user, spoken)
        .select_related("meeting__activity", "meeting__community", "owner_user")
        .select_related("owner_unit_org", "owner_outside_unit")
        .order_by("due_on", "pk")
    )
    if not any(spoken) and not decisions:
        raise PermissionDenied(
            _("Only a co-building unit's contacts and post-holders, and owners of a decision, see this page.")
        )
    places = list(
        meetings_access.unit_side_meeting_units(user, spoken)
        .filter(meeting__activity__starts_at__gt=timezone.now())
        .select_related("meeting__activity", "meeting__community", "agreement__unit_org")
        .select_related("agreement__outside_unit")
        .order_by("meeting__activity__starts_at", "pk")
    )
    return spoken, decisions, places


def _render(request: HttpRequest, status: int = 200, error: str = "", failed: str = "") -> HttpResponse:
    _spoken, decisions, places = _rows(request)
    today = timezone.localdate()
    overdue = [d for d in decisions if d.is_overdue(today)]
    open_ = [d for d in decisions if d.status == DecisionStatus.OPEN and not d.is_overdue(today)]
    done = sorted(
        (d for d in decisions if d.status == DecisionStatus.DONE),
        key=lambda d: (d.done_on, d.pk),
        reverse=True,
    )
    context = {
        "invitations": places,
        "overdue": overdue,
        "open": open_,
        "done": done[:DONE_SHOWN],
        "done_total": len(done),
        "error": error,
        "failed": failed,
        "today": today,
    }
    return render(request, "cobuilding/meetings/unit_side.html", context, status=status)


def _message(exc: ValidationError) -> str:
    return " ".join(exc.messages)


@login_required
def page(request: HttpRequest) -> HttpResponse:
    return _render(request)


@login_required
@require_POST
def mark_done(request: HttpRequest, pk: int) -> HttpResponse:
    _spoken, decisions, _places = _rows(request)
    decision = next((d for d in decisions if d.pk == pk), None)
    if decision is None:
        raise Http404
    form = DoneForm(request.POST)
    if not form.is_valid():
        message = " ".join(str(e) for errors in form.errors.values() for e in errors)
        return _render(request, 400, message, f"done-{pk}")
    try:
        meetings.complete_decision(
            decision, actor=request.user, done_on=form.cleaned_data["done_on"], note=form.cleaned_data["note"]
        )
    except ValidationError as exc:
        return _render(request, 400, _message(exc), f"done-{pk}")
    messages.success(request, _("The decision is marked done."))
    return redirect(reverse("cobuilding_unit_meetings:page") + "#done")


@login_required
@require_POST
def answer(request: HttpRequest, pk: int) -> HttpResponse:
    _spoken, _decisions, places = _rows(request)
    place = next((p for p in places if p.pk == pk), None)
    if place is None:
        # Not theirs (or a forged id): 404; theirs, but the meeting has started: closed.
        get_object_or_404(meetings_access.unit_side_meeting_units(request.user), pk=pk)
        message = _("The meeting has started: the answer can no longer be changed.")
        return _render(request, 400, message, f"answer-{pk}")
    form = AnswerForm(request.POST)
    if not form.is_valid():
        return _render(request, 400, _("Choose whether your unit will attend."), f"answer-{pk}")
    try:
        meetings_invites.answer_invitation(
            place,
            actor=request.user,
            attend=form.cleaned_data["reply"] == ReplyChoice.ATTEND,
            name=form.cleaned_data["name"],
        )
    except ValidationError as exc:
        return _render(request, 400, _message(exc), f"answer-{pk}")
    messages.success(request, _("Your answer is sent to the community."))
    return redirect(reverse("cobuilding_unit_meetings:page"))


def own_record_links(member: Member) -> list[tuple[str, str]]:
    """For orgchart.own_links: a member owning a joint-meeting decision in person links here."""
    if member.user_id is None:
        return []
    from .models import Decision

    if not Decision.objects.filter(owner_user_id=member.user_id).exists():
        return []
    return [(_("My joint-meeting decisions"), reverse("cobuilding_unit_meetings:page"))]

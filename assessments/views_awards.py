"""The committee's awards page and the submissions behind it.

- /assessments/cycles/<id>/awards/: the street's post-holders (assessments.access): the cycle's
  submissions grouped by kind (secretary, community, title, date, a link to read each), an award
  form for each during review (work.award) and the awards decided so far, each withdrawable
  during review (work.withdraw_award). Read-only in other phases. Anyone else 403, another
  street's cycle 404, forged ids 404, bad input 400 with the reason and nothing written.
- /assessments/submissions/<id>/: a submission in full with its attachment and awards; for its
  secretary and the street's post-holders. /assessments/submissions/<id>/attachment/ downloads
  the attachment for the same people (Wagtail's own document URL serves it to the public only
  once a live page uses it, see assessments/attachments.py).
"""

from __future__ import annotations

import mimetypes

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from orgchart import access as org_access

from . import access, work
from .models import AssessmentCycle, Award, AwardKind, Phase, Submission, SubmissionKind


def _managed_cycle(request: HttpRequest, pk: int) -> AssessmentCycle:
    if not access.is_assessment_manager(request.user):
        raise PermissionDenied(_("Only the street's post-holders decide the awards."))
    return get_object_or_404(access.manageable_cycles(request.user).select_related("street"), pk=pk)


def _id(value: str) -> int | None:
    value = (value or "").strip()
    return int(value) if value.isdigit() and len(value) < 12 else None


def _award_kinds_for(kind: str) -> list[tuple[str, str]]:
    return [(k, str(AwardKind(k).label)) for k, kinds in work.AWARD_KINDS.items() if kind in kinds]


def _post(request: HttpRequest, cycle: AssessmentCycle) -> None:
    """Carry out the posted action; a forged id is 404, a refusal a ValidationError."""
    action = request.POST.get("action", "")
    if action == "award":
        pk = _id(request.POST.get("submission", ""))
        if pk is None:
            raise Http404
        submission = get_object_or_404(Submission, pk=pk, cycle=cycle)
        work.award(
            cycle,
            actor=request.user,
            kind=request.POST.get("kind", ""),
            submission=submission,
            reason=request.POST.get("reason", ""),
        )
    elif action == "withdraw":
        pk = _id(request.POST.get("award", ""))
        if pk is None:
            raise Http404
        row = get_object_or_404(Award.objects.select_related("cycle__street"), pk=pk, cycle=cycle)
        work.withdraw_award(row, actor=request.user)
    else:
        raise ValidationError(_("Choose what to do."))


@login_required
@require_http_methods(["GET", "POST"])
def awards(request: HttpRequest, pk: int) -> HttpResponse:
    cycle = _managed_cycle(request, pk)
    errors: list[str] = []
    if request.method == "POST":
        try:
            _post(request, cycle)
        except ValidationError as error:
            errors = error.messages
        else:
            return redirect("assessments:awards", pk=cycle.pk)
    submissions = list(
        Submission.objects.filter(cycle=cycle)
        .select_related("secretary__member", "community", "attachment")
        .order_by("kind", "-submitted_at", "pk")
    )
    decided = list(
        Award.objects.filter(cycle=cycle)
        .select_related("submission__secretary__member", "submission__community", "decided_by__member")
        .order_by("kind", "decided_at", "pk")
    )
    awarded: dict[int, list[Award]] = {}
    for row in decided:
        awarded.setdefault(row.submission_id, []).append(row)
    groups = []
    for kind, label in SubmissionKind.choices:
        rows = [
            {
                "submission": s,
                "secretary": _person(s.secretary),
                "awards": awarded.get(s.pk, []),
                "award_kinds": [
                    (k, name)
                    for k, name in _award_kinds_for(kind)
                    if k not in {a.kind for a in awarded.get(s.pk, [])}
                ],
            }
            for s in submissions
            if s.kind == kind
        ]
        groups.append({"kind": kind, "label": label, "rows": rows})
    return render(
        request,
        "assessments/awards.html",
        {
            "cycle": cycle,
            "groups": groups,
            "decided": [(row, _person(row.submission.secretary)) for row in decided],
            "can_decide": cycle.phase == Phase.REVIEW,
            "errors": errors,
        },
        status=400 if errors else 200,
    )


def _person(user) -> str:
    """A user's name as the roster has it (their member record), else their login name."""
    if user is None:
        return ""
    member = org_access.member_for(user)
    return member.name if member is not None else (user.get_full_name() or user.get_username())


# A submission in full, and its attachment ------------------------------------------------------


def _readable_submission(request: HttpRequest, pk: int) -> Submission:
    """The submission if the user is its secretary or manages its street's cycle; another
    street's manager gets 404, anyone else 403."""
    submission = (
        Submission.objects.select_related("cycle__street", "community", "attachment", "secretary__member")
        .filter(pk=pk)
        .first()
    )
    user = request.user
    if submission is not None and submission.secretary_id == user.pk:
        return submission
    if access.is_assessment_manager(user):
        if submission is None or not access.can_manage_cycle(user, submission.cycle):
            raise Http404
        return submission
    if submission is None:
        raise Http404
    raise PermissionDenied(_("Only its author and the street's post-holders read this submission."))


@login_required
def submission_detail(request: HttpRequest, pk: int) -> HttpResponse:
    submission = _readable_submission(request, pk)
    manager = access.can_manage_cycle(request.user, submission.cycle)
    return render(
        request,
        "assessments/submission.html",
        {
            "submission": submission,
            "secretary": _person(submission.secretary),
            "awards": list(submission.awards.order_by("kind")),
            "manager": manager,
        },
    )


@login_required
def attachment(request: HttpRequest, pk: int) -> HttpResponse:
    submission = _readable_submission(request, pk)
    document = submission.attachment
    if document is None or not document.file:
        raise Http404
    try:
        handle = document.file.open("rb")
    except (FileNotFoundError, OSError):
        raise Http404 from None
    content_type = mimetypes.guess_type(document.filename)[0] or "application/octet-stream"
    response = FileResponse(handle, as_attachment=True, filename=document.filename, content_type=content_type)
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response

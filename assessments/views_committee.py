"""The street committee's scoring pages (issue 8, "committee: street committee members score with a
comment"): /assessments/cycles/<id>/committee/, a table of the street's community secretaries ×
the cycle's committee indicators with my score per cell and how many committee members scored,
the secretaries I have not finished highlighted and counted; and .../committee/<member id>/, the
form to score one secretary on each committee indicator (0..weight, with a comment, through
work.score), shown with their submissions and automatic evidence.

Access as the score sheet: the street's post-holders (assessments.access); anyone else 403, a
cycle of another street or a member id that is not one of its secretaries 404. Scores are taken
only during review; in other phases the pages are read-only and say why. Bad input answers 400
with the messages and writes nothing (all indicators of a form are saved together or not at all).
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from . import access, committee, presentation, work
from .models import AssessmentCycle, IndicatorSource, Phase, Submission
from .views import _rows

# Longer than any number a score needs; longer input is refused before it is parsed.
SCORE_INPUT_MAX = 20


class _Refused(Exception):
    """Rolls back a form's scores when any of them is refused."""


def _cycle(request: HttpRequest, pk: int) -> AssessmentCycle:
    if not access.is_assessment_manager(request.user):
        raise PermissionDenied(_("Only the street's post-holders score secretaries."))
    return get_object_or_404(access.manageable_cycles(request.user).select_related("street"), pk=pk)


def _read_only_reason(cycle: AssessmentCycle) -> str:
    if cycle.phase == Phase.REVIEW:
        return ""
    if cycle.phase in (Phase.PUBLICITY, Phase.FINAL):
        return _("The review has ended: committee scores can no longer be changed.")
    return _("The committee scores during the review; this assessment is not in review yet.")


@login_required
def table(request: HttpRequest, pk: int) -> HttpResponse:
    cycle = _cycle(request, pk)
    indicators = committee.committee_indicators(cycle)
    secretaries = committee.cycle_secretaries(cycle)
    rows = committee.score_table(cycle, request.user, secretaries, indicators)
    todo = [r for r in rows if r.secretary.user_id is not None and not r.done_by_me]
    return render(
        request,
        "assessments/committee.html",
        {
            "cycle": cycle,
            "indicators": indicators,
            "rows": rows,
            "todo": len(todo),
            "committee_size": committee.committee_size(cycle),
            "read_only": _read_only_reason(cycle),
        },
    )


def _save(cycle: AssessmentCycle, request: HttpRequest, secretary_user, indicators) -> dict[Any, list[str]]:
    """Score every indicator whose score or comment was filled in; {indicator id or "__all__":
    messages} when anything is refused, and then nothing is written."""
    errors: dict[Any, list[str]] = {}
    filled = 0
    try:
        with transaction.atomic():
            for indicator in indicators:
                value = request.POST.get(f"score-{indicator.pk}", "").strip()
                comment = request.POST.get(f"comment-{indicator.pk}", "")
                if not value and not comment.strip():
                    continue  # not scored in this form: an earlier score stays
                filled += 1
                if not value or len(value) > SCORE_INPUT_MAX:
                    errors[indicator.pk] = [_("Enter a number.")]
                    continue
                try:
                    work.score(
                        cycle,
                        actor=request.user,
                        indicator=indicator,
                        secretary=secretary_user,
                        value=value,
                        comment=comment,
                    )
                except ValidationError as error:
                    errors[indicator.pk] = error.messages
            if not filled and not errors:
                errors["__all__"] = [_("Enter at least one score with its comment.")]
            if errors:
                raise _Refused
    except _Refused:
        pass
    return errors


@login_required
def secretary(request: HttpRequest, pk: int, member_id: int) -> HttpResponse:
    cycle = _cycle(request, pk)
    person = next((s for s in committee.cycle_secretaries(cycle) if s.member_id == member_id), None)
    if person is None:
        raise Http404
    indicators = committee.committee_indicators(cycle)
    read_only = _read_only_reason(cycle)
    secretary_user = None
    if person.user_id is not None:
        secretary_user = get_user_model().objects.get(pk=person.user_id)
    errors: dict[Any, list[str]] = {}
    if request.method == "POST":
        if read_only:
            errors["__all__"] = [read_only]
        elif secretary_user is None:
            errors["__all__"] = [_("This secretary has no login and cannot be scored here.")]
        else:
            errors = _save(cycle, request, secretary_user, indicators)
            if not errors:
                messages.success(request, _("Your scores of %(name)s are saved.") % {"name": person.name})
                return redirect(reverse("assessments:committee", args=[cycle.pk]))
    mine = committee.my_scores(cycle, request.user, person.user_id) if person.user_id else {}
    fields = []
    for indicator in indicators:
        earlier = mine.get(indicator.pk)
        posted = request.method == "POST"
        fields.append(
            {
                "indicator": indicator,
                "score": request.POST.get(f"score-{indicator.pk}", "")
                if posted
                else (earlier.score if earlier else ""),
                "comment": request.POST.get(f"comment-{indicator.pk}", "")
                if posted
                else (earlier.comment if earlier else ""),
                "scored_at": earlier.scored_at if earlier else None,
                "errors": errors.get(indicator.pk, []),
            }
        )
    rows, provisional = _rows(cycle, member_id=person.member_id)
    lines = []
    if rows:
        presentation.with_rating_notes(cycle, rows)
        lines = [line for line in rows[0]["lines"] if line["source"] != IndicatorSource.COMMITTEE]
    submissions = []
    if person.user_id:
        found = Submission.objects.filter(cycle=cycle, secretary_id=person.user_id)
        submissions = list(found.order_by("kind", "month", "pk"))
    return render(
        request,
        "assessments/committee_secretary.html",
        {
            "cycle": cycle,
            "person": person,
            "fields": fields,
            "errors": errors.get("__all__", []),
            "has_errors": bool(errors),
            "read_only": read_only,
            "can_score": not read_only and secretary_user is not None,
            "lines": lines,
            "provisional": provisional,
            "submissions": submissions,
        },
        status=400 if errors else 200,
    )

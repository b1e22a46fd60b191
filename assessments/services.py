"""Every change to an assessment cycle: create and edit it with its indicators, move it from phase
to phase, file and answer objections during 公示.

Phases run draft → open → rating → review → publicity (公示) → final, one step at a time. A move is
a conditional UPDATE (`… WHERE pk = … AND phase = <the phase before>`): whoever runs it second — a
task run twice, or a street secretary and the beat task at the same moment — updates no row and
moves nothing. Each move is logged once in PhaseTransition (who, or the scheduled task; why).

publicity → final happens only after the 公示 window has closed (the day publicity started plus
`publicity_working_days` Chinese working days, counted from the day after: assessments.workdays)
and no objection is open. That move and filing an objection both lock the cycle's row first, so
an objection filed at the closing moment either holds the cycle back or is refused.

Functions take `actor` and check it (assessments.access); None means the system (a task, the
demo). Refusals are ValidationErrors with a message the admin and the API show as they are.
"""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.text import normalise

from . import access, indicators, rating_questions, scoring, work, workdays
from .models import (
    CYCLE_DATE_FIELDS,
    CYCLE_SETTINGS_FIELDS,
    AssessmentCycle,
    Holiday,
    HolidaySource,
    Indicator,
    Objection,
    ObjectionStatus,
    Phase,
    PhaseTransition,
    next_phase,
    previous_phase,
)

logger = logging.getLogger(__name__)

# Settings and indicators can change until the scores freeze (review ends).
EDITABLE_PHASES = (Phase.DRAFT, Phase.OPEN, Phase.RATING, Phase.REVIEW)
OBJECTION_MAX_LENGTH = 2000
# What an edit of a cycle may write (save_cycle); indicators are saved with them.
EDITABLE_FIELDS = ("year", *CYCLE_DATE_FIELDS, *CYCLE_SETTINGS_FIELDS)


def _check_manager(actor, cycle: AssessmentCycle) -> None:
    if actor is not None and not access.can_manage_cycle(actor, cycle):
        raise PermissionDenied(_("Only the street's post-holders manage its assessment."))


# Cycles and indicators ------------------------------------------------------------------------


def validate_indicators(cycle: AssessmentCycle, rows: list[Indicator] | None = None) -> None:
    """Each indicator valid on its own, and the weights adding up to the cycle's total."""
    rows = list(cycle.indicators.all()) if rows is None else rows
    for row in rows:
        row.full_clean(exclude=["cycle"])
    indicators.check_weights([row.weight for row in rows], cycle.total_points)


@transaction.atomic
def create_cycle(*, actor, copy_from: AssessmentCycle | None = None, **fields: Any) -> AssessmentCycle:
    """A new cycle in draft, with the indicators of `copy_from` or else the default set."""
    cycle = AssessmentCycle(**fields)
    if cycle.street_id is not None:
        _check_manager(actor, cycle)
    cycle.phase = Phase.DRAFT
    cycle.full_clean()
    cycle.save()
    if copy_from is not None:
        copy_indicators(copy_from, cycle, actor=actor)
        rating_questions.copy_questions(copy_from, cycle)
    else:
        default_indicators(cycle)
        rating_questions.default_questions(cycle)
    return cycle


def save_cycle(cycle: AssessmentCycle, *, actor) -> AssessmentCycle:
    """Save an existing cycle edited in the admin: its dates, settings and indicators (held in
    memory by modelcluster until now).

    Refused once the scores froze, when the indicators' weights do not add up, and when the rating
    questions changed after rating began (rating_questions.validate). The row is
    locked and only the editable fields are written, so an edit made on a page loaded before the
    scheduled task moved the cycle never moves it back (the phase and what the transitions set
    are read afresh under the lock).
    """
    if cycle.pk is None:
        raise ValidationError(_("This assessment cycle no longer exists."))
    _check_manager(actor, cycle)
    with transaction.atomic():
        stored = (
            AssessmentCycle.objects.select_for_update()
            .filter(pk=cycle.pk)
            .values("phase", "street_id", "publicity_started_on", "scores_frozen_at")
            .first()
        )
        if stored is None:
            raise ValidationError(_("This assessment cycle no longer exists."))
        if stored["phase"] not in EDITABLE_PHASES:
            raise ValidationError(
                _("The scores of this cycle are frozen; its settings can no longer change.")
            )
        if stored["street_id"] != cycle.street_id:
            raise ValidationError({"street": _("A cycle cannot move to another street.")})
        # The phase moves only through advance().
        cycle.phase = stored["phase"]
        cycle.publicity_started_on = stored["publicity_started_on"]
        cycle.scores_frozen_at = stored["scores_frozen_at"]
        cycle.full_clean()
        validate_indicators(cycle)
        fields = [*EDITABLE_FIELDS, "updated_at", "indicators"]
        if rating_questions.changed(cycle):
            rating_questions.validate(cycle, stored["phase"])
            fields.append("rating_questions")
        try:
            with transaction.atomic():
                cycle.save(update_fields=fields)
        except IntegrityError:
            # Two questions swapping codes meet the unique code on the way.
            raise ValidationError(_("Two rating questions have the same code.")) from None
    return cycle


@transaction.atomic
def default_indicators(cycle: AssessmentCycle) -> list[Indicator]:
    """Give a cycle with no indicators the default set (DOMAIN.md), scaled to its total."""
    if cycle.indicators.exists():
        raise ValidationError(_("This cycle already has indicators."))
    rows = indicators.default_rows(cycle.total_points)
    for row in rows:
        row.cycle = cycle
    return Indicator.objects.bulk_create(rows)


@transaction.atomic
def copy_indicators(from_cycle: AssessmentCycle, to_cycle: AssessmentCycle, *, actor=None) -> list[Indicator]:
    """Replace the indicators of `to_cycle` (still in draft) with copies of `from_cycle`'s.

    The copies must add up to `to_cycle`'s total, or nothing is written.
    """
    _check_manager(actor, to_cycle)
    if actor is not None and not access.can_manage_cycle(actor, from_cycle):
        raise PermissionDenied(_("Only the street's post-holders manage its assessment."))
    if to_cycle.phase != Phase.DRAFT:
        raise ValidationError(_("Indicators can be replaced only while the cycle is a draft."))
    rows = [
        Indicator(
            cycle=to_cycle,
            type=row.type,
            name=row.name,
            weight=row.weight,
            max=row.max,
            source=row.source,
            automatic_key=row.automatic_key,
            order=row.order,
        )
        for row in from_cycle.indicators.order_by("order", "pk")
    ]
    validate_indicators(to_cycle, rows)
    Indicator.objects.filter(cycle=to_cycle).delete()
    return Indicator.objects.bulk_create(rows)


@transaction.atomic
def restore_default_indicators(cycle: AssessmentCycle, *, actor=None) -> list[Indicator]:
    """Replace the indicators of a draft cycle with the default set."""
    _check_manager(actor, cycle)
    if cycle.phase != Phase.DRAFT:
        raise ValidationError(_("Indicators can be replaced only while the cycle is a draft."))
    Indicator.objects.filter(cycle=cycle).delete()
    return default_indicators(cycle)


# Phases ---------------------------------------------------------------------------------------


def publicity_window_end(cycle: AssessmentCycle) -> dt.date | None:
    """The last day of the 公示 window (None before 公示 started): the start day plus the
    configured number of Chinese working days, counted from the day after."""
    start = cycle.publicity_started_on
    if start is None:
        return None
    return workdays.add_working_days(start, cycle.publicity_working_days)


def has_open_objection(cycle: AssessmentCycle) -> bool:
    return Objection.objects.filter(cycle=cycle, status=ObjectionStatus.OPEN).exists()


def final_refusal(cycle: AssessmentCycle, today: dt.date) -> str | None:
    """Why the cycle cannot become final on `today`; None when it can."""
    end = publicity_window_end(cycle)
    if end is None:
        return _("The public notice has not started.")
    if today <= end:
        return _("The public notice runs until %(end)s (%(days)s working days).") % {
            "end": end.isoformat(),
            "days": cycle.publicity_working_days,
        }
    if has_open_objection(cycle):
        return _("An objection is still unanswered.")
    return None


def advance(
    cycle: AssessmentCycle,
    to_phase: str,
    *,
    actor=None,
    reason: str = "",
    today: dt.date | None = None,
) -> PhaseTransition | None:
    """Move `cycle` into `to_phase` from the phase before it; return the logged transition, or
    None when the cycle was not in that phase before (already moved by someone else: nothing done).

    `actor` None is the scheduled task; a person must manage the cycle's street and give a reason.
    Into open: the indicators must be valid. Into final: the 公示 window closed and no objection
    open. Out of review: the scores freeze (scoring.freeze_scores). Into final: the awarded
    submissions become result pages (work.publish_awards).
    """
    if to_phase not in Phase.values or to_phase == Phase.DRAFT:
        raise ValidationError(_("Unknown phase."))
    _check_manager(actor, cycle)
    reason = normalise(reason).strip()
    if actor is not None and not reason:
        raise ValidationError({"reason": _("Give the reason for moving the cycle by hand.")})
    today = today or timezone.localdate()
    expected = previous_phase(to_phase)
    now = timezone.now()
    with transaction.atomic():
        if to_phase == Phase.FINAL:
            # Lock against objections filed at this moment (file_objection locks the row too).
            locked = AssessmentCycle.objects.select_for_update().filter(pk=cycle.pk).first()
            if locked is None or locked.phase != expected:
                return _moved_elsewhere(cycle)
            if refusal := final_refusal(locked, today):
                raise ValidationError(refusal)
        elif to_phase == Phase.OPEN:
            validate_indicators(cycle)
        changes: dict[str, Any] = {"phase": to_phase, "updated_at": now}
        if to_phase == Phase.PUBLICITY:
            changes["publicity_started_on"] = today
        if expected == Phase.REVIEW:
            changes["scores_frozen_at"] = now
        moved = AssessmentCycle.objects.filter(pk=cycle.pk, phase=expected).update(**changes)
        if not moved:
            return _moved_elsewhere(cycle)
        transition = PhaseTransition.objects.create(
            cycle_id=cycle.pk, from_phase=expected, to_phase=to_phase, at=now, actor=actor, reason=reason
        )
        cycle.refresh_from_db()
        if expected == Phase.REVIEW:
            scoring.freeze_scores(cycle)
        if to_phase == Phase.FINAL:
            work.publish_awards(cycle)
    return transition


def _moved_elsewhere(cycle: AssessmentCycle) -> None:
    cycle.refresh_from_db()
    return None


def advance_by_hand(cycle: AssessmentCycle, *, actor, reason: str) -> PhaseTransition | None:
    """A street secretary moves the cycle to its next phase now, whatever its dates say."""
    target = next_phase(cycle.phase)
    if target is None:
        raise ValidationError(_("The cycle is already final."))
    return advance(cycle, target, actor=actor, reason=reason)


def due_phase(cycle: AssessmentCycle, today: dt.date) -> str | None:
    """The phase the scheduled task should move `cycle` into on `today`, if any."""
    target = next_phase(cycle.phase)
    if target is None:
        return None
    if target == Phase.FINAL:
        return target if final_refusal(cycle, today) is None else None
    start = cycle.phase_date(target)
    return target if start is not None and start <= today else None


def advance_due(today: dt.date | None = None) -> list[tuple[int, str]]:
    """Move every cycle whose next phase has come (several steps if dates passed meanwhile);
    return (cycle id, phase) for every move made. A cycle refused (indicators invalid, an
    objection open) stays where it is until the next run."""
    today = today or timezone.localdate()
    moves: list[tuple[int, str]] = []
    for cycle in AssessmentCycle.objects.exclude(phase=Phase.FINAL).select_related("street").order_by("pk"):
        for _step in range(len(Phase.values)):
            target = due_phase(cycle, today)
            if target is None:
                break
            reason = (
                _("The public notice closed with no open objection.")
                if target == Phase.FINAL
                else _("Phase date reached.")
            )
            try:
                transition = advance(cycle, target, reason=reason, today=today)
            except ValidationError as exc:
                logger.warning("Cycle %s not moved into %s: %s", cycle.pk, target, "; ".join(exc.messages))
                break
            if transition is not None:
                moves.append((cycle.pk, target))
    return moves


# The working-day calendar --------------------------------------------------------------------


def save_holiday(holiday: Holiday, *, actor) -> Holiday:
    """Save a day of the calendar entered or edited by hand; seeding never overwrites it."""
    if actor is not None and not access.can_edit_holidays(actor):
        raise PermissionDenied(_("Only street post-holders edit the working-day calendar."))
    holiday.name = normalise(holiday.name).strip()
    holiday.source = HolidaySource.MANUAL
    holiday.full_clean()
    holiday.save()
    return holiday


# Objections -----------------------------------------------------------------------------------


def file_objection(
    cycle: AssessmentCycle, text: str, *, actor=None, today: dt.date | None = None
) -> Objection:
    """Record an objection to the published results; accepted only during the 公示 window.

    `actor` is the signed-in person filing it, or None (filed on paper, entered by the street).
    """
    text = normalise(text).strip()
    if not text:
        raise ValidationError({"text": _("Write the objection.")})
    if len(text) > OBJECTION_MAX_LENGTH:
        raise ValidationError(
            {"text": _("An objection is at most %(n)s characters.") % {"n": OBJECTION_MAX_LENGTH}}
        )
    today = today or timezone.localdate()
    with transaction.atomic():
        locked = AssessmentCycle.objects.select_for_update().get(pk=cycle.pk)
        end = publicity_window_end(locked)
        if locked.phase != Phase.PUBLICITY or end is None or today > end:
            raise ValidationError(_("Objections are accepted only during the public notice."))
        return Objection.objects.create(
            cycle=locked, filed_by=actor if actor is not None and actor.is_authenticated else None, text=text
        )


def answer_objection(objection: Objection, answer: str, *, actor) -> Objection:
    """The committee (the street's post-holders) answers an objection; it is then no longer open."""
    if actor is None:
        raise PermissionDenied(_("Only the street's post-holders manage its assessment."))
    _check_manager(actor, objection.cycle)
    answer = normalise(answer).strip()
    if not answer:
        raise ValidationError({"answer": _("Write the answer.")})
    with transaction.atomic():
        updated = Objection.objects.filter(pk=objection.pk, status=ObjectionStatus.OPEN).update(
            answer=answer, answered_by=actor, answered_at=timezone.now(), status=ObjectionStatus.ANSWERED
        )
        if not updated:
            raise ValidationError(_("This objection has already been answered."))
    objection.refresh_from_db()
    return objection

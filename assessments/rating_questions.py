"""A cycle's rating questions: made with the cycle (the default four, or a copy of the cycle it
was copied from), edited inline on the cycle's admin form while rating has not started.

Once rating has begun (phase rating or later, or any rating stored) the questions are frozen:
ratings' answers reference them, and a changed question would change what earlier raters
answered. An edit that leaves them as they are still saves the cycle's other fields.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from core.text import normalise

from .models import AssessmentCycle, Phase, Rating, RatingQuestion

EDITABLE_PHASES = (Phase.DRAFT, Phase.OPEN)
MAX_QUESTIONS = 20


def default_questions(cycle: AssessmentCycle) -> list[RatingQuestion]:
    """Give a new cycle the default questions (ratings.DEFAULT_QUESTIONS)."""
    from .ratings import DEFAULT_QUESTIONS

    return RatingQuestion.objects.bulk_create(
        [RatingQuestion(cycle=cycle, code=c, text=t, order=i) for i, (c, t) in enumerate(DEFAULT_QUESTIONS)]
    )


def copy_questions(from_cycle: AssessmentCycle, to_cycle: AssessmentCycle) -> list[RatingQuestion]:
    """Give a new cycle copies of another cycle's questions (the defaults if it has none)."""
    rows = [
        RatingQuestion(cycle=to_cycle, code=q.code, text=q.text, order=q.order)
        for q in RatingQuestion.objects.filter(cycle=from_cycle).order_by("order", "pk")
    ]
    if not rows:
        return default_questions(to_cycle)
    return RatingQuestion.objects.bulk_create(rows)


def _key(rows) -> list[tuple]:
    return sorted((q.pk, q.code, q.text, q.order) for q in rows)


def changed(cycle: AssessmentCycle) -> bool:
    """Whether the questions held in memory (an admin form's edit) differ from the stored ones."""
    held = list(cycle.rating_questions.all())
    if any(q.pk is None for q in held):
        return True
    stored = list(RatingQuestion.objects.filter(cycle_id=cycle.pk))
    return _key(held) != _key(stored)


def validate(cycle: AssessmentCycle, phase: str) -> None:
    """The held questions may be saved: rating not begun, 1..20 rows, each valid, codes unique."""
    if phase not in EDITABLE_PHASES or Rating.objects.filter(cycle_id=cycle.pk).exists():
        raise ValidationError(
            _("Rating has begun: the rating questions can no longer change (ratings answer them).")
        )
    rows = list(cycle.rating_questions.all())
    if not rows:
        raise ValidationError(_("The rating needs at least one question."))
    if len(rows) > MAX_QUESTIONS:
        raise ValidationError(_("At most %(max)s rating questions.") % {"max": MAX_QUESTIONS})
    codes: set[str] = set()
    for row in rows:
        row.code = normalise(row.code or "").strip()
        row.text = normalise(row.text or "").strip()
        if not row.text:
            raise ValidationError(_("Every rating question needs its text."))
        try:
            row.full_clean(exclude=["cycle"], validate_unique=False, validate_constraints=False)
        except ValidationError as error:
            raise ValidationError(
                _("Rating question %(code)s: %(error)s")
                % {"code": row.code or "—", "error": " ".join(error.messages)}
            ) from None
        if row.code in codes:
            raise ValidationError(_("Two rating questions have the code %(code)s.") % {"code": row.code})
        codes.add(row.code)

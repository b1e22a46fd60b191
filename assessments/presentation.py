"""How result rows read on the pages and in the export: why a rating scores nothing (the ratings'
hidden reason instead of a bare 0) and the committee's overrides (field, old → new, reason, by,
at) in words."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from . import ratings, scoring
from .models import AssessmentCycle, IndicatorSource, ResultOverride


def rating_note_text(cycle: AssessmentCycle, line: dict[str, Any]) -> str:
    """ "Not enough ratings yet (3 of 5 ratings)" for a rating line that scores nothing for want of
    raters; "" otherwise (and for lines frozen before the note existed)."""
    note = line.get("note", "")
    if line.get("source") != IndicatorSource.RATING or not note:
        return ""
    needed = cycle.min_ratings_shown if note == scoring.NOTE_HIDDEN else cycle.min_raters
    return _("%(reason)s (%(ratings)s of %(needed)s ratings)") % {
        "reason": ratings.hidden_reason(),
        "ratings": line.get("ratings") or 0,
        "needed": needed,
    }


def with_rating_notes(cycle: AssessmentCycle, rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Each line gets `note_text`, each row `rating_notes` [(indicator name, text)]; no query."""
    for row in rows:
        row["rating_notes"] = []
        for line in row["lines"]:
            line["note_text"] = rating_note_text(cycle, line)
            if line["note_text"]:
                row["rating_notes"].append((line["name"], line["note_text"]))
    return rows


def field_label(field: str) -> str:
    return {"total": _("Total"), "band": _("Band"), "recommended": _("Recommended")}.get(field, field)


def override_value(cycle: AssessmentCycle, field: str, value: str) -> str:
    """A stored override value in words: the band's name, yes/no, or the total."""
    if field == "band":
        return cycle.band_names().get(value, value)
    if field == "recommended":
        return _("yes") if value == "1" else _("no")
    return value


def _by_name(user) -> str:
    if user is None:
        return ""
    member = getattr(user, "member", None)
    return member.name if member is not None else (user.get_full_name() or user.get_username())


def override_trail(
    cycle: AssessmentCycle, result_ids: Iterable[int] | None = None
) -> dict[int, list[dict[str, Any]]]:
    """{result id: [override in words, oldest first]} of `cycle` (one query)."""
    rows = ResultOverride.objects.filter(result__cycle=cycle).select_related("by__member")
    rows = rows.order_by("at", "pk")
    if result_ids is not None:
        rows = rows.filter(result_id__in=list(result_ids))
    trail: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for row in rows:
        trail[row.result_id].append(
            {
                "field": row.field,
                "field_label": field_label(row.field),
                "old": override_value(cycle, row.field, row.old),
                "new": override_value(cycle, row.field, row.new),
                "reason": row.reason,
                "by": _by_name(row.by),
                "at": timezone.localtime(row.at),
            }
        )
    return trail

"""What a secretary still lacks, shown on /assessments/mine/ and in the "my scores" API alike:
this month's study reflection (in the cycle's own year) and each indicator's missing text."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from typing import Any

from django.utils.translation import gettext as _

from .models import AssessmentCycle, Submission, SubmissionKind


def missing(
    cycle: AssessmentCycle,
    row: Mapping[str, Any] | None,
    submissions: Iterable[Submission],
    today: dt.date,
) -> list[str]:
    found: list[str] = []
    if cycle.year == today.year and not any(
        s.kind == SubmissionKind.REFLECTION and s.month == today.month for s in submissions
    ):
        found.append(_("No study reflection submitted for this month yet."))
    if row:
        for line in row["lines"]:
            found.extend(line.get("missing", []))
    return found

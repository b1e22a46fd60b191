"""学习型: study every month, and a research report or paper a year.

Data sources (decided here; the next person must know):
- A month is satisfied by any study record (portal.StudyRecord: every study material is party-
  building material — constitution, theory, policy, articles, cases — so any record counts as an
  article read) or by a reflection written: a study record with its reflection filled in, a
  published result page of kind reflection the secretary is author of, or a submitted reflection.
- A research report or paper is a published result page of kind report or paper the secretary is
  author of, or a submitted one. Submissions come in as `Submission` tuples (the context's
  `submissions`): the assessments.Submission model, when it exists, is read by the caller into
  them, so this module does not depend on it. A result page published from an awarded submission
  (work.publish_awards) is that submission again: the caller names such pages in the context's
  `excluded_results` and they are not counted a second time (in the cycle, nor in the year the
  page went live).
- A month counts for a secretary when they held the post for at least a day of it (a secretary
  who changed mid-month is judged on that month too); only months up to the day judged.
Two queries for study_monthly and one for research_report, whatever the number of secretaries.
"""

from __future__ import annotations

from collections import defaultdict

from django.db.models import Q
from django.utils.translation import gettext as _

from portal.models import ResultPage, StudyRecord
from portal.models.result import ResultKind

from .context import EvidenceContext, local_date, month_key, months_of
from .types import EvidenceItem, Figure, ratio, sorted_items

REPORT_KINDS = (ResultKind.REPORT, ResultKind.PAPER)


def _results(ctx: EvidenceContext, kinds) -> dict[int, list[EvidenceItem]]:
    """{member id: published result pages of `kinds` they wrote over the period} (one query)."""
    start, end = ctx.aware_bounds()
    rows = (
        ResultPage.objects.live()
        .filter(author_id__in={s.member_id for s in ctx.stints}, kind__in=kinds)
        .filter(
            Q(go_live_at__gte=start, go_live_at__lt=end)
            | Q(go_live_at__isnull=True, first_published_at__gte=start, first_published_at__lt=end)
        )
        .exclude(pk__in=ctx.excluded_results)
        .values_list("pk", "author_id", "title", "kind", "go_live_at", "first_published_at")
        .order_by()
    )
    found: dict[int, list[EvidenceItem]] = defaultdict(list)
    for pk, author_id, title, kind, go_live_at, first_published_at in rows:
        day = local_date(go_live_at or first_published_at)
        found[author_id].append(EvidenceItem("result", pk, title, day, {"result_kind": kind}))
    return found


def _submitted(ctx: EvidenceContext, kinds) -> dict[int, list[EvidenceItem]]:
    """{member id: submissions of `kinds` over the period} (no query: handed in)."""
    member_of = {s.user_id: s.member_id for s in ctx.stints if s.user_id is not None}
    found: dict[int, list[EvidenceItem]] = defaultdict(list)
    for item in ctx.submissions:
        member_id = member_of.get(item.user_id)
        if member_id is not None and item.kind in kinds and ctx.start <= item.date <= ctx.until:
            found[member_id].append(
                EvidenceItem("submission", item.id, item.title, item.date, {"submission_kind": item.kind})
            )
    return found


def study_monthly(ctx: EvidenceContext) -> dict[int, Figure]:
    """{member id: months with a study record or a reflection / months in post}."""
    stints_of = ctx.by_member()
    records: dict[int, list[EvidenceItem]] = defaultdict(list)
    rows = (
        StudyRecord.objects.filter(
            member_id__in=list(stints_of), studied_on__gte=ctx.start, studied_on__lte=ctx.until
        )
        .values_list("pk", "member_id", "material__title", "studied_on", "minutes", "reflection")
        .order_by()
    )
    for pk, member_id, title, studied_on, minutes, reflection in rows:
        kind = "reflection" if reflection.strip() else "study_record"
        records[member_id].append(EvidenceItem(kind, pk, title, studied_on, {"minutes": minutes}))
    for source in (_results(ctx, [ResultKind.REFLECTION]), _submitted(ctx, ["reflection"])):
        for member_id, items in source.items():
            records[member_id].extend(items)

    figures = {}
    for member_id, stints in stints_of.items():
        months = months_of(stints)
        wanted = set(months)
        items = sorted_items(i for i in records.get(member_id, []) if i.date and month_key(i.date) in wanted)
        by_month: dict[str, list[int]] = {m: [] for m in months}
        for item in items:
            by_month[month_key(item.date)].append(item.id)
        missing_months = [m for m in months if not by_month[m]]
        satisfied = len(months) - len(missing_months)
        figures[member_id] = Figure(
            value=satisfied,
            target=len(months),
            score_ratio=ratio(satisfied, len(months)),
            evidence=items,
            missing=[month_missing(m) for m in missing_months],
            detail={"months": months, "missing_months": missing_months},
        )
    return figures


def month_missing(month: str) -> str:
    year, number = month.split("-")
    return _("No study record or reflection in %(year)s-%(month)02d") % {"year": year, "month": int(number)}


def research_report(ctx: EvidenceContext) -> dict[int, Figure]:
    """{member id: research reports or papers published or submitted over the period / one a year}."""
    stints_of = ctx.by_member()
    found: dict[int, list[EvidenceItem]] = defaultdict(list)
    for source in (_results(ctx, REPORT_KINDS), _submitted(ctx, ["report", "paper"])):
        for member_id, items in source.items():
            found[member_id].extend(items)
    figures = {}
    for member_id, stints in stints_of.items():
        # Credited while in post: a report from before a secretary took office is not theirs to count.
        items = sorted_items(
            i for i in found.get(member_id, []) if any(s.span.contains(i.date) for s in stints)
        )
        target = ctx.yearly_target("research_report", stints)
        figures[member_id] = Figure(
            value=len(items),
            target=target,
            score_ratio=ratio(len(items), target),
            evidence=items,
            missing=[] if items else [_("No research report or paper over the period")],
        )
    return figures

"""The secretary's own page (/assessments/mine/: my scores per type with evidence, my submissions
with the form to submit, what is missing this month) and the street's score sheet
(/assessments/sheet/<cycle id>/: sortable and filterable, with an Excel export).

Access: the secretary's page is for a community secretary holding the post today (anyone else
403) and shows only their own result; a ?cycle= of another street is 404. The sheet is for the
street's post-holders (assessments.access): anyone else 403, a cycle of another street 404.
Scores come from SecretaryResult once frozen, else a live preview from scoring.compute_scores,
labelled provisional.
"""

from __future__ import annotations

from decimal import Decimal
from io import BytesIO
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from openpyxl import Workbook

from core.spreadsheets import safe_row, xlsx_response
from orgchart import access as org_access
from orgchart.models import COMMUNITY_KINDS, Organisation, OrgKind, PostTitle, Tenure

from . import access, attachments, charts, my_scores, presentation, preview, scoring, work
from .distribution import distribution
from .models import (
    AssessmentCycle,
    IndicatorType,
    Phase,
    SecretaryResult,
    Submission,
    SubmissionKind,
)

SORTS = ("rank", "name", "community", "learning", "practical", "harmonious", "total")


def _rows(
    cycle: AssessmentCycle, *, member_id: int | None = None, lines: bool = True
) -> tuple[list[dict[str, Any]], bool]:
    """The cycle's results as plain rows (best first) and whether they are provisional.
    `lines=False`: a provisional row's lines may be left empty (the sheet's page shows none)."""
    names = cycle.band_names()
    frozen = SecretaryResult.objects.filter(cycle=cycle).select_related("community").order_by("rank")
    if member_id is not None:
        frozen = frozen.filter(member_id=member_id)
    if cycle.scores_frozen_at is not None or frozen.exists():
        return [
            {
                "result_id": r.pk,
                "member_id": r.member_id,
                "name": r.name,
                "community": r.community.name,
                "learning": r.learning,
                "practical": r.practical,
                "harmonious": r.harmonious,
                "total": r.total,
                "band": r.band,
                "band_name": names.get(r.band, r.band),
                "rank": r.rank,
                "recommended": r.recommended,
                "vetoed": r.vetoed,
                "capped": r.capped,
                "lines": r.breakdown,
            }
            for r in frozen
        ], False
    if member_id is not None:
        row = preview.member_row(cycle.pk, member_id, lambda: _preview_rows(cycle))
        return ([row] if row is not None else []), True
    return preview.rows(cycle.pk, lambda: _preview_rows(cycle), lines=lines), True


def _preview_rows(cycle: AssessmentCycle) -> list[dict[str, Any]]:
    """Every secretary's live (provisional) scores as rows, best first (assessments.preview)."""
    names = cycle.band_names()
    rating_scores, rating_counts = scoring.rating_inputs(cycle)
    scores = scoring.compute_scores(cycle, rating_scores=rating_scores, rating_counts=rating_counts)
    communities = dict(
        Organisation.objects.filter(pk__in={s.community_id for s in scores}).values_list("pk", "name")
    )
    return [
        {
            "member_id": s.member_id,
            "name": s.name,
            "community": communities.get(s.community_id, ""),
            "learning": s.subtotals[IndicatorType.LEARNING],
            "practical": s.subtotals[IndicatorType.PRACTICAL],
            "harmonious": s.subtotals[IndicatorType.HARMONIOUS],
            "total": s.total,
            "band": str(s.band),  # a plain string, as in frozen rows (and lighter to cache)
            "band_name": names.get(s.band, s.band),
            "rank": s.rank,
            "recommended": s.recommended,
            "vetoed": s.vetoed,
            "capped": s.capped,
            "lines": [line.as_json() for line in s.lines],
        }
        for s in scores
    ]


# The secretary's page -------------------------------------------------------------------------


def _my_cycle(request: HttpRequest):
    """(cycle, community, member) of the signed-in community secretary."""
    member = org_access.member_for(request.user)
    tenure = None
    if member is not None:
        today = timezone.localdate()
        tenure = (
            Tenure.objects.filter(
                member=member,
                post__title=PostTitle.SECRETARY,
                post__organisation__kind__in=COMMUNITY_KINDS,
                post__organisation__depth=2,  # a community directly under its street (a root)
                started_on__lte=today,
            )
            .exclude(ended_on__lt=today)
            .select_related("post__organisation")
            .order_by("-started_on")
            .first()
        )
    if tenure is None:
        raise PermissionDenied(_("This page is for community secretaries."))
    community = tenure.post.organisation
    street = community.get_parent()
    if street is None or street.kind != OrgKind.STREET:
        raise PermissionDenied(_("This page is for community secretaries."))
    cycles = AssessmentCycle.objects.filter(street=street).exclude(phase=Phase.DRAFT)
    wanted = request.GET.get("cycle", "") or request.POST.get("cycle", "")
    if wanted:
        if not wanted.isdigit():
            raise Http404
        cycle = get_object_or_404(cycles, pk=int(wanted))
    else:
        cycle = cycles.order_by("-year").first()
    return cycle, community, member


@csrf_exempt
def mine(request: HttpRequest) -> HttpResponse:
    # The size limit's upload handler must be in place before anything reads the body, the CSRF
    # check included: so the check runs inside (Django's "modifying upload handlers on the fly").
    if request.method == "POST":
        request.upload_handlers.insert(0, attachments.SizeLimitHandler(request))
    return _mine(request)


@csrf_protect
@login_required
def _mine(request: HttpRequest) -> HttpResponse:
    cycle, community, member = _my_cycle(request)
    errors: dict[str, list[str]] = {}
    form: dict[str, str] = {}
    if request.method == "POST":
        if cycle is None:
            raise Http404
        form = {k: request.POST.get(k, "") for k in ("kind", "month", "title", "body")}
        try:
            if getattr(request, "attachment_too_large", False):
                raise attachments.too_large()
            work.submit(
                cycle,
                actor=request.user,
                kind=form["kind"],
                month=form["month"] or None,
                title=form["title"],
                body=form["body"],
                upload=request.FILES.get("attachment"),
            )
        except ValidationError as error:
            errors = error.message_dict if hasattr(error, "error_dict") else {"__all__": error.messages}
        else:
            return redirect(f"{request.path}?cycle={cycle.pk}")
    row, provisional, submissions, missing = None, False, [], []
    if cycle is not None:
        rows, provisional = _rows(cycle, member_id=member.pk)
        presentation.with_rating_notes(cycle, rows)
        row = _with_radars(cycle, rows)[0] if rows else None
        submissions = list(
            Submission.objects.filter(cycle=cycle, secretary=request.user).order_by("-submitted_at")
        )
        missing = my_scores.missing(cycle, row, submissions, timezone.localdate())
    return render(
        request,
        "assessments/mine.html",
        {
            "cycle": cycle,
            "community": community,
            "row": row,
            "provisional": provisional,
            "computed_at": preview.computed_at(cycle.pk) if provisional else None,
            "submissions": submissions,
            "missing": missing,
            "kinds": SubmissionKind.choices,
            "months": range(1, 13),
            "max_attachment": attachments.max_bytes(),
            "accept": ",".join(f".{e}" for e in attachments.ALLOWED_EXTENSIONS),
            "can_submit": cycle is not None and cycle.phase in work.SUBMIT_PHASES,
            "errors": errors,
            "form": form,
            "types": IndicatorType.choices,
        },
        status=400 if errors else 200,
    )


# The street's score sheet ---------------------------------------------------------------------


def _sheet_cycle(request: HttpRequest, pk: int) -> AssessmentCycle:
    if not access.is_assessment_manager(request.user):
        raise PermissionDenied(_("Only the street's post-holders see the score sheet."))
    return get_object_or_404(access.manageable_cycles(request.user).select_related("street"), pk=pk)


def _sorted_filtered(
    request: HttpRequest, rows: list[dict[str, Any]]
) -> tuple[list[dict[str, Any]], str, str]:
    band = request.GET.get("band", "")
    if band:
        rows = [r for r in rows if r["band"] == band]
    sort = request.GET.get("sort", "rank")
    if sort.lstrip("-") not in SORTS:
        sort = "rank"
    key = sort.lstrip("-")
    rows = sorted(rows, key=lambda r: r[key], reverse=sort.startswith("-"))
    return rows, sort, band


@login_required
def sheet(request: HttpRequest, pk: int) -> HttpResponse:
    cycle = _sheet_cycle(request, pk)
    rows, provisional = _rows(cycle, lines=False)
    presentation.with_rating_notes(cycle, rows)
    trail = {} if provisional else presentation.override_trail(cycle)
    for row in rows:
        row["overrides"] = trail.get(row.get("result_id"), [])
    shown, sort, band = _sorted_filtered(request, _with_radars(cycle, rows))
    return render(
        request,
        "assessments/sheet.html",
        {
            "cycle": cycle,
            "rows": shown,
            "provisional": provisional,
            "computed_at": preview.computed_at(cycle.pk) if provisional else None,
            "sort": sort,
            "band": band,
            "bands": list(cycle.band_names().items()),
            "sorts": SORTS,
            "distribution": distribution(rows, names=cycle.band_names(), total_points=cycle.total_points),
            "can_override": not provisional and cycle.phase == Phase.PUBLICITY,
        },
    )


@login_required
def sheet_export(request: HttpRequest, pk: int) -> HttpResponse:
    cycle = _sheet_cycle(request, pk)
    rows, provisional = _rows(cycle)
    trail = {} if provisional else presentation.override_trail(cycle)
    return xlsx_response(
        sheet_workbook(cycle, rows, provisional, trail), f"考评-{cycle.street.name}-{cycle.year}.xlsx"
    )


def _with_radars(cycle: AssessmentCycle, rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Each row with its radar of the three types (subtotal / the type's points; one query)."""
    points = {t: Decimal(0) for t in IndicatorType.values}
    for type_, weight in cycle.indicators.values_list("type", "weight"):
        points[type_] += weight
    labels = dict(IndicatorType.choices)
    order = (IndicatorType.LEARNING, IndicatorType.PRACTICAL, IndicatorType.HARMONIOUS)
    for row in rows:
        row["radar"] = charts.radar_svg(
            [(str(labels[t]), float(row[t] / points[t]) if points[t] else 0.0) for t in order]
        )
    return rows


def sheet_workbook(
    cycle: AssessmentCycle,
    rows: list[dict[str, Any]],
    provisional: bool,
    overrides: dict[int, list[dict[str, Any]]] | None = None,
) -> bytes:
    """Three sheets: one row per secretary (subtotals, total, band, rank, flags); one row per
    secretary and indicator (value, points, evidence count, missing, why a rating scores nothing);
    one row per committee override (presentation.override_trail: field, old, new, reason, by,
    at)."""
    book = Workbook(write_only=True)
    summary = book.create_sheet(_("Scores"))
    summary.append(
        safe_row(
            summary,
            [
                _("Rank"),
                _("Secretary"),
                _("Community"),
                _("Learning (学习型)"),
                _("Practical (实干型)"),
                _("Harmonious (和谐型)"),
                _("Total"),
                _("Band"),
                _("Recommended"),
                _("Vetoed"),
                _("Capped"),
                _("Provisional"),
            ],
        )
    )
    detail = book.create_sheet(_("Indicators"))
    detail.append(
        safe_row(
            detail,
            [
                _("Secretary"),
                _("Community"),
                _("Type"),
                _("Indicator"),
                _("Value"),
                _("Points"),
                _("Weight"),
                _("Evidence records"),
                _("Missing"),
            ],
        )
    )
    yes, no = _("yes"), _("no")
    types = dict(IndicatorType.choices)
    for r in rows:
        summary.append(
            safe_row(
                summary,
                [
                    r["rank"],
                    r["name"],
                    r["community"],
                    float(r["learning"]),
                    float(r["practical"]),
                    float(r["harmonious"]),
                    float(r["total"]),
                    r["band_name"],
                    yes if r["recommended"] else no,
                    yes if r["vetoed"] else no,
                    yes if r["capped"] else no,
                    yes if provisional else no,
                ],
            )
        )
        for line in r["lines"]:
            detail.append(
                safe_row(
                    detail,
                    [
                        r["name"],
                        r["community"],
                        str(types.get(line["type"], line["type"])),
                        line["name"],
                        line["value"],
                        float(line["points"]),
                        line["weight"],
                        len(line.get("evidence", [])),
                        "；".join(
                            [*line.get("missing", []), presentation.rating_note_text(cycle, line)]
                        ).strip("；"),
                    ],
                )
            )
    changes = book.create_sheet(_("Overrides"))
    changes.append(
        safe_row(
            changes,
            [
                _("Secretary"),
                _("Community"),
                _("Field"),
                _("Old value"),
                _("New value"),
                _("Reason"),
                _("By"),
                _("At"),
            ],
        )
    )
    for r in rows:
        for o in (overrides or {}).get(r.get("result_id"), []):
            changes.append(
                safe_row(
                    changes,
                    [
                        r["name"],
                        r["community"],
                        str(o["field_label"]),
                        o["old"],
                        o["new"],
                        o["reason"],
                        o["by"],
                        o["at"].strftime("%Y-%m-%d %H:%M"),
                    ],
                )
            )
    out = BytesIO()
    book.save(out)
    return out.getvalue()

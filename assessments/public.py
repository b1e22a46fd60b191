"""What the assessment publishes to everyone, without a login: once a cycle is final, its
recommended secretaries and its award-winning works; during 公示, the same as proposed, with the
last day of the window in which anyone may object.

Published per recommended secretary: their place among the recommended (1, 2, 3), name,
community and band name. Not published: anyone's scores, ranks among all secretaries, the
secretaries not recommended, flags (vetoed, capped) — DOMAIN.md names only the results and the
award nominations for 公示, and a rank of 4 beside a place of 3 would say that someone above was
vetoed. Per award: its kind, the work's title, author (the secretary's member name), community
and, once published, a link to its public result page.

One rule for the pages and the API: `public_cycles`, `publicity_cycles` and `publication` below.
Each page costs a fixed number of queries, whatever the number of results and awards.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import QuerySet
from django.http import Http404

from portal.models.content import Visibility

from . import services
from .models import AssessmentCycle, Award, Phase, SecretaryResult

PUBLISHED_PHASES = (Phase.PUBLICITY, Phase.FINAL)


@dataclass
class Recommended:
    place: int
    name: str
    community: str
    band: str
    band_name: str


@dataclass
class Winner:
    kind: str
    kind_label: str
    title: str
    author: str
    community: str
    page: object | None = None  # the live, public ResultPage (final cycles only)


@dataclass
class Publication:
    cycle: AssessmentCycle
    recommended: list[Recommended] = field(default_factory=list)
    awards: list[Winner] = field(default_factory=list)
    window_ends_on: dt.date | None = None  # 公示 only


def public_cycles() -> QuerySet[AssessmentCycle]:
    """Final cycles of every street, newest first."""
    return (
        AssessmentCycle.objects.filter(phase=Phase.FINAL)
        .select_related("street")
        .order_by("-year", "street__path", "pk")
    )


def publicity_cycles() -> QuerySet[AssessmentCycle]:
    """Cycles in 公示 now, newest first."""
    return (
        AssessmentCycle.objects.filter(phase=Phase.PUBLICITY)
        .select_related("street")
        .order_by("-year", "street__path", "pk")
    )


def cycle_in(phase: str, pk: str | int) -> AssessmentCycle:
    """The cycle `pk` if it is in `phase`; anything else (not a number, unknown, another phase)
    is 404, so a forged id tells nothing about a cycle not yet public."""
    if not str(pk).isdigit():
        raise Http404
    cycle = AssessmentCycle.objects.filter(pk=int(pk), phase=phase).select_related("street").first()
    if cycle is None:
        raise Http404
    return cycle


def publication(cycle: AssessmentCycle) -> Publication:
    """The published results of a cycle in 公示 or final (two queries; the window's last day adds
    the working-day calendar's one in 公示)."""
    if cycle.phase not in PUBLISHED_PHASES:
        raise Http404
    names = cycle.band_names()
    results = (
        SecretaryResult.objects.filter(cycle=cycle, recommended=True)
        .select_related("community")
        .order_by("rank", "pk")
        .only("name", "band", "rank", "community__name")
    )
    recommended = [
        Recommended(place=i, name=r.name, community=r.community.name, band=r.band, band_name=names[r.band])
        for i, r in enumerate(results, start=1)
    ]
    final = cycle.phase == Phase.FINAL
    awards = Award.objects.filter(cycle=cycle).select_related(
        "submission__community", "submission__secretary__member"
    )
    if final:
        awards = awards.select_related("result_page")
    winners = []
    for award in awards.order_by("kind", "pk"):
        sub = award.submission
        member = getattr(sub.secretary, "member", None)
        page = award.result_page if final else None
        if page is not None and not (page.live and page.visibility == Visibility.PUBLIC):
            page = None
        winners.append(
            Winner(
                kind=award.kind,
                kind_label=award.get_kind_display(),
                title=sub.title,
                author=member.name if member is not None else "",
                community=sub.community.name,
                page=page,
            )
        )
    return Publication(
        cycle=cycle,
        recommended=recommended,
        awards=winners,
        window_ends_on=None if final else services.publicity_window_end(cycle),
    )

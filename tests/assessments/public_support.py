"""Published cycles for the tests of the public pages, the distribution and the my-scores API:
frozen results written directly (ranks and recommendations chosen by the test) and awarded
submissions, moved to the wanted phase."""

from __future__ import annotations

import datetime as dt
import itertools
from decimal import Decimal

from django.utils import timezone

from assessments import work
from assessments.models import (
    AssessmentCycle,
    Award,
    Band,
    Phase,
    SecretaryResult,
    Submission,
    SubmissionKind,
)
from portal.site import ensure_site
from tests.assessments.scoring_support import community_with_secretary
from tests.factories.assessments import make_cycle

_n = itertools.count(1)


def result_for(
    cycle, member, community, *, rank: int, total: str, band=Band.GOOD, recommended=False, **flags
):
    total_d = Decimal(total)
    return SecretaryResult.objects.create(
        cycle=cycle,
        member=member,
        secretary=member.user,
        community=community,
        name=member.name,
        learning=total_d / 3,
        practical=total_d / 3,
        harmonious=total_d - 2 * (total_d / 3).quantize(Decimal("0.01")),
        total=total_d,
        band=band,
        rank=rank,
        recommended=recommended,
        breakdown=[
            {
                "indicator_id": 1,
                "name": "每月学习",
                "type": "learning",
                "source": "automatic",
                "weight": 12.0,
                "value": 10.0,
                "points": "10.00",
                "target": 12.0,
                "missing": ["缺少11月学习记录"],
                "evidence": [{"kind": "study", "id": 7, "title": "学习党章", "date": "2026-01-05"}],
                "comments": ["委员评语不公开"],
            }
        ],
        **flags,
    )


def add_results(cycle, street_org, count: int, *, start_rank: int = 1) -> list[SecretaryResult]:
    """`count` secretaries with results, ranked from `start_rank`; totals fall by 7 a rank."""
    made = []
    for i in range(count):
        community, member = community_with_secretary(street_org)
        rank = start_rank + i
        total = max(99 - 7 * (rank - 1), 0)
        made.append(result_for(cycle, member, community, rank=rank, total=f"{total}.50"))
    return made


def add_awards(cycle, results: list[SecretaryResult], count: int) -> list[Award]:
    """An awarded research report of each of the first `count` results' secretaries."""
    awards = []
    for r in results[:count]:
        sub = Submission.objects.create(
            cycle=cycle,
            secretary=r.secretary,
            community=r.community,
            kind=SubmissionKind.REPORT,
            title=f"调研报告{next(_n)}",
            body="正文",
        )
        awards.append(Award.objects.create(cycle=cycle, kind="report", submission=sub, reason="调研扎实"))
    return awards


def move(cycle, phase: str, *, started: dt.date | None = None) -> AssessmentCycle:
    """Put `cycle` in `phase` (publicity: started on `started`, default yesterday; scores frozen
    from publicity on)."""
    fields: dict = {"phase": phase}
    if phase in (Phase.PUBLICITY, Phase.FINAL):
        fields["publicity_started_on"] = started or timezone.localdate() - dt.timedelta(days=1)
        fields["scores_frozen_at"] = timezone.now()
    AssessmentCycle.objects.filter(pk=cycle.pk).update(**fields)
    cycle.refresh_from_db()
    if phase == Phase.FINAL:
        work.publish_awards(cycle)
    return cycle


def published(street_org, phase: str, *, secretaries: int = 5, awards: int = 2, year: int | None = None):
    """A cycle of `street_org` in `phase` whose first-ranked secretary is vetoed (not
    recommended) and the next three recommended; `awards` reports awarded."""
    ensure_site(street_org)
    cycle = make_cycle(street_org, year or timezone.localdate().year)
    results = add_results(cycle, street_org, secretaries)
    SecretaryResult.objects.filter(pk__in=[r.pk for r in results[:1]]).update(band=Band.FAIL, vetoed=True)
    SecretaryResult.objects.filter(pk__in=[r.pk for r in results[1:4]]).update(recommended=True)
    SecretaryResult.objects.filter(pk__in=[r.pk for r in results[1:2]]).update(band=Band.EXCELLENT)
    add_awards(cycle, results, awards)
    return move(cycle, phase), results

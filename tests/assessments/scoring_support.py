"""A small street for the scoring tests: four communities with one secretary each, a cycle of
2025 with a hand-made indicator set (100 points) whose figures are easy to work out by hand."""

from __future__ import annotations

import datetime as dt
import itertools
from decimal import Decimal

from django.utils import timezone

from assessments.models import (
    AutomaticKey,
    CommitteeScore,
    Indicator,
    IndicatorSource,
    IndicatorType,
    Submission,
)
from orgchart.models import OrgKind, PostTitle
from tests.assessments.evidence.support import secretary
from tests.factories.assessments import make_cycle
from tests.factories.orgchart import make_org, make_post_holder

_n = itertools.count(1)

# (type, source, key, weight, max): study 12 + committee 18 (学习型 30), committee 30 (实干型),
# committee 10 + members' rating 10 + residents' rating 20 (和谐型 40).
INDICATORS = (
    ("L-study", IndicatorType.LEARNING, IndicatorSource.AUTOMATIC, AutomaticKey.STUDY_MONTHLY, 12, 12),
    ("L-committee", IndicatorType.LEARNING, IndicatorSource.COMMITTEE, "", 18, 18),
    ("P-committee", IndicatorType.PRACTICAL, IndicatorSource.COMMITTEE, "", 30, 30),
    ("H-committee", IndicatorType.HARMONIOUS, IndicatorSource.COMMITTEE, "", 10, 10),
    ("H-members", IndicatorType.HARMONIOUS, IndicatorSource.RATING, "", 10, 100),
    ("H-residents", IndicatorType.HARMONIOUS, IndicatorSource.RATING, "", 20, 100),
)


def small_cycle(street_org, year: int = 2025):
    cycle = make_cycle(street_org, year)
    cycle.indicators.all().delete()
    made = {}
    for order, (name, type_, source, key, weight, maximum) in enumerate(INDICATORS):
        made[name] = Indicator.objects.create(
            cycle=cycle,
            type=type_,
            name=name,
            weight=Decimal(weight),
            max=Decimal(maximum),
            source=source,
            automatic_key=key,
            order=order,
        )
    return cycle, made


def community_with_secretary(street_org, started_on=dt.date(2024, 1, 1), ended_on=None):
    n = next(_n)
    community = make_org(street_org, OrgKind.COMMUNITY, name=f"评分社区{n}", code=f"PF{n:03d}")
    branch = make_org(community, OrgKind.BRANCH, name=f"评分社区{n}支部", code=f"PF{n:03d}-ZB")
    member = secretary(community, branch, started_on, ended_on)
    return community, member


def scorers(street_org, count: int = 2):
    return [
        make_post_holder(street_org, f"weiyuan{next(_n)}", title=PostTitle.COMMITTEE) for _ in range(count)
    ]


def committee(cycle, indicator, member, scores, by):
    for value, scorer in zip(scores, by, strict=False):
        CommitteeScore.objects.create(
            cycle=cycle,
            indicator=indicator,
            secretary=member.user,
            scorer=scorer,
            score=Decimal(value),
            comment="评语",
        )


def reflections(cycle, member, community, months):
    for month in months:
        Submission.objects.create(
            cycle=cycle,
            secretary=member.user,
            community=community,
            kind="reflection",
            month=month,
            title=f"{month}月学习体会",
            body="体会",
            submitted_at=timezone.make_aware(dt.datetime(cycle.year, month, 20, 10)),
        )

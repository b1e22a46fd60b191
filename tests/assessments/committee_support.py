"""Shared set-up of the committee-scoring and override page tests: the `street` fixture's street
with scoring_support's small cycle of this year, two committee members, more secretaries, and a
second street with its own post-holder and cycle."""

from __future__ import annotations

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation
from django.utils.translation import gettext

from assessments.models import AssessmentCycle, Phase
from orgchart.models import OrgKind, PostTitle
from tests.assessments.scoring_support import community_with_secretary, small_cycle
from tests.factories.assessments import make_cycle
from tests.factories.orgchart import make_org, make_post_holder


def in_phase(cycle, phase: str):
    AssessmentCycle.objects.filter(pk=cycle.pk).update(phase=phase)
    cycle.refresh_from_db()
    return cycle


def committee_street(street, roles, *, more: int = 1, phase: str = Phase.REVIEW) -> dict:
    root = street["street"]
    cycle, indicators = small_cycle(root, timezone.localdate().year)
    in_phase(cycle, phase)
    others = [community_with_secretary(root) for _ in range(more)]
    other_street = make_org(None, OrgKind.STREET, name="另一街道党工委", code="JD2")
    return {
        "cycle": cycle,
        "ind": indicators,
        "others": others,
        # Two more committee members (one holder per post: two different posts).
        "scorers": [
            make_post_holder(root, "weiyuan", title=PostTitle.COMMITTEE),
            make_post_holder(root, "zuzhi", title=PostTitle.ORGANISATION),
        ],
        "foreign": make_cycle(other_street, cycle.year),
        "foreign_manager": make_post_holder(other_street, "waijie"),
        "secretary": roles["community_secretary"],
    }


def queries_of(client, url: str) -> int:
    """Queries of one GET of `url` after a warm-up GET (caches filled)."""
    assert client.get(url).status_code == 200
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def shown(message: str, **params) -> str:
    """`message` (a msgid) as the site shows it: in zh-hans, in English until the catalogue has it,
    so a test passes before and after the lead merges the pending translations."""
    with translation.override("zh-hans"):
        text = gettext(message)
    return text % params if params else text

"""Submissions: only the community secretary themself, only while open or rating, one reflection a
month, bad input refused with nothing written; and their tuples for the evidence."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from assessments import scoring, work
from assessments.models import AssessmentCycle, Phase, Submission

pytestmark = pytest.mark.django_db


@pytest.fixture
def open_cycle(street):
    from tests.factories.assessments import make_cycle

    year = timezone.localdate().year
    cycle = make_cycle(street["street"], year)
    AssessmentCycle.objects.filter(pk=cycle.pk).update(phase=Phase.OPEN)
    cycle.refresh_from_db()
    return cycle


def test_secretary_submits_one_reflection_a_month(open_cycle, roles, street):
    me = roles["community_secretary"]
    made = work.submit(open_cycle, actor=me, kind="reflection", month=1, title="一月体会", body="学习心得")
    assert made.community == street["community1"] and made.secretary == me and made.status == "submitted"
    with pytest.raises(ValidationError) as error:
        work.submit(open_cycle, actor=me, kind="reflection", month=1, title="又一篇", body="内容")
    assert "month" in error.value.message_dict
    work.submit(open_cycle, actor=me, kind="report", title="社区调研报告", body="报告正文")
    assert Submission.objects.count() == 2
    tuples = scoring.submissions_for_evidence(open_cycle)
    assert sorted((t.kind, t.user_id) for t in tuples) == [("reflection", me.pk), ("report", me.pk)]
    reflection = next(t for t in tuples if t.kind == "reflection")
    assert (reflection.date.month, reflection.date.day, reflection.id) == (1, 1, made.pk)


@pytest.mark.parametrize(
    "fields",
    [
        {"kind": "reflection", "title": "体会", "body": "内容"},  # no month
        {"kind": "reflection", "month": 13, "title": "体会", "body": "内容"},
        {"kind": "reflection", "month": "x", "title": "体会", "body": "内容"},
        {"kind": "report", "title": "  ", "body": "内容"},
        {"kind": "report", "title": "报告", "body": ""},
        {"kind": "poem", "title": "诗", "body": "内容"},
        {"kind": "report", "title": "长" * 201, "body": "内容"},
    ],
)
def test_bad_input_writes_nothing(open_cycle, roles, fields):
    with pytest.raises(ValidationError):
        work.submit(open_cycle, actor=roles["community_secretary"], **fields)
    assert not Submission.objects.exists()


def test_future_month_refused(open_cycle, roles):
    today = timezone.localdate()
    if today.month == 12:
        pytest.skip("no month of this year is still to come")
    with pytest.raises(ValidationError):
        work.submit(
            open_cycle,
            actor=roles["community_secretary"],
            kind="reflection",
            month=12,
            title="体会",
            body="内容",
        )
    assert not Submission.objects.exists()


@pytest.mark.parametrize("who", ["member", "street_secretary", "outsider"])
def test_only_a_community_secretary(open_cycle, roles, who):
    with pytest.raises(PermissionDenied):
        work.submit(open_cycle, actor=roles[who], kind="report", title="报告", body="内容")
    assert not Submission.objects.exists()


@pytest.mark.parametrize("phase", [Phase.DRAFT, Phase.REVIEW, Phase.PUBLICITY, Phase.FINAL])
def test_only_while_open_or_rating(open_cycle, roles, phase):
    AssessmentCycle.objects.filter(pk=open_cycle.pk).update(phase=phase)
    open_cycle.refresh_from_db()
    with pytest.raises(ValidationError):
        work.submit(open_cycle, actor=roles["community_secretary"], kind="report", title="报告", body="内容")
    assert not Submission.objects.exists()


def test_rating_phase_accepts(open_cycle, roles):
    AssessmentCycle.objects.filter(pk=open_cycle.pk).update(phase=Phase.RATING)
    open_cycle.refresh_from_db()
    work.submit(open_cycle, actor=roles["community_secretary"], kind="practice", title="成果", body="内容")
    assert Submission.objects.count() == 1

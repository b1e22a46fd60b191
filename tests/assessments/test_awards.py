"""Awards: decided by the street during review, for the right kind of work with a reason; on the
cycle becoming final each awarded work becomes one published result page in its author's section."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from assessments import services, work
from assessments.models import AssessmentCycle, Award, Phase
from portal.models import ResultPage, SectionPage
from portal.site import ensure_site
from tests.factories.assessments import make_cycle

pytestmark = pytest.mark.django_db


@pytest.fixture
def reviewed(street, roles):
    ensure_site(street["street"])
    cycle = make_cycle(street["street"], timezone.localdate().year)
    AssessmentCycle.objects.filter(pk=cycle.pk).update(phase=Phase.OPEN)
    cycle.refresh_from_db()
    me = roles["community_secretary"]
    report = work.submit(cycle, actor=me, kind="report", title="老旧小区加装电梯调研", body="第一段\n第二段")
    reflection = work.submit(cycle, actor=me, kind="reflection", month=1, title="一月体会", body="体会")
    AssessmentCycle.objects.filter(pk=cycle.pk).update(phase=Phase.REVIEW)
    cycle.refresh_from_db()
    return cycle, report, reflection


def test_award_rules(reviewed, roles):
    cycle, report, reflection = reviewed
    manager = roles["street_secretary"]
    with pytest.raises(ValidationError):  # wrong kind of work for the award
        work.award(cycle, actor=manager, kind="reflection", submission=report, reason="好")
    with pytest.raises(ValidationError):  # no reason
        work.award(cycle, actor=manager, kind="report", submission=report, reason=" ")
    with pytest.raises(PermissionDenied):
        work.award(cycle, actor=roles["community_secretary"], kind="report", submission=report, reason="好")
    assert not Award.objects.exists()
    work.award(cycle, actor=manager, kind="report", submission=report, reason="调研扎实")
    with pytest.raises(ValidationError):
        work.award(cycle, actor=manager, kind="report", submission=report, reason="又一次")
    assert Award.objects.count() == 1


def test_final_publishes_each_award_once(reviewed, roles, street):
    cycle, report, reflection = reviewed
    manager = roles["street_secretary"]
    work.award(cycle, actor=manager, kind="report", submission=report, reason="调研扎实")
    work.award(cycle, actor=manager, kind="reflection", submission=reflection, reason="体会深刻")
    started = dt.date(cycle.year, 9, 28)
    AssessmentCycle.objects.filter(pk=cycle.pk).update(phase=Phase.PUBLICITY, publicity_started_on=started)
    cycle.refresh_from_db()
    services.advance(cycle, Phase.FINAL, today=started + dt.timedelta(days=30))
    pages = ResultPage.objects.live().order_by("title")
    assert [(p.title, p.kind) for p in pages] == [
        ("一月体会", "reflection"),
        ("老旧小区加装电梯调研", "report"),
    ]
    author = roles["community_secretary"].member
    section = SectionPage.objects.get(organisation=author.organisation)
    for page in pages:
        assert page.author == author
        assert page.get_parent().pk == section.pk
    assert set(Award.objects.values_list("result_page_id", flat=True)) == {p.pk for p in pages}
    # A second run (a retried task) makes no second page.
    assert work.publish_awards(cycle) == []
    assert ResultPage.objects.count() == 2

"""The demo's co-building: agreements (one expiring soon), lists with an open need that has
suggestions, a done project, report-ins of employed unit members; shequ sees SQ01's only."""

from __future__ import annotations

from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import transaction
from django.test import override_settings

from cobuilding import access, expiry, matching
from cobuilding.models import Agreement, AgreementStatus, Need, NeedStatus, Project, ProjectStatus, ReportIn
from orgchart.models import MemberCategory


@pytest.fixture(scope="module")
def seeded(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), override_settings(DEBUG=True), transaction.atomic():
        call_command("seed_demo", stdout=StringIO())
        yield
        transaction.set_rollback(True)


@pytest.fixture
def demo(seeded, db):
    return None


def test_demo_has_agreements_one_expiring_soon(demo):
    assert Agreement.objects.filter(status=AgreementStatus.ACTIVE).count() == 4
    assert Agreement.objects.filter(status=AgreementStatus.DRAFT).count() == 1
    assert len(list(expiry.expiring_agreements())) == 1


def test_demo_has_a_done_project_and_open_needs_with_suggestions(demo):
    assert Project.objects.filter(status=ProjectStatus.DONE).count() == 1
    venue_need = Need.objects.get(status=NeedStatus.OPEN, kind="venue")
    ranked = matching.suggest(venue_need)
    assert ranked and ranked[0].tier == matching.NEAR


def test_demo_report_ins_are_employed_members(demo):
    rows = ReportIn.objects.select_related("member")
    assert rows.count() == 12
    assert {r.member.category for r in rows} == {MemberCategory.EMPLOYED}


def test_shequ_sees_sq01s_agreements_only(demo):
    shequ = get_user_model().objects.get(username="shequ")
    codes = set(access.manageable_agreements(shequ).values_list("community__code", flat=True))
    assert codes == {"SQ01"}


def test_demo_joint_meetings_have_decisions_on_time_late_overdue_and_not_due(demo):
    import datetime as dt

    from django.utils import timezone

    from cobuilding import overdue, queries
    from cobuilding.models import Decision, JointMeeting
    from orgchart.models import Organisation

    assert JointMeeting.objects.count() == 3
    done = Decision.objects.filter(status="done")
    assert sorted(d.done_on_time for d in done) == [False, True]
    assert len(list(overdue.overdue_decisions())) == 1
    # Not yet due: shequ's own, the one whose due date was moved, the reopened one.
    assert Decision.objects.filter(status="open", due_on__gte=timezone.localdate()).count() == 3
    sq01 = Organisation.objects.get(code="SQ01")
    street = Organisation.objects.get(path=sq01.path[: Organisation.steplen])
    today = timezone.localdate()
    figures = queries.street_figures(street, today, period=(today - dt.timedelta(days=365), today))
    assert (figures.decisions_due, figures.decisions_done_on_time) == (3, 1)


def test_demo_has_a_part_time_post_from_a_unit_whose_holder_manages_the_community(demo):
    from orgchart import access as org_access
    from orgchart.models import OrgKind, Tenure, current_tenure_q

    tenure = Tenure.objects.select_related("post__organisation", "member__user", "from_organisation").get(
        current_tenure_q(), part_time=True
    )
    assert tenure.from_organisation.kind == OrgKind.UNIT
    assert tenure.post.organisation.code == "SQ01"
    assert tenure.member.organisation.path.startswith(tenure.from_organisation.path)
    if tenure.member.user is not None:
        assert org_access.can_manage(tenure.member.user, tenure.post.organisation)


def test_demo_figures_page_shows_the_street(demo, client):
    jiedao = get_user_model().objects.get(username="jiedao")
    client.force_login(jiedao)
    response = client.get("/cobuilding/figures/")
    assert response.status_code == 200
    assert response.context["page"].totals.agreements_active == 4


def test_demo_decisions_followed_up_and_invitation_answered_by_danwei(demo, client):
    from django.utils import timezone

    from cobuilding.models import Decision, DecisionChangeKind, JointMeeting, ReplyChoice
    from demo.tables import DEMO_PASSWORD

    moved = Decision.objects.get(text="整理共建资源清单并报街道")
    (change,) = moved.changes.all()
    assert change.kind == DecisionChangeKind.DUE and change.reason and change.changed_by.username == "shequ"
    assert change.old_due_on < timezone.localdate() <= change.new_due_on == moved.due_on
    reopened = Decision.objects.get(text="为社区活动室更换照明设备")
    assert reopened.status == "open" and reopened.done_on is None
    assert reopened.changes.get().kind == DecisionChangeKind.REOPENED
    coming = JointMeeting.objects.get(activity__title="第四季度共建联席会议")
    assert coming.agenda
    answered = coming.units.get(reply=ReplyChoice.ATTEND)
    assert answered.replied_by.username == "danwei" and answered.representative == "李建国"
    assert client.login(username="danwei", password=DEMO_PASSWORD)
    page = client.get("/cobuilding/unit/meetings/")
    assert page.status_code == 200
    assert coming in [p.meeting for p in page.context["invitations"]]
    assert reopened in page.context["open"] and moved in page.context["open"]


def test_demo_danwei_offered_a_resource_and_answered_sq01s_open_need(demo):
    from cobuilding.models import NeedAnswer, Resource
    from inbox.models import FanOut

    danwei = get_user_model().objects.get(username="danwei")
    offered = Resource.objects.get(created_by=danwei)
    assert offered.community.code == "SQ01" and offered.kind == "venue"
    answer = NeedAnswer.objects.get(answered_by=danwei)
    assert answer.need.community.code == "SQ01" and answer.need.status == NeedStatus.OPEN
    assert list(answer.resources.all()) == [offered]
    shequ = get_user_model().objects.get(username="shequ")
    assert shequ.pk in FanOut.objects.get(cause_key=f"cobuilding-answer:{answer.pk}").recipient_ids

"""The committee's awards page: the street's post-holders see the cycle's submissions by kind and
decide or withdraw awards during review (read-only otherwise); the published result page carries
the winning work's attachment, public from then; a published award is not counted twice."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone
from wagtail.documents import get_document_model

from assessments import attachments, scoring, services, work
from assessments.evidence import compute_all, year_period
from assessments.models import Award, Submission
from orgchart.models import OrgKind
from portal.models import ResultPage, SectionPage
from portal.sections import collection_of
from portal.site import ensure_site
from tests.factories.assessments import make_cycle
from tests.factories.orgchart import make_org, make_post_holder

from .awards_support import PDF, Phase, move, upload

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def reviewed(street, roles):
    """A cycle in review with the community-1 secretary's report (with a PDF) and reflection."""
    ensure_site(street["street"])
    cycle = move(make_cycle(street["street"], timezone.localdate().year), Phase.OPEN)
    me = roles["community_secretary"]
    report = work.submit(
        cycle, actor=me, kind="report", title="老旧小区加装电梯调研", body="第一段\n第二段", upload=upload()
    )
    reflection = work.submit(cycle, actor=me, kind="reflection", month=1, title="一月体会", body="体会")
    return move(cycle, Phase.REVIEW), report, reflection


@pytest.fixture
def other_manager(db):
    other = make_org(None, OrgKind.STREET, name="另一街道党工委", code="JD2")
    return make_post_holder(other, "jd2")


def _url(cycle) -> str:
    return reverse("assessments:awards", args=[cycle.pk])


def _award(client, cycle, submission, kind="report", reason="调研扎实"):
    data = {"action": "award", "submission": submission.pk, "kind": kind, "reason": reason}
    return client.post(_url(cycle), data)


# Access ---------------------------------------------------------------------------------------


def test_street_post_holders_see_submissions_grouped_by_kind(client, reviewed, roles):
    cycle, report, reflection = reviewed
    client.force_login(roles["street_secretary"])
    response = client.get(_url(cycle))
    assert response.status_code == 200
    groups = {g["kind"]: [r["submission"].pk for r in g["rows"]] for g in response.context["groups"]}
    assert groups == {"reflection": [reflection.pk], "report": [report.pk], "paper": [], "practice": []}
    row = response.context["groups"][1]["rows"][0]
    assert row["secretary"] == roles["community_secretary"].member.name
    assert [k for k, _label in row["award_kinds"]] == ["report"]
    page = response.content.decode()
    assert reverse("assessments:submission", args=[report.pk]) in page
    assert reverse("assessments:submission-attachment", args=[report.pk]) in page
    assert 'data-testid="award-form"' in page


@pytest.mark.parametrize("who", ["community_secretary", "member", "outsider"])
def test_others_get_403_and_write_nothing(client, reviewed, roles, who):
    cycle, report, _ = reviewed
    client.force_login(roles[who])
    assert client.get(_url(cycle)).status_code == 403
    assert _award(client, cycle, report).status_code == 403
    assert not Award.objects.exists()


def test_another_streets_manager_and_forged_cycles_get_404(client, reviewed, other_manager, roles):
    cycle, report, _ = reviewed
    client.force_login(other_manager)
    assert client.get(_url(cycle)).status_code == 404
    assert _award(client, cycle, report).status_code == 404
    client.force_login(roles["street_secretary"])
    assert client.get(reverse("assessments:awards", args=[99999])).status_code == 404
    assert not Award.objects.exists()


def test_anonymous_is_sent_to_log_in(client, reviewed):
    response = client.get(_url(reviewed[0]))
    assert response.status_code == 302 and "login" in response["Location"]


# Deciding and withdrawing ---------------------------------------------------------------------


def test_award_and_withdraw_during_review(client, reviewed, roles):
    cycle, report, _ = reviewed
    client.force_login(roles["street_secretary"])
    assert _award(client, cycle, report).status_code == 302
    row = Award.objects.get()
    assert (row.kind, row.submission, row.decided_by, row.reason) == (
        "report",
        report,
        roles["street_secretary"],
        "调研扎实",
    )
    page = client.get(_url(cycle))
    assert [a.pk for a, _name in page.context["decided"]] == [row.pk]
    assert page.context["groups"][1]["rows"][0]["award_kinds"] == []  # already has its award
    response = client.post(_url(cycle), {"action": "withdraw", "award": row.pk})
    assert response.status_code == 302
    assert not Award.objects.exists()


@pytest.mark.parametrize(
    "data",
    [
        {"action": "award", "kind": "reflection", "reason": "好"},  # wrong kind for a report
        {"action": "award", "kind": "report", "reason": "  "},  # no reason
        {"action": "award", "kind": "report", "reason": "长" * 2001},
        {"action": "award", "kind": "gold", "reason": "好"},
        {"action": "dance"},
        {},
    ],
)
def test_bad_input_is_400_and_writes_nothing(client, reviewed, roles, data):
    cycle, report, _ = reviewed
    client.force_login(roles["street_secretary"])
    response = client.post(_url(cycle), {"submission": report.pk, **data})
    assert response.status_code == 400
    assert response.context["errors"]
    assert not Award.objects.exists()


@pytest.mark.parametrize("value", ["99999", "abc", "", "1e3", "-1"])
def test_forged_submission_and_award_ids_are_404(client, reviewed, roles, value):
    cycle, _report, _ = reviewed
    client.force_login(roles["street_secretary"])
    assert (
        client.post(
            _url(cycle), {"action": "award", "submission": value, "kind": "report", "reason": "好"}
        ).status_code
        == 404
    )
    assert client.post(_url(cycle), {"action": "withdraw", "award": value}).status_code == 404
    assert not Award.objects.exists()


def test_another_cycles_submission_and_award_are_404(client, reviewed, roles, street):
    cycle, report, _ = reviewed
    client.force_login(roles["street_secretary"])
    other = move(make_cycle(street["street"], cycle.year - 1), Phase.REVIEW)
    assert _award(client, other, report).status_code == 404
    work.award(cycle, actor=roles["street_secretary"], kind="report", submission=report, reason="好")
    row = Award.objects.get()
    assert client.post(_url(other), {"action": "withdraw", "award": row.pk}).status_code == 404
    assert Award.objects.count() == 1


@pytest.mark.parametrize("phase", [Phase.OPEN, Phase.RATING, Phase.PUBLICITY, Phase.FINAL])
def test_read_only_outside_review(client, reviewed, roles, phase):
    cycle, report, _ = reviewed
    work.award(cycle, actor=roles["street_secretary"], kind="report", submission=report, reason="好")
    row = Award.objects.get()
    move(cycle, phase)
    client.force_login(roles["street_secretary"])
    page = client.get(_url(cycle))
    assert page.status_code == 200
    html = page.content.decode()
    assert 'data-testid="award-form"' not in html and 'data-testid="withdraw"' not in html
    assert 'data-testid="read-only"' in html
    assert client.post(_url(cycle), {"action": "withdraw", "award": row.pk}).status_code == 400
    reflection = Submission.objects.get(kind="reflection")
    assert _award(client, cycle, reflection, kind="reflection").status_code == 400
    assert list(Award.objects.values_list("pk", flat=True)) == [row.pk]


def test_withdraw_award_service_rules(reviewed, roles):
    cycle, report, _ = reviewed
    row = work.award(cycle, actor=roles["street_secretary"], kind="report", submission=report, reason="好")
    with pytest.raises(PermissionDenied):
        work.withdraw_award(row, actor=roles["community_secretary"])
    move(cycle, Phase.PUBLICITY)
    row.refresh_from_db()
    with pytest.raises(ValidationError):
        work.withdraw_award(row, actor=roles["street_secretary"])
    assert Award.objects.count() == 1
    move(cycle, Phase.REVIEW)
    row.refresh_from_db()
    work.withdraw_award(row, actor=roles["street_secretary"])
    with pytest.raises(ValidationError):  # twice: gone already
        work.withdraw_award(row, actor=roles["street_secretary"])


def test_the_page_reads_in_a_fixed_number_of_queries(
    client, reviewed, roles, street, django_assert_num_queries
):
    cycle, report, reflection = reviewed
    manager = roles["street_secretary"]
    work.award(cycle, actor=manager, kind="report", submission=report, reason="好")
    client.force_login(manager)
    client.get(_url(cycle))  # warm the session and the site's caches

    def count() -> int:
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as seen:
            assert client.get(_url(cycle)).status_code == 200
        return len(seen)

    small = count()
    move(cycle, Phase.OPEN)
    second = make_post_holder(street["community2"], "shequ2", branch=street["branch2"])
    for month in range(2, 7):
        work.submit(
            cycle,
            actor=roles["community_secretary"],
            kind="reflection",
            month=month,
            title=f"{month}月",
            body="体会",
        )
        work.submit(cycle, actor=second, kind="reflection", month=month, title=f"{month}月", body="体会")
    move(cycle, Phase.REVIEW)
    for s in Submission.objects.filter(kind="reflection")[:4]:
        work.award(cycle, actor=manager, kind="reflection", submission=s, reason="好")
    with django_assert_num_queries(small):
        assert client.get(_url(cycle)).status_code == 200


# Publication ----------------------------------------------------------------------------------


def _final(cycle):
    started = dt.date(cycle.year, 9, 28)
    move(cycle, Phase.PUBLICITY, publicity_started_on=started)
    services.advance(cycle, Phase.FINAL, today=started + dt.timedelta(days=30))


def test_published_page_carries_the_attachment_and_it_becomes_public(client, reviewed, roles, street):
    cycle, report, _ = reviewed
    work.award(cycle, actor=roles["street_secretary"], kind="report", submission=report, reason="调研扎实")
    document = report.attachment
    assert client.get(document.url).status_code == 404  # not public during review
    _final(cycle)
    page = ResultPage.objects.live().get()
    blocks = [b for b in page.body if b.block_type == "document"]
    assert [b.value["document"].pk for b in blocks] == [document.pk]
    document.refresh_from_db()
    section_org = page.get_parent().specific.organisation
    assert document.collection == collection_of(section_org)
    assert document.collection.name != attachments.COLLECTION_NAME
    # Anyone may now read the page and download its file.
    assert client.get(page.url).status_code == 200
    assert document.url in client.get(page.url).content.decode()
    response = client.get(document.url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF
    # A work without an attachment gets no document block.
    assert get_document_model().objects.count() == 1


def test_a_published_award_is_not_counted_again_as_evidence(reviewed, roles, street):
    cycle, report, reflection = reviewed
    manager = roles["street_secretary"]
    work.award(cycle, actor=manager, kind="report", submission=report, reason="调研扎实")
    work.award(cycle, actor=manager, kind="reflection", submission=reflection, reason="体会深刻")
    _final(cycle)
    assert ResultPage.objects.live().count() == 2
    me = roles["community_secretary"]

    # The scores as the cycle computes them: the report once (the submission), the January
    # reflection in January only, not again in the month its page went live.
    scores = {s.user_id: s for s in scoring.compute_scores(cycle)}
    keys = dict(cycle.indicators.values_list("pk", "automatic_key"))
    lines = {keys[line.indicator_id]: line for line in scores[me.pk].lines if keys[line.indicator_id]}
    report_items = lines["research_report"].evidence
    assert [(i["kind"], i["id"]) for i in report_items] == [("submission", report.pk)]
    assert all(i["kind"] != "result" for i in lines["study_monthly"].evidence)

    # And through the evidence directly: without the exclusion both would count.
    period = year_period(cycle.year)
    doubled = compute_all(
        street["street"],
        *period,
        keys=["research_report"],
        submissions=scoring.submissions_for_evidence(cycle),
    )
    assert doubled.secretaries[me.pk].figures["research_report"].value == 2
    once = compute_all(
        street["street"],
        *period,
        keys=["research_report"],
        submissions=scoring.submissions_for_evidence(cycle),
        excluded_results=scoring.published_from_submissions(),
    )
    assert once.secretaries[me.pk].figures["research_report"].value == 1


def test_a_result_page_written_by_hand_still_counts(reviewed, roles, street):
    """Only pages published from submissions are left out: a secretary's own result page counts."""
    cycle, _report, _ = reviewed
    me = roles["community_secretary"]
    section = SectionPage.objects.get(organisation=me.member.organisation)
    page = ResultPage(title="自己发布的论文", kind="paper", author=me.member)
    section.add_child(instance=page)
    page.save_revision().publish()
    found = compute_all(
        street["street"],
        *year_period(cycle.year),
        keys=["research_report"],
        excluded_results=scoring.published_from_submissions(),
    )
    assert [i.id for i in found.secretaries[me.pk].figures["research_report"].evidence] == [page.pk]

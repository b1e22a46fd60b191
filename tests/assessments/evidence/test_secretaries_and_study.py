"""Who the secretaries were (tenures, vacancies) and the 学习型 figures: study every month, and a
research report or paper a year."""

from __future__ import annotations

import datetime as dt

import pytest

from assessments.evidence import DateSpan, Submission, compute_all, year_period
from orgchart.models import Organisation
from tests.factories.orgchart import MemberFactory

from .support import at, record, result, secretary, study

pytestmark = pytest.mark.django_db

D = dt.date


@pytest.fixture
def handover(street):
    """Community 1: A until 30 June 2025, vacant in July, B from 1 August; community 2: C all along."""
    a = secretary(street["community1"], street["branch1"], D(2024, 3, 1), D(2025, 6, 30))
    b = secretary(street["community1"], street["branch1"], D(2025, 8, 1))
    c = secretary(street["community2"], street["branch2"], D(2024, 1, 1))
    return a, b, c


def test_each_secretary_is_read_from_tenures_with_their_own_time_in_post(street, handover):
    a, b, c = handover
    result_ = compute_all(street["street"], *year_period(2025), keys=[])
    assert set(result_.secretaries) == {a.user_id, b.user_id, c.user_id}
    assert [s.span for s in result_.secretaries[a.user_id].stints] == [
        DateSpan(D(2025, 1, 1), D(2025, 6, 30))
    ]
    assert [s.span for s in result_.secretaries[b.user_id].stints] == [
        DateSpan(D(2025, 8, 1), D(2025, 12, 31))
    ]
    assert result_.secretaries[c.user_id].community_id == street["community2"].pk
    assert result_.secretaries[a.user_id].member_id == a.pk


def test_vacant_secretary_posts_are_listed_per_community(street, handover):
    result_ = compute_all(street["street"], *year_period(2025), keys=[])
    assert result_.vacancies[street["community1"].pk] == [DateSpan(D(2025, 7, 1), D(2025, 7, 31))]
    assert result_.vacancies[street["community1"].pk][0].days == 31
    assert result_.vacancies[street["community2"].pk] == []


def test_a_community_with_no_secretary_is_vacant_the_whole_period(street):
    secretary(street["community2"], street["branch2"], D(2024, 1, 1))
    result_ = compute_all(street["street"], *year_period(2025), keys=[])
    assert result_.vacancies[street["community1"].pk] == [DateSpan(D(2025, 1, 1), D(2025, 12, 31))]


def test_a_secretary_without_a_login_is_assessed_all_the_same(street):
    member = secretary(street["community1"], street["branch1"], D(2024, 1, 1), login=False)
    result_ = compute_all(street["street"], *year_period(2025), keys=["study_monthly"])
    assert result_.secretaries == {}
    assert [p.member_id for p in result_.without_login] == [member.pk]
    assert result_.without_login[0].figures["study_monthly"].value == 0


def test_study_months_are_credited_to_the_secretary_in_post_those_months(street, site, handover):
    a, b, _c = handover
    material = study(street["community1"], title="党章学习")
    jan = record(a, material, D(2025, 1, 10))
    mar = record(a, material, D(2025, 3, 5), reflection="学习体会")
    jun = record(a, material, D(2025, 6, 20))
    record(a, material, D(2025, 9, 1))  # after A left: not A's month, nor B's
    aug = record(b, material, D(2025, 8, 2))
    record(b, material, D(2025, 5, 2))  # before B took office

    figures = compute_all(street["street"], *year_period(2025), keys=["study_monthly"]).secretaries
    first = figures[a.user_id].figures["study_monthly"]
    assert (first.value, first.target) == (3, 6)
    assert first.score_ratio == pytest.approx(0.5)
    assert [(i.kind, i.id, i.title, i.date) for i in first.evidence] == [
        ("study_record", jan.pk, "党章学习", D(2025, 1, 10)),
        ("reflection", mar.pk, "党章学习", D(2025, 3, 5)),
        ("study_record", jun.pk, "党章学习", D(2025, 6, 20)),
    ]
    assert first.detail["missing_months"] == ["2025-02", "2025-04", "2025-05"]
    assert first.missing == [
        "No study record or reflection in 2025-02",
        "No study record or reflection in 2025-04",
        "No study record or reflection in 2025-05",
    ]
    second = figures[b.user_id].figures["study_monthly"]
    assert (second.value, second.target) == (1, 5)
    assert [i.id for i in second.evidence] == [aug.pk]
    assert second.detail["months"] == ["2025-08", "2025-09", "2025-10", "2025-11", "2025-12"]


def test_study_months_cross_the_year_boundary_in_shanghai_time(street, site):
    sec = secretary(street["community1"], street["branch1"], D(2024, 1, 1))
    material = study(street["community1"])
    dec = record(sec, material, D(2025, 12, 31))
    jan = record(sec, material, D(2026, 1, 1))
    # Published 31 January 17:30 UTC: 1 February 01:30 in Shanghai, so February's reflection.
    page = result(
        street["community1"],
        kind="reflection",
        author=sec,
        published=dt.datetime(2026, 1, 31, 17, 30, tzinfo=dt.UTC),
    )
    figure = (
        compute_all(street["street"], D(2025, 11, 1), D(2026, 2, 28), keys=["study_monthly"])
        .secretaries[sec.user_id]
        .figures["study_monthly"]
    )
    assert figure.detail["months"] == ["2025-11", "2025-12", "2026-01", "2026-02"]
    assert figure.detail["missing_months"] == ["2025-11"]
    assert [(i.kind, i.id, i.date) for i in figure.evidence] == [
        ("study_record", dec.pk, D(2025, 12, 31)),
        ("study_record", jan.pk, D(2026, 1, 1)),
        ("result", page.pk, D(2026, 2, 1)),
    ]
    assert figure.score_ratio == pytest.approx(0.75)


def test_the_current_year_counts_only_months_up_to_today(street, site):
    sec = secretary(street["community1"], street["branch1"], D(2024, 1, 1))
    record(sec, study(street["community1"]), D(2026, 2, 3))
    figure = (
        compute_all(street["street"], *year_period(2026), keys=["study_monthly"], today=D(2026, 3, 15))
        .secretaries[sec.user_id]
        .figures["study_monthly"]
    )
    assert figure.detail["months"] == ["2026-01", "2026-02", "2026-03"]
    assert (figure.value, figure.target) == (1, 3)


def test_a_submitted_reflection_fills_a_month(street):
    sec = secretary(street["community1"], street["branch1"], D(2024, 1, 1))
    submitted = Submission(sec.user_id, "reflection", D(2025, 4, 9), 77, "四月学习体会")
    figure = (
        compute_all(
            street["street"], D(2025, 4, 1), D(2025, 5, 31), keys=["study_monthly"], submissions=[submitted]
        )
        .secretaries[sec.user_id]
        .figures["study_monthly"]
    )
    assert [(i.kind, i.id, i.title) for i in figure.evidence] == [("submission", 77, "四月学习体会")]
    assert figure.detail["missing_months"] == ["2025-05"]


def test_another_members_study_is_nobodys_evidence(street, site):
    sec = secretary(street["community1"], street["branch1"], D(2024, 1, 1))
    record(MemberFactory(organisation=street["branch1"]), study(street["community1"]), D(2025, 3, 1))
    figure = (
        compute_all(street["street"], *year_period(2025)).secretaries[sec.user_id].figures["study_monthly"]
    )
    assert figure.value == 0 and figure.evidence == []
    assert len(figure.missing) == 12


def test_research_report_from_result_pages_and_submissions_while_in_post(street, site, handover):
    a, b, c = handover
    report = result(
        street["community1"], kind="report", author=a, published=at(D(2025, 5, 6)), title="调研报告"
    )
    result(street["community1"], kind="paper", author=b, published=at(D(2025, 3, 1)))  # before B's term
    result(street["community1"], kind="reflection", author=c, published=at(D(2025, 3, 1)))  # not a report
    submitted = Submission(b.user_id, "paper", D(2025, 10, 8), 5, "论文")

    figures = compute_all(
        street["street"], *year_period(2025), keys=["research_report"], submissions=[submitted]
    ).secretaries
    first = figures[a.user_id].figures["research_report"]
    assert (first.value, first.target, first.score_ratio) == (1, 1, 1.0)
    assert [(i.kind, i.id, i.title, i.date) for i in first.evidence] == [
        ("result", report.pk, "调研报告", D(2025, 5, 6))
    ]
    second = figures[b.user_id].figures["research_report"]
    assert [(i.kind, i.id) for i in second.evidence] == [("submission", 5)]
    third = figures[c.user_id].figures["research_report"]
    assert (third.value, third.score_ratio) == (0, 0.0)
    assert third.missing == ["No research report or paper over the period"]


def test_unknown_keys_and_reversed_periods_are_refused(street):
    with pytest.raises(ValueError):
        compute_all(street["street"], *year_period(2025), keys=["nonsense"])
    with pytest.raises(ValueError):
        compute_all(street["street"], D(2025, 2, 1), D(2025, 1, 1))


def test_a_community_is_vacant_only_between_its_founding_and_its_closing(street):
    Organisation.objects.filter(pk=street["community1"].pk).update(established_on=D(2025, 3, 1))
    Organisation.objects.filter(pk=street["community2"].pk).update(closed_on=D(2025, 9, 30))
    secretary(street["community2"], street["branch2"], D(2025, 2, 1), D(2025, 12, 31))
    found = compute_all(street["street"], *year_period(2025), keys=[])
    assert found.vacancies[street["community1"].pk] == [DateSpan(D(2025, 3, 1), D(2025, 12, 31))]
    assert found.vacancies[street["community2"].pk] == [DateSpan(D(2025, 1, 1), D(2025, 1, 31))]
    (person,) = found.secretaries.values()
    assert [s.span for s in person.stints] == [DateSpan(D(2025, 2, 1), D(2025, 9, 30))]

"""Cycles: validation that writes nothing on bad input, and phase transitions that move a cycle
once, log who or what moved it, hold final back until the 公示 window closed with no open
objection, and freeze the scores when review ends."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from assessments import services
from assessments.models import AssessmentCycle, Indicator, Objection, ObjectionStatus, Phase, PhaseTransition
from tests.factories.assessments import make_cycle

pytestmark = pytest.mark.django_db

D = dt.date


def _move_to(cycle, phase, today=None):
    """Advance by the scheduled path through every phase up to `phase`."""
    order = Phase.values
    while cycle.phase != phase:
        target = order[order.index(cycle.phase) + 1]
        assert services.advance(cycle, target, today=today or cycle.phase_date(target)) is not None


# Creating and validating ----------------------------------------------------------------------


def test_a_new_cycle_starts_in_draft_with_default_indicators_summing_to_the_total(cycle):
    assert cycle.phase == Phase.DRAFT
    weights = [row.weight for row in cycle.indicators.all()]
    assert sum(weights) == Decimal(100)
    assert {row.type for row in cycle.indicators.all()} == {"learning", "practical", "harmonious"}
    assert (cycle.excellent_min, cycle.good_min, cycle.basic_min) == (90, 80, 60)
    assert (cycle.excellent_name, cycle.good_name, cycle.basic_name, cycle.fail_name) == (
        "优秀",
        "称职",
        "基本称职",
        "不称职",
    )
    assert cycle.excellent_quota_percent == 20 and cycle.min_raters == 20 and cycle.min_ratings_shown == 5
    assert cycle.satisfaction_cap_percent == 60 and cycle.publicity_working_days == 5
    assert cycle.veto_vacancy_months == 6


def test_default_indicators_scale_to_another_total(street):
    cycle = make_cycle(street["street"], 2027, total_points=120)
    assert sum(row.weight for row in cycle.indicators.all()) == Decimal(120)


def test_a_phase_date_before_the_previous_one_is_refused_and_nothing_written(street):
    with pytest.raises(ValidationError) as error:
        make_cycle(street["street"], 2026, rating_on=D(2026, 2, 1))
    assert "rating_on" in error.value.message_dict
    assert not AssessmentCycle.objects.exists() and not Indicator.objects.exists()


def test_a_second_cycle_for_the_same_street_and_year_is_refused(cycle, street):
    with pytest.raises(ValidationError) as error:
        make_cycle(street["street"], 2026)
    assert "该街道当年已有考评" in str(error.value)
    assert AssessmentCycle.objects.count() == 1
    assert Indicator.objects.filter(cycle__year=2026).count() == cycle.indicators.count()


def test_a_cycle_belongs_to_a_street(street):
    with pytest.raises(ValidationError) as error:
        make_cycle(street["community1"], 2026)
    assert "street" in error.value.message_dict
    assert not AssessmentCycle.objects.exists()


def test_band_thresholds_must_fall(street):
    with pytest.raises(ValidationError):
        make_cycle(street["street"], 2026, good_min=Decimal(95))
    assert not AssessmentCycle.objects.exists()


def test_weights_not_adding_up_are_refused_naming_the_sum_and_nothing_saved(cycle, roles):
    row = cycle.indicators.order_by("order").first()
    row.weight += 5
    cycle_in_memory = AssessmentCycle.objects.get(pk=cycle.pk)
    rows = list(cycle_in_memory.indicators.all())
    rows[0].weight += 5
    cycle_in_memory.indicators = rows
    with pytest.raises(ValidationError) as error:
        services.save_cycle(cycle_in_memory, actor=roles["street_secretary"])
    assert "105" in str(error.value)
    assert sum(r.weight for r in Indicator.objects.filter(cycle=cycle)) == Decimal(100)


def test_automatic_key_is_required_iff_the_source_is_automatic(cycle):
    rows = list(cycle.indicators.all())
    automatic = next(r for r in rows if r.source == "automatic")
    automatic.automatic_key = ""
    with pytest.raises(ValidationError) as error:
        services.validate_indicators(cycle, rows)
    assert "automatic_key" in error.value.message_dict
    rating = next(r for r in rows if r.source == "rating")
    automatic.automatic_key = "study_monthly"
    rating.automatic_key = "notices_read"
    with pytest.raises(ValidationError):
        services.validate_indicators(cycle, rows)


def test_a_negative_maximum_is_refused(cycle):
    rows = list(cycle.indicators.all())
    rows[0].max = Decimal(-1)
    with pytest.raises(ValidationError) as error:
        services.validate_indicators(cycle, rows)
    assert "max" in error.value.message_dict


def test_copy_indicators_from_last_year(cycle, street):
    rows = list(cycle.indicators.all())
    rows[0].weight -= 5
    rows[1].weight += 5
    Indicator.objects.bulk_update(rows[:2], ["weight"])
    next_year = make_cycle(street["street"], 2027)
    services.copy_indicators(cycle, next_year)
    copied = list(next_year.indicators.values_list("name", "weight"))
    assert copied == list(cycle.indicators.values_list("name", "weight"))


def test_copying_into_a_cycle_of_another_total_writes_nothing(cycle, street):
    other = make_cycle(street["street"], 2027, total_points=120)
    before = list(other.indicators.values_list("pk", flat=True))
    with pytest.raises(ValidationError):
        services.copy_indicators(cycle, other)
    assert list(other.indicators.values_list("pk", flat=True)) == before


# Transitions ----------------------------------------------------------------------------------


def test_advancing_twice_moves_once_and_logs_once(cycle):
    first = services.advance(cycle, Phase.OPEN, today=D(2026, 3, 1))
    stale = AssessmentCycle.objects.get(pk=cycle.pk)
    AssessmentCycle.objects.filter(pk=cycle.pk).update(phase=Phase.OPEN)
    second = services.advance(cycle, Phase.OPEN, today=D(2026, 3, 1))
    third = services.advance(stale, Phase.OPEN, today=D(2026, 3, 1))
    assert first is not None and second is None and third is None
    assert PhaseTransition.objects.filter(cycle=cycle).count() == 1
    assert AssessmentCycle.objects.get(pk=cycle.pk).phase == Phase.OPEN


def test_a_manual_move_is_logged_with_its_actor_and_reason(cycle, roles):
    moved = services.advance_by_hand(cycle, actor=roles["street_secretary"], reason="提前开始收集材料")
    assert moved.actor == roles["street_secretary"] and moved.reason == "提前开始收集材料"
    assert (moved.from_phase, moved.to_phase) == (Phase.DRAFT, Phase.OPEN)
    scheduled = services.advance(cycle, Phase.RATING, today=D(2026, 7, 1), reason="date")
    assert scheduled.actor is None and scheduled.moved_by == "定时任务"


def test_a_manual_move_needs_a_reason(cycle, roles):
    with pytest.raises(ValidationError):
        services.advance_by_hand(cycle, actor=roles["street_secretary"], reason="  ")
    assert AssessmentCycle.objects.get(pk=cycle.pk).phase == Phase.DRAFT
    assert not PhaseTransition.objects.exists()


def test_only_the_streets_post_holders_move_a_cycle(cycle, roles):
    for role in ("community_secretary", "member", "outsider"):
        with pytest.raises(PermissionDenied):
            services.advance_by_hand(cycle, actor=roles[role], reason="试图推进")
    assert AssessmentCycle.objects.get(pk=cycle.pk).phase == Phase.DRAFT


def test_a_cycle_with_bad_weights_does_not_open(cycle):
    Indicator.objects.filter(cycle=cycle).order_by("order").first().delete()
    with pytest.raises(ValidationError):
        services.advance(cycle, Phase.OPEN, today=D(2026, 3, 1))
    assert AssessmentCycle.objects.get(pk=cycle.pk).phase == Phase.DRAFT
    assert services.advance_due(D(2026, 3, 2)) == []


def test_leaving_review_freezes_the_scores_and_starts_the_publicity_window(cycle):
    _move_to(cycle, Phase.REVIEW)
    assert cycle.scores_frozen_at is None
    services.advance(cycle, Phase.PUBLICITY, today=D(2026, 9, 28))
    assert cycle.scores_frozen_at is not None
    assert cycle.publicity_started_on == D(2026, 9, 28)
    assert services.publicity_window_end(cycle) == D(2026, 10, 10)


def test_final_waits_for_the_window_across_national_day(cycle):
    _move_to(cycle, Phase.PUBLICITY)
    for day in (D(2026, 10, 1), D(2026, 10, 8), D(2026, 10, 10)):
        with pytest.raises(ValidationError):
            services.advance(cycle, Phase.FINAL, today=day)
        assert services.due_phase(cycle, day) is None
    assert services.advance(cycle, Phase.FINAL, today=D(2026, 10, 11)) is not None
    assert cycle.phase == Phase.FINAL


def test_an_open_objection_holds_final_back_until_answered(cycle, roles):
    _move_to(cycle, Phase.PUBLICITY)
    objection = services.file_objection(cycle, "对推荐人选有异议", today=D(2026, 10, 9))
    assert services.advance_due(D(2026, 10, 12)) == []
    with pytest.raises(ValidationError):
        services.advance(cycle, Phase.FINAL, today=D(2026, 10, 12))
    services.answer_objection(objection, "经核实,推荐程序符合规定。", actor=roles["street_secretary"])
    assert services.advance_due(D(2026, 10, 12)) == [(cycle.pk, Phase.FINAL)]


def test_objections_are_accepted_only_during_publicity(cycle):
    with pytest.raises(ValidationError):
        services.file_objection(cycle, "太早了", today=D(2026, 9, 1))
    _move_to(cycle, Phase.PUBLICITY)
    with pytest.raises(ValidationError):
        services.file_objection(cycle, "太晚了", today=D(2026, 10, 11))
    with pytest.raises(ValidationError):
        services.file_objection(cycle, "   ", today=D(2026, 10, 9))
    assert not Objection.objects.exists()


def test_only_street_post_holders_answer_objections_and_only_once(cycle, roles):
    _move_to(cycle, Phase.PUBLICITY)
    objection = services.file_objection(cycle, "异议", actor=roles["member"], today=D(2026, 9, 29))
    assert objection.filed_by == roles["member"]
    with pytest.raises(PermissionDenied):
        services.answer_objection(objection, "答复", actor=roles["community_secretary"])
    services.answer_objection(objection, "答复", actor=roles["street_secretary"])
    with pytest.raises(ValidationError):
        services.answer_objection(objection, "再次答复", actor=roles["street_secretary"])
    objection.refresh_from_db()
    assert objection.status == ObjectionStatus.ANSWERED and objection.answer == "答复"


def test_advance_due_catches_up_several_phases_and_logs_each(cycle):
    moves = services.advance_due(D(2026, 9, 2))
    assert moves == [(cycle.pk, Phase.OPEN), (cycle.pk, Phase.RATING), (cycle.pk, Phase.REVIEW)]
    assert list(PhaseTransition.objects.values_list("to_phase", flat=True)) == ["open", "rating", "review"]
    assert services.advance_due(D(2026, 9, 2)) == []


def test_settings_are_frozen_once_publicity_starts(cycle, roles):
    _move_to(cycle, Phase.PUBLICITY)
    cycle.min_raters = 30
    with pytest.raises(ValidationError):
        services.save_cycle(cycle, actor=roles["street_secretary"])
    assert AssessmentCycle.objects.get(pk=cycle.pk).min_raters == 20


def test_an_edit_from_a_page_loaded_before_a_move_does_not_move_the_cycle_back(cycle, roles):
    loaded = AssessmentCycle.objects.get(pk=cycle.pk)  # the edit page, opened in draft
    _move_to(cycle, Phase.REVIEW)
    loaded.min_raters = 25
    services.save_cycle(loaded, actor=roles["street_secretary"])
    stored = AssessmentCycle.objects.get(pk=cycle.pk)
    assert stored.phase == Phase.REVIEW and stored.min_raters == 25
    assert PhaseTransition.objects.filter(cycle=cycle).count() == 3

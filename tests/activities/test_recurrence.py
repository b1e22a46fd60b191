"""A series' rule in words (describe_rule, in Chinese), the admin's presets and the preview of the
next dates; bad first dates refused.

The Chinese comes from the zh-hans catalogue.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone, translation

from activities import recurrence
from activities import series as series_rules
from activities.models import Activity, ActivityKind, ActivitySeries, Eligibility

SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")
TUESDAY = dt.datetime(2026, 12, 1, 8, 0, tzinfo=SHANGHAI)


@pytest.fixture(autouse=True)
def chinese():
    with translation.override("zh-hans"):
        yield


@pytest.mark.parametrize(
    ("rule", "words"),
    [
        ("FREQ=WEEKLY;BYDAY=SA", "每周六"),
        ("FREQ=WEEKLY;BYDAY=TH,TU", "每周二、周四"),
        ("FREQ=WEEKLY;INTERVAL=2;BYDAY=TU,TH", "每两周的周二、周四"),
        ("FREQ=WEEKLY;INTERVAL=3;BYDAY=SU", "每3周的周日"),
        ("FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR", "每周一、周二、周三、周四、周五"),
        ("FREQ=MONTHLY;BYDAY=1SA", "每月第一个周六"),
        ("FREQ=MONTHLY;BYDAY=+2WE", "每月第二个周三"),
        ("FREQ=MONTHLY;BYDAY=-1FR", "每月最后一个周五"),
        ("FREQ=MONTHLY;BYDAY=1SA,3SA", "每月第一个周六、第三个周六"),
        ("FREQ=MONTHLY;INTERVAL=2;BYDAY=1SA", "每两个月的第一个周六"),
        ("FREQ=MONTHLY;BYMONTHDAY=15", "每月15日"),
        ("FREQ=MONTHLY;BYMONTHDAY=1,15", "每月1日、15日"),
        ("FREQ=MONTHLY;BYMONTHDAY=-1", "每月最后一天"),
        ("FREQ=MONTHLY;BYMONTHDAY=-3", "每月倒数第3天"),
        ("FREQ=MONTHLY;INTERVAL=3;BYMONTHDAY=-1", "每3个月的最后一天"),
        ("FREQ=DAILY", "每天"),
        ("FREQ=DAILY;INTERVAL=2", "每两天"),
        ("FREQ=DAILY;INTERVAL=10", "每10天"),
        ("FREQ=DAILY;BYDAY=SA,SU", "每周六、周日"),
        ("rrule:freq=weekly;byday=sa", "每周六"),  # typed as people type it
    ],
)
def test_describe_rule_in_chinese(rule, words):
    assert recurrence.describe_rule(rule) == words


def test_a_rule_without_a_day_repeats_the_first_dates_day():
    saturday = dt.date(2026, 12, 5)
    assert recurrence.describe_rule("FREQ=WEEKLY", saturday) == "每周六"
    assert recurrence.describe_rule("FREQ=WEEKLY") == "每周"
    assert recurrence.describe_rule("FREQ=MONTHLY", saturday) == "每月5日"
    assert recurrence.describe_rule("FREQ=MONTHLY;INTERVAL=2") == "每两个月"


@pytest.mark.parametrize(
    "rule",
    [
        "FREQ=YEARLY;BYMONTH=10;BYMONTHDAY=1",  # yearly is not worded
        "FREQ=MONTHLY;BYDAY=SA;BYSETPOS=1",  # BYSETPOS
        "FREQ=MONTHLY;BYDAY=SA",  # every Saturday of the month: said as written
        "FREQ=MONTHLY;BYDAY=7SA",  # no such ordinal
        "FREQ=MONTHLY;BYDAY=1SA;BYMONTHDAY=1",
        "FREQ=DAILY;INTERVAL=2;BYDAY=SA",
        "FREQ=WEEKLY;BYDAY=XX",
        "FREQ=WEEKLY;INTERVAL=0;BYDAY=SA",
        "FREQ=SOMETIMES",
        "FREQ=WEEKLY;FREQ=DAILY",
    ],
)
def test_rules_not_worded_are_shown_as_written(rule):
    assert recurrence.describe_rule(rule) == rule


def test_an_empty_rule_is_no_words():
    assert recurrence.describe_rule("") == "" and recurrence.describe_rule(None) == ""


def test_describe_series_adds_the_time():
    series = ActivitySeries(
        rule="FREQ=WEEKLY;BYDAY=SA", start_time=dt.time(9, 0), starts_on=dt.date(2026, 12, 1)
    )
    assert recurrence.describe_series(series) == "每周六 09:00"


def test_presets_are_worded_and_each_is_a_valid_rule(street):
    choices = dict(recurrence.preset_choices())
    assert choices["FREQ=WEEKLY;BYDAY=SA"] == "每周六"
    assert choices["FREQ=WEEKLY;INTERVAL=2;BYDAY=SA"] == "每两周的周六"
    assert choices["FREQ=MONTHLY;BYDAY=1SA"] == "每月第一个周六"
    assert choices["FREQ=MONTHLY;BYMONTHDAY=-1"] == "每月最后一天"
    for rule in recurrence.PRESETS:
        assert choices[rule] != rule  # every preset reads as words
        recurrence.next_dates(_unsaved(street, rule=rule), now=TUESDAY)  # and passes the checks


def _unsaved(street, **overrides) -> ActivitySeries:
    values = {
        "organiser": street["community1"],
        "kind": ActivityKind.VOLUNTEER_SERVICE,
        "title": "周六社区清洁",
        "place": "社区活动中心",
        "start_time": dt.time(9, 0),
        "duration_minutes": 120,
        "capacity": 5,
        "eligibility": Eligibility.ANYONE,
        "rule": "FREQ=WEEKLY;BYDAY=SA",
        "starts_on": dt.date(2026, 12, 1),
    }
    values.update(overrides)
    return ActivitySeries(**values)


def _local(moments):
    return [timezone.localtime(m, SHANGHAI).replace(tzinfo=None) for m in moments]


@pytest.mark.django_db
def test_preview_gives_the_next_eight_dates_without_the_left_out_ones_and_writes_nothing(street):
    series = _unsaved(street, exdates=["2026-12-12"])
    dates = _local(recurrence.next_dates(series, now=TUESDAY))
    assert len(dates) == recurrence.PREVIEW_DATES == 8
    assert dates[0] == dt.datetime(2026, 12, 5, 9, 0)
    assert dt.datetime(2026, 12, 12, 9, 0) not in dates and dates[1] == dt.datetime(2026, 12, 19, 9, 0)
    assert not ActivitySeries.objects.exists() and not Activity.objects.exists()


@pytest.mark.django_db
def test_preview_of_a_first_saturday_rule_reaches_beyond_the_horizon(street):
    dates = _local(recurrence.next_dates(_unsaved(street, rule="FREQ=MONTHLY;BYDAY=1SA"), now=TUESDAY))
    assert [d.date() for d in dates[:3]] == [dt.date(2026, 12, 5), dt.date(2027, 1, 2), dt.date(2027, 2, 6)]
    assert len(dates) == 8


@pytest.mark.django_db
def test_preview_ends_with_the_series(street):
    dates = recurrence.next_dates(_unsaved(street, count=3), now=TUESDAY)
    assert len(dates) == 3


@pytest.mark.django_db
@pytest.mark.parametrize("rule", ["FREQ=SOMETIMES", "", "FREQ=WEEKLY;BYHOUR=9", "FREQ=WEEKLY;" * 500])
def test_preview_of_a_bad_rule_is_the_services_refusal_in_chinese(street, rule):
    with pytest.raises(ValidationError) as exc_info:
        recurrence.next_dates(_unsaved(street, rule=rule), now=TUESDAY)
    messages = exc_info.value.message_dict["rule"]
    assert messages and all(any("\u4e00" <= ch <= "\u9fff" for ch in m) for m in messages)


@pytest.mark.django_db
@pytest.mark.parametrize("starts_on", [dt.date(1, 1, 1), dt.date(1999, 12, 31), dt.date(9999, 12, 31)])
def test_a_first_date_centuries_away_is_refused(street, starts_on):
    with pytest.raises(ValidationError) as exc_info:
        series_rules.create_series(
            actor=None,
            organiser=street["community1"],
            **{k: v for k, v in vars(_unsaved(street, starts_on=starts_on)).items() if k in _FIELDS},
        )
    assert "starts_on" in exc_info.value.message_dict
    assert "首次日期" in exc_info.value.message_dict["starts_on"][0]
    assert not ActivitySeries.objects.exists()


_FIELDS = {
    "kind",
    "title",
    "place",
    "start_time",
    "duration_minutes",
    "capacity",
    "eligibility",
    "rule",
    "starts_on",
}


@pytest.mark.django_db
@pytest.mark.parametrize(
    "rule",
    [
        "FREQ=MONTHLY;BYDAY=+99SA",  # dateutil accepts it and fails while iterating
        "FREQ=MONTHLY;BYDAY=6SA",
        "FREQ=YEARLY;BYDAY=54SA",
        "FREQ=MONTHLY;BYMONTHDAY=99999",  # searched to the year 9999
        "FREQ=MONTHLY;BYMONTHDAY=0",
        "FREQ=DAILY;BYYEARDAY=400",
        "FREQ=YEARLY;BYMONTH=13",
        "FREQ=YEARLY;BYWEEKNO=99",
        "FREQ=MONTHLY;BYDAY=SA;BYSETPOS=0",
    ],
)
def test_numbers_out_of_range_are_refused_as_not_understood(street, rule):
    import time

    started = time.monotonic()
    with pytest.raises(ValidationError) as exc_info:
        series_rules.create_series(
            actor=None,
            organiser=street["community1"],
            **{k: v for k, v in vars(_unsaved(street, rule=rule)).items() if k in _FIELDS},
        )
    assert "rule" in {e.code for e in exc_info.value.error_dict["rule"]}
    assert time.monotonic() - started < 1
    assert not ActivitySeries.objects.exists()


@pytest.mark.parametrize(
    "rule", ["FREQ=MONTHLY;BYDAY=-1FR", "FREQ=MONTHLY;BYDAY=+5SU", "FREQ=MONTHLY;BYMONTHDAY=-31"]
)
def test_numbers_at_the_ends_of_their_ranges_are_rules(rule):
    assert series_rules._numbers_in_range(rule)

"""Due times in working time: an item answered in hours is due N hours after filing; one answered
in working days is due at the end (Asia/Shanghai) of the Nth working day after the filing day,
weekends and Chinese public holidays skipped and 调休 weekend days worked; a year the package
does not know falls back to plain weekends. The time is stored when the request is filed."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from residents import due
from residents.models_help import DueUnit, HelpRequest
from tests.residents.help_support import file, make_catalogue

SH = ZoneInfo("Asia/Shanghai")


def _item(unit, amount):
    from residents.models_help import ServiceItem

    if unit == DueUnit.HOURS:
        return ServiceItem(name="x", due_unit=unit, due_hours=amount)
    return ServiceItem(name="x", due_unit=unit, due_working_days=amount)


def _end_of(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time.max, tzinfo=SH)


def test_working_days_skip_the_weekend():
    friday = dt.datetime(2026, 11, 27, 15, 0, tzinfo=SH)
    assert due.due_at(_item(DueUnit.WORKING_DAYS, 3), friday) == _end_of(
        dt.date(2026, 12, 2)
    )  # Mon, Tue, Wed
    assert due.due_at(_item(DueUnit.WORKING_DAYS, 1), friday) == _end_of(dt.date(2026, 11, 30))


def test_national_day_is_skipped_and_the_make_up_saturday_counts():
    # 2026: 1–7 October off; Saturday 10 October worked instead (调休).
    filed = dt.datetime(2026, 9, 30, 10, 0, tzinfo=SH)
    assert due.due_at(_item(DueUnit.WORKING_DAYS, 1), filed) == _end_of(dt.date(2026, 10, 8))
    assert due.due_at(_item(DueUnit.WORKING_DAYS, 3), filed) == _end_of(dt.date(2026, 10, 10))
    assert not due.is_working_day(dt.date(2026, 10, 1))
    assert due.is_working_day(dt.date(2026, 10, 10))


def test_the_day_is_the_shanghai_day_not_utc():
    # 2026-11-26 17:00 UTC is Friday 27 November 01:00 in Shanghai: counting starts after Friday.
    filed = dt.datetime(2026, 11, 26, 17, 0, tzinfo=dt.UTC)
    assert due.due_at(_item(DueUnit.WORKING_DAYS, 1), filed) == _end_of(dt.date(2026, 11, 30))


def test_a_year_the_package_does_not_know_uses_plain_weekends():
    # 2099-01-01 (a Thursday) would be New Year's Day; the package has no 2099: a working day.
    assert due.is_working_day(dt.date(2099, 1, 1))
    assert not due.is_working_day(dt.date(2099, 1, 3))  # Saturday
    filed = dt.datetime(2098, 12, 31, 9, 0, tzinfo=SH)  # Wednesday
    assert due.due_at(_item(DueUnit.WORKING_DAYS, 3), filed) == _end_of(dt.date(2099, 1, 5))


def test_hours_are_plain_hours_even_over_a_holiday():
    filed = dt.datetime(2026, 9, 30, 10, 0, tzinfo=SH)
    assert due.due_at(_item(DueUnit.HOURS, 24), filed) == filed + dt.timedelta(hours=24)


def test_due_display():
    assert _item(DueUnit.WORKING_DAYS, 3).due_display.startswith("3")
    assert _item(DueUnit.HOURS, 24).due_display.startswith("24")
    assert _item(DueUnit.WORKING_DAYS, 3).due_display != _item(DueUnit.HOURS, 3).due_display


@pytest.mark.django_db
def test_filing_stores_the_due_time_once_in_working_days(street, roles):
    cat = make_catalogue(street)
    legal = cat["legal"]
    legal.due_unit, legal.due_working_days = DueUnit.WORKING_DAYS, 3
    legal.save()
    request, _code = file(street, legal, address="长江路1号")
    local = timezone.localtime(request.due_at, SH)
    assert local.time() == dt.time.max
    assert local.date() == due.nth_working_day_after(timezone.localtime(request.created_at, SH).date(), 3)
    stored = HelpRequest.objects.get(pk=request.pk).due_at
    # a later change of the item's time does not move a filed request's due time
    legal.due_working_days = 10
    legal.save()
    assert HelpRequest.objects.get(pk=request.pk).due_at == stored
    assert request.due_at > request.created_at + dt.timedelta(days=3)  # end of day, weekends skipped


@pytest.mark.django_db
def test_the_escalation_query_stays_one_indexed_filter(street, django_assert_num_queries):
    cat = make_catalogue(street)
    file(street, cat["meals"])
    query = str(HelpRequest.objects.overdue().filter(escalated_at__isnull=True).query)
    assert '"due_at" <' in query and "due_unit" not in query

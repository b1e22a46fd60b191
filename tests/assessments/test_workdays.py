"""The working-day calendar: the weekday rule corrected by holidays and 调休, seeded from the
chinese-calendar package, overridden by hand-entered rows, working for years the package lacks."""

from __future__ import annotations

import datetime as dt
import io

import chinese_calendar
import pytest
from django.core.management import call_command

from assessments import services, workdays
from assessments.models import Holiday, HolidayKind, HolidaySource

pytestmark = pytest.mark.django_db

D = dt.date


def test_national_day_week_2026_is_off_and_its_tiaoxiu_saturday_is_worked():
    assert workdays.is_working_day(D(2026, 9, 30))  # Wednesday before
    assert not any(workdays.is_working_day(D(2026, 10, day)) for day in range(1, 8))
    assert workdays.is_working_day(D(2026, 10, 10))  # Saturday worked instead (调休)
    assert workdays.is_working_day(D(2026, 9, 20))  # Sunday worked instead
    assert not workdays.is_working_day(D(2026, 10, 11))  # an ordinary Sunday


def test_publicity_from_28_september_2026_spans_national_day_and_ends_on_the_worked_saturday():
    # 29, 30 Sept; 1–7 Oct off; 8, 9 Oct; Saturday 10 Oct worked (调休) is the fifth working day.
    assert workdays.add_working_days(D(2026, 9, 28), 5) == D(2026, 10, 10)


def test_spring_festival_2026_with_its_tiaoxiu_saturdays():
    assert workdays.is_working_day(D(2026, 2, 14))  # Saturday worked
    assert workdays.is_working_day(D(2026, 2, 28))  # Saturday worked
    assert not any(workdays.is_working_day(D(2026, 2, day)) for day in range(15, 24))
    # From Friday 13 Feb: Saturday 14 (worked), then 24, 25, 26, 27 Feb.
    assert workdays.add_working_days(D(2026, 2, 13), 5) == D(2026, 2, 27)
    assert workdays.add_working_days(D(2026, 2, 13), 6) == D(2026, 2, 28)


def test_counting_starts_the_day_after_and_zero_days_is_the_start():
    assert workdays.add_working_days(D(2026, 11, 2), 1) == D(2026, 11, 3)  # Monday → Tuesday
    assert workdays.add_working_days(D(2026, 11, 6), 1) == D(2026, 11, 9)  # Friday → Monday
    assert workdays.add_working_days(D(2026, 11, 6), 0) == D(2026, 11, 6)


def test_a_year_is_seeded_the_first_time_it_is_asked_about_and_only_once():
    assert not Holiday.objects.exists()
    workdays.is_working_day(D(2026, 5, 4))
    seeded = Holiday.objects.filter(date__year=2026).count()
    assert seeded > 10
    assert Holiday.objects.get(date=D(2026, 10, 1)).name == "国庆节"
    assert Holiday.objects.get(date=D(2026, 10, 10)).kind == HolidayKind.WORKING_DAY
    workdays.is_working_day(D(2026, 5, 5))
    assert Holiday.objects.filter(date__year=2026).count() == seeded


def test_a_span_is_read_in_a_constant_number_of_queries(django_assert_num_queries):
    workdays.seed_year(2026)
    with django_assert_num_queries(1):
        assert workdays.add_working_days(D(2026, 9, 28), 5) == D(2026, 10, 10)
    with django_assert_num_queries(1):
        days = workdays.working_days_between(D(2026, 1, 1), D(2026, 12, 31))
    assert days == chinese_calendar.get_workdays(D(2026, 1, 1), D(2026, 12, 31))
    assert len(days) == 248


def test_a_hand_edited_row_overrides_the_package_and_survives_reseeding(street, roles):
    workdays.seed_year(2026)
    # The street works on 7 October after all (a local decision), entered by hand.
    holiday = Holiday.objects.get(date=D(2026, 10, 7))
    holiday.kind = HolidayKind.WORKING_DAY
    services.save_holiday(holiday, actor=roles["street_secretary"])
    assert Holiday.objects.get(date=D(2026, 10, 7)).source == HolidaySource.MANUAL
    call_command("seed_holidays", year=[2026], stdout=io.StringIO())
    assert Holiday.objects.get(date=D(2026, 10, 7)).kind == HolidayKind.WORKING_DAY
    assert workdays.is_working_day(D(2026, 10, 7))
    assert workdays.add_working_days(D(2026, 9, 28), 5) == D(2026, 10, 9)


def test_a_year_the_package_does_not_know_works_from_rows_entered_by_hand(roles):
    assert not workdays.package_knows(2099)
    # Weekday rule alone first: Friday 1 May 2099 is a working day.
    assert workdays.is_working_day(D(2099, 5, 1))
    services.save_holiday(Holiday(date=D(2099, 5, 1), kind=HolidayKind.DAY_OFF, name="劳动节"), actor=None)
    services.save_holiday(
        Holiday(date=D(2099, 5, 9), kind=HolidayKind.WORKING_DAY, name="劳动节"), actor=None
    )
    assert not workdays.is_working_day(D(2099, 5, 1))
    assert workdays.is_working_day(D(2099, 5, 9))  # a Saturday worked
    # From Thursday 30 April: 1 May off, weekend, 4–8 May, Saturday 9 May worked.
    assert workdays.add_working_days(D(2099, 4, 30), 6) == D(2099, 5, 9)
    assert not Holiday.objects.filter(date__year=2099, source=HolidaySource.PACKAGE).exists()


def test_seed_holidays_refuses_a_year_the_package_does_not_know():
    from django.core.management.base import CommandError

    with pytest.raises(CommandError):
        call_command("seed_holidays", year=[2099])


def test_seed_holidays_without_a_year_seeds_the_years_around_this_one():
    out = io.StringIO()
    call_command("seed_holidays", stdout=out)
    assert Holiday.objects.filter(date__year=2026, source=HolidaySource.PACKAGE).exists()
    assert "2026" in out.getvalue()


def test_only_street_post_holders_edit_the_calendar(roles):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        services.save_holiday(
            Holiday(date=D(2099, 1, 2), kind=HolidayKind.DAY_OFF), actor=roles["community_secretary"]
        )
    assert not Holiday.objects.filter(date=D(2099, 1, 2)).exists()

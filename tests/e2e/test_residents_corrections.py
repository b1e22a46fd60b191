"""Correcting a registration (issue 10) in a real browser, on a 375 px phone: a community officer
opens a resident's full record, follows "correct details", changes the mobile and the arrival date
with a reason, and sees the correction in the record's history (the mobile masked, the dates
old → new, the reason). The page fits the phone, its fields are labelled, its text is large enough.
"""

from __future__ import annotations

import datetime as dt
import re

import pytest

try:
    from playwright.sync_api import expect
except ImportError:  # the `browser` fixture skips (or fails under E2E_REQUIRED) with the reason
    expect = None

from django.utils.translation import gettext

from residents.models import AuditEntry, Resident, ResidentEvent
from tests.e2e.conftest import log_in
from tests.e2e.test_assessment import done, phone
from tests.e2e.test_residents import big_enough, check_form, check_page
from tests.factories.residents import make_housing, make_landlord, register
from tests.translations import chinese

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def shown(msgid: str) -> str:
    """The text on the page for `msgid` (Chinese once the catalogue is merged; it must exist)."""
    assert chinese("corrections")[msgid]
    return gettext(msgid)


def test_officer_corrects_a_mobile_and_an_arrival_date_on_a_phone(portal, browser, street, roles, screenshot):
    landlord = make_landlord(street["community1"], name="王房东")
    flat = make_housing(landlord, "幸福路1号101室", rooms=2, beds=2)
    resident = register(roles["community_secretary"], flat, name="李四", arrived_on=dt.date(2026, 3, 1))

    context, tab = phone(browser)
    try:
        log_in(tab, portal.url, "shequ")
        tab.goto(f"{portal.url}/residents/{resident.pk}/")
        check_page(tab, "the full record")
        link = tab.get_by_test_id("correct-link")
        big_enough(link, "更正信息")
        link.click()
        tab.wait_for_url(f"{portal.url}/residents/{resident.pk}/correct/")
        check_form(tab, "the correction form")
        expect(tab.locator("#id_phone")).to_have_value("13812345678")
        tab.fill("#id_phone", "13987654321")
        tab.fill("#id_arrived_on", "2026-02-01")
        # Without a reason: refused, nothing written.
        tab.locator("main form button[type=submit]").click()
        expect(tab.get_by_test_id("form-errors")).to_be_visible()
        assert Resident.objects.get(pk=resident.pk).phone == "13812345678"
        check_form(tab, "the refused correction form")
        tab.fill("#id_reason", "核对身份证后更正")
        screenshot(tab, "01-form")
        tab.locator("main form button[type=submit]").click()
        tab.wait_for_url(f"{portal.url}/residents/{resident.pk}/")
        expect(tab.locator(".messages")).to_contain_text(shown("The correction is recorded."))
        correction = tab.get_by_test_id("correction")
        expect(correction).to_contain_text("138****5678 → 139****4321")
        expect(correction).to_contain_text("2026-03-01 → 2026-02-01")
        expect(tab.get_by_test_id("history")).to_contain_text("核对身份证后更正")
        expect(tab.get_by_test_id("mobile")).to_have_text("13987654321")
        check_page(tab, "the record with its correction")
        screenshot(tab, "02-history")
    finally:
        done(context)

    stored = Resident.objects.get(pk=resident.pk)
    assert (stored.phone, stored.arrived_on) == ("13987654321", dt.date(2026, 2, 1))
    assert ResidentEvent.objects.filter(resident=resident, kind="corrected").count() == 1
    assert AuditEntry.objects.filter(resident=resident, action="correct").count() == 1
    assert re.search(r"phone.*arrived_on", AuditEntry.objects.get(action="correct").detail)

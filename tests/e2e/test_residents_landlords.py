"""Landlords and rented housing in a real browser, on a 375 px phone: a community officer records a
landlord with a new login (user name and initial password) from the housing list; the officer
then edits a flat with two tenants — hands it to the new landlord and lowers its beds to one:
refused without a reason, accepted with one, and the housing list flags it 群租; the new
landlord signs in with the password the officer gave and sees their page with that flat, flagged.
Every page: Chinese heading, no sideways scrolling, buttons ≥ 40 px, labelled fields, text ≥ 16 px,
no Content Security Policy violation."""

from __future__ import annotations

import re

import pytest

try:
    from playwright.sync_api import expect
except ImportError:  # the `browser` fixture skips (or fails under E2E_REQUIRED) with the reason
    expect = None

from residents.models import AuditAction, AuditEntry, Housing, Landlord
from tests.e2e.conftest import log_in
from tests.e2e.test_assessment import done, phone
from tests.e2e.test_residents import big_enough, check_form, check_page, zh
from tests.factories.residents import make_housing, make_landlord, register

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

PASSWORD = "Lianhua-2026"


def test_officer_creates_a_landlord_login_and_lowers_beds_on_a_phone(
    portal, browser, street, roles, screenshot
):
    old = make_landlord(street["community1"], name="王房东")
    flat = make_housing(old, "幸福路1号101室", rooms=2, beds=2)
    register(roles["community_secretary"], flat, name="李四")
    register(roles["community_secretary"], flat, name="张五")

    context, tab = phone(browser)
    try:
        log_in(tab, portal.url, "shequ")
        tab.goto(f"{portal.url}/residents/housing/")
        check_page(tab, "the housing list")
        landlords = tab.get_by_role("link", name=zh("Landlords"), exact=True)
        big_enough(landlords, "房东")
        landlords.click()
        tab.wait_for_url(f"{portal.url}/residents/landlords/")
        check_page(tab, "the landlords list")
        tab.get_by_role("link", name=zh("Record a landlord")).click()
        tab.wait_for_url(f"{portal.url}/residents/landlords/add/")
        check_form(tab, "the landlord form")
        tab.select_option("#id_community", str(street["community1"].pk))
        tab.fill("#id_name", "孙建华")
        tab.fill("#id_phone", "13911112222")
        tab.fill("#id_username", "sunjianhua")
        tab.fill("#id_password", PASSWORD)
        screenshot(tab, "01-landlord-form")
        tab.get_by_role("button", name=zh("Save")).click()
        tab.wait_for_url(re.compile(r"/residents/landlords/\d+/$"))
        landlord = Landlord.objects.get(name="孙建华")
        assert landlord.user.username == "sunjianhua" and not landlord.user.is_staff
        expect(tab.get_by_test_id("login-state")).to_have_text("sunjianhua")
        check_page(tab, "the landlord's page")
        screenshot(tab, "02-landlord")

        # The flat with two tenants: to the new landlord, and down to one bed.
        tab.goto(f"{portal.url}/residents/housing/")
        edit = tab.locator(f"tr[data-housing='{flat.pk}']").get_by_test_id("edit-housing")
        big_enough(edit, "编辑")
        edit.click()
        tab.wait_for_url(f"{portal.url}/residents/housing/{flat.pk}/edit/")
        check_form(tab, "the housing form")
        tab.select_option("#id_landlord", str(landlord.pk))
        tab.fill("#id_beds", "1")
        tab.get_by_role("button", name=zh("Save")).click()
        expect(tab.get_by_test_id("form-errors")).to_contain_text("幸福路1号101室")
        assert Housing.objects.get(pk=flat.pk).beds == 2  # refused: nothing written
        check_form(tab, "the refused housing form")
        screenshot(tab, "03-refused")
        tab.fill("#id_over_beds_reason", "一间改作储藏室")
        tab.get_by_role("button", name=zh("Save")).click()
        tab.wait_for_url(f"{portal.url}/residents/housing/")
        row = tab.locator(f"tr[data-housing='{flat.pk}']")
        expect(row.get_by_test_id("overcrowded")).to_have_text("群租")
        expect(row).to_contain_text("孙建华")
        check_page(tab, "the housing list")
        screenshot(tab, "04-overcrowded")
        saved = Housing.objects.get(pk=flat.pk)
        assert (saved.beds, saved.landlord_id) == (1, landlord.pk)
        entry = AuditEntry.objects.get(action=AuditAction.HOUSING)
        assert "2 → 1" in entry.detail and "一间改作储藏室" in entry.detail
    finally:
        done(context)

    context, tab = phone(browser)
    try:
        log_in(tab, portal.url, "sunjianhua", PASSWORD)
        tab.goto(f"{portal.url}/residents/")
        tab.wait_for_url(f"{portal.url}/residents/landlord/")
        page = tab.get_by_test_id("landlord-page")
        expect(page.locator(f"[data-housing='{flat.pk}'] h2")).to_have_text("幸福路1号101室")
        expect(page.get_by_test_id("overcrowded")).to_have_text("群租")
        check_page(tab, "the new landlord's page")
        screenshot(tab, "05-landlord-signed-in")
        assert tab.goto(f"{portal.url}/residents/housing/{flat.pk}/edit/").status == 403
    finally:
        done(context)

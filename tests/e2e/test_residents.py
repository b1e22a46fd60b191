"""Migrant residents' registration (issue 10) in a real browser, on a 375 px phone:

(a) a community officer registers a newly arrived resident who joins family (person joined,
    relation) in a rented flat with a free bed; the list shows them masked (family name, ID number
    and mobile partly hidden); the full record shows everything, and the street's audit trail then
    shows that reading; a second registration with the same ID number is refused in Chinese with
    nothing written; a departure before the arrival is refused, then the right one is accepted;
(b) a landlord sees only their own housing and tenants (masked), registers a tenant into a full flat:
    refused without a reason (more tenants than beds), accepted with one (flagged 群租); another
    landlord's tenants and housing stay out of reach (403 / 404 in the browser, a forged id refused);
(c) the street opens the residents' figures, sees its sections, downloads the workbook, and the
    workbook (read back with openpyxl) holds the page's figures.

Asserted on every page: Chinese text, no sideways scrolling at 375 px, main buttons ≥ 40 px high,
a label on every form field, text ≥ 16 px for a reader over 60, no Content Security Policy violation.
"""

from __future__ import annotations

import datetime as dt
import re
from io import BytesIO
from pathlib import Path

import pytest

try:
    from playwright.sync_api import expect
except ImportError:  # the `browser` fixture skips (or fails under E2E_REQUIRED) with the reason
    expect = None

from django.utils import timezone
from openpyxl import load_workbook

from orgchart.validators import build_id_number
from residents import services
from residents.models import AuditAction, AuditEntry, Resident
from tests.e2e.conftest import PHONE, log_in
from tests.e2e.test_assessment import done, phone
from tests.factories.residents import make_housing, make_landlord, register
from tests.residents.help_support import file, make_catalogue
from tests.translations import chinese

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

MIN_BUTTON = 40
MIN_TEXT = 16  # px: large enough for a reader over 60
CJK = re.compile(r"[\u4e00-\u9fff]")


def zh(msgid: str, **values) -> str:
    """The Chinese a user reads for `msgid` (the catalogue, or this branch's pending strings)."""
    text = chinese("rese2e")[msgid]
    return text % values if values else text


def fits_the_phone(tab, name: str) -> None:
    width = tab.evaluate("document.scrollingElement.scrollWidth")
    assert width <= PHONE["width"], f"{name} is {width}px wide on a {PHONE['width']}px phone"


def big_enough(locator, what: str) -> None:
    box = locator.bounding_box()
    assert box is not None, f"{what} is not displayed"
    assert box["height"] >= MIN_BUTTON, f"{what} is {box['height']}px high"
    assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"], f"{what} leaves the screen: {box}"


TEXT = (
    "main h1, main h2, main p, main td, main th, main dt, main dd, main label, main a, main button, "
    "main input, main select"
)


def readable(tab, name: str) -> None:
    """Every visible piece of text of the page's main part (form fields too) is at least 16 px."""
    checked, small = tab.evaluate(
        """([selector, least]) => {
            const shown = [...document.querySelectorAll(selector)]
              .filter(e => e.offsetParent !== null && (e.textContent.trim() || e.matches('input, select')));
            const small = shown
              .map(e => [e.tagName + ':' + (e.textContent.trim() || e.name).slice(0, 20),
                         parseFloat(getComputedStyle(e).fontSize)])
              .filter(([, size]) => size < least);
            return [shown.length, small];
        }""",
        [TEXT, MIN_TEXT],
    )
    assert checked > 3, f"{name}: only {checked} pieces of text found"
    assert not small, f"{name}: text smaller than {MIN_TEXT}px: {small}"


def labelled(tab, name: str) -> None:
    """Every field a person fills in has a visible label tied to it."""
    unlabelled = tab.evaluate(
        """() => [...document.querySelectorAll('main form input, main form select, main form textarea')]
            .filter(e => e.type !== 'hidden')
            .filter(e => !e.labels || !e.labels.length || !e.labels[0].textContent.trim())
            .map(e => e.name)"""
    )
    assert not unlabelled, f"{name}: fields without a label: {unlabelled}"


def in_chinese(tab, name: str) -> None:
    heading = tab.locator("main h1").first.inner_text()
    assert CJK.search(heading), f"{name}: the heading is not Chinese: {heading!r}"


def check_page(tab, name: str) -> None:
    in_chinese(tab, name)
    fits_the_phone(tab, name)
    readable(tab, name)


def check_form(tab, name: str) -> None:
    check_page(tab, name)
    labelled(tab, name)
    big_enough(tab.locator("main form button[type=submit]"), f"{name}: 保存")


def status_of(tab, url: str) -> int:
    response = tab.goto(url)
    return response.status


# (a) the community officer: register, read, refuse a duplicate, deregister --------------------


def test_officer_registers_reads_and_deregisters_a_resident_on_a_phone(
    portal, browser, street, roles, screenshot
):
    today = timezone.localdate()
    arrived = today - dt.timedelta(days=10)
    landlord = make_landlord(street["community1"], name="王房东")
    flat = make_housing(landlord, "幸福路1号101室", rooms=2, beds=2)
    register(roles["community_secretary"], flat, name="李四")  # one bed taken, one free
    id_number = build_id_number("340102", dt.date(1990, 5, 20), 77)
    audit_before = AuditEntry.objects.count()

    context, tab = phone(browser)
    try:
        log_in(tab, portal.url, "shequ")
        expect(tab.locator(".site-nav a[href='/residents/list/']")).to_have_count(1)
        tab.goto(f"{portal.url}/residents/")
        tab.wait_for_url(f"{portal.url}/residents/list/")
        check_page(tab, "the residents list")
        add = tab.get_by_role("link", name=zh("Register a resident"))
        big_enough(add, "登记")
        add.click()
        tab.wait_for_url(f"{portal.url}/residents/register/")
        check_form(tab, "the registration form")
        screenshot(tab, "01-form")

        def fill(number: str) -> None:
            tab.select_option("#id_housing", str(flat.pk))
            tab.fill("#id_name", "张三丰")
            tab.fill("#id_id_number", number)
            tab.select_option("#id_gender", "male")
            tab.fill("#id_birth_date", "1990-05-20")
            tab.fill("#id_origin", "安徽合肥")
            tab.fill("#id_phone", "13912345678")
            tab.select_option("#id_category", "family")
            tab.fill("#id_joined_person", "张大山")
            tab.fill("#id_relation", "父子")
            tab.fill("#id_arrived_on", f"{arrived:%Y-%m-%d}")

        fill(id_number)
        tab.get_by_role("button", name=zh("Save")).click()
        tab.wait_for_url(re.compile(r"/residents/\d+/$"))
        expect(tab.locator(".messages")).to_contain_text(zh("%(name)s is registered.", name="张三丰"))
        resident = Resident.objects.get(name="张三丰")
        reads = AuditEntry.objects.filter(action=AuditAction.READ, resident=resident)
        assert reads.count() == 1  # the record the form led to: one reading, recorded
        assert (
            resident.category == "family"
            and resident.joined_person == "张大山"
            and resident.relation == "父子"
        )
        assert resident.housing_id == flat.pk and resident.arrived_on == arrived

        # The list: masked name, ID number and mobile; the full values nowhere on the page.
        tab.goto(f"{portal.url}/residents/list/")
        row = tab.locator(f"tr[data-resident='{resident.pk}']")
        expect(row).to_contain_text("张**")
        expect(row.locator("th")).to_have_attribute("data-label", zh("Full name"))  # 姓名, not 名称
        expect(row).to_contain_text(f"{id_number[:4]}**********{id_number[-4:]}")
        expect(row).to_contain_text("139****5678")
        expect(row).to_contain_text("投靠")
        body = tab.locator("main").inner_text()
        assert id_number not in body and "13912345678" not in body and "张三丰" not in body
        check_page(tab, "the residents list")
        screenshot(tab, "02-list")

        # The full record, unmasked.
        row.get_by_role("link", name="张**").click()
        tab.wait_for_url(f"{portal.url}/residents/{resident.pk}/")
        expect(tab.locator("main h1")).to_have_text("张三丰")
        expect(tab.get_by_test_id("id-number")).to_have_text(id_number)
        expect(tab.get_by_test_id("mobile")).to_have_text("13912345678")
        record = tab.get_by_test_id("resident-record")
        expect(record).to_contain_text("张大山")
        expect(record).to_contain_text("父子")
        check_page(tab, "the full record")
        screenshot(tab, "03-record")
        assert reads.count() == 2 and set(reads.values_list("actor_name", flat=True)) == {"shequ"}

        # A second registration of the same ID number: refused in Chinese, nothing written.
        residents_before, audit_mid = Resident.objects.count(), AuditEntry.objects.count()
        tab.goto(f"{portal.url}/residents/register/")
        fill(id_number)
        tab.get_by_role("button", name=zh("Save")).click()
        errors = tab.get_by_test_id("form-errors")
        expect(errors).to_contain_text(
            zh(
                "This person is already registered (arrived %(day)s, %(community)s). Deregister the "
                "earlier registration first, or move them.",
                day=arrived.isoformat(),
                community=street["community1"].name,
            )
        )
        check_form(tab, "the refused registration")
        screenshot(tab, "04-duplicate")
        assert Resident.objects.count() == residents_before and AuditEntry.objects.count() == audit_mid

        # Deregister: a departure before the arrival is refused, then the right date is accepted.
        tab.goto(f"{portal.url}/residents/{resident.pk}/")
        leave = tab.get_by_role("link", name=zh("Deregister"))
        big_enough(leave, "注销登记")
        leave.click()
        tab.wait_for_url(f"{portal.url}/residents/{resident.pk}/leave/")
        check_form(tab, "the deregistration form")
        tab.fill("#id_left_on", f"{arrived - dt.timedelta(days=1):%Y-%m-%d}")
        tab.fill("#id_leave_reason", "回原籍")
        tab.get_by_role("button", name=zh("Save")).click()
        expect(tab.get_by_test_id("form-errors")).to_contain_text(
            zh("The departure date cannot be before the arrival date (%(day)s).", day=arrived.isoformat())
        )
        check_form(tab, "the refused deregistration")
        screenshot(tab, "05-leave-refused")
        resident.refresh_from_db()
        assert resident.left_on is None
        tab.fill("#id_left_on", f"{today:%Y-%m-%d}")
        tab.get_by_role("button", name=zh("Save")).click()
        tab.wait_for_url(f"{portal.url}/residents/{resident.pk}/")
        expect(tab.locator(".messages")).to_contain_text(zh("The resident is deregistered."))
        expect(tab.get_by_test_id("resident-record")).to_contain_text(f"{today:%Y-%m-%d}")
        screenshot(tab, "06-left")
    finally:
        done(context)
    resident.refresh_from_db()
    assert resident.left_on == today and resident.leave_reason == "回原籍"

    # The street's audit trail shows the officer's reading of the record.
    context, tab = phone(browser)
    try:
        log_in(tab, portal.url, "jiedao")
        tab.goto(f"{portal.url}/residents/audit/")
        check_page(tab, "the audit trail")
        read_rows = tab.locator("tr[data-action=read]")
        # Each opening of the record: after registering, from the list, before and after deregistering.
        expect(read_rows).to_have_count(4)
        expect(read_rows.first).to_contain_text("shequ")
        expect(read_rows.first).to_contain_text(zh("Read the full record"))
        expect(read_rows.first).to_contain_text("张**")
        expect(read_rows.first).to_contain_text(street["community1"].name)
        assert "张三丰" not in tab.locator("main").inner_text()
        screenshot(tab, "07-audit")
    finally:
        done(context)
    # Nothing written for the two refusals.
    actions = list(
        AuditEntry.objects.filter(pk__gt=0).order_by("pk").values_list("action", flat=True)[audit_before:]
    )
    assert actions == ["register", "read", "read", "read", "leave", "read"], actions


# (b) the landlord: own housing only, 定人定床 ------------------------------------------------------


def test_landlord_registers_a_tenant_beyond_the_beds_only_with_a_reason(
    portal, browser, street, roles, screenshot
):
    today = timezone.localdate()
    own = make_landlord(street["community1"], "fangdong", name="王房东")
    other = make_landlord(street["community2"], "fangdong2", name="赵房东")
    full = make_housing(own, "幸福路1号102室", rooms=1, beds=1)
    spare = make_housing(own, "幸福路1号101室", rooms=2, beds=2)
    theirs = make_housing(other, "和平路8号201室", rooms=3, beds=4)
    officer = roles["community_secretary"]
    tenant = register(officer, full, name="李四", phone="13700001111")
    stranger = register(make_officer2(street), theirs, name="赵五")
    residents_before = Resident.objects.count()

    context, tab = phone(browser)
    try:
        log_in(tab, portal.url, "fangdong")
        expect(tab.locator(".site-nav a[href='/residents/landlord/']")).to_have_count(1)
        tab.goto(f"{portal.url}/residents/")
        tab.wait_for_url(f"{portal.url}/residents/landlord/")
        check_page(tab, "the landlord's page")
        page = tab.get_by_test_id("landlord-page")
        expect(page.locator("[data-housing]")).to_have_count(2)
        expect(page).to_contain_text(full.address)
        expect(page).to_contain_text(spare.address)
        expect(page).not_to_contain_text(theirs.address)
        expect(page).not_to_contain_text("赵")
        row = page.locator(f"tr[data-resident='{tenant.pk}']")
        expect(row).to_contain_text("李*")
        expect(row).to_contain_text(tenant.id_number_masked)
        assert "李四" not in page.inner_text() and tenant.id_number not in page.inner_text()
        expect(page.get_by_test_id("overcrowded")).to_have_count(0)
        screenshot(tab, "01-landlord")

        # The full flat's "register a tenant": refused without a reason.
        flat = page.locator(f"[data-housing='{full.pk}']")
        add = flat.get_by_role("link", name=zh("Register a tenant"))
        big_enough(add, "登记租客")
        add.click()
        tab.wait_for_url(f"{portal.url}/residents/register/?housing={full.pk}")
        check_form(tab, "the landlord's registration form")
        offered = tab.locator("#id_housing option[value]:not([value=''])")
        expect(offered).to_have_count(2)
        assert str(theirs.pk) not in offered.evaluate_all("os => os.map(o => o.value)")
        expect(tab.locator("#id_housing")).to_have_value(str(full.pk))
        tab.fill("#id_name", "陈小明")
        tab.fill("#id_id_number", build_id_number("320102", dt.date(1998, 3, 8), 41))
        tab.select_option("#id_gender", "male")
        tab.fill("#id_birth_date", "1998-03-08")
        tab.fill("#id_origin", "江苏南京")
        tab.fill("#id_phone", "13600002222")
        tab.select_option("#id_category", "work")
        tab.fill("#id_arrived_on", f"{today - dt.timedelta(days=2):%Y-%m-%d}")
        tab.get_by_role("button", name=zh("Save")).click()
        refusal = zh(
            "%(address)s has %(beds)s beds and %(tenants)s registered tenants: one more is more tenants "
            "than beds. Give the reason, or choose other housing.",
            address=full.address,
            beds=1,
            tenants=1,
        )
        expect(tab.get_by_test_id("form-errors")).to_contain_text(refusal)
        check_form(tab, "the refused tenant")
        screenshot(tab, "02-refused")
        assert Resident.objects.count() == residents_before

        # A forged housing id (another landlord's flat) is not accepted either.
        tab.evaluate(
            """pk => { const s = document.querySelector('#id_housing');
                       s.add(new Option('x', pk)); s.value = pk; }""",
            str(theirs.pk),
        )
        tab.fill("#id_over_beds_reason", "临时借住")
        tab.get_by_role("button", name=zh("Save")).click()
        forged = tab.get_by_test_id("form-errors")
        expect(forged).to_be_visible()
        assert CJK.search(forged.inner_text()), forged.inner_text()
        assert Resident.objects.count() == residents_before

        # With a reason: accepted, and the flat is flagged overcrowded.
        tab.select_option("#id_housing", str(full.pk))
        tab.fill("#id_over_beds_reason", "夫妻同住一床")
        tab.get_by_role("button", name=zh("Save")).click()
        tab.wait_for_url(f"{portal.url}/residents/landlord/")
        expect(tab.locator(".messages")).to_contain_text(zh("%(name)s is registered.", name="陈小明"))
        flat = tab.locator(f"[data-housing='{full.pk}']")
        badge = flat.get_by_test_id("overcrowded")
        expect(badge).to_have_text(zh("Overcrowded"))
        # The flag stands out: a coloured badge, not plain text.
        background = badge.evaluate("b => getComputedStyle(b).backgroundColor")
        assert background not in ("rgba(0, 0, 0, 0)", "transparent"), background
        expect(flat.locator("tr[data-resident]")).to_have_count(2)
        expect(flat).to_contain_text("陈**")
        expect(tab.locator(f"[data-housing='{spare.pk}']").get_by_test_id("overcrowded")).to_have_count(0)
        check_page(tab, "the landlord's page, overcrowded")
        screenshot(tab, "03-overcrowded")

        # The first tenant moves out: the landlord deregisters them; the flat is no longer overcrowded.
        leave = tab.locator(f"tr[data-resident='{tenant.pk}']").get_by_role("link", name=zh("Deregister"))
        big_enough(leave, "注销登记")
        leave.click()
        tab.wait_for_url(f"{portal.url}/residents/{tenant.pk}/leave/")
        check_form(tab, "the landlord's deregistration form")
        expect(tab.locator("main h1")).to_contain_text("李*")
        assert "李四" not in tab.locator("main").inner_text()
        tab.fill("#id_left_on", f"{today:%Y-%m-%d}")
        tab.get_by_role("button", name=zh("Save")).click()
        expect(tab.get_by_test_id("form-errors")).to_contain_text(f"{zh('Reason for leaving')}：此项为必填项")
        tab.fill("#id_leave_reason", "合同到期")
        tab.get_by_role("button", name=zh("Save")).click()
        tab.wait_for_url(f"{portal.url}/residents/landlord/")
        expect(tab.locator(".messages")).to_contain_text(zh("The resident is deregistered."))
        flat = tab.locator(f"[data-housing='{full.pk}']")
        expect(flat.locator("tr[data-resident]")).to_have_count(1)
        expect(flat.get_by_test_id("overcrowded")).to_have_count(0)
        screenshot(tab, "04-moved-out")

        # Out of reach: another landlord's tenant (record, deregistration), the officers' pages.
        assert status_of(tab, f"{portal.url}/residents/{stranger.pk}/") == 404
        assert status_of(tab, f"{portal.url}/residents/{stranger.pk}/leave/") == 404
        assert status_of(tab, f"{portal.url}/residents/{tenant.pk}/") == 404  # own tenant: masked only
        # The tenant has left: a landlord sees current tenants only, so the record is gone for them.
        assert status_of(tab, f"{portal.url}/residents/{tenant.pk}/move/") == 404
        assert status_of(tab, f"{portal.url}/residents/housing/") == 403
        assert status_of(tab, f"{portal.url}/residents/list/") == 403
        assert status_of(tab, f"{portal.url}/residents/audit/") == 403
        assert status_of(tab, f"{portal.url}/api/residents/housing/{theirs.pk}/") == 404
        assert status_of(tab, f"{portal.url}/api/residents/housing/{full.pk}/") == 200
        # The register link of another landlord's flat offers only one's own housing.
        tab.goto(f"{portal.url}/residents/register/?housing={theirs.pk}")
        expect(tab.locator("#id_housing")).not_to_have_value(str(theirs.pk))
        assert theirs.address not in tab.locator("main").inner_text()
    finally:
        done(context)
    added = Resident.objects.get(name="陈小明")
    assert added.housing_id == full.pk and added.over_beds_reason == "夫妻同住一床"
    assert Resident.objects.count() == residents_before + 1
    tenant.refresh_from_db()
    assert tenant.left_on == today and tenant.leave_reason == "合同到期"
    assert not Resident.objects.filter(housing=theirs).exclude(pk=stranger.pk).exists()


def make_officer2(street):
    from tests.factories.orgchart import make_post_holder

    return make_post_holder(street["community2"], "shequ2", branch=street["branch2"])


# (c) the street's figures and their workbook -------------------------------------------------------


def test_street_reads_the_figures_and_the_workbook_matches(portal, browser, street, roles, screenshot):
    today = timezone.localdate()
    officer1, officer2 = roles["community_secretary"], make_officer2(street)
    flat1 = make_housing(make_landlord(street["community1"], name="王房东"), "幸福路1号101室", beds=1)
    flat2 = make_housing(make_landlord(street["community2"], name="赵房东"), "和平路8号201室", beds=4)
    recent = today - dt.timedelta(days=5)
    register(officer1, flat1, name="李四", category="work", arrived_on=recent)
    register(officer1, flat1, name="李五", category="family", joined_person="李四", relation="兄弟",
             arrived_on=recent, over_beds_reason="兄弟同住")  # fmt: skip
    register(officer2, flat2, name="赵六", category="study", school="职业技术学院", course="护理",
             arrived_on=recent)  # fmt: skip
    gone = register(officer2, flat2, name="赵七", category="other", arrived_on=recent)
    services.deregister(officer2, gone, today, "回原籍")
    cat = make_catalogue(street)
    file(street, cat["meals"])

    context = browser.new_context(locale="zh-CN", viewport=PHONE, is_mobile=True, has_touch=True,
                                  accept_downloads=True)  # fmt: skip
    context.set_default_timeout(30_000)
    violations: list[str] = []
    context.on(
        "console", lambda m: violations.append(m.text) if "Content Security Policy" in m.text else None
    )
    tab = context.new_page()
    try:
        log_in(tab, portal.url, "jiedao")
        tab.goto(f"{portal.url}/residents/figures/")
        check_page(tab, "the figures")
        expect(tab.locator("main h1")).to_contain_text(street["street"].name)
        sections = tab.locator("[data-section]")
        keys = sections.evaluate_all("ss => ss.map(s => s.dataset.section)")
        assert keys == ["by-category", "per-month", "overcrowded", "help"], keys
        titles = {
            "by-category": zh("Registered residents by category"),
            "per-month": zh("Arrivals and departures per month"),
            "overcrowded": zh("Overcrowded housing (more tenants than beds)"),
            "help": zh("Help requests"),
        }
        for key, title in titles.items():
            expect(tab.locator(f"[data-section='{key}'] h2")).to_have_text(title)
        screenshot(tab, "01-figures")

        def table(key: str) -> list[list[str]]:
            return tab.locator(f"[data-section='{key}'] > table.table-cards").evaluate(
                "t => [...t.rows].map(r => [...r.cells].map(c => c.textContent.trim()))"
            )

        shown = {key: table(key) for key in titles}
        # On the phone each table row is a card: every figure carries its column's name.
        for key in titles:
            labels = tab.locator(f"[data-section='{key}'] > table.table-cards tbody tr").evaluate_all(
                "rs => rs.map(r => [...r.cells].map(c => c.dataset.label || ''))"
            )
            assert labels and all(row == shown[key][0] for row in labels), (key, labels)
        # What the page says, in figures a person can check.
        by_category = {row[0]: row for row in shown["by-category"][1:]}
        assert by_category[street["community1"].name][-1] == "2"
        assert by_category[street["community2"].name][-1] == "1"  # the departed one no longer counts
        this_month = [row for row in shown["per-month"] if row[0] == f"{today:%Y-%m}"]
        if recent.month == today.month:
            assert this_month == [[f"{today:%Y-%m}", "4", "1"]]
        assert shown["overcrowded"][1:] == [[street["community1"].name, flat1.address, "1", "2"]]
        assert len(shown["help"]) >= 2

        export = tab.get_by_test_id("figures-export")
        big_enough(export, "导出Excel")
        with tab.expect_download() as info:
            export.click()
        download = info.value
        assert download.suggested_filename.endswith(".xlsx")
        book = load_workbook(BytesIO(Path(download.path()).read_bytes()), read_only=True)
        for key, title in titles.items():
            sheet = book[title[:31]]
            cells = [["" if v is None else str(v) for v in row] for row in sheet.iter_rows(values_only=True)]
            assert cells == shown[key], (key, cells, shown[key])
    finally:
        context.close()
    assert not violations, violations

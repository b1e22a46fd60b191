"""Notices in a real browser: a community secretary submits one in the Wagtail admin, the street
approves it, a member finds it by a two-character search and reads it, the secretary sees the read
count rise. And the care mode: larger type, remembered, nothing wider than a phone's screen."""

from __future__ import annotations

import re
import time

import pytest

try:
    from playwright.sync_api import expect
except ImportError:  # the `browser` fixture skips (or fails under E2E_REQUIRED) with the reason
    expect = None

from portal.models import NoticePage, SectionPage
from tests.e2e.conftest import DESKTOP, PHONE, log_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

TITLE = "社区义诊志愿服务通知"
WORD = "义诊"  # two characters, in the title and in no demo page (垃圾 is in one)
SUMMARY = "本周六上午在社区广场开展义诊，请有医护特长的党员报名参加。"
STEP = 30_000  # generous: two cores shared with other test runs


def new_tab(browser, viewport=DESKTOP, **options):
    context = browser.new_context(locale="zh-CN", viewport=viewport, **options)
    context.set_default_timeout(STEP)
    context.set_default_navigation_timeout(STEP)
    return context, context.new_page()


def branch_reads(tab, branch_name: str) -> str:
    row = tab.locator("table.table tbody tr", has=tab.locator("td", has_text=branch_name))
    return row.locator("td.reads").inner_text().strip()


def test_a_notice_is_submitted_approved_found_read_and_counted(portal, browser, screenshot, street):
    section = SectionPage.objects.get(organisation=street["community1"])

    # 1. The community secretary writes the notice in the admin and submits it to the street.
    shequ_ctx, shequ = new_tab(browser)
    log_in(shequ, portal.url, "shequ")
    shequ.goto(f"{portal.url}/admin/pages/{section.pk}/")
    screenshot(shequ, "1-admin-section")
    shequ.get_by_role("link", name="添加子页面").click()
    shequ.wait_for_url(re.compile(r"/add_subpage/"))
    shequ.get_by_role("link", name=re.compile(r"^\s*(通知公告|Notice)\s*$")).click()
    shequ.wait_for_url(re.compile(r"/add/portal/noticepage/"))
    shequ.locator("#id_title").fill(TITLE)
    shequ.locator("#id_summary").fill(SUMMARY)
    shequ.locator("#id_visibility").select_option("members")
    screenshot(shequ, "2-notice-form")
    shequ.locator("footer .dropdown-toggle, footer [data-w-dropdown-target=toggle]").first.click()
    shequ.get_by_role("button", name=re.compile("提交")).first.click()
    shequ.wait_for_load_state()
    screenshot(shequ, "3-submitted")
    notice = NoticePage.objects.get(title=TITLE)
    assert not notice.live
    state = notice.current_workflow_state
    assert state is not None and state.status == "in_progress"

    # 2. The street secretary approves it.
    jiedao_ctx, jiedao = new_tab(browser)
    log_in(jiedao, portal.url, "jiedao")
    jiedao.goto(f"{portal.url}/admin/")
    review = jiedao.locator("#awaiting-review-section tr", has_text=TITLE)
    expect(review).to_be_visible()
    screenshot(jiedao, "4-street-dashboard")
    review.locator("[data-w-dropdown-target=toggle]").click()
    review.get_by_role("button", name="批准", exact=True).click()
    wait_until(lambda: NoticePage.objects.get(pk=notice.pk).live, "the notice to go live")
    jiedao.wait_for_load_state()
    screenshot(jiedao, "5-approved")
    jiedao_ctx.close()

    # 3. Before anyone reads it, the secretary's read report shows 0 for the member's branch.
    shequ.goto(f"{portal.url}/admin/pages/{notice.pk}/edit/")
    open_read_report(shequ)
    assert branch_reads(shequ, street["branch1"].name) == "0"
    screenshot(shequ, "6-read-report-before")

    # 4. A member searches two characters, finds the notice and reads it.
    member_ctx, member = new_tab(browser)
    log_in(member, portal.url, "dangyuan")
    member.goto(f"{portal.url}/search/")
    box = member.get_by_role("searchbox")
    # A box an older reader can see and hit: real type size and a finger-sized target.
    assert box.evaluate("e => parseFloat(getComputedStyle(e).fontSize)") >= 16
    assert box.bounding_box()["height"] >= 44
    box.fill(WORD)
    member.locator("form.search-form button[type=submit]").click()
    member.wait_for_url(re.compile(r"/search/\?q="))
    results = member.get_by_test_id("search-results")
    hit = results.get_by_role("link", name=TITLE, exact=True)
    expect(hit).to_be_visible()
    screenshot(member, "7-search")
    hit.click()
    member.wait_for_url(portal.url + NoticePage.objects.get(pk=notice.pk).url)
    expect(member.locator("h1")).to_have_text(TITLE)
    expect(member.get_by_text(SUMMARY)).to_be_visible()
    screenshot(member, "8-notice")
    member_ctx.close()

    # 5. The secretary reloads the report: one reader in the branch now.
    shequ.reload()
    assert branch_reads(shequ, street["branch1"].name) == "1"
    screenshot(shequ, "9-read-report-after")
    shequ_ctx.close()


def open_read_report(tab):
    link = tab.get_by_role("link", name=re.compile(r"阅读情况|Who has read it"))
    if not link.first.is_visible():
        tab.locator("header [data-w-dropdown-target=toggle]").first.click()
    link.first.click()
    tab.wait_for_url(re.compile(r"/notices/\d+/reads/$"))


def wait_until(condition, what: str, timeout: float = STEP / 1000) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.2)


# Care mode ------------------------------------------------------------------------------------

ZOOM_200 = {"width": 640, "height": 450}  # a 1280 px window at 200 % zoom


def publish_public_notice(street) -> NoticePage:
    """A public notice in the first community's section, with a long title, as a community would."""
    section = SectionPage.objects.get(organisation=street["community1"])
    notice = section.add_child(
        instance=NoticePage(
            title="关于开展“健康家园”社区义诊志愿服务暨文明实践活动的通知（2026年第十一期）",
            slug="yizhen",
            visibility="public",
            summary=SUMMARY * 3,
        )
    )
    notice.save_revision().publish()
    return NoticePage.objects.get(pk=notice.pk)


def root_font_size(tab) -> float:
    return float(tab.evaluate("parseFloat(getComputedStyle(document.documentElement).fontSize)"))


def care_on(tab) -> bool:
    return tab.evaluate("document.documentElement.classList.contains('care-mode')")


def overflow(tab) -> tuple[int, int]:
    return tab.evaluate("[document.documentElement.scrollWidth, document.documentElement.clientWidth]")


def test_care_mode_enlarges_the_type_and_is_remembered(portal, browser, screenshot, street):
    notice = publish_public_notice(street)
    context, tab = new_tab(browser)
    tab.goto(portal.url + "/")
    toggle = tab.locator("[data-care-toggle]")
    expect(toggle).to_be_visible()
    expect(toggle).to_have_attribute("aria-pressed", "false")
    assert not care_on(tab)
    normal = root_font_size(tab)
    screenshot(tab, "1-normal")

    toggle.click()
    expect(toggle).to_have_attribute("aria-pressed", "true")
    assert care_on(tab)
    larger = root_font_size(tab)
    assert larger > normal
    screenshot(tab, "2-care-mode")

    # Remembered on the next page and after a reload.
    tab.goto(portal.url + notice.url)
    expect(tab.locator("[data-care-toggle]")).to_have_attribute("aria-pressed", "true")
    assert care_on(tab) and root_font_size(tab) == larger
    tab.reload()
    expect(tab.locator("[data-care-toggle]")).to_have_attribute("aria-pressed", "true")
    assert care_on(tab) and root_font_size(tab) == larger
    screenshot(tab, "3-notice-care-mode")

    # And off again, remembered too.
    tab.locator("[data-care-toggle]").click()
    expect(tab.locator("[data-care-toggle]")).to_have_attribute("aria-pressed", "false")
    assert not care_on(tab) and root_font_size(tab) == normal
    tab.reload()
    assert not care_on(tab)
    context.close()


@pytest.mark.parametrize(
    ("label", "viewport", "scale"), [("phone", PHONE, 1), ("zoom-200", ZOOM_200, 2)], ids=["phone", "zoom200"]
)
def test_nothing_overflows_sideways_on_a_phone_or_at_200_percent_zoom(
    portal, browser, screenshot, street, label, viewport, scale
):
    notice = publish_public_notice(street)
    context, tab = new_tab(browser, viewport=viewport, device_scale_factor=scale, is_mobile=scale == 1)
    pages = {"home": "/", "notice": notice.url, "search": f"/search/?q={WORD}"}
    for care in (False, True):
        for name, url in pages.items():
            tab.goto(portal.url + url)
            if care_on(tab) != care:
                tab.locator("[data-care-toggle]").click()
                assert care_on(tab) == care
            if name == "search":
                expect(tab.get_by_test_id("search-results")).to_be_visible()
            scroll_width, client_width = overflow(tab)
            mode = "care" if care else "normal"
            screenshot(tab, f"{label}-{mode}-{name}")
            assert scroll_width <= client_width, (
                f"{name} ({mode}) is {scroll_width}px wide in {client_width}px"
            )
    context.close()

"""Volunteering in a real browser, on phone-sized screens (issue 7): a member finds an activity of
their community and signs up; the community secretary shows the check-in code and QR code on the
organiser's page; the member types a wrong code, then the right one; the secretary sees them
present, completes the activity and the hours are credited; the member issues a certificate of
hours, downloads the PDF, and anyone can check its code on the public verify page."""

from __future__ import annotations

import datetime as dt
import io
import re

import pytest

try:
    from playwright.sync_api import expect
except ImportError:  # the `browser` fixture skips (or fails under E2E_REQUIRED) with the reason
    expect = None

from django.utils import timezone
from pypdf import PdfReader

from activities import services as activity_services
from activities.models import ActivityKind, Eligibility
from tests.e2e.conftest import PHONE, log_in
from tests.factories.volunteers import started
from volunteers.certificates import VERIFICATION_CODE_ALPHABET
from volunteers.models import HoursCertificate, SignUp

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

TITLE = "社区助老志愿服务"
PLACE = "第1社区党群服务中心"
HOURS = 2
STEP = 30_000  # generous: two cores shared with other test runs
CHECKIN_CODE = re.compile(r"^[23456789A-HJ-NP-Z]{6}$")
VERIFICATION_CODE = re.compile(r"^[23456789A-HJ-NP-Z]{5}-[23456789A-HJ-NP-Z]{5}$")


def phone(browser):
    """A phone: 375×740, touch, in Chinese."""
    context = browser.new_context(locale="zh-CN", viewport=PHONE, is_mobile=True, has_touch=True)
    context.set_default_timeout(STEP)
    context.set_default_navigation_timeout(STEP)
    return context, context.new_page()


def fits_the_phone(tab, name: str) -> None:
    """Nothing wider than the screen: no sideways scrolling on the page just opened."""
    scroll_width, inner_width = tab.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    assert scroll_width <= min(inner_width, PHONE["width"]), (
        f"{name} is {scroll_width}px wide on a {PHONE['width']}px phone"
    )


def messages(tab):
    return tab.locator("ul.messages")


def roster_row(tab, name: str):
    return tab.get_by_test_id("roster-row").filter(has=tab.locator("td", has_text=name))


def create_activity(street, organiser_user):
    """The community secretary publishes an activity for the community's members, starting in 20
    minutes: sign-up is still open and the check-in window (30 minutes before the start) already is."""
    starts_at = dt.datetime.now(dt.UTC).replace(microsecond=0) + dt.timedelta(minutes=20)
    return activity_services.create_activity(
        actor=organiser_user,
        organiser=street["community1"],
        open_now=True,
        kind=ActivityKind.VOLUNTEER_SERVICE,
        title=TITLE,
        place=PLACE,
        description="陪伴社区独居老人聊天、打扫卫生。",
        starts_at=starts_at,
        ends_at=starts_at + dt.timedelta(hours=HOURS),
        capacity=5,
        eligibility=Eligibility.SUBTREE,
        cancel_cutoff_hours=0,
    )


def test_member_signs_up_checks_in_by_code_and_downloads_the_certificate_on_a_phone(
    portal, browser, screenshot, street, roles
):
    secretary = roles["community_secretary"]
    member_name = roles["own_member"].name
    activity = create_activity(street, secretary)

    # 1. The member opens 志愿服务 from the menu on their phone and finds the activity.
    member_ctx, member = phone(browser)
    log_in(member, portal.url, "dangyuan")
    member.locator("nav.site-nav").get_by_role("link", name="志愿服务", exact=True).click()
    member.wait_for_url(portal.url + "/activities/")
    expect(member.locator("h1")).to_have_text("志愿服务")
    item = member.get_by_test_id("activity").filter(has_text=TITLE)
    expect(item).to_have_count(1)
    expect(item).to_contain_text(street["community1"].name)
    expect(item).to_contain_text("已报 0 / 共 5 个名额")
    fits_the_phone(member, "the activity list")
    screenshot(member, "01-member-activity-list")

    # 2. Opens it and signs up: told so in Chinese, the place is theirs.
    item.get_by_role("link", name=TITLE).click()
    member.wait_for_url(f"{portal.url}/activities/{activity.pk}/")
    expect(member.locator("h1")).to_have_text(TITLE)
    expect(member.get_by_test_id("activity-facts")).to_contain_text(PLACE)
    fits_the_phone(member, "the activity page")
    screenshot(member, "02-member-activity")
    member.get_by_test_id("sign-up").click()
    member.wait_for_url(f"{portal.url}/activities/{activity.pk}/")
    expect(messages(member)).to_contain_text(f"报名成功：{TITLE}。")
    expect(member.get_by_test_id("my-signup")).to_contain_text("您已报名成功。")
    expect(member.get_by_test_id("places")).to_have_text("已报 1 / 共 5 个名额")
    fits_the_phone(member, "the activity page after signing up")
    screenshot(member, "03-member-signed-up")

    # 3. 我的志愿服务 lists it as coming up, confirmed.
    member.locator("nav.site-nav").get_by_role("link", name="我的志愿服务", exact=True).click()
    member.wait_for_url(portal.url + "/activities/mine/")
    upcoming = member.get_by_test_id("upcoming").filter(has_text=TITLE)
    expect(upcoming).to_have_count(1)
    expect(upcoming).to_contain_text("已确认")
    fits_the_phone(member, "我的志愿服务")
    screenshot(member, "04-member-mine")

    # 4. The secretary opens the organiser's page on their phone: the code, the QR code, the member
    #    on the roster and not yet present.
    organiser_ctx, organiser = phone(browser)
    log_in(organiser, portal.url, "shequ")
    organiser.goto(f"{portal.url}/activities/{activity.pk}/")
    organiser.get_by_role("link", name="组织者页面：签到与时长").click()
    organiser.wait_for_url(f"{portal.url}/activities/{activity.pk}/organise/")
    code_shown = organiser.get_by_test_id("checkin-code")
    expect(code_shown).to_be_visible()
    code = code_shown.inner_text().strip()
    assert CHECKIN_CODE.match(code), code
    qr = organiser.locator(".checkin-code .qr svg")
    expect(qr).to_be_visible()
    box = qr.bounding_box()
    assert box["width"] >= 120 and box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"], box
    row = roster_row(organiser, member_name)
    expect(row).to_have_count(1)
    # On a phone the table becomes cards: each value carries its column's name.
    expect(row.locator("td").first).to_have_attribute("data-label", "姓名")
    expect(row.get_by_role("button", name="标记到场")).to_be_visible()
    fits_the_phone(organiser, "the organiser's check-in page")
    screenshot(organiser, "05-organiser-code")

    # 5. The member opens the check-in form and mistypes the code: told plainly, not checked in.
    member.goto(f"{portal.url}/activities/{activity.pk}/")
    member.get_by_test_id("my-signup").get_by_role("link", name="签到", exact=True).click()
    member.wait_for_url(f"{portal.url}/activities/{activity.pk}/check-in/")
    fits_the_phone(member, "the check-in form")
    # A field a thumb can hit and an older eye can read.
    field = member.get_by_label("签到码").bounding_box()
    assert field["height"] >= 44 and field["width"] >= PHONE["width"] / 2, field
    wrong = code[:-1] + next(c for c in VERIFICATION_CODE_ALPHABET if c != code[-1])
    member.get_by_label("签到码").fill(wrong)
    member.get_by_test_id("check-in").click()
    expect(member.get_by_test_id("check-in-error")).to_have_text("签到码不是本活动的签到码。")
    assert SignUp.objects.get(activity=activity, person=roles["member"]).checked_in_at is None
    fits_the_phone(member, "the check-in form with an error")
    screenshot(member, "06-member-wrong-code")

    # 6. Then types the code shown (in lower case, as a phone keyboard would) and is checked in.
    member.get_by_label("签到码").fill(code.lower())
    member.get_by_test_id("check-in").click()
    member.wait_for_url(f"{portal.url}/activities/{activity.pk}/")
    expect(messages(member)).to_contain_text("签到成功，感谢您的参与！")
    # The page keeps saying so (with the time), and offers no second check-in.
    expect(member.get_by_test_id("checked-in")).to_contain_text(re.compile(r"\d\d:\d\d"))
    expect(member.get_by_test_id("my-signup").get_by_role("link", name="签到", exact=True)).to_have_count(0)
    fits_the_phone(member, "the activity page after checking in")
    screenshot(member, "07-member-checked-in")

    # 7. The secretary reloads: the member is ticked present, with the time.
    organiser.reload()
    row = roster_row(organiser, member_name)
    expect(row.get_by_role("button", name=re.compile(r"^✓ \d\d:\d\d$"))).to_be_visible()
    expect(row.get_by_role("button", name="标记到场")).to_have_count(0)
    screenshot(organiser, "08-organiser-present")

    # 8. The activity takes place. Completing is refused before the start, and no test should wait
    #    two hours: its times are moved into the past straight in the database (as the unit tests
    #    do), then the secretary completes it with the page's button.
    started(activity, ago=dt.timedelta(hours=HOURS, minutes=5))
    organiser.reload()
    organiser.get_by_role("button", name="结束活动并记入时长").click()
    organiser.wait_for_url(f"{portal.url}/activities/{activity.pk}/organise/")
    expect(messages(organiser)).to_contain_text("活动已结束，服务时长已记入。")
    credited = organiser.locator("tr", has_text=member_name).locator("input[name=hours]")
    expect(credited).to_have_value(f"{HOURS}.00")
    expect(organiser.get_by_test_id("checkin-code")).to_have_count(0)  # check-in is over
    fits_the_phone(organiser, "the organiser's page after completion")
    screenshot(organiser, "09-organiser-completed")
    organiser_ctx.close()

    # 9. The member sees the hours in 我的志愿服务 and asks for a certificate of their hours.
    member.goto(portal.url + "/activities/mine/")
    expect(member.get_by_test_id("total-hours")).to_have_text(f"{HOURS}.00")
    history = member.get_by_test_id("history").filter(has_text=TITLE)
    expect(history).to_contain_text(f"{HOURS}.00")
    screenshot(member, "10-member-hours")
    member.get_by_role("link", name="开具我的志愿服务时长证明").click()
    member.wait_for_url(portal.url + "/activities/mine/certificates/")
    # The form opens on this year to today; the member asks for the month they served in.
    today = timezone.localdate()
    expect(member.locator("#id_start")).to_have_value(today.replace(month=1, day=1).isoformat())
    expect(member.locator("#id_end")).to_have_value(today.isoformat())
    fits_the_phone(member, "the certificates page")
    screenshot(member, "11-member-certificate-form")
    activity.refresh_from_db()
    served_on = timezone.localtime(activity.starts_at).date()
    member.locator("#id_start").fill(served_on.replace(day=1).isoformat())
    member.get_by_role("button", name="开具证明").click()
    member.wait_for_url(re.compile(r"/activities/mine/certificates/#c-\d+$"))
    expect(messages(member)).to_contain_text("证明已开具，请在下方下载。")
    issued = member.get_by_test_id("certificate")
    expect(issued).to_have_count(1)
    expect(issued).to_contain_text(f"{HOURS}.00")
    shown_code = issued.locator("code").inner_text().strip()
    assert VERIFICATION_CODE.match(shown_code), shown_code
    fits_the_phone(member, "the certificates page with the certificate")
    screenshot(member, "12-member-certificate")

    # 10. Downloads the PDF: a PDF, naming them, the activity, the hours and the code on the page.
    with member.expect_download() as download_info:
        issued.get_by_role("link", name="下载 PDF").click()
    download = download_info.value
    assert download.suggested_filename.endswith(".pdf")
    pdf = download.path().read_bytes()
    assert pdf.startswith(b"%PDF")
    text = "".join("".join(page.extract_text().split()) for page in PdfReader(io.BytesIO(pdf)).pages)
    assert f"验证码：{shown_code}" in text  # whitespace removed: pypdf spaces CJK text unevenly
    assert member_name in text and TITLE in text
    assert f"累计服务时长：{HOURS}小时" in text
    assert HoursCertificate.objects.get(person=roles["member"]).total_hours == HOURS
    member_ctx.close()

    # 11. Anyone checks the code on the public page, without logging in: the hours, the name masked.
    public_ctx, public = phone(browser)
    public.goto(f"{portal.url}/activities/verify/?code={shown_code}")
    verified = public.get_by_test_id("verified")
    expect(verified).to_be_visible()
    expect(verified).to_contain_text("此证明确由本平台出具")
    expect(verified).to_contain_text(f"{HOURS}.00")
    expect(verified.locator("dd").first).to_have_text("普**员")
    expect(verified.locator("dt").first).to_have_text("姓名")
    expect(verified).not_to_contain_text(member_name)
    fits_the_phone(public, "the public verify page")
    screenshot(public, "13-public-verify")
    public_ctx.close()

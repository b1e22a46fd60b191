"""The 三型社区书记 assessment in a real browser (issue 8): a member rates their community's
secretary on a phone, once; a resident without a login rates with a rating ticket (评议票) printed
by the street; the street's post-holder sorts and filters the score sheet and exports it to Excel.

What is asserted is what a person sees (the site runs zh-hans) plus, where it matters, what was
written: the number of ratings, whether the ticket is used.
"""

from __future__ import annotations

import io
import re
from decimal import Decimal

import pytest

try:
    from playwright.sync_api import expect
except ImportError:  # the `browser` fixture skips (or fails under E2E_REQUIRED) with the reason
    expect = None

from django.utils import timezone
from openpyxl import load_workbook
from pypdf import PdfReader

from assessments import scoring
from assessments.models import (
    AssessmentCycle,
    Phase,
    RaterKind,
    Rating,
    RatingAnswer,
    RatingParticipation,
    RatingTicket,
)
from assessments.ratings import TICKET_ALPHABET
from assessments.ticket_sheet import qr_payload
from tests.assessments.scoring_support import committee, community_with_secretary, scorers, small_cycle
from tests.e2e.conftest import DESKTOP, PHONE, log_in
from tests.factories.assessments import make_cycle

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

STEP = 30_000  # generous: two cores shared with other test runs
QUESTIONS = ("联系群众", "服务群众", "班子团结", "廉洁自律")
# One answer per question, each of the four once.
ANSWERS = ("好", "较好", "一般", "差")
TICKET_CODE = re.compile(rf"[{TICKET_ALPHABET}]{{5}}-[{TICKET_ALPHABET}]{{5}}")


def _ready(context):
    """Generous timeouts, and any Content Security Policy violation on any of its pages fails."""
    context.set_default_timeout(STEP)
    context.set_default_navigation_timeout(STEP)
    violations: list[str] = []
    context.on(
        "console", lambda msg: violations.append(msg.text) if "Content Security Policy" in msg.text else None
    )
    context.csp_violations = violations
    return context, context.new_page()


def phone(browser):
    """A phone: 375×740, touch, in Chinese."""
    return _ready(browser.new_context(locale="zh-CN", viewport=PHONE, is_mobile=True, has_touch=True))


def desktop(browser):
    return _ready(browser.new_context(locale="zh-CN", viewport=DESKTOP, accept_downloads=True))


def done(context) -> None:
    """Close the browser context; no page it showed broke the Content Security Policy."""
    violations = list(context.csp_violations)
    context.close()
    assert not violations, violations


def fits_the_phone(tab, name: str) -> None:
    """Nothing wider than the screen: no sideways scrolling on the page just opened."""
    scroll_width, inner_width = tab.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    assert scroll_width <= min(inner_width, PHONE["width"]), (
        f"{name} is {scroll_width}px wide on a {PHONE['width']}px phone"
    )


def thumb_sized(locator, what: str, *, min_height: float = 44) -> None:
    """A target a thumb can hit: at least 44 px high, and on the screen."""
    box = locator.bounding_box()
    assert box is not None, f"{what} is not displayed"
    assert box["height"] >= min_height, f"{what} is {box['height']}px high"
    assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"], f"{what} leaves the screen: {box}"


def tall_enough(locator, what: str) -> None:
    """A form control big enough to read and hit (the site's 48px tap height, 44 at the least)."""
    box = locator.bounding_box()
    assert box is not None and box["height"] >= 44, f"{what}: {box}"


def shown_as_error(alert) -> None:
    """A refusal stands out as one: the site's red error box, not plain text."""
    expect(alert).to_be_visible()
    background = alert.evaluate("node => getComputedStyle(node).backgroundColor")
    assert background not in ("rgba(0, 0, 0, 0)", "transparent"), background


def answer_every_question(tab) -> None:
    """Tap one answer per question (the whole label is the target, as a thumb would tap it)."""
    for number, (question, answer) in enumerate(zip(QUESTIONS, ANSWERS, strict=True), start=1):
        group = tab.get_by_role("group", name=f"{number}. {question}")
        expect(group).to_be_visible()
        # All four answers are offered, each big enough to tap.
        labels = {}
        for choice in ANSWERS:
            labels[choice] = group.locator("label", has_text=re.compile(rf"^\s*{choice}\s*$"))
            thumb_sized(labels[choice], f"{question} {choice}")
        # Tapped on the label's right half, away from the small radio circle itself.
        box = labels[answer].bounding_box()
        labels[answer].tap(position={"x": box["width"] * 0.75, "y": box["height"] / 2})
        expect(group.get_by_label(answer, exact=True)).to_be_checked()


def rating_cycle(street):
    """This year's cycle of the street, in its rating phase (述职评议), with the default questions."""
    cycle = make_cycle(street["street"], timezone.localdate().year)
    AssessmentCycle.objects.filter(pk=cycle.pk).update(phase=Phase.RATING)
    cycle.refresh_from_db()
    return cycle


# 1. A member rates on a phone -----------------------------------------------------------------


def test_member_rates_their_community_secretary_once_on_a_phone(portal, browser, screenshot, street, roles):
    cycle = rating_cycle(street)
    secretary_name = roles["community_secretary"].member.name

    # The member signs in on their phone and follows 民主评议 in the menu.
    context, member = phone(browser)
    log_in(member, portal.url, "dangyuan")
    menu_link = member.locator("nav.site-nav").get_by_role("link", name="民主评议", exact=True)
    thumb_sized(menu_link, "the menu's 民主评议 link")
    menu_link.click()
    member.wait_for_url(portal.url + "/assessments/rate/")
    expect(member.locator("h1")).to_have_text("评议社区书记")
    expect(member.locator(".lead")).to_have_text(f"第1社区党委 · 书记 {secretary_name}")
    expect(member.locator(".hint")).to_contain_text("评议为匿名")
    fits_the_phone(member, "the rating page")
    screenshot(member, "01-member-rating-form")

    # A second tab holds the same form, as a person who opened the link twice would.
    second = context.new_page()
    second.goto(portal.url + "/assessments/rate/")
    expect(second.get_by_role("button", name="提交评议")).to_be_visible()
    member.bring_to_front()  # back to the first tab (a hidden tab's animation frames are throttled)

    # Submitting with a question left open is stopped by the browser: nothing is sent.
    submit = member.get_by_role("button", name="提交评议")
    thumb_sized(submit, "the submit button")
    submit.click()
    expect(member).to_have_url(portal.url + "/assessments/rate/")
    assert not Rating.objects.exists()

    # Every question answered (好/较好/一般/差), then submitted: the thanks page.
    answer_every_question(member)
    screenshot(member, "02-member-answered")
    submit.click()
    member.wait_for_url(portal.url + "/assessments/thanks/")
    expect(member.locator("h1")).to_have_text("感谢您的评议")
    expect(member.locator(".lead")).to_have_text("您的评议已匿名记录。")
    fits_the_phone(member, "the thanks page")
    screenshot(member, "03-member-thanks")
    rating = Rating.objects.get()
    assert (rating.cycle_id, rating.community_id, rating.secretary_id, rating.rater_kind) == (
        cycle.pk,
        street["community1"].pk,
        roles["community_secretary"].member.pk,
        RaterKind.MEMBER,
    )
    assert sorted(RatingAnswer.objects.values_list("answer", flat=True)) == sorted(
        ["good", "fairly_good", "average", "poor"]
    )

    # Trying again from the menu: told they have already rated, no form.
    member.locator("nav.site-nav").get_by_role("link", name="民主评议", exact=True).click()
    member.wait_for_url(portal.url + "/assessments/rate/")
    expect(member.get_by_role("alert")).to_have_text("您已参加本年度评议，不能重复评议。")
    shown_as_error(member.get_by_role("alert"))
    expect(member.get_by_role("button", name="提交评议")).to_have_count(0)
    expect(member.get_by_role("radio")).to_have_count(0)
    fits_the_phone(member, "the rating page after rating")
    screenshot(member, "04-member-already-rated")

    # And the form left open in the second tab, filled and sent: refused the same way.
    second.bring_to_front()
    answer_every_question(second)
    second.get_by_role("button", name="提交评议").click()
    expect(second.get_by_role("alert")).to_have_text("您已参加本年度评议，不能重复评议。")
    assert Rating.objects.count() == 1
    assert RatingAnswer.objects.count() == len(QUESTIONS)
    assert RatingParticipation.objects.filter(cycle=cycle).count() == 1
    done(context)


# 2. A resident rates with a ticket ------------------------------------------------------------


def pdf_text(pdf: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


def test_resident_rates_with_a_printed_ticket_once(portal, browser, screenshot, street, roles):
    cycle = rating_cycle(street)
    secretary_name = roles["community_secretary"].member.name

    # The street's post-holder opens 评议票 from the admin menu and generates a sheet of 3 tickets
    # for the first community: the PDF downloads at once.
    office_ctx, office = desktop(browser)
    log_in(office, portal.url, "jiedao")
    office.goto(portal.url + "/admin/")
    office.get_by_role("link", name="评议票", exact=True).click()
    office.wait_for_url(portal.url + "/assessments/tickets/")
    expect(office.locator("h1")).to_have_text("评议票")
    expect(office.get_by_label("考评")).to_have_value(str(cycle.pk))
    for label in ("考评", "社区", "张数"):
        tall_enough(office.get_by_label(label), label)
    office.get_by_label("社区").select_option(label="第1社区党委")
    office.get_by_label("张数").fill("3")
    with office.expect_download() as download_info:
        office.get_by_role("button", name="生成并下载评议票").click()
    download = download_info.value
    assert download.suggested_filename == f"rating-tickets-{street['community1'].code}.pdf"
    pdf = download.path().read_bytes()
    assert pdf.startswith(b"%PDF")
    # The codes as a person reads them off the paper, and the address printed to type them in.
    printed = pdf_text(pdf)
    codes = TICKET_CODE.findall(printed)
    assert len(codes) == 3 and len(set(codes)) == 3, codes
    assert f"{portal.url}/assessments/ticket/" in "".join(printed.split())  # wrapped lines rejoined
    assert RatingTicket.objects.filter(batch__community=street["community1"], used_on=None).count() == 3
    # The sheet is listed (the codes are not: they exist only on the paper).
    office.reload()
    listed = office.locator("table tbody tr")
    expect(listed).to_have_count(1)
    expect(listed).to_contain_text("第1社区党委")
    expect(listed.locator("td").nth(1)).to_have_text("3")
    expect(office.locator("body")).not_to_contain_text(codes[0])
    screenshot(office, "01-office-ticket-sheets")
    done(office_ctx)

    # A resident at the meeting opens the address on the ticket on their phone and types the
    # code as people do: lower case, a space instead of the dash.
    context, resident = phone(browser)
    resident.goto(portal.url + "/assessments/ticket/")  # the address printed on the ticket
    expect(resident.locator("h1")).to_have_text("凭评议票评议")
    field = resident.get_by_label("评议票上的票码")
    thumb_sized(field, "the code field")
    thumb_sized(resident.get_by_role("button", name="下一步"), "the next button")
    fits_the_phone(resident, "the ticket entry page")
    screenshot(resident, "02-resident-ticket-entry")
    typed = codes[0].replace("-", " ").lower()
    field.fill(typed)
    resident.get_by_role("button", name="下一步").click()
    expect(resident.locator("h1")).to_have_text("评议社区书记")
    # The code travelled in the form's body, never in an address a server log would keep.
    assert resident.url == f"{portal.url}/assessments/ticket/"
    expect(resident.locator(".lead")).to_have_text(f"第1社区党委 · 书记 {secretary_name}")
    fits_the_phone(resident, "the ticket rating page")
    answer_every_question(resident)
    screenshot(resident, "03-resident-answered")
    resident.get_by_role("button", name="提交评议").click()
    resident.wait_for_url(portal.url + "/assessments/thanks/")
    expect(resident.locator("h1")).to_have_text("感谢您的评议")
    screenshot(resident, "04-resident-thanks")
    rating = Rating.objects.get()
    assert (rating.community_id, rating.rater_kind) == (street["community1"].pk, RaterKind.RESIDENT)
    assert RatingTicket.objects.filter(used_on__isnull=False).count() == 1

    # The same ticket again (typed with its dash this time): refused in Chinese, nothing written.
    resident.goto(portal.url + "/assessments/ticket/")
    resident.get_by_label("评议票上的票码").fill(codes[0])
    resident.get_by_role("button", name="下一步").click()
    expect(resident.get_by_role("alert")).to_have_text("该评议票已使用。")
    shown_as_error(resident.get_by_role("alert"))
    expect(resident.get_by_role("radio")).to_have_count(0)
    fits_the_phone(resident, "the used-ticket refusal")
    screenshot(resident, "05-resident-used-ticket")

    # The second ticket's QR code: the address with the code after "#" (never sent to the
    # server); the page's script fills the form, clears the address bar and sends it.
    resident.goto("about:blank")  # a scan opens the page afresh (not a jump within this page)
    resident.goto(qr_payload(portal.url + "/assessments/ticket/", codes[1]))
    expect(resident.locator("h1")).to_have_text("评议社区书记")
    assert codes[1] not in resident.url and codes[1].replace("-", "") not in resident.url
    answer_every_question(resident)
    resident.get_by_role("button", name="提交评议").click()
    resident.wait_for_url(portal.url + "/assessments/thanks/")
    assert RatingTicket.objects.filter(used_on__isnull=False).count() == 2
    assert Rating.objects.count() == 2

    # A made-up code of the right shape, and one of the wrong shape: both refused plainly.
    made_up = next(
        f"{a}{a}{a}{a}{a}-{b}{b}{b}{b}{b}"
        for a in TICKET_ALPHABET
        for b in TICKET_ALPHABET
        if f"{a * 5}-{b * 5}" not in codes
    )
    for attempt in (made_up, "12345"):
        resident.goto(portal.url + "/assessments/ticket/")
        resident.get_by_label("评议票上的票码").fill(attempt)
        resident.get_by_role("button", name="下一步").click()
        expect(resident.get_by_role("alert")).to_have_text("评议票码无效。")
        shown_as_error(resident.get_by_role("alert"))
        expect(resident.get_by_role("radio")).to_have_count(0)
    screenshot(resident, "06-resident-invalid-ticket")
    assert Rating.objects.count() == 2
    assert RatingTicket.objects.filter(used_on__isnull=False).count() == 2
    done(context)


# 3. The street's score sheet and its export ---------------------------------------------------


def frozen_cycle(street, roles):
    """This year's cycle in 公示 with frozen results for four secretaries in three bands:
    the fixture's community-1 secretary and three more communities' (committee scores by hand,
    ratings given as satisfaction percentages)."""
    root = street["street"]
    cycle, ind = small_cycle(root, timezone.localdate().year)
    by = scorers(root, 1)
    secretaries = {"shequ": roles["community_secretary"].member}
    ratings = {street["community1"].pk: (100.0, 100.0)}
    for name, percents in (("a", (80.0, 90.0)), ("b", (None, None)), ("c", (50.0, 70.0))):
        community, member = community_with_secretary(root)
        secretaries[name] = member
        ratings[community.pk] = percents
    given = {  # (学习型 committee, 实干型 committee, 和谐型 committee)
        "shequ": (18, 30, 10),  # + 10 + 20 rating = 88: 称职
        "a": (18, 30, 10),  # + 8 + 18 = 84: 称职
        "b": (10, 20, 5),  # 35: 不称职
        "c": (18, 30, 10),  # + 5 + 14 = 77: 基本称职
    }
    for name, (learning, practical, harmonious) in given.items():
        member = secretaries[name]
        committee(cycle, ind["L-committee"], member, [learning], by)
        committee(cycle, ind["P-committee"], member, [practical], by)
        committee(cycle, ind["H-committee"], member, [harmonious], by)
    scoring.freeze_scores(cycle, rating_scores=ratings)
    AssessmentCycle.objects.filter(pk=cycle.pk).update(phase=Phase.PUBLICITY, scores_frozen_at=timezone.now())
    cycle.refresh_from_db()
    return cycle, secretaries


def shown_rows(tab) -> list[dict[str, str]]:
    """The sheet's rows as the page shows them."""
    rows = []
    for row in tab.get_by_test_id("row").all():
        cells = [cell.inner_text().strip() for cell in row.locator("td").all()]
        rows.append(
            {
                "rank": cells[0],
                "name": cells[1],
                "community": cells[2],
                "learning": cells[3],
                "practical": cells[4],
                "harmonious": cells[5],
                "total": cells[6],
                "band": cells[7],
                "recommended": cells[8],
                "data_band": row.get_attribute("data-band"),
            }
        )
    return rows


def test_street_sorts_filters_and_exports_the_score_sheet(portal, browser, screenshot, street, roles):
    cycle, secretaries = frozen_cycle(street, roles)
    names = {key: member.name for key, member in secretaries.items()}

    # The street's post-holder opens 评分表 from the admin menu: the latest cycle's sheet.
    context, office = desktop(browser)
    log_in(office, portal.url, "jiedao")
    office.goto(portal.url + "/admin/")
    office.get_by_role("link", name="评分表", exact=True).click()
    office.wait_for_url(f"{portal.url}/assessments/sheet/{cycle.pk}/")
    expect(office.locator("h1")).to_have_text("评分表 · 测试街道党工委" + f"{cycle.year}年度考评")
    expect(office.get_by_test_id("provisional")).to_have_count(0)  # frozen in 公示
    expect(office.get_by_test_id("row")).to_have_count(4)
    expect(office.locator(".radar-cell svg")).to_have_count(4)
    screenshot(office, "01-office-sheet")

    # By rank (the default): 88, 84, 77, 35; the top three recommended.
    everyone = shown_rows(office)
    assert [r["name"] for r in everyone] == [names["shequ"], names["a"], names["c"], names["b"]]
    assert [r["rank"] for r in everyone] == ["1", "2", "3", "4"]
    assert [r["total"] for r in everyone] == ["88.00", "84.00", "77.00", "35.00"]
    assert [r["band"] for r in everyone] == ["称职", "称职", "基本称职", "不称职"]
    assert [r["recommended"] for r in everyone] == ["✓", "✓", "✓", ""]
    assert everyone[0]["community"] == "第1社区党委"

    # Sorted by name, then by total (highest first), with the column headings.
    office.get_by_test_id("sheet").locator("thead").get_by_role("link", name="书记", exact=True).click()
    office.wait_for_url(re.compile(r"\?sort=name&band=$"))
    by_name = [r["name"] for r in shown_rows(office)]
    assert by_name == sorted(names.values())
    office.get_by_test_id("sheet").locator("thead").get_by_role("link", name="合计", exact=True).click()
    office.wait_for_url(re.compile(r"\?sort=-total&band=$"))
    assert [r["total"] for r in shown_rows(office)] == ["88.00", "84.00", "77.00", "35.00"]

    # Filtered to 称职: the two secretaries in that band, still sorted by total.
    office.get_by_role("combobox", name="等次").select_option(label="称职")
    office.get_by_role("button", name="查看", exact=True).click()
    office.wait_for_url(re.compile(r"band=good"))
    filtered = shown_rows(office)
    assert [r["name"] for r in filtered] == [names["shequ"], names["a"]]
    assert {r["data_band"] for r in filtered} == {"good"}
    expect(office.get_by_role("combobox", name="等次")).to_have_value("good")
    # The filter keeps the sort, and sorting keeps the filter.
    assert "sort=-total" in office.url
    office.get_by_test_id("sheet").locator("thead").get_by_role("link", name="书记", exact=True).click()
    office.wait_for_url(re.compile(r"\?sort=name&band=good$"))
    assert [r["name"] for r in shown_rows(office)] == sorted([names["shequ"], names["a"]])
    screenshot(office, "02-office-sheet-filtered")

    # The Excel export: every secretary (not only the filtered ones), with the totals shown.
    with office.expect_download() as download_info:
        office.get_by_role("link", name="导出 Excel").click()
    download = download_info.value
    assert download.suggested_filename.endswith(".xlsx")
    book = load_workbook(io.BytesIO(download.path().read_bytes()), read_only=True)
    assert book.sheetnames == ["得分", "指标", "调整记录"]  # the overrides sheet: empty here
    scores = list(book["得分"].iter_rows(values_only=True))
    header, lines = scores[0], scores[1:]
    assert header[:9] == ("排名", "书记", "社区", "学习型", "实干型", "和谐型", "合计", "等次", "推荐")
    exported = [
        {
            "rank": str(line[0]),
            "name": line[1],
            "community": line[2],
            "learning": f"{Decimal(str(line[3])):.2f}",
            "practical": f"{Decimal(str(line[4])):.2f}",
            "harmonious": f"{Decimal(str(line[5])):.2f}",
            "total": f"{Decimal(str(line[6])):.2f}",
            "band": line[7],
            "recommended": "✓" if line[8] == "是" else "",
        }
        for line in lines
    ]
    assert exported == [{k: v for k, v in row.items() if k != "data_band"} for row in everyone]
    assert all(line[11] == "否" for line in lines)  # not provisional
    detail = list(book["指标"].iter_rows(values_only=True))
    assert len(detail) == 1 + 4 * cycle.indicators.count()
    assert {line[0] for line in detail[1:]} == set(names.values())
    done(context)


def test_score_sheet_is_usable_on_a_phone(portal, browser, screenshot, street, roles):
    """The same sheet on a post-holder's phone: it fits, each card names its figures, and it can
    be sorted and filtered without the table's headings (hidden on a phone)."""
    cycle, secretaries = frozen_cycle(street, roles)
    names = {key: member.name for key, member in secretaries.items()}
    context, office = phone(browser)
    log_in(office, portal.url, "jiedao")
    office.goto(f"{portal.url}/assessments/sheet/{cycle.pk}/")
    expect(office.get_by_test_id("row")).to_have_count(4)
    expect(office.get_by_test_id("sheet").locator("thead")).not_to_be_in_viewport()
    fits_the_phone(office, "the score sheet")
    screenshot(office, "01-office-sheet-phone")
    labels = ["排名", "书记", "社区", "学习型", "实干型", "和谐型", "合计", "等次", "推荐", "雷达图"]
    cells = office.get_by_test_id("row").first.locator("td")
    assert [cells.nth(i).get_attribute("data-label") for i in range(len(labels))] == labels
    # The label is drawn before the figure (CSS generated content, as a person sees it).
    before = cells.nth(6).evaluate("cell => getComputedStyle(cell, '::before').content")
    assert before == '"合计"', before
    band, sort = office.get_by_role("combobox", name="等次"), office.get_by_label("排序方式")
    show = office.get_by_role("button", name="查看", exact=True)
    for control, what in ((band, "the band filter"), (sort, "the sort menu"), (show, "the show button")):
        thumb_sized(control, what)

    # Sorted by name and filtered to 称职, from the form alone.
    sort.select_option("name")
    band.select_option(label="称职")
    show.tap()
    office.wait_for_url(re.compile(r"\?band=good&sort=name$"))
    assert [r["name"] for r in shown_rows(office)] == sorted([names["shequ"], names["a"]])
    expect(office.get_by_role("combobox", name="等次")).to_have_value("good")
    expect(office.get_by_label("排序方式")).to_have_value("name")
    fits_the_phone(office, "the filtered score sheet")
    screenshot(office, "02-office-sheet-phone-filtered")
    done(context)

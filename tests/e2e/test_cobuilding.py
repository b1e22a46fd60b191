"""Co-building (issue 9) in a real browser, on a 375 px phone:

(a) a community secretary opens the community's needs in the admin, opens an open need's matching
    suggestions, turns the best match into a project in one step, and sees the project in the
    project list (项目清单, "共建项目") with the need now met;
(b) an employed member reported in where they live (双报到) finds the residence community's open
    activity, signs up; after the activity the community's report-in page shows their hours;
(c) a unit contact follows the nav link to their unit's page, reads its agreements, resources and
    the needs published to it, and cannot open another unit's rows (404 / the admin refuses).

Asserted: what a person sees (Chinese), no sideways scrolling at 375 px, main buttons ≥ 40 px.
"""

from __future__ import annotations

import datetime as dt
import re

import pytest

try:
    from playwright.sync_api import expect
except ImportError:  # the `browser` fixture skips (or fails under E2E_REQUIRED) with the reason
    expect = None

from django.utils import timezone

from activities.models import Eligibility
from cobuilding import services
from cobuilding.models import Need, NeedStatus, Project
from orgchart.models import MemberCategory, OrgKind
from tests.e2e.conftest import PHONE, log_in
from tests.e2e.test_assessment import done, phone  # a 375 px touch context that records CSP violations
from tests.factories.cobuilding import make_agreement, make_need, make_resource
from tests.factories.orgchart import MemberFactory, UserFactory, make_org
from tests.factories.volunteers import make_activity, started
from volunteers import services as volunteer_services
from volunteers.models import SignUp

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

MIN_BUTTON = 40


def fits_the_phone(tab, name: str) -> None:
    """No sideways scrolling: the page is no wider than the 375 px screen."""
    width = tab.evaluate("document.scrollingElement.scrollWidth")
    assert width <= PHONE["width"], f"{name} is {width}px wide on a {PHONE['width']}px phone"


def big_enough(locator, what: str) -> None:
    """A main action a thumb can hit: at least 40 px high and wide, on the screen."""
    box = locator.bounding_box()
    assert box is not None, f"{what} is not displayed"
    assert box["height"] >= MIN_BUTTON and box["width"] >= MIN_BUTTON, f"{what}: {box}"
    assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"], f"{what} leaves the screen: {box}"


def _units(street):
    return {
        "hospital": make_org(street["street"], OrgKind.UNIT, name="区中心医院党委", code="DW1"),
        "school": make_org(street["street"], OrgKind.UNIT, name="实验小学党支部", code="DW2"),
    }


# (a) the secretary makes a project from the best match --------------------------------------------


def test_secretary_turns_the_best_match_into_a_project_on_a_phone(portal, browser, screenshot, street, roles):
    today = timezone.localdate()
    units = _units(street)
    community = street["community1"]
    # The hospital co-builds with the community (best: tier 0, partner); the school is elsewhere in
    # the street (tier 1).
    make_agreement(
        community,
        units["hospital"],
        starts_on=today - dt.timedelta(days=30),
        ends_on=today + dt.timedelta(days=300),
    )
    best = make_resource(community, units["hospital"], description="医院多功能厅", available_from=today)
    make_resource(street["community2"], units["school"], description="学校礼堂", available_from=today)
    need = make_need(
        community,
        description="暑期托管场地",
        wanted_from=today + dt.timedelta(days=10),
        wanted_until=today + dt.timedelta(days=40),
    )

    context, tab = phone(browser)
    try:
        log_in(tab, portal.url, "shequ")
        tab.goto(f"{portal.url}/admin/cobuilding/needs/")
        row = tab.locator("tr", has_text="暑期托管场地")
        expect(row).to_have_count(1)
        expect(row).to_contain_text("正常")
        # The wanted period reads as dates (Wagtail's relative DateColumn said "刚刚" for the future).
        expect(row).to_contain_text(f"{need.wanted_from:%Y-%m-%d}")
        expect(row).to_contain_text(f"{need.wanted_until:%Y-%m-%d}")
        expect(row).not_to_contain_text("刚刚")
        fits_the_phone(tab, "the needs list")
        screenshot(tab, "01-needs")
        # The row's more-actions menu offers the suggestions (匹配建议).
        row.get_by_role("button", name=re.compile("更多")).click()
        tab.get_by_role("link", name="匹配建议").click()
        tab.wait_for_url(f"{portal.url}/admin/cobuilding/needs/match/{need.pk}/")
        expect(tab.get_by_role("heading", name="匹配建议（最佳在前）")).to_be_visible()
        ranked = tab.locator("table.listing tbody tr")
        expect(ranked).to_have_count(2)
        expect(ranked.first).to_contain_text("区中心医院党委")
        expect(ranked.nth(1)).to_contain_text("实验小学党支部")
        fits_the_phone(tab, "the suggestions page")
        screenshot(tab, "02-suggestions")
        # The best match's resource, first in the tick list, makes the project in one step.
        ticks = tab.locator('label:has(input[name="resources"])')
        expect(ticks).to_have_count(2)
        expect(ticks.first).to_contain_text("区中心医院党委 · 场地 ×1")
        ticks.first.locator("input").check()
        tab.fill('input[name="title"]', "暑期托管共建项目")
        submit = tab.get_by_role("button", name="生成项目")
        big_enough(submit, "生成项目")
        submit.click()
        expect(tab.locator(".messages")).to_contain_text("已生成项目“暑期托管共建项目”。")
        screenshot(tab, "03-made")
        # The project list (项目清单) shows it, planned; the need is met.
        tab.goto(f"{portal.url}/admin/cobuilding/projects/")
        project_row = tab.locator("tr", has_text="暑期托管共建项目")
        expect(project_row).to_have_count(1)
        expect(project_row).to_contain_text("计划中")
        fits_the_phone(tab, "the project list")
        screenshot(tab, "04-projects")
        tab.goto(f"{portal.url}/admin/cobuilding/needs/")
        expect(tab.locator("tr", has_text="暑期托管场地")).to_contain_text("已满足")
    finally:
        done(context)
    project = Project.objects.get()
    assert project.need_id == need.pk and list(project.resources.all()) == [best]
    assert Need.objects.get(pk=need.pk).status == NeedStatus.MET


# (b) a reported-in member signs up where they live --------------------------------------------------


def test_reported_in_member_signs_up_and_the_community_sees_their_hours(
    portal, browser, screenshot, street, roles
):
    units = _units(street)
    branch = make_org(units["hospital"], OrgKind.BRANCH, name="医院第一党支部", code="DW1-ZB1")
    member = MemberFactory(
        organisation=branch,
        category=MemberCategory.EMPLOYED,
        user=UserFactory(username="zaizhi"),
        name="在职党员甲",
    )
    services.report_in(
        actor=None,
        member=member,
        community=street["community1"],
        reported_on=timezone.localdate() - dt.timedelta(days=30),
        skills="急救",
    )
    title = "社区共建清洁家园"
    activity = make_activity(street["community1"], title=title, eligibility=Eligibility.SUBTREE)

    context, tab = phone(browser)
    try:
        log_in(tab, portal.url, "zaizhi")
        tab.locator("nav.site-nav").get_by_role("link", name="志愿服务", exact=True).click()
        tab.wait_for_url(portal.url + "/activities/")
        item = tab.get_by_test_id("activity").filter(has_text=title)
        expect(item).to_have_count(1)
        expect(item).to_contain_text(street["community1"].name)
        fits_the_phone(tab, "the activity list")
        item.get_by_role("link", name=title).click()
        tab.wait_for_url(f"{portal.url}/activities/{activity.pk}/")
        sign_up = tab.get_by_test_id("sign-up")
        big_enough(sign_up, "报名")
        sign_up.click()
        expect(tab.locator("ul.messages")).to_contain_text(f"报名成功：{title}。")
        expect(tab.get_by_test_id("my-signup")).to_contain_text("您已报名成功。")
        fits_the_phone(tab, "the activity page")
        screenshot(tab, "01-signed-up")
    finally:
        done(context)
    signup = SignUp.objects.get(activity=activity, person=member.user)

    # The activity takes place; the organiser ticks them present and completes it (hours credited).
    started(activity, ago=dt.timedelta(hours=3))
    secretary = roles["community_secretary"]
    volunteer_services.tick(signup, actor=secretary)
    volunteer_services.complete_activity(activity, actor=secretary)

    context, tab = phone(browser)
    try:
        log_in(tab, portal.url, "shequ")
        tab.goto(f"{portal.url}/cobuilding/report-ins/{street['community1'].pk}/")
        expect(tab.locator("h1")).to_contain_text("到本社区报到的党员")
        row = tab.get_by_test_id("report-in").filter(has_text="在职党员甲")
        expect(row).to_have_count(1)
        expect(row).to_contain_text("医院第一党支部")
        expect(row).to_contain_text("急救")
        expect(row.locator(".cell-ok")).to_have_text("2.00")
        expect(tab.get_by_test_id("summary")).to_contain_text("已报到 1 人；已服务 1 人，尚未服务 0 人；共 2")
        fits_the_phone(tab, "the report-in page")
        screenshot(tab, "02-report-ins")
    finally:
        done(context)


# (c) a unit contact reads their unit's page, and nothing of another unit -------------------------


def test_unit_contact_reads_their_units_page_and_not_another_units(
    portal, browser, screenshot, street, roles
):
    today = timezone.localdate()
    units = _units(street)
    community = street["community1"]
    contact = UserFactory(username="lianluoren")
    services.add_unit_contact(actor=None, user=contact, unit_org=units["hospital"])
    make_agreement(
        community,
        units["hospital"],
        starts_on=today,
        ends_on=today + dt.timedelta(days=365),
        community_contact="张书记",
    )
    make_resource(community, units["hospital"], description="医院多功能厅", available_from=today)
    make_need(
        community,
        description="健康讲座专家",
        kind="experts",
        wanted_from=today,
        wanted_until=today + dt.timedelta(days=30),
        published_to=[units["hospital"]],
    )
    other = {
        "agreement": make_agreement(
            community, units["school"], starts_on=today, ends_on=today + dt.timedelta(days=365)
        ),
        "resource": make_resource(community, units["school"], description="学校礼堂", available_from=today),
        "need": make_need(
            community,
            description="只给学校的需求",
            wanted_from=today,
            wanted_until=today + dt.timedelta(days=30),
            published_to=[units["school"]],
        ),
    }

    context, tab = phone(browser)
    try:
        log_in(tab, portal.url, "lianluoren")
        link = tab.locator("nav.site-nav").get_by_role("link", name="本单位共建", exact=True)
        expect(link).to_be_visible()
        link.click()
        tab.wait_for_url(portal.url + "/cobuilding/unit/")
        expect(tab.locator("h1")).to_have_text("本单位共建")
        expect(tab.get_by_test_id("units")).to_have_text("区中心医院党委")
        expect(tab.get_by_test_id("agreement")).to_have_count(1)
        expect(tab.get_by_test_id("agreement")).to_contain_text("张书记")
        expect(tab.get_by_test_id("resource")).to_have_count(1)
        expect(tab.get_by_test_id("resource")).to_contain_text("医院多功能厅")
        expect(tab.get_by_test_id("need")).to_have_count(1)
        expect(tab.get_by_test_id("need")).to_contain_text("健康讲座专家")
        body = tab.locator("body")
        for text in ("学校礼堂", "只给学校的需求", "实验小学党支部"):
            expect(body).not_to_contain_text(text)
        fits_the_phone(tab, "the unit page")
        screenshot(tab, "01-unit-page")

        # Another unit's rows, by address: the API answers 404, the admin lets them in nowhere.
        for collection in ("agreements", "resources", "needs"):
            response = tab.goto(f"{portal.url}/api/cobuilding/{collection}/{other[collection[:-1]].pk}/")
            assert response.status == 404, collection
        response = tab.goto(f"{portal.url}/admin/cobuilding/agreements/inspect/{other['agreement'].pk}/")
        assert response.status in (403, 404) or "/login/" in tab.url, tab.url
        expect(tab.locator("body")).not_to_contain_text("实验小学党支部")
        # The community's own pages are not theirs either: the portal's Chinese refusal.
        response = tab.goto(f"{portal.url}/cobuilding/report-ins/{community.pk}/")
        assert response.status == 403
        expect(tab.locator("h1")).to_have_text("抱歉，您无权打开此页面")
        fits_the_phone(tab, "the refusal page")
        screenshot(tab, "02-refused")
    finally:
        done(context)

"""The officers' residents pages on a 375 px phone: nothing of a page's main part (the filter
form's community drop-down above all) leaves the screen or is cut off by its box, even with a
community whose name is longer than the screen is wide. The street officer's list, rented housing
and figures pages, in a real browser."""

from __future__ import annotations

import pytest

from orgchart.models import OrgKind
from tests.e2e.conftest import PHONE, log_in
from tests.e2e.test_assessment import done, phone
from tests.factories.orgchart import make_org
from tests.factories.residents import make_housing, make_landlord, register

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

LONG_NAME = "幸福里街道第十二居民区（含花园新村、和平里小区、建设新村）联合党总支部委员会"

OUT_OF_PLACE = """(width) => {
    const out = [];
    for (const el of document.querySelectorAll('main *')) {
        if (el.offsetParent === null) continue;
        const box = el.getBoundingClientRect();
        if (box.width === 0) continue;
        const parent = el.parentElement.getBoundingClientRect();
        if (box.right <= 0) continue;  // put aside on purpose (a phone's hidden table head)
        const what = `${el.tagName}#${el.id || ''}.${el.className || ''}`;
        if (box.left < -0.5 || box.right > width + 0.5) {
            out.push(`${what} leaves the screen: ${box.left}..${box.right}`);
        } else if (el.matches('form *') && (box.right > parent.right + 0.5 || box.left < parent.left - 0.5)) {
            out.push(`${what} is cut off by its box: ${box.right} > ${parent.right}`);
        }
    }
    return out;
}"""


def nothing_leaves_the_screen(tab, name: str) -> None:
    width = PHONE["width"]
    assert tab.evaluate("window.innerWidth") == width
    out = tab.evaluate(OUT_OF_PLACE, width)
    assert not out, f"{name}: {out}"
    scroll = tab.evaluate("document.scrollingElement.scrollWidth")
    assert scroll <= width, f"{name} is {scroll}px wide"


def test_the_filter_forms_fit_a_375px_phone(portal, browser, street, roles):
    long_community = make_org(street["street"], OrgKind.COMMUNITY, name=LONG_NAME, code="SQ9")
    landlord = make_landlord(long_community, name="王房东")
    flat = make_housing(landlord, "幸福里街道花园新村一百二十八弄三十六号五零二室", rooms=2, beds=2)
    register(roles["street_secretary"], flat, name="李四")

    context, tab = phone(browser)
    try:
        log_in(tab, portal.url, "jiedao")
        tab.goto(f"{portal.url}/residents/list/")
        options = tab.locator("#id_community option").all_inner_texts()
        assert LONG_NAME in options  # the drop-down offers the long name
        select = tab.locator("#id_community").bounding_box()
        assert select is not None and select["height"] >= 40
        nothing_leaves_the_screen(tab, "居民列表")
        tab.select_option("#id_community", label=LONG_NAME)
        tab.click("main form.filters button[type=submit]")
        tab.wait_for_url(f"**/residents/list/?community={long_community.pk}*")
        nothing_leaves_the_screen(tab, "居民列表（长名称社区）")

        tab.goto(f"{portal.url}/residents/housing/")
        assert tab.locator("[data-testid=housing]").count() == 1
        nothing_leaves_the_screen(tab, "出租房屋")

        tab.goto(f"{portal.url}/residents/figures/")
        assert tab.locator("main form.filters select").count() >= 1
        nothing_leaves_the_screen(tab, "统计")
    finally:
        done(context)

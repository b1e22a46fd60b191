"""A resident without a login asks for help on a phone (375 px), gets a tracking code and follows
the request: the code opens the status page through its #fragment, which the page's script sends
in a POST, so no address the browser asks for ever holds it. The community then accepts it, and
the resident sees the new step."""

from __future__ import annotations

import pytest

try:
    from playwright.sync_api import expect
except ImportError:  # pragma: no cover - the browser fixture skips with the reason
    expect = None

from residents import services_help as services
from residents.models_help import HelpRequest
from tests.e2e.conftest import PHONE
from tests.residents.help_support import make_catalogue

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_resident_asks_for_help_on_a_phone_and_follows_it_by_code(portal, browser, street, roles, screenshot):
    cat = make_catalogue(street)
    context = browser.new_context(locale="zh-CN", viewport=PHONE)
    context.set_default_timeout(15_000)
    resident = context.new_page()
    asked: list[str] = []
    resident.on("request", lambda request: asked.append(request.url))
    resident.goto(portal.url + "/help/")
    resident.fill("#id_name", "王阿姨")
    resident.fill("#id_phone", "13812345678")
    resident.fill("#id_address", "阳光小区3号楼201室")
    resident.select_option("#id_item", str(cat["meals"].pk))
    resident.fill("#id_description", "老伴住院，需要送午餐上门。")
    screenshot(resident, "form")
    resident.click("button[type=submit]")
    code = resident.locator("[data-testid=tracking-code]").inner_text().strip()
    assert len(code) == 14
    request = HelpRequest.objects.get()
    assert request.community == street["community1"]
    resident.click("a[href^='/help/status/#']")
    expect(resident.locator("[data-testid=steps] li")).to_have_count(1)
    assert resident.url == portal.url + "/help/status/"  # the script took the code off the address
    services.accept(request, actor=roles["community_secretary"])
    resident.goto("about:blank")
    resident.goto(f"{portal.url}/help/status/#{code}")
    expect(resident.locator("[data-testid=steps] li")).to_have_count(2)
    expect(resident.locator("[data-testid=steps] li[data-kind=accepted]")).to_be_visible()
    screenshot(resident, "status")
    # The code went to the server only in POST bodies: never in a path or a query.
    assert not [url for url in asked if code in url.split("#")[0]]
    context.close()

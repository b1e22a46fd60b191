"""A street post-holder scores a secretary on a phone (375 px): the committee table and the form
fit the screen, load under the Content Security Policy, and the score is saved."""

from __future__ import annotations

import pytest

from assessments.models import CommitteeScore
from tests.assessments.committee_support import committee_street
from tests.e2e.conftest import PHONE, log_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def _fits(tab) -> bool:
    return tab.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")


def test_committee_member_scores_on_a_phone(portal, browser, street, roles, screenshot):
    data = committee_street(street, roles)
    cycle, ind = data["cycle"], data["ind"]
    target = data["others"][0][1]
    context = browser.new_context(locale="zh-CN", viewport=PHONE)
    context.set_default_timeout(15_000)
    tab = context.new_page()
    violations: list[str] = []
    tab.on("console", lambda m: violations.append(m.text) if "Content Security Policy" in m.text else None)
    try:
        log_in(tab, portal.url, "jiedao")
        tab.goto(f"{portal.url}/assessments/cycles/{cycle.pk}/committee/")
        assert tab.locator('[data-testid="row"]').count() == 2
        assert tab.locator("tr.todo").count() == 2
        assert _fits(tab)
        screenshot(tab, "table")
        tab.goto(f"{portal.url}/assessments/cycles/{cycle.pk}/committee/{target.pk}/")
        assert _fits(tab)
        for indicator, value in (
            (ind["L-committee"], "15"),
            (ind["P-committee"], "25.5"),
            (ind["H-committee"], "8"),
        ):
            tab.fill(f'[name="score-{indicator.pk}"]', value)
            tab.fill(f'[name="comment-{indicator.pk}"]', "工作扎实")
        screenshot(tab, "form")
        tab.click('[data-testid="score-form"] button[type=submit]')
        tab.wait_for_url(f"{portal.url}/assessments/cycles/{cycle.pk}/committee/")
        assert tab.locator("tr.todo").count() == 1
        screenshot(tab, "after")
        # The sheet links here and says why the (missing) ratings score nothing, on a phone too.
        tab.click('[data-testid="sheet-link"]')
        assert tab.locator('[data-testid="rating-note"]').count() == 4
        assert _fits(tab)
        screenshot(tab, "sheet")
    finally:
        context.close()
    assert sorted(CommitteeScore.objects.values_list("score", flat=True)) == [8, 15, 25.5]
    assert violations == []

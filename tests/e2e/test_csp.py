"""The Content Security Policy breaks nothing: the portal's pages and the Wagtail admin's pages
(dashboard, listings, a member's edit form with its date picker, the login account page) load
in a real browser without a CSP violation."""

from __future__ import annotations

import pytest

from tests.e2e.conftest import DEMO_PASSWORD

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_pages_and_admin_run_under_the_content_security_policy(portal, page, street, roles):
    violations: list[str] = []
    page.on(
        "console", lambda msg: violations.append(msg.text) if "Content Security Policy" in msg.text else None
    )
    page.goto(portal.url + "/accounts/login/")
    page.fill("#id_username", "jiedao")
    page.fill("#id_password", DEMO_PASSWORD)
    page.click("form.form button[type=submit]")
    page.wait_for_url(portal.url + "/")
    member = roles["own_member"]
    for path in [
        "/",
        "/chart/",
        f"/orgchart/{street['community1'].pk}/members/",
        "/orgchart/roster/import/",
        "/activities/dashboard/",
        "/admin/",
        "/admin/orgchart/members/",
        f"/admin/orgchart/members/edit/{member.pk}/",
        f"/admin/orgchart/members/account/{member.pk}/",
        "/admin/orgchart/organisations/",
        "/admin/pages/",
    ]:
        response = page.goto(portal.url + path)
        assert response is not None and response.status < 400, path
        page.wait_for_load_state("networkidle")
    assert violations == []

"""Import a members roster in a real browser: at once for a small file, in the background (a real
Celery worker, progress polled by the page) for a big one, and a bad file that imports nothing."""

from __future__ import annotations

import pytest

from orgchart.models import Member
from tests.e2e.conftest import log_in
from tests.factories.roster import roster_row, roster_xlsx

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def upload_roster(page, base_url: str, content: bytes) -> None:
    page.goto(base_url + "/orgchart/roster/import/")
    page.set_input_files(
        "input[type=file]", files=[{"name": "党员名册.xlsx", "mimeType": XLSX, "buffer": content}]
    )
    page.get_by_role("button", name="上传并导入").click()
    page.wait_for_url("**/orgchart/roster/jobs/*/")


def test_community_secretary_imports_a_small_roster_and_finds_the_members(portal, page, screenshot, street):
    rows = [roster_row(street["branch1"].code) for _ in range(3)]
    log_in(page, portal.url, "shequ")
    upload_roster(page, portal.url, roster_xlsx(rows))
    assert page.locator("#job-status").get_attribute("data-status") == "succeeded"
    assert page.locator("#job-imported").inner_text() == "3"
    screenshot(page, "imported")

    page.goto(f"{portal.url}/orgchart/{street['community1'].pk}/members/")
    for row in rows:
        assert page.get_by_role("link", name=row["姓名"], exact=True).is_visible()


def test_a_bad_row_imports_nothing_and_the_page_says_which_line(portal, page, screenshot, street):
    rows = [roster_row(street["branch1"].code), roster_row(street["branch1"].code, 手机号码="12345")]
    before = Member.objects.count()
    log_in(page, portal.url, "shequ")
    upload_roster(page, portal.url, roster_xlsx(rows))
    assert page.locator("#job-status").get_attribute("data-status") == "failed"
    assert page.get_by_role("alert").is_visible()
    cells = page.locator("#job-errors tbody tr").first.locator("td").all_inner_texts()
    assert "3" in cells[0] and cells[1] == "手机号码"  # Excel row 3: row 1 holds the headers
    assert page.locator("#job-errors tbody tr").count() == 1
    screenshot(page, "failed")
    assert Member.objects.count() == before


def test_a_big_roster_is_imported_by_the_worker_while_the_page_shows_progress(
    portal, page, screenshot, street, settings, celery_worker
):
    settings.IMPORT_INLINE_MAX_ROWS = 5
    rows = [roster_row(street["branch2"].code) for _ in range(40)]
    log_in(page, portal.url, "jiedao")
    upload_roster(page, portal.url, roster_xlsx(rows))
    # The page polls the status every 2 s and reloads itself once the worker has finished.
    page.locator("#job-status[data-status=succeeded]").wait_for(timeout=90_000)
    assert page.locator("#job-imported").inner_text() == "40"
    screenshot(page, "background-import")
    assert (
        Member.objects.filter(organisation=street["branch2"], name__in=[r["姓名"] for r in rows]).count()
        == 40
    )

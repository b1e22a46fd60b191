"""Help-request figures: requests by item and the on-time rate per community, as SVG bar charts,
a section include and an Excel export; for post-holders only."""

from __future__ import annotations

import datetime as dt
from io import BytesIO

import pytest
from openpyxl import load_workbook

from residents import services_help as services
from residents.models_help import HelpRequest
from tests.residents.help_support import file, make_catalogue


@pytest.fixture
def filled(street, roles):
    cat = make_catalogue(street)
    on_time, _c = file(street, cat["meals"])
    late, _c = file(street, cat["meals"])
    for r in (on_time, late):
        services.accept(r, actor=roles["community_secretary"])
        closed = services.close(r, "已送餐。", actor=roles["community_secretary"])
    HelpRequest.objects.filter(pk=late.pk).update(due_at=closed.closed_at - dt.timedelta(hours=1))
    file(street, cat["jobs"], address="黄河路3号")
    file(street, cat["legal"], address="淮海路1号")
    return cat


def test_street_sees_every_community_with_on_time_rates_and_charts(client, roles, filled):
    client.force_login(roles["street_secretary"])
    page = client.get("/residents/help/figures/")
    body = page.content.decode()
    assert page.status_code == 200
    assert body.count('data-testid="bar-chart"') == 2 and "<svg" in body
    rows = {row.name: row for row in page.context["help_figures"].rows}
    assert rows["第1社区党委"].closed == 2 and rows["第1社区党委"].on_time_display == "50%"
    assert rows["第2社区党委"].total == 1 and rows["第2社区党委"].on_time_display == "—"
    assert page.context["help_figures"].by_item[0] == ("助餐", 2)


def test_community_secretary_sees_their_own_only_and_a_forged_org_is_a_400(client, roles, street, filled):
    client.force_login(roles["community_secretary"])
    page = client.get("/residents/help/figures/")
    assert [row.name for row in page.context["help_figures"].rows] == ["第1社区党委"]
    for forged in (street["community2"].pk, street["street"].pk, "abc", "9" * 30):
        assert client.get(f"/residents/help/figures/?org={forged}").status_code == 400


def test_members_and_outsiders_get_403(client, roles, filled):
    for role in ("member", "outsider"):
        client.force_login(roles[role])
        assert client.get("/residents/help/figures/").status_code == 403
        assert client.get("/residents/help/figures/export/").status_code == 403


def test_export_is_a_workbook_by_community_and_item(client, roles, filled):
    client.force_login(roles["street_secretary"])
    response = client.get("/residents/help/figures/export/")
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    book = load_workbook(BytesIO(response.content))
    first, second = book.worksheets
    rows = list(first.iter_rows(values_only=True))
    assert ("第1社区党委", 2, 0, 2, 1, "50%") in rows
    assert ("第1社区党委", "助餐", 2) in list(second.iter_rows(values_only=True))


def test_every_cell_of_the_figures_page_has_a_data_label_for_phones(client, roles, street, filled):
    from html.parser import HTMLParser

    class Cells(HTMLParser):
        def __init__(self):
            super().__init__()
            self.cells: list[dict] = []
            self.in_body = False

        def handle_starttag(self, tag, attrs):
            if tag == "tbody":
                self.in_body = True
            elif self.in_body and tag in ("td", "th"):
                self.cells.append(dict(attrs))

        def handle_endtag(self, tag):
            if tag == "tbody":
                self.in_body = False

    for role, query in (("street_secretary", ""), ("community_secretary", "")):
        client.force_login(roles[role])
        parser = Cells()
        parser.feed(client.get(f"/residents/help/figures/{query}").content.decode())
        assert len(parser.cells) >= 5
        assert all(cell.get("data-label", "").strip() for cell in parser.cells), parser.cells
    # a community with no requests: no table of empty cells, the words "no help requests"
    HelpRequest.objects.all().delete()
    client.force_login(roles["community_secretary"])
    page = client.get("/residents/help/figures/").content.decode()
    parser = Cells()
    parser.feed(page)
    assert all(cell.get("data-label", "").strip() for cell in parser.cells)

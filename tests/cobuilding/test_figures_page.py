"""The street figures page (/cobuilding/figures/): managers of a street or community only, the
picker limited to what they manage, SVG charts and tables, Excel export, constant queries."""

from __future__ import annotations

import datetime as dt
from io import BytesIO

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation
from openpyxl import load_workbook

from cobuilding.figures import figures_page
from cobuilding.models import Agreement, AgreementStatus, Need, NeedStatus, OutsideUnit, Project, Resource

pytestmark = pytest.mark.django_db

URL = "/cobuilding/figures/"


def _grow(street, scale: int) -> None:
    today = timezone.localdate()
    for community in (street["community1"], street["community2"]):
        start = OutsideUnit.objects.count()
        units = OutsideUnit.objects.bulk_create(
            OutsideUnit(organisation=community, name=f"{community.code}-单位{start + i}")
            for i in range(scale)
        )
        for unit in units:
            Agreement.objects.create(
                community=community,
                outside_unit=unit,
                starts_on=today - dt.timedelta(days=30),
                ends_on=today + dt.timedelta(days=300),
                status=AgreementStatus.ACTIVE,
            )
            Resource.objects.create(
                community=community, outside_unit=unit, kind="venue", available_from=today
            )
            Resource.objects.create(
                community=community, outside_unit=unit, kind="experts", available_from=today
            )
            need = Need.objects.create(
                community=community, kind="venue", description="场地", wanted_from=today, wanted_until=today
            )
            Need.objects.create(
                community=community,
                kind="funds",
                description="资金",
                wanted_from=today,
                wanted_until=today,
                status=NeedStatus.MET,
            )
            Project.objects.create(need=need, title="项目", status="done")


def test_street_secretary_sees_the_figures_with_charts_and_tables(client, street, roles):
    _grow(street, 1)
    client.force_login(roles["street_secretary"])
    with translation.override("en"):
        response = client.get(URL)
    assert response.status_code == 200
    page = response.context["page"]
    assert page.root == street["street"]
    assert page.totals.agreements_active == 2
    assert [(row.organisation, row.resources) for row in page.rows] == [
        (street["community1"], 2),
        (street["community2"], 2),
    ]
    html = response.content.decode()
    assert "<svg" in html and 'data-testid="communities"' in html
    assert "style=" not in html.split('data-testid="cobuilding-figures"')[1]
    assert "<script>" not in html


def test_community_secretary_picks_only_their_community(client, street, roles):
    _grow(street, 1)
    client.force_login(roles["community_secretary"])
    response = client.get(URL)
    assert response.status_code == 200
    assert [org for org, _label in response.context["picker"]] == [street["community1"]]
    assert response.context["page"].totals.agreements_active == 1
    for forged in (street["community2"].pk, street["street"].pk, "junk", "9" * 30, -1):
        refused = client.get(URL, {"org": forged})
        assert refused.status_code == 400, forged
        assert "page" not in refused.context
    export = client.get(reverse("cobuilding:figures_export"), {"org": street["community2"].pk})
    assert export.status_code == 400


def test_the_refusal_reads_in_chinese():
    from tests import translations

    assert translations.chinese("crossposts")["Choose a street or community you manage."]


@pytest.mark.parametrize("role", ["member", "outsider"])
def test_others_get_403(client, street, roles, role):
    client.force_login(roles[role])
    assert client.get(URL).status_code == 403


def test_anonymous_is_sent_to_sign_in(client, street):
    response = client.get(URL)
    assert response.status_code == 302 and "login" in response["Location"]


def test_excel_export_holds_the_figures(client, street, roles):
    _grow(street, 2)
    client.force_login(roles["street_secretary"])
    response = client.get(reverse("cobuilding:figures_export"), {"org": street["street"].pk})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    book = load_workbook(BytesIO(response.content))
    summary, kinds, by_community = book.worksheets  # sheet names are translated
    assert [row[1] for row in summary.iter_rows(values_only=True)][2:] == [4, 8, 4, 4, 4, 0]
    assert [row[1] for row in kinds.iter_rows(values_only=True)][1:] == [4, 0, 0, 0, 4, 0]
    communities = list(by_community.iter_rows(values_only=True))
    assert [row[0] for row in communities[1:]] == ["第1社区党委", "第2社区党委"]


def test_a_formula_like_name_stays_text_in_the_export(client, street, roles):
    street["community1"].name = "=1+1"
    street["community1"].save()
    _grow(street, 1)
    client.force_login(roles["street_secretary"])
    response = client.get(reverse("cobuilding:figures_export"))
    book = load_workbook(BytesIO(response.content))
    names = [row[0] for row in book.worksheets[2].iter_rows(values_only=True)]
    assert "=1+1" in names


def test_queries_do_not_grow_with_the_data(client, street, roles):
    client.force_login(roles["street_secretary"])
    client.get(URL)  # warm: the site and the session are read once per process or login
    counts = []
    for scale in (1, 9):  # 1 unit per community, then 10
        _grow(street, scale)
        with CaptureQueriesContext(connection) as captured:
            figures_page(street["street"], timezone.localdate())
        counts.append(len(captured))
        with CaptureQueriesContext(connection) as captured:
            assert client.get(URL).status_code == 200
        counts.append(len(captured))
        with CaptureQueriesContext(connection) as captured:
            assert client.get(reverse("cobuilding:figures_export")).status_code == 200
        counts.append(len(captured))
    # figures_page: street_figures' queries, five grouped counts and the names (11 here).
    assert counts[0] == counts[3] and counts[1] == counts[4] and counts[2] == counts[5], counts
    assert counts[0] <= 12


def test_decisions_on_time_show_when_the_figures_count_them(street):
    from dataclasses import dataclass

    from cobuilding.figures import FiguresPage
    from cobuilding.queries import StreetFigures

    @dataclass(frozen=True)
    class WithDecisions(StreetFigures):
        decisions_due: int = 0
        decisions_done_on_time: int = 0

    totals = WithDecisions(1, {}, 0, 0, 0, 0, decisions_due=4, decisions_done_on_time=3)
    page = FiguresPage(root=street["street"], today=timezone.localdate(), totals=totals)
    assert page.decisions == (3, 4) and page.decisions_display == "3 / 4"
    plain = FiguresPage(
        root=street["street"], today=timezone.localdate(), totals=StreetFigures(1, {}, 0, 0, 0, 0)
    )
    assert plain.decisions is None

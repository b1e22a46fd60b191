"""The street's score sheet and export, and the secretary's own page: who sees what (403 for
others, 404 for forged or foreign ids), provisional before freezing, frozen after."""

from __future__ import annotations

from decimal import Decimal
from io import BytesIO

import pytest
from django.utils import timezone, translation
from openpyxl import load_workbook

from assessments import scoring
from assessments.models import AssessmentCycle, Phase, Submission
from orgchart.models import OrgKind
from tests.assessments.scoring_support import committee, community_with_secretary, scorers, small_cycle
from tests.factories.assessments import make_cycle
from tests.factories.orgchart import make_org

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


@pytest.fixture
def setup(street, roles):
    root = street["street"]
    cycle, ind = small_cycle(root, timezone.localdate().year)
    AssessmentCycle.objects.filter(pk=cycle.pk).update(phase=Phase.OPEN)
    cycle.refresh_from_db()
    by = scorers(root)
    others = [community_with_secretary(root) for _ in range(2)]
    committee(cycle, ind["P-committee"], others[0][1], [30, 30], by)
    other_street = make_org(None, OrgKind.STREET, name="另一街道党工委", code="JD2")
    foreign = make_cycle(other_street, cycle.year)
    return {"cycle": cycle, "others": others, "foreign": foreign}


def test_sheet_for_street_managers_only(client, setup, roles):
    cycle = setup["cycle"]
    url = f"/assessments/sheet/{cycle.pk}/"
    for who in ("community_secretary", "member", "outsider"):
        client.force_login(roles[who])
        assert client.get(url).status_code == 403
        assert client.get(url + "export.xlsx").status_code == 403
    client.force_login(roles["street_secretary"])
    assert client.get(f"/assessments/sheet/{setup['foreign'].pk}/").status_code == 404
    assert client.get("/assessments/sheet/999999/").status_code == 404
    response = client.get(url)
    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-testid="provisional"' in html
    assert html.count('data-testid="row"') == 3
    assert html.count('<svg xmlns="http://www.w3.org/2000/svg" class="radar"') == 3
    top = setup["others"][0][1]
    assert response.context["rows"][0]["member_id"] == top.pk
    by_name = client.get(url + "?sort=name").context["rows"]
    assert [r["name"] for r in by_name] == sorted(r["name"] for r in by_name)
    assert client.get(url + "?sort=bogus").context["sort"] == "rank"
    assert client.get(url + "?band=excellent").context["rows"] == []


def test_export_with_indicator_detail(client, setup, roles):
    cycle = setup["cycle"]
    client.force_login(roles["street_secretary"])
    response = client.get(f"/assessments/sheet/{cycle.pk}/export.xlsx")
    assert response.status_code == 200
    book = load_workbook(BytesIO(response.content))
    scores, detail, _overrides = book.worksheets
    assert scores.max_row == 1 + 3
    assert detail.max_row == 1 + 3 * cycle.indicators.count()


def test_frozen_sheet_is_not_provisional(client, setup, roles):
    cycle = setup["cycle"]
    scoring.freeze_scores(cycle, rating_scores={})
    AssessmentCycle.objects.filter(pk=cycle.pk).update(phase=Phase.PUBLICITY, scores_frozen_at=timezone.now())
    client.force_login(roles["street_secretary"])
    response = client.get(f"/assessments/sheet/{cycle.pk}/")
    assert 'data-testid="provisional"' not in response.content.decode()
    assert len(response.context["rows"]) == 3


def test_secretary_sees_only_their_own(client, setup, roles):
    client.force_login(roles["community_secretary"])
    response = client.get("/assessments/mine/")
    assert response.status_code == 200
    row = response.context["row"]
    me = roles["community_secretary"].member
    assert row["member_id"] == me.pk and response.context["provisional"]
    assert 'class="radar"' in response.content.decode()
    others = {m.pk for _c, m in setup["others"]}
    assert others.isdisjoint({row["member_id"]})
    for _c, member in setup["others"]:
        assert member.name not in response.content.decode()
    assert client.get(f"/assessments/mine/?cycle={setup['foreign'].pk}").status_code == 404
    assert client.get("/assessments/mine/?cycle=abc").status_code == 404


@pytest.mark.parametrize("who", ["member", "street_secretary", "outsider"])
def test_mine_is_for_community_secretaries(client, setup, roles, who):
    client.force_login(roles[who])
    assert client.get("/assessments/mine/").status_code == 403


def test_submit_from_the_page(client, setup, roles):
    client.force_login(roles["community_secretary"])
    bad = client.post("/assessments/mine/", {"kind": "reflection", "title": "体会", "body": "内容"})
    assert bad.status_code == 400 and not Submission.objects.exists()
    good = client.post("/assessments/mine/", {"kind": "report", "title": "调研报告", "body": "正文"})
    assert good.status_code == 302
    assert Submission.objects.get().secretary == roles["community_secretary"]
    page = client.get(good["Location"])
    assert page.content.decode().count('data-testid="submission"') == 1


def test_branch_secretary_is_not_a_community_secretary(client, setup, street):
    from tests.factories.orgchart import make_post_holder

    client.force_login(make_post_holder(street["branch1"], "zhibu"))
    assert client.get("/assessments/mine/").status_code == 403


def test_mine_shows_the_frozen_result_with_overrides(client, setup, roles):
    from assessments import work
    from assessments.models import SecretaryResult

    cycle = setup["cycle"]
    scoring.freeze_scores(cycle, rating_scores={})
    AssessmentCycle.objects.filter(pk=cycle.pk).update(phase=Phase.PUBLICITY, scores_frozen_at=timezone.now())
    cycle.refresh_from_db()
    mine = SecretaryResult.objects.get(cycle=cycle, secretary=roles["community_secretary"])
    work.override(mine, actor=roles["street_secretary"], field="total", value="88.5", reason="复核更正")
    client.force_login(roles["community_secretary"])
    response = client.get("/assessments/mine/")
    row = response.context["row"]
    assert not response.context["provisional"]
    assert (row["total"], row["rank"]) == (Decimal("88.50"), 1)

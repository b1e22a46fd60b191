"""The committee's overrides during 公示 on the result page (/assessments/sheet/<id>/result/<id>/):
who may change what (403 / 404), a change of total, band or recommendation with a written reason
through work.override, its audit trail on the result page, the sheet and in the Excel export,
bad input 400 with nothing written, and no change outside 公示."""

from __future__ import annotations

from decimal import Decimal
from io import BytesIO

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from assessments import scoring
from assessments.models import AssessmentCycle, Band, Phase, ResultOverride, SecretaryResult
from tests.assessments.committee_support import committee_street, in_phase, queries_of, shown
from tests.assessments.scoring_support import community_with_secretary
from tests.factories.assessments import make_cycle

pytestmark = pytest.mark.django_db


@pytest.fixture
def setup(street, roles):
    data = committee_street(street, roles, more=2)
    cycle = data["cycle"]
    scoring.freeze_scores(cycle)
    AssessmentCycle.objects.filter(pk=cycle.pk).update(phase=Phase.PUBLICITY, scores_frozen_at=timezone.now())
    cycle.refresh_from_db()
    data["results"] = list(SecretaryResult.objects.filter(cycle=cycle).order_by("rank"))
    return data


def _url(cycle, result) -> str:
    return reverse("assessments:sheet-result", args=[cycle.pk, result.pk])


def _sheet(cycle) -> str:
    return reverse("assessments:sheet", args=[cycle.pk])


def _snapshot(cycle):
    return list(
        SecretaryResult.objects.filter(cycle=cycle)
        .order_by("pk")
        .values_list("total", "band", "rank", "recommended")
    )


# Access ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["member", "community_secretary", "outsider"])
def test_others_are_refused_403(client, setup, roles, who):
    cycle, result = setup["cycle"], setup["results"][0]
    client.force_login(roles[who])
    assert client.get(_url(cycle, result)).status_code == 403
    posted = client.post(_url(cycle, result), {"field": "total", "value": "50", "reason": "改"})
    assert posted.status_code == 403 and not ResultOverride.objects.exists()


def test_another_street_and_forged_ids_are_404(client, setup, roles, street):
    cycle, result = setup["cycle"], setup["results"][0]
    client.force_login(setup["foreign_manager"])
    assert client.get(_url(cycle, result)).status_code == 404
    assert (
        client.post(_url(cycle, result), {"field": "total", "value": "50", "reason": "改"}).status_code == 404
    )
    client.force_login(roles["street_secretary"])
    # A result of another cycle of the same street, under this cycle's address.
    older = make_cycle(street["street"], cycle.year - 1)
    stray = SecretaryResult.objects.create(
        cycle=older,
        member=result.member,
        community=result.community,
        name=result.name,
        learning=0,
        practical=0,
        harmonious=0,
        total=0,
        band=Band.FAIL,
        rank=1,
    )
    assert client.get(_url(cycle, stray)).status_code == 404
    assert (
        client.post(_url(cycle, stray), {"field": "total", "value": "50", "reason": "改"}).status_code == 404
    )
    assert client.get(f"/assessments/sheet/{cycle.pk}/result/999999/").status_code == 404
    assert client.get(_url(setup["foreign"], result)).status_code == 404
    assert not ResultOverride.objects.exists()


# Changing a result ----------------------------------------------------------------------------


def test_change_the_total_with_a_reason_and_see_the_trail(client, setup, roles):
    cycle = setup["cycle"]
    last = setup["results"][-1]
    client.force_login(roles["street_secretary"])
    response = client.post(
        _url(cycle, last), {"field": "total", "value": "99.5", "reason": "=复核更正 补计调研报告"}
    )
    assert response.status_code == 302 and response["Location"] == _url(cycle, last)
    change = ResultOverride.objects.get()
    assert (change.field, change.old, change.new, change.by) == (
        "total",
        str(last.total),
        "99.50",
        roles["street_secretary"],
    )
    last.refresh_from_db()
    assert last.total == Decimal("99.50") and last.rank == 1  # re-ranked
    page = client.get(_url(cycle, last))
    trail = page.context["trail"]
    assert [(t["field"], t["new"], t["reason"]) for t in trail] == [
        ("total", "99.50", "=复核更正 补计调研报告")
    ]
    assert trail[0]["by"] == roles["street_secretary"].member.name
    assert page.content.decode().count('data-testid="override"') == 1
    sheet = client.get(_sheet(cycle))
    row = next(r for r in sheet.context["rows"] if r["result_id"] == last.pk)
    assert [o["new"] for o in row["overrides"]] == ["99.50"]
    assert sheet.content.decode().count('data-testid="override"') == 1
    assert sheet.content.decode().count('data-testid="result-link"') == 3
    # The export's Overrides sheet, the reason kept as text (not a formula).
    export = client.get(reverse("assessments:sheet_export", args=[cycle.pk]))
    book = load_workbook(BytesIO(export.content))
    changes = book.worksheets[2]
    assert changes.max_row == 2
    values = [c.value for c in changes[2]]
    assert values[0] == last.name and values[3:6] == [str(change.old), "99.50", "=复核更正 补计调研报告"]
    assert changes.cell(2, 6).data_type == "s"
    assert values[6] == roles["street_secretary"].member.name


def test_change_the_band_and_the_recommendation(client, setup, roles):
    cycle = setup["cycle"]
    first = setup["results"][0]
    client.force_login(roles["street_secretary"])
    band = Band.BASIC if first.band != Band.BASIC else Band.GOOD
    assert (
        client.post(_url(cycle, first), {"field": "band", "value": band, "reason": "群众反映"}).status_code
        == 302
    )
    new = "0" if first.recommended else "1"
    assert (
        client.post(_url(cycle, first), {"field": "recommended", "value": new, "reason": "复核"}).status_code
        == 302
    )
    first.refresh_from_db()
    assert first.band == band and first.recommended == (new == "1")
    trail = client.get(_url(cycle, first)).context["trail"]
    assert [t["field"] for t in trail] == ["band", "recommended"]
    assert trail[0]["new"] == cycle.band_names()[band]  # the band's name, not its code
    assert trail[1]["new"] == shown("yes" if new == "1" else "no")


BAD = [
    pytest.param({"field": "rank", "value": "1"}, id="unknown-field"),
    pytest.param({"field": "", "value": "1"}, id="no-field"),
    pytest.param({"field": "total", "value": "abc"}, id="total-not-a-number"),
    pytest.param({"field": "total", "value": "NaN"}, id="total-nan"),
    pytest.param({"field": "total", "value": "1e999999"}, id="total-huge"),
    pytest.param({"field": "total", "value": "100.01"}, id="total-above-points"),
    pytest.param({"field": "total", "value": "-1"}, id="total-negative"),
    pytest.param({"field": "band", "value": "splendid"}, id="band-unknown"),
    pytest.param({"field": "recommended", "value": "maybe"}, id="recommended-not-yes-or-no"),
    pytest.param({"field": "total", "value": "50", "reason": "  "}, id="empty-reason"),
    pytest.param({"field": "total", "value": "50", "reason": "理" * 2001}, id="oversized-reason"),
    pytest.param({"field": "total", "value": "same"}, id="same-value"),
]


@pytest.mark.parametrize("data", BAD)
def test_bad_input_is_refused_with_a_message_and_nothing_written(client, setup, roles, data):
    cycle, result = setup["cycle"], setup["results"][0]
    data = {"reason": "理由", **data}
    if data["value"] == "same":
        data["value"] = str(result.total)
    before = _snapshot(cycle)
    client.force_login(roles["street_secretary"])
    response = client.post(_url(cycle, result), data)
    assert response.status_code == 400
    assert response.context["errors"] and 'role="alert"' in response.content.decode()
    assert not ResultOverride.objects.exists() and _snapshot(cycle) == before


def test_messages_are_the_services_chinese(client, setup, roles):
    cycle, result = setup["cycle"], setup["results"][0]
    client.force_login(roles["street_secretary"])
    response = client.post(_url(cycle, result), {"field": "total", "value": "50", "reason": ""})
    assert "请书面说明调整理由。" in response.content.decode()
    response = client.post(_url(cycle, result), {"field": "band", "value": "x", "reason": "因"})
    assert "请选择等次。" in response.content.decode()


@pytest.mark.parametrize("phase", [Phase.REVIEW, Phase.FINAL])
def test_results_change_only_during_publicity(client, setup, roles, phase):
    cycle = in_phase(setup["cycle"], phase)
    result = setup["results"][0]
    before = _snapshot(cycle)
    client.force_login(roles["street_secretary"])
    page = client.get(_url(cycle, result))
    html = page.content.decode()
    assert page.status_code == 200 and not page.context["can_change"]
    assert 'data-testid="read-only"' in html and 'data-testid="override-total"' not in html
    refused = client.post(_url(cycle, result), {"field": "total", "value": "50", "reason": "改"})
    assert refused.status_code == 400
    assert shown("Results can be changed only during the public notice.") in refused.content.decode()
    assert not ResultOverride.objects.exists() and _snapshot(cycle) == before
    assert not client.get(_sheet(cycle)).context["can_override"]


def test_sheet_queries_do_not_grow_with_results_and_overrides(
    client, setup, roles, street, django_assert_num_queries
):
    cycle = setup["cycle"]
    manager = roles["street_secretary"]
    client.force_login(manager)
    small = [queries_of(client, url) for url in (_sheet(cycle), _url(cycle, setup["results"][0]))]
    from assessments import work

    for n in range(3):
        community, member = community_with_secretary(street["street"])
        SecretaryResult.objects.create(
            cycle=cycle,
            member=member,
            secretary=member.user,
            community=community,
            name=member.name,
            learning=1,
            practical=1,
            harmonious=1,
            total=3 + n,
            band=Band.FAIL,
            rank=10 + n,
        )
    for result in SecretaryResult.objects.filter(cycle=cycle):
        work.override(result, actor=manager, field="total", value="42.42", reason="复核")
    work.override(setup["results"][0], actor=manager, field="band", value=Band.GOOD, reason="复核")
    assert len(client.get(_sheet(cycle)).context["rows"]) == 6
    for url, expected in zip((_sheet(cycle), _url(cycle, setup["results"][0])), small, strict=True):
        with django_assert_num_queries(expected):
            assert client.get(url).status_code == 200

"""A rating that scores nothing for want of raters says why ("评议人数不足", ratings.hidden_reason())
instead of a bare 0: in the scoring lines (note, ratings), the frozen breakdown, the secretary's
page, the score sheet and the export."""

from __future__ import annotations

from io import BytesIO

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from assessments import presentation, ratings, scoring
from assessments.models import AssessmentCycle, Phase, SecretaryResult
from tests.assessments.scoring_support import community_with_secretary, small_cycle

pytestmark = pytest.mark.django_db

ALL_GOOD = {"contact": "good", "service": "good", "unity": "good", "integrity": "good"}


def _tickets(cycle, community, n: int) -> None:
    _batch, codes = ratings.generate_tickets(cycle, community, n, actor=None)
    for code in codes:
        ratings.rate_with_ticket(code, ALL_GOOD)


@pytest.fixture
def board(street, roles):
    """Residents rated community 1 three times (hidden: fewer than 5), B six times (shown, not
    valid: fewer than 10), C ten times (valid); members rated nobody."""
    root = street["street"]
    cycle, _ind = small_cycle(root, timezone.localdate().year)
    cycle.min_raters = 10
    cycle.phase = Phase.RATING
    cycle.save(update_fields=["min_raters", "phase"])
    b, _member_b = community_with_secretary(root)
    c, _member_c = community_with_secretary(root)
    _tickets(cycle, street["community1"], 3)
    _tickets(cycle, b, 6)
    _tickets(cycle, c, 10)
    return {"cycle": cycle, "a": street["community1"], "b": b, "c": c}


def _line(score, name):
    return next(line for line in score.lines if line.name == name)


def test_rating_lines_carry_the_count_and_why_they_score_nothing(board):
    cycle = board["cycle"]
    found, counts = scoring.rating_inputs(cycle)
    scores = {
        s.community_id: s for s in scoring.compute_scores(cycle, rating_scores=found, rating_counts=counts)
    }
    residents = {k: _line(scores[board[k].pk], "H-residents") for k in "abc"}
    assert [(r.ratings, r.note) for r in residents.values()] == [
        (3, scoring.NOTE_HIDDEN),
        (6, scoring.NOTE_NOT_VALID),
        (10, ""),
    ]
    assert residents["c"].points > 0 and residents["a"].points == residents["b"].points == 0
    members = _line(scores[board["c"].pk], "H-members")
    assert (members.ratings, members.note) == (0, scoring.NOTE_HIDDEN)
    # Without the counts (callers that pass only percentages) no note is made up.
    plain = scoring.compute_scores(cycle, rating_scores=found)
    assert all(line.note == "" and line.ratings is None for s in plain for line in s.lines)


def test_note_text_names_the_reason_and_the_figures(board):
    cycle = board["cycle"]
    line = {"source": "rating", "note": scoring.NOTE_NOT_VALID, "ratings": 6}
    text = presentation.rating_note_text(cycle, line)
    assert ratings.hidden_reason() in text and "6" in text and "10" in text
    assert presentation.rating_note_text(cycle, {"source": "rating", "note": "", "ratings": 12}) == ""
    assert presentation.rating_note_text(cycle, {"source": "rating", "points": "0"}) == ""  # frozen earlier


def test_frozen_breakdown_keeps_the_note(board):
    cycle = board["cycle"]
    scoring.freeze_scores(cycle)
    result = SecretaryResult.objects.get(cycle=cycle, community=board["b"])
    residents = next(line for line in result.breakdown if line["name"] == "H-residents")
    assert (residents["ratings"], residents["note"]) == (6, scoring.NOTE_NOT_VALID)


def test_secretary_sees_the_reason_on_their_page(client, board, roles):
    client.force_login(roles["community_secretary"])
    response = client.get("/assessments/mine/")
    html = response.content.decode()
    assert response.status_code == 200
    assert html.count('data-testid="rating-note"') == 2  # members' and residents' rating
    assert "评议人数不足" in html
    notes = {line["name"]: line["note_text"] for line in response.context["row"]["lines"]}
    assert notes["H-residents"] and notes["H-members"] and not notes["L-study"]


def test_sheet_and_export_show_the_reason(client, board, roles):
    cycle = board["cycle"]
    client.force_login(roles["street_secretary"])
    response = client.get(reverse("assessments:sheet", args=[cycle.pk]))
    rows = {r["community"]: r for r in response.context["rows"]}
    assert [name for name, _text in rows[board["a"].name]["rating_notes"]] == ["H-members", "H-residents"]
    assert [name for name, _text in rows[board["c"].name]["rating_notes"]] == ["H-members"]
    assert response.content.decode().count('data-testid="rating-note"') == 5
    export = client.get(reverse("assessments:sheet_export", args=[cycle.pk]))
    detail = load_workbook(BytesIO(export.content)).worksheets[1]
    missing = {(row[1].value, row[3].value): row[8].value or "" for row in detail.iter_rows(min_row=2)}
    assert "评议人数不足" in missing[(board["b"].name, "H-residents")]
    assert "评议人数不足" not in missing[(board["c"].name, "H-residents")]


def test_a_frozen_cycle_shows_the_reason_too(client, board, roles):
    cycle = board["cycle"]
    scoring.freeze_scores(cycle)
    AssessmentCycle.objects.filter(pk=cycle.pk).update(phase=Phase.PUBLICITY, scores_frozen_at=timezone.now())
    client.force_login(roles["street_secretary"])
    response = client.get(reverse("assessments:sheet", args=[cycle.pk]))
    assert not response.context["provisional"]
    assert response.content.decode().count('data-testid="rating-note"') == 5

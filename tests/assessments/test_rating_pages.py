"""The rating pages: a member on their phone, a resident with a ticket, refusals, rate limit."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

import pytest
from django.test import override_settings
from django.urls import reverse
from django.utils import translation

from assessments import ratings
from assessments.models import AssessmentCycle, Phase, Rating, RatingTicket

ANSWERS = {"q_contact": "good", "q_service": "good", "q_unity": "fairly_good", "q_integrity": "average"}


@pytest.fixture
def rating(cycle, roles):
    AssessmentCycle.objects.filter(pk=cycle.pk).update(phase=Phase.RATING)
    cycle.refresh_from_db()
    return cycle


def test_member_page_rates_once(client, rating, roles):
    client.force_login(roles["member"])
    page = client.get(reverse("assessments:rate"))
    assert page.status_code == 200
    body = page.content.decode()
    assert "第1社区党委" in body and "联系群众" in body and 'name="q_contact"' in body
    # A community id sent along is ignored: the member's own community is rated.
    response = client.post(reverse("assessments:rate"), {**ANSWERS, "community": "999"})
    assert response.status_code == 302 and response.url == reverse("assessments:thanks")
    assert Rating.objects.get().community.name == "第1社区党委"
    with translation.override("en"):
        again = client.get(reverse("assessments:rate"), HTTP_ACCEPT_LANGUAGE="en")
    assert Rating.objects.count() == 1
    assert 'name="q_contact"' not in again.content.decode()


def test_member_page_bad_answer_writes_nothing(client, rating, roles):
    client.force_login(roles["member"])
    response = client.post(reverse("assessments:rate"), {**ANSWERS, "q_contact": "excellent"})
    assert response.status_code == 400
    assert not Rating.objects.exists()


def test_member_page_outside_phase(client, cycle, roles):
    client.force_login(roles["member"])
    response = client.post(reverse("assessments:rate"), ANSWERS)
    assert response.status_code == 200 and not Rating.objects.exists()
    assert 'name="q_contact"' not in response.content.decode()


def test_member_page_needs_login(client, rating):
    response = client.get(reverse("assessments:rate"))
    assert response.status_code == 302 and "login" in response.url


def test_ticket_pages(client, rating, street):
    _batch, codes = ratings.generate_tickets(rating, street["community1"], 2, actor=None)
    entry_url = reverse("assessments:ticket-entry")
    page = client.post(entry_url, {"code": codes[0].lower()})
    assert page.status_code == 200 and "第1社区党委" in page.content.decode()
    body = page.content.decode()
    # The questions come back with the code in a hidden field, posted to the entry address again.
    assert f'name="code" value="{codes[0]}"' in body and f'action="{entry_url}"' in body
    assert page["Referrer-Policy"] == "same-origin"
    done = client.post(entry_url, {**ANSWERS, "code": codes[0], "rate": "1"})
    assert done.status_code == 302 and done.url == reverse("assessments:thanks")
    assert client.post(entry_url, {**ANSWERS, "code": codes[0], "rate": "1"}).status_code == 400
    assert client.post(entry_url, {"code": "ABCDEFGHJK"}).status_code == 400
    assert client.post(entry_url, {"code": "../x"}).status_code == 400
    assert Rating.objects.count() == 1
    assert RatingTicket.objects.filter(used_on__isnull=False).count() == 1


def test_ticket_entry_without_script_is_a_plain_form(client, rating):
    page = client.get(reverse("assessments:ticket-entry"))
    body = page.content.decode()
    assert page.status_code == 200
    assert 'name="code"' in body and 'method="post"' in body
    assert "assessments/ticket.js" in body and "<script>" not in body  # static file, no inline script


def test_ticket_answers_without_rate_flag_only_show_questions(client, rating, street):
    _batch, codes = ratings.generate_tickets(rating, street["community1"], 1, actor=None)
    page = client.post(reverse("assessments:ticket-entry"), {**ANSWERS, "code": codes[0]})
    assert page.status_code == 200 and not Rating.objects.exists()


def test_ticket_bad_answers_keep_the_code_and_write_nothing(client, rating, street):
    _batch, codes = ratings.generate_tickets(rating, street["community1"], 1, actor=None)
    bad = client.post(
        reverse("assessments:ticket-entry"),
        {**ANSWERS, "q_contact": "excellent", "code": codes[0], "rate": "1"},
    )
    assert bad.status_code == 400 and f'value="{codes[0]}"' in bad.content.decode()
    assert not Rating.objects.exists() and not RatingTicket.objects.filter(used_on__isnull=False).exists()


def test_old_path_address_still_rates_and_posts_without_the_code_in_the_path(client, rating, street):
    """Sheets printed before the fragment form point to /assessments/ticket/<code>/: still served,
    and the form's answers go to the entry address."""
    _batch, codes = ratings.generate_tickets(rating, street["community1"], 1, actor=None)
    page = client.get(reverse("assessments:ticket", kwargs={"code": codes[0]}))
    assert page.status_code == 200 and page["Referrer-Policy"] == "same-origin"
    assert f'action="{reverse("assessments:ticket-entry")}"' in page.content.decode()
    done = client.post(reverse("assessments:ticket-entry"), {**ANSWERS, "code": codes[0], "rate": "1"})
    assert done.status_code == 302 and Rating.objects.count() == 1
    assert client.get(reverse("assessments:ticket", kwargs={"code": "ABCDEFGHJK"})).status_code == 400


@override_settings(ASSESSMENTS_TICKET_ATTEMPTS_PER_HOUR=3)
def test_ticket_attempts_rate_limited(client, rating):
    url = reverse("assessments:ticket-entry")
    assert [client.post(url, {"code": "ABCDEFGHJK"}).status_code for _ in range(4)] == [400, 400, 400, 429]
    assert client.get(url).status_code == 200  # the empty form checks no code


@override_settings(ASSESSMENTS_TICKET_ATTEMPTS_PER_HOUR=3)
def test_old_path_attempts_rate_limited(client, rating):
    url = reverse("assessments:ticket", kwargs={"code": "ABCDEFGHJK"})
    assert [client.get(url).status_code for _ in range(4)] == [400, 400, 400, 429]


def test_thanks(client, db):
    assert client.get(reverse("assessments:thanks")).status_code == 200


def test_ticket_sheet_download(client, rating, roles, street):
    client.force_login(roles["street_secretary"])
    assert client.get(reverse("assessments:ticket-sheet")).status_code == 200
    response = client.post(
        reverse("assessments:ticket-sheet"),
        {"cycle": rating.pk, "community": street["community1"].pk, "count": 12},
    )
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    assert RatingTicket.objects.filter(batch__community=street["community1"]).count() == 12


def test_ticket_sheet_managers_only(client, rating, roles, street):
    client.force_login(roles["community_secretary"])
    assert client.get(reverse("assessments:ticket-sheet")).status_code == 403
    client.force_login(roles["street_secretary"])
    bad = client.post(
        reverse("assessments:ticket-sheet"), {"cycle": rating.pk, "community": street["union"].pk, "count": 5}
    )
    assert bad.status_code == 400 and not RatingTicket.objects.exists()


def test_ticket_sheet_pdf_pages():
    from assessments.ticket_sheet import render_ticket_sheet

    pdf = render_ticket_sheet(
        title="测试街道党工委 2026 年考核",
        community="第1社区党委",
        codes=[f"ABCDE{i:05d}" for i in range(21)],
        entry_url="https://example.org/assessments/ticket/",
    )
    assert len(re.findall(rb"/Type /Page\b", pdf)) == 3  # 21 tickets, 10 a page


def test_qr_payload_keeps_the_code_out_of_path_and_query():
    from assessments.ticket_sheet import qr_payload

    payload = urlsplit(qr_payload("https://example.org/assessments/ticket/", "ABCDEFGHJK"))
    assert payload.path == "/assessments/ticket/" and payload.query == ""
    assert payload.fragment == "ABCDEFGHJK"


def test_ticket_sheet_qr_codes_hold_the_code_only_in_the_fragment(client, rating, roles, street, monkeypatch):
    """The QR payloads drawn into the downloaded sheet, read where the sheet builds them (the
    string handed to segno), not decoded from the image."""
    from assessments import ticket_sheet

    payloads = []
    make = ticket_sheet.segno.make

    def recording_make(content, *args, **kwargs):
        payloads.append(content)
        return make(content, *args, **kwargs)

    monkeypatch.setattr(ticket_sheet.segno, "make", recording_make)
    client.force_login(roles["street_secretary"])
    response = client.post(
        reverse("assessments:ticket-sheet"),
        {"cycle": rating.pk, "community": street["community1"].pk, "count": 3},
    )
    assert response.status_code == 200 and len(payloads) == 3
    hashes = set(RatingTicket.objects.values_list("code_hash", flat=True))
    for payload in payloads:
        parts = urlsplit(payload)
        assert parts.path == reverse("assessments:ticket-entry") and parts.query == ""
        assert ratings.code_hash(parts.fragment) in hashes  # the code, only after the #
    assert {ratings.code_hash(urlsplit(p).fragment) for p in payloads} == hashes


def test_ticket_sheet_void(client, rating, roles, street):
    batch, codes = ratings.generate_tickets(rating, street["community1"], 2, actor=None)
    client.force_login(roles["street_secretary"])
    assert client.post(reverse("assessments:ticket-sheet"), {"void": batch.pk}).status_code == 302
    batch.refresh_from_db()
    assert batch.voided_at is not None
    with pytest.raises(ratings.RatingRefused):
        ratings.rate_with_ticket(codes[0], {"contact": "good"})

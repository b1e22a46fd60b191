"""Ratings of community secretaries: members once, tickets once, anonymity, thresholds, results."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from assessments import ratings
from assessments.models import (
    AssessmentCycle,
    Phase,
    Rating,
    RatingAnswer,
    RatingParticipation,
    RatingTicket,
)
from orgchart import services as org_services
from tests.factories.orgchart import MemberFactory, UserFactory, make_post_holder

GOOD = {"contact": "good", "service": "fairly_good", "unity": "average", "integrity": "poor"}


def _in_phase(cycle, phase=Phase.RATING):
    AssessmentCycle.objects.filter(pk=cycle.pk).update(phase=phase)
    cycle.refresh_from_db()
    return cycle


@pytest.fixture
def rating(cycle, roles):
    return _in_phase(cycle)


def _written():
    return (Rating.objects.count(), RatingAnswer.objects.count(), RatingParticipation.objects.count())


def test_member_rates_own_community_once(rating, roles, street):
    ratings.rate_as_member(roles["member"], GOOD)
    row = Rating.objects.get()
    assert row.community == street["community1"]
    assert row.rater_kind == "member"
    assert row.secretary.user == roles["community_secretary"]
    assert RatingParticipation.objects.filter(cycle=rating, member=roles["own_member"]).exists()
    with pytest.raises(ratings.RatingRefused) as refused:
        ratings.rate_as_member(roles["member"], GOOD)
    assert refused.value.code == "already_rated"
    assert _written() == (1, 4, 1)


def test_not_outside_rating_phase(cycle, roles):
    for phase in (Phase.DRAFT, Phase.OPEN, Phase.REVIEW, Phase.FINAL):
        _in_phase(cycle, phase)
        with pytest.raises(ratings.RatingRefused) as refused:
            ratings.rate_as_member(roles["member"], GOOD)
        assert refused.value.code == "not_in_phase"
    assert _written() == (0, 0, 0)


def test_not_a_member_and_left_member(rating, roles):
    with pytest.raises(ratings.RatingRefused) as refused:
        ratings.rate_as_member(roles["outsider"], GOOD)
    assert refused.value.code == "not_member"
    import datetime as dt

    member = roles["own_member"]
    member.left_on = dt.date(2026, 1, 1)
    member.save()
    roles["member"].refresh_from_db()
    with pytest.raises(ratings.RatingRefused):
        ratings.rate_as_member(roles["member"], GOOD)
    assert _written() == (0, 0, 0)


def test_no_secretary_in_post(rating, street):
    user = UserFactory(username="sq2dangyuan")
    MemberFactory(organisation=street["branch2"], user=user)
    with pytest.raises(ratings.RatingRefused) as refused:
        ratings.rate_as_member(user, GOOD)
    assert refused.value.code == "no_secretary"


@pytest.mark.parametrize(
    "answers",
    [
        {**GOOD, "contact": "excellent"},
        {k: v for k, v in GOOD.items() if k != "unity"},
        {**GOOD, "extra": "good"},
        {**GOOD, "contact": "good" * 1000},
        {f"q{i}": "good" for i in range(1000)},
        ["good", "good"],
        None,
    ],
)
def test_bad_answers_write_nothing(rating, roles, answers):
    with pytest.raises(ratings.RatingRefused) as refused:
        ratings.rate_as_member(roles["member"], answers)
    assert refused.value.code == "bad_answers"
    assert _written() == (0, 0, 0)


def test_ticket_once_forged_and_unknown(rating, street, roles):
    batch, codes = ratings.generate_tickets(rating, street["community1"], 3, actor=roles["street_secretary"])
    assert len(set(codes)) == 3 and all(len(c) == ratings.TICKET_LENGTH for c in codes)
    # Only a keyed hash is stored: the code itself appears nowhere.
    assert not RatingTicket.objects.filter(code_hash__in=codes).exists()
    ratings.rate_with_ticket(codes[0].lower(), GOOD)
    row = Rating.objects.get()
    assert (row.community, row.rater_kind) == (street["community1"], "resident")
    with pytest.raises(ratings.RatingRefused) as used:
        ratings.rate_with_ticket(codes[0], GOOD)
    assert used.value.code == "used_ticket"
    messages = set()
    for forged in ("ABCDEFGHJK", "short", codes[1][:-1] + ("A" if codes[1][-1] != "A" else "B")):
        with pytest.raises(ratings.RatingRefused) as refused:
            ratings.rate_with_ticket(forged, GOOD)
        assert refused.value.code == "invalid_ticket"
        messages.add(refused.value.messages[0])
    assert len(messages) == 1
    ratings.void_batch(batch, actor=roles["street_secretary"])
    with pytest.raises(ratings.RatingRefused) as voided:
        ratings.rate_with_ticket(codes[1], GOOD)
    assert voided.value.code == "invalid_ticket"
    assert Rating.objects.count() == 1
    assert RatingParticipation.objects.count() == 0


def test_ticket_rates_only_its_community(rating, street, roles):
    make_post_holder(street["community2"], "shequ2", branch=street["branch2"])
    _batch, codes = ratings.generate_tickets(rating, street["community2"], 1, actor=None)
    ratings.rate_with_ticket(codes[0], GOOD)
    assert Rating.objects.get().community == street["community2"]


def test_ticket_generation_managers_only(rating, street, roles):
    for who in ("community_secretary", "member"):
        with pytest.raises(ratings.RatingRefused):
            ratings.generate_tickets(rating, street["community1"], 3, actor=roles[who])
    with pytest.raises(ratings.RatingRefused):
        ratings.generate_tickets(rating, street["union"], 3, actor=roles["street_secretary"])
    with pytest.raises(ratings.RatingRefused):
        ratings.generate_tickets(rating, street["community1"], 0, actor=roles["street_secretary"])
    assert not RatingTicket.objects.exists()


def test_anonymity_no_link_from_rating_to_rater():
    related = {f.related_model for f in Rating._meta.get_fields() if f.is_relation and f.many_to_one}
    from django.contrib.auth import get_user_model

    from assessments.models import RatingQuestion
    from orgchart.models import Member, Organisation

    assert get_user_model() not in related
    assert RatingTicket not in related and RatingParticipation not in related
    # The only member named is the secretary rated.
    assert {f.name for f in Rating._meta.get_fields() if f.is_relation and f.many_to_one} == {
        "cycle",
        "community",
        "secretary",
    }
    assert Member in related and Organisation in related
    assert {f.name for f in RatingParticipation._meta.concrete_fields} == {"id", "cycle", "member"}
    assert {f.name for f in RatingTicket._meta.concrete_fields} == {"id", "batch", "code_hash", "used_on"}
    assert RatingQuestion not in related
    assert "created_on" in {f.name for f in Rating._meta.concrete_fields}
    assert Rating._meta.get_field("created_on").get_internal_type() == "DateField"
    assert Rating._meta.pk.get_internal_type() == "UUIDField"


def _rate_many(cycle, community, n, kind="resident", answer="good"):
    _batch, codes = ratings.generate_tickets(cycle, community, n, actor=None)
    for i, code in enumerate(codes):
        value = answer if i % 2 == 0 else "poor"
        ratings.rate_with_ticket(code, dict.fromkeys(GOOD, value))
    return codes


def test_thresholds(rating, street, roles):
    community = street["community1"]
    _rate_many(rating, community, 4)
    result = ratings.rating_results(rating)[community.pk]
    assert result.residents.ratings == 4
    assert not result.residents.shown and result.residents.satisfaction is None
    assert result.residents.questions == {}
    _rate_many(rating, community, 1)
    result = ratings.rating_results(rating)[community.pk]
    assert result.residents.shown and not result.residents.valid
    # 3 of 5 answered 好 on every question.
    assert result.residents.satisfaction == 60
    question = next(iter(result.residents.questions.values()))
    assert question.counts == {"good": 3, "fairly_good": 0, "average": 0, "poor": 2}
    assert result.members.ratings == 0 and not result.members.shown
    _rate_many(rating, community, 15)
    result = ratings.rating_results(rating)[community.pk]
    assert result.residents.ratings == 20 and result.residents.valid
    assert result.secretary_id == roles["community_secretary"].member.pk


def test_members_and_residents_separate(rating, street, roles):
    ratings.rate_as_member(roles["member"], GOOD)
    _rate_many(rating, street["community1"], 5)
    result = ratings.rating_results(rating)[street["community1"].pk]
    assert (result.members.ratings, result.residents.ratings) == (1, 5)


def _queries(cycle) -> int:
    with CaptureQueriesContext(connection) as ctx:
        ratings.rating_results(cycle)
    return len(ctx.captured_queries)


def test_results_in_constant_queries(rating, street, roles):
    from orgchart.models import OrgKind
    from tests.factories.orgchart import make_org

    _rate_many(rating, street["community1"], 5)
    one = _queries(rating)
    for i in range(10):
        community = make_org(street["street"], OrgKind.COMMUNITY, name=f"加社区{i}", code=f"JSQ{i}")
        branch = make_org(community, OrgKind.BRANCH, name=f"加支部{i}", code=f"JSQ{i}-ZB")
        holder = MemberFactory(organisation=branch, name=f"加书记{i}")
        org_services.appoint(
            org_services.ensure_post(community, "secretary"), holder, started_on=rating.open_on
        )
        _rate_many(rating, community, 6)
    assert _queries(rating) == one == 3
    assert len(ratings.rating_results(rating)) == 11


def test_no_admin_or_api_lists_ratings_or_participations(client, roles):
    from django.contrib import admin
    from wagtail.snippets.models import get_snippet_models

    from assessments.models import RatingAnswer
    from assessments.viewsets import POLICIES

    hidden = {Rating, RatingAnswer, RatingParticipation, RatingTicket}
    assert not hidden & set(POLICIES)
    assert not hidden & set(get_snippet_models())
    assert not hidden & set(admin.site._registry)
    schema = client.get("/api/openapi.json").content.decode()
    assert "participation" not in schema.lower()
    assert [p for p in ("/api/assessment-ratings/", "/api/assessment-ratings/mine/") if p in schema] == [
        "/api/assessment-ratings/",
        "/api/assessment-ratings/mine/",
    ]


def test_rating_answer_has_random_key():
    assert RatingAnswer._meta.pk.get_internal_type() == "UUIDField"

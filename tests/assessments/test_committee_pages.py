"""The street committee's scoring pages: who may open them (403 / 404), what a scorer sees (my
score per cell, how many scored, what I have not scored), the form (each committee indicator
0..weight with a comment through work.score, replacing my earlier score), read-only outside
review, bad input 400 with nothing written, and queries that do not grow with secretaries."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import translation

from assessments import work
from assessments.models import CommitteeScore, Phase, Submission
from orgchart.models import OrgKind
from tests.assessments.committee_support import committee_street, in_phase, queries_of, shown
from tests.assessments.evidence.support import secretary as make_secretary
from tests.assessments.scoring_support import committee, community_with_secretary, reflections
from tests.factories.orgchart import make_org

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


@pytest.fixture
def setup(street, roles):
    return committee_street(street, roles)


def _table(cycle) -> str:
    return reverse("assessments:committee", args=[cycle.pk])


def _page(cycle, member) -> str:
    return reverse("assessments:committee-secretary", args=[cycle.pk, member.pk])


def _form(ind, **values) -> dict[str, str]:
    """POST data: {indicator name: (score, comment)}."""
    data = {}
    for name, (value, comment) in values.items():
        data[f"score-{ind[name].pk}"] = value
        data[f"comment-{ind[name].pk}"] = comment
    return data


GOOD = {
    "L-committee": ("15", "理论扎实"),
    "P-committee": ("25.5", "解决问题多"),
    "H-committee": ("8", "团结"),
}


# Access ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["member", "community_secretary", "outsider"])
def test_others_are_refused_403(client, setup, roles, who):
    cycle, target = setup["cycle"], setup["others"][0][1]
    client.force_login(roles[who])
    assert client.get(_table(cycle)).status_code == 403
    assert client.get(_page(cycle, target)).status_code == 403
    assert client.post(_page(cycle, target), _form(setup["ind"], **GOOD)).status_code == 403
    assert not CommitteeScore.objects.exists()


def test_anonymous_is_sent_to_sign_in(client, setup):
    response = client.get(_table(setup["cycle"]))
    assert response.status_code == 302 and "login" in response["Location"]


def test_post_holder_of_another_street_gets_404(client, setup):
    cycle, target = setup["cycle"], setup["others"][0][1]
    client.force_login(setup["foreign_manager"])
    assert client.get(_table(cycle)).status_code == 404
    assert client.get(_page(cycle, target)).status_code == 404
    assert client.post(_page(cycle, target), _form(setup["ind"], **GOOD)).status_code == 404
    assert not CommitteeScore.objects.exists()
    # ... and opens their own street's cycle.
    assert client.get(_table(setup["foreign"])).status_code == 200


def test_another_streets_cycle_and_forged_ids_are_404(client, setup, roles, street):
    cycle = setup["cycle"]
    client.force_login(roles["street_secretary"])
    assert client.get(_table(setup["foreign"])).status_code == 404
    assert client.get("/assessments/cycles/999999/committee/").status_code == 404
    foreign_community = make_org(setup["foreign"].street, OrgKind.COMMUNITY, name="外街社区", code="WJ1")
    branch = make_org(foreign_community, OrgKind.BRANCH, name="外街支部", code="WJ1-ZB")
    foreign_secretary = make_secretary(foreign_community, branch, started_on=cycle.open_on.replace(year=2024))
    for forged in (roles["own_member"], foreign_secretary):
        assert client.get(_page(cycle, forged)).status_code == 404
        assert client.post(_page(cycle, forged), _form(setup["ind"], **GOOD)).status_code == 404
    assert client.get(f"/assessments/cycles/{cycle.pk}/committee/999999/").status_code == 404
    assert not CommitteeScore.objects.exists()


def test_street_post_holders_open_both_pages(client, setup, roles):
    cycle = setup["cycle"]
    for user in (roles["street_secretary"], setup["scorers"][0], roles["superuser"]):
        client.force_login(user)
        assert client.get(_table(cycle)).status_code == 200
        assert client.get(_page(cycle, setup["others"][0][1])).status_code == 200


# What a scorer sees ---------------------------------------------------------------------------


def test_table_shows_my_scores_the_number_of_scorers_and_what_i_have_not_scored(client, setup, roles):
    cycle, ind = setup["cycle"], setup["ind"]
    me, colleague = roles["street_secretary"], setup["scorers"][0]
    mine_member = roles["community_secretary"].member
    other_member = setup["others"][0][1]
    for name in ("L-committee", "P-committee", "H-committee"):
        committee(cycle, ind[name], other_member, [10], [colleague])
    committee(cycle, ind["P-committee"], other_member, [20], [me])
    client.force_login(me)
    response = client.get(_table(cycle))
    html = response.content.decode()
    rows = {row.secretary.member_id: row for row in response.context["rows"]}
    assert set(rows) == {mine_member.pk, other_member.pk}
    other = rows[other_member.pk]
    assert [c.mine for c in other.cells] == [None, Decimal("20.00"), None]
    assert [c.scorers for c in other.cells] == [1, 2, 1]
    assert other.scorers == 2 and not other.done_by_me
    assert response.context["todo"] == 2
    assert response.context["committee_size"] == 3  # the street secretary and two committee members
    assert html.count('data-todo="1"') == 2
    assert 'class="todo-count has-todo"' in html

    for name in ("L-committee", "H-committee"):
        committee(cycle, ind[name], other_member, [9], [me])
    response = client.get(_table(cycle))
    rows = {row.secretary.member_id: row for row in response.context["rows"]}
    assert rows[other_member.pk].done_by_me and not rows[mine_member.pk].done_by_me
    assert response.context["todo"] == 1
    assert response.content.decode().count('data-todo="1"') == 1
    # A colleague's table shows their own scores, not mine.
    client.force_login(colleague)
    rows = {row.secretary.member_id: row for row in client.get(_table(cycle)).context["rows"]}
    assert [c.mine for c in rows[other_member.pk].cells] == [Decimal("10.00")] * 3


def test_secretary_without_login_is_listed_but_cannot_be_scored(client, setup, roles, street):
    cycle = setup["cycle"]
    community = make_org(street["street"], OrgKind.COMMUNITY, name="无账号社区", code="WZH")
    branch = make_org(community, OrgKind.BRANCH, name="无账号支部", code="WZH-ZB")
    nobody = make_secretary(community, branch, started_on=cycle.open_on.replace(year=2024), login=False)
    client.force_login(roles["street_secretary"])
    response = client.get(_table(cycle))
    assert nobody.pk in {r.secretary.member_id for r in response.context["rows"]}
    assert response.context["todo"] == 2  # the two with a login
    page = client.get(_page(cycle, nobody))
    assert page.status_code == 200 and not page.context["can_score"]
    refused = client.post(_page(cycle, nobody), _form(setup["ind"], **GOOD))
    assert refused.status_code == 400 and not CommitteeScore.objects.exists()


def test_secretary_page_shows_submissions_and_automatic_evidence(client, setup, roles):
    cycle = setup["cycle"]
    target = roles["community_secretary"]
    reflections(cycle, target.member, target.member.organisation.get_parent(), [1, 2])
    Submission.objects.create(
        cycle=cycle,
        secretary=target,
        community=target.member.organisation.get_parent(),
        kind="report",
        title="社区养老调研报告",
        body="正文",
    )
    client.force_login(roles["street_secretary"])
    response = client.get(_page(cycle, target.member))
    html = response.content.decode()
    assert response.status_code == 200
    assert html.count('data-testid="submission"') == 3
    assert "社区养老调研报告" in html and "1月学习体会" in html
    sources = [line["source"] for line in response.context["lines"]]
    assert "committee" not in sources and "automatic" in sources and "rating" in sources
    study = next(line for line in response.context["lines"] if line["name"] == "L-study")
    assert len(study["evidence"]) == 2
    # No ratings yet: the rating lines say so instead of a bare 0.
    assert html.count('data-testid="rating-note"') == 2
    assert "评议人数不足" in html  # ratings.hidden_reason() in the catalogue
    # Three committee indicators to score, empty until I score.
    assert [f["indicator"].name for f in response.context["fields"]] == [
        "L-committee",
        "P-committee",
        "H-committee",
    ]
    assert response.context["can_score"] and html.count('data-testid="indicator"') == 3


# Scoring --------------------------------------------------------------------------------------


def test_scoring_writes_my_scores_and_scoring_again_replaces_them(client, setup, roles):
    cycle, ind = setup["cycle"], setup["ind"]
    target = setup["others"][0][1]
    me = roles["street_secretary"]
    client.force_login(me)
    response = client.post(_page(cycle, target), _form(ind, **GOOD))
    assert response.status_code == 302 and response["Location"] == _table(cycle)
    got = {s.indicator.name: (s.score, s.comment) for s in CommitteeScore.objects.filter(scorer=me)}
    assert got == {
        "L-committee": (Decimal("15.00"), "理论扎实"),
        "P-committee": (Decimal("25.50"), "解决问题多"),
        "H-committee": (Decimal("8.00"), "团结"),
    }
    assert all(s.secretary == target.user for s in CommitteeScore.objects.all())
    # The form shows my earlier scores; scoring again replaces them; an empty indicator keeps its score.
    page = client.get(_page(cycle, target))
    assert [str(f["score"]) for f in page.context["fields"]] == ["15.00", "25.50", "8.00"]
    again = client.post(
        _page(cycle, target), _form(ind, **{"P-committee": ("28", "复核后调整"), "H-committee": ("", "")})
    )
    assert again.status_code == 302
    assert CommitteeScore.objects.count() == 3
    p = CommitteeScore.objects.get(indicator=ind["P-committee"])
    assert (p.score, p.comment) == (Decimal("28.00"), "复核后调整")
    assert CommitteeScore.objects.get(indicator=ind["H-committee"]).score == Decimal("8.00")
    # The table now counts the secretary as done.
    rows = {r.secretary.member_id: r for r in client.get(_table(cycle)).context["rows"]}
    assert rows[target.pk].done_by_me


RANGE = ("The score is between 0 and %(weight)s.", {"weight": 30})
NUMBER = ("Enter a number.", {})
BAD = [
    pytest.param("-1", "评语", RANGE, id="negative"),
    pytest.param("30.01", "评语", RANGE, id="over-weight"),
    pytest.param("abc", "评语", NUMBER, id="not-a-number"),
    pytest.param("NaN", "评语", RANGE, id="nan"),
    pytest.param("1" * 21, "评语", NUMBER, id="oversized-number"),
    pytest.param("12.345", "评语", ("At most two decimal places.", {}), id="too-precise"),
    pytest.param("", "评语", NUMBER, id="no-score"),
    pytest.param("20", "   ", ("A committee score needs a comment.", {}), id="empty-comment"),
    pytest.param(
        "20", "长" * 2001, ("At most %(limit)s characters.", {"limit": 2000}), id="oversized-comment"
    ),
]


@pytest.mark.parametrize(("value", "comment", "message"), BAD)
def test_bad_scores_are_refused_with_a_message_and_nothing_written(
    client, setup, roles, value, comment, message
):
    cycle, ind = setup["cycle"], setup["ind"]
    target = setup["others"][0][1]
    client.force_login(roles["street_secretary"])
    committee(cycle, ind["P-committee"], target, [10], [roles["street_secretary"]])
    form = _form(ind, **{"L-committee": ("15", "好"), "P-committee": (value, comment)})
    response = client.post(_page(cycle, target), form)
    assert response.status_code == 400
    assert shown(message[0], **message[1]) in response.content.decode()
    # The good indicator of the same form is not written either; the earlier score stays.
    assert list(CommitteeScore.objects.values_list("indicator__name", "score")) == [
        ("P-committee", Decimal("10.00"))
    ]
    # The form keeps what was typed.
    field = next(f for f in response.context["fields"] if f["indicator"] == ind["P-committee"])
    assert field["score"] == value and field["errors"]


def test_bad_scores_in_chinese(client, setup, roles):
    cycle, ind = setup["cycle"], setup["ind"]
    client.force_login(roles["street_secretary"])
    response = client.post(_page(cycle, setup["others"][0][1]), _form(ind, **{"P-committee": ("99", "好")}))
    assert response.status_code == 400
    assert "得分应在 0 至 30 之间。" in response.content.decode()
    assert not CommitteeScore.objects.exists()


def test_an_empty_form_is_refused(client, setup, roles):
    client.force_login(roles["street_secretary"])
    response = client.post(_page(setup["cycle"], setup["others"][0][1]), {})
    assert response.status_code == 400
    assert shown("Enter at least one score with its comment.") in response.content.decode()
    assert not CommitteeScore.objects.exists()


NOT_YET = "The committee scores during the review; this assessment is not in review yet."
ENDED = "The review has ended: committee scores can no longer be changed."


@pytest.mark.parametrize(
    ("phase", "message"),
    [(Phase.OPEN, NOT_YET), (Phase.RATING, NOT_YET), (Phase.PUBLICITY, ENDED), (Phase.FINAL, ENDED)],
)
def test_outside_review_the_pages_are_read_only(client, setup, roles, phase, message):
    cycle = in_phase(setup["cycle"], phase)
    message = shown(message)
    target = setup["others"][0][1]
    committee(cycle, setup["ind"]["P-committee"], target, [12], [roles["street_secretary"]])
    client.force_login(roles["street_secretary"])
    table = client.get(_table(cycle))
    assert table.status_code == 200 and message in table.content.decode()
    assert 'data-testid="read-only"' in table.content.decode()
    page = client.get(_page(cycle, target))
    html = page.content.decode()
    assert page.status_code == 200 and message in html and not page.context["can_score"]
    assert "disabled" in html and 'type="submit"' not in html.split('data-testid="score-form"')[1]
    assert "12.00" in html  # my earlier score is still shown
    refused = client.post(_page(cycle, target), _form(setup["ind"], **GOOD))
    assert refused.status_code == 400 and message in refused.content.decode()
    assert list(CommitteeScore.objects.values_list("score", flat=True)) == [Decimal("12.00")]


# Queries --------------------------------------------------------------------------------------


def test_queries_do_not_grow_with_secretaries(client, setup, roles, street, django_assert_num_queries):
    cycle, ind = setup["cycle"], setup["ind"]
    me = roles["street_secretary"]
    client.force_login(me)
    target = setup["others"][0][1]
    urls = (_table(cycle), _page(cycle, target))
    small = [queries_of(client, url) for url in urls]  # 2 secretaries, no scores
    for _ in range(4):
        community, member = community_with_secretary(street["street"])
        for name in ("L-committee", "P-committee"):
            committee(cycle, ind[name], member, [10, 12], [me, setup["scorers"][0]])
        reflections(cycle, member, community, [1, 2])
    assert len(client.get(urls[0]).context["rows"]) == 6
    for url, expected in zip(urls, small, strict=True):
        assert client.get(url).status_code == 200  # warm-up, as queries_of (the preview cache)
        with django_assert_num_queries(expected):
            assert client.get(url).status_code == 200


# Links ----------------------------------------------------------------------------------------


def test_menu_and_sheet_link_to_committee_scoring(client, setup, roles):
    cycle = setup["cycle"]
    url = _table(cycle)
    client.force_login(roles["street_secretary"])
    assert url in client.get(reverse("wagtailadmin_home")).content.decode()
    sheet = client.get(reverse("assessments:sheet", args=[cycle.pk])).content.decode()
    assert f'href="{url}"' in sheet
    assert reverse("assessments:sheet", args=[cycle.pk]) in client.get(url).content.decode()
    client.force_login(roles["community_secretary"])
    home = client.get(reverse("wagtailadmin_home"))
    assert home.status_code == 200 and url not in home.content.decode()


# Translations ---------------------------------------------------------------------------------


def test_committee_translations_are_complete_and_keep_their_placeholders():
    import re
    from pathlib import Path

    import polib
    from django.conf import settings

    path = Path(settings.BASE_DIR) / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"
    entries = {e.msgid: e.msgstr for e in polib.pofile(str(path)) if not e.msgid_plural}
    for msgid in (
        "Committee scoring",
        "Secretaries you have not yet scored: %(n)s.",
        "Enter at least one score with its comment.",
        "At most two decimal places.",
        "Choose yes or no.",
        "%(reason)s (%(ratings)s of %(needed)s ratings)",
        "Overrides",
    ):
        assert entries.get(msgid), msgid
    for msgid, msgstr in entries.items():
        if "%(" not in msgid:
            continue
        assert msgstr and set(re.findall(r"%\(\w+\)s", msgid)) == set(re.findall(r"%\(\w+\)s", msgstr)), msgid


# A secretary replaced during the year ----------------------------------------------------------


def test_a_secretary_who_left_the_post_this_year_is_scored_too(client, setup, roles, street):
    """compute_scores scores everyone who held a community's secretary post in the cycle's year;
    the committee scores the same people (else a replaced secretary's committee points were 0)."""
    cycle, ind = setup["cycle"], setup["ind"]
    year = cycle.year
    _community, former = community_with_secretary(
        street["street"], started_on=dt.date(year - 1, 1, 1), ended_on=dt.date(year, 3, 31)
    )
    _community, long_gone = community_with_secretary(
        street["street"], started_on=dt.date(year - 3, 1, 1), ended_on=dt.date(year - 1, 6, 30)
    )
    client.force_login(roles["street_secretary"])
    listed = {row.secretary.member_id for row in client.get(_table(cycle)).context["rows"]}
    assert former.pk in listed and long_gone.pk not in listed
    done = client.post(_page(cycle, former), _form(ind, **GOOD))
    assert done.status_code == 302
    assert CommitteeScore.objects.filter(secretary=former.user).count() == 3
    assert client.get(_page(cycle, long_gone)).status_code == 404
    with pytest.raises(ValidationError):
        work.score(
            cycle,
            actor=roles["street_secretary"],
            indicator=ind["L-committee"],
            secretary=long_gone.user,
            value="10",
            comment="不应计分",
        )
    assert not CommitteeScore.objects.filter(secretary=long_gone.user).exists()

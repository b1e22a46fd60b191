"""The public results: final cycles' recommended secretaries and award-winning works for anyone
(no scores, no one not recommended), the 公示 page with its objection form (rate-limited,
nothing written on bad input), 404 for every other phase and forged ids, and page queries that
do not grow with the number of results and awards."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation

from assessments.models import Objection, Phase
from tests.assessments.public_support import add_awards, add_results, move, published
from tests.factories.assessments import make_cycle

pytestmark = pytest.mark.django_db

PHASES = [Phase.DRAFT, Phase.OPEN, Phase.RATING, Phase.REVIEW, Phase.PUBLICITY, Phase.FINAL]


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


@pytest.fixture
def final(street):
    return published(street["street"], Phase.FINAL)


def _logins(client, roles, who):
    if who != "anonymous":
        client.force_login(roles[who])


# The results pages ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "who", ["anonymous", "member", "community_secretary", "outsider", "street_secretary"]
)
def test_final_results_are_public(client, final, roles, who):
    cycle, results = final
    _logins(client, roles, who)
    listing = client.get("/assessments/results/")
    assert listing.status_code == 200
    assert [c.pk for c in listing.context["cycles"]] == [cycle.pk]
    page = client.get(f"/assessments/results/{cycle.pk}/")
    assert page.status_code == 200
    pub = page.context["pub"]
    assert [(r.place, r.name) for r in pub.recommended] == [
        (i, r.name) for i, r in enumerate(results[1:4], 1)
    ]
    assert pub.recommended[0].band_name == "优秀"
    assert [(a.title, a.author, a.community) for a in pub.awards] == [
        (f"{a.submission.title}", r.name, r.community.name)
        for a, r in zip(cycle.awards.order_by("kind", "pk"), results, strict=False)
    ]


def test_results_publish_no_scores_and_no_one_not_recommended(client, final):
    cycle, results = final
    html = client.get(f"/assessments/results/{cycle.pk}/").content.decode()
    assert html.count('data-testid="recommended-row"') == 3
    for r in results[1:4]:
        assert r.name in html
        assert str(r.total) not in html  # no totals
    vetoed, last = results[0], results[4]
    assert vetoed.name not in html.split('data-testid="awards"')[0]
    assert last.name not in html
    assert "每月学习" not in html and "委员评语不公开" not in html


def test_award_links_to_its_published_result_page(client, final):
    cycle, _results = final
    html = client.get(f"/assessments/results/{cycle.pk}/").content.decode()
    assert html.count('data-testid="award-link"') == 2
    for award in cycle.awards.select_related("result_page"):
        assert award.result_page.live
        assert f'href="{award.result_page.url}"' in html
        assert client.get(award.result_page.url).status_code == 200


def test_unpublished_result_page_is_not_linked(client, final):
    cycle, _results = final
    award = cycle.awards.select_related("result_page").first()
    award.result_page.unpublish()
    html = client.get(f"/assessments/results/{cycle.pk}/").content.decode()
    assert html.count('data-testid="award-link"') == 1


@pytest.mark.parametrize("phase", PHASES)
def test_results_page_only_for_final_cycles(client, street, phase):
    cycle, _results = published(street["street"], phase)
    expected = 200 if phase == Phase.FINAL else 404
    assert client.get(f"/assessments/results/{cycle.pk}/").status_code == expected
    listed = [c.pk for c in client.get("/assessments/results/").context["cycles"]]
    assert listed == ([cycle.pk] if phase == Phase.FINAL else [])


@pytest.mark.parametrize("phase", PHASES)
def test_publicity_page_only_during_publicity(client, street, phase):
    cycle, _results = published(street["street"], phase)
    expected = 200 if phase == Phase.PUBLICITY else 404
    assert client.get(f"/assessments/publicity/{cycle.pk}/").status_code == expected
    assert client.post(f"/assessments/publicity/{cycle.pk}/", {"text": "异议"}).status_code in (expected, 302)
    if phase != Phase.PUBLICITY:
        assert not Objection.objects.exists()


@pytest.mark.parametrize("forged", ["999999", "abc", "0"])
def test_forged_ids_are_404(client, final, forged):
    assert client.get(f"/assessments/results/{forged}/").status_code == 404
    assert client.get(f"/assessments/publicity/{forged}/").status_code == 404


def test_results_listing_newest_first_with_publicity_cycles(client, street):
    old, _r = published(street["street"], Phase.FINAL, year=2024, secretaries=1, awards=0)
    new, _r = published(street["street"], Phase.FINAL, year=2025, secretaries=1, awards=0)
    now, _r = published(street["street"], Phase.PUBLICITY, year=2026, secretaries=1, awards=0)
    published(street["street"], Phase.REVIEW, year=2027, secretaries=1, awards=0)
    page = client.get("/assessments/results/")
    assert [c.pk for c in page.context["cycles"]] == [new.pk, old.pk]
    assert [c.pk for c in page.context["publicity"]] == [now.pk]
    html = page.content.decode()
    assert f"/assessments/publicity/{now.pk}/" in html


def test_results_are_linked_from_the_site_and_the_secretarys_page(client, final, roles):
    cycle, _results = final
    assert 'href="/assessments/results/"' in client.get("/assessments/results/").content.decode()
    client.force_login(roles["community_secretary"])
    mine = client.get(f"/assessments/mine/?cycle={cycle.pk}").content.decode()
    assert f'href="/assessments/results/{cycle.pk}/"' in mine
    assert 'href="/assessments/results/"' in mine


def test_secretarys_page_links_the_publicity_page(client, street, roles):
    cycle, _results = published(street["street"], Phase.PUBLICITY)
    client.force_login(roles["community_secretary"])
    mine = client.get(f"/assessments/mine/?cycle={cycle.pk}").content.decode()
    assert f'href="/assessments/publicity/{cycle.pk}/"' in mine


# The 公示 page and objections -------------------------------------------------------------------


@pytest.fixture
def notice(street):
    return published(street["street"], Phase.PUBLICITY)


def test_publicity_page_shows_the_proposed_results_and_the_last_day(client, notice):
    from assessments import workdays

    cycle, results = notice
    page = client.get(f"/assessments/publicity/{cycle.pk}/")
    assert page.status_code == 200
    end = workdays.add_working_days(cycle.publicity_started_on, cycle.publicity_working_days)
    assert page.context["pub"].window_ends_on == end and page.context["window_open"]
    html = page.content.decode()
    assert end.isoformat() in html
    assert html.count('data-testid="recommended-row"') == 3
    assert 'data-testid="objection-form"' in html
    assert 'data-testid="award-link"' not in html  # not published before final
    assert str(results[1].total) not in html


@pytest.mark.parametrize("who", ["anonymous", "member"])
def test_anyone_files_an_objection(client, notice, roles, who):
    cycle, _results = notice
    _logins(client, roles, who)
    url = f"/assessments/publicity/{cycle.pk}/"
    response = client.post(url, {"text": "  对第二名的推荐有异议：材料不实。 "})
    assert response.status_code == 302 and response["Location"] == f"{url}?filed=1"
    objection = Objection.objects.get()
    # NFKC-normalised and trimmed: the full-width colon becomes ":".
    assert objection.cycle == cycle and objection.text == "对第二名的推荐有异议:材料不实。"
    assert objection.filed_by == (roles["member"] if who == "member" else None)
    assert 'data-testid="filed"' in client.get(response["Location"]).content.decode()


@pytest.mark.parametrize("text", ["", "   ", "异" * 2001])
def test_bad_objection_writes_nothing(client, notice, text):
    cycle, _results = notice
    response = client.post(f"/assessments/publicity/{cycle.pk}/", {"text": text})
    assert response.status_code == 400
    assert response.context["errors"]
    assert 'role="alert"' in response.content.decode()
    assert not Objection.objects.exists()


def test_bad_objection_message_is_chinese(client, notice):
    cycle, _results = notice
    with translation.override("zh-hans"):
        response = client.post(
            f"/assessments/publicity/{cycle.pk}/", {"text": " "}, HTTP_ACCEPT_LANGUAGE="zh-hans"
        )
    assert response.status_code == 400
    assert any("\u4e00" <= ch <= "\u9fff" for ch in response.context["errors"][0])


def test_objections_are_rate_limited(client, notice, settings):
    settings.ASSESSMENTS_OBJECTIONS_PER_HOUR = 2
    cycle, _results = notice
    url = f"/assessments/publicity/{cycle.pk}/"
    assert client.post(url, {"text": ""}).status_code == 400  # a bad attempt counts too
    assert client.post(url, {"text": "异议一"}).status_code == 302
    refused = client.post(url, {"text": "异议二"})
    assert refused.status_code == 429 and refused.context["errors"]
    assert list(Objection.objects.values_list("text", flat=True)) == ["异议一"]
    # Another address is not held back.
    assert client.post(url, {"text": "异议三"}, REMOTE_ADDR="10.0.0.9").status_code == 302


def test_after_the_window_the_form_is_gone_and_objections_refused(client, street):
    cycle, _results = published(street["street"], Phase.PUBLICITY)
    cycle = move(cycle, Phase.PUBLICITY, started=timezone.localdate() - dt.timedelta(days=40))
    url = f"/assessments/publicity/{cycle.pk}/"
    page = client.get(url)
    assert page.status_code == 200 and not page.context["window_open"]
    assert 'data-testid="objection-form"' not in page.content.decode()
    assert client.post(url, {"text": "太晚了"}).status_code == 400
    assert not Objection.objects.exists()


# Queries ----------------------------------------------------------------------------------------


def _count(client, url) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize("phase", [Phase.FINAL, Phase.PUBLICITY])
def test_page_queries_do_not_grow_with_results_and_awards(client, street, django_assert_num_queries, phase):
    cycle, results = published(street["street"], phase, secretaries=4, awards=1)
    url = f"/assessments/{'results' if phase == Phase.FINAL else 'publicity'}/{cycle.pk}/"
    _count(client, url)  # warm: the working-day calendar seeds its year once
    small = _count(client, url)
    more = add_results(cycle, street["street"], 12, start_rank=5)
    add_awards(cycle, more, 8)
    if phase == Phase.FINAL:
        from assessments import work

        work.publish_awards(cycle)
    with django_assert_num_queries(small):
        response = client.get(url)
    assert len(response.context["pub"].awards) == 9


def test_listing_queries_do_not_grow(client, street, django_assert_num_queries):
    published(street["street"], Phase.FINAL, year=2024, secretaries=1, awards=0)
    _count(client, "/assessments/results/")  # warm: the site's root paths are cached once
    small = _count(client, "/assessments/results/")
    for year in (2020, 2021, 2022):
        move(make_cycle(street["street"], year), Phase.FINAL)
    with django_assert_num_queries(small):
        assert len(client.get("/assessments/results/").context["cycles"]) == 4

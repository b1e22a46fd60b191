"""Chinese search: segmented index and queries behind Wagtail's backend, ranking, highlighting,
the audience rule, the /search/ page and /api/search/. Runs on SQLite and on PostgreSQL."""

from __future__ import annotations

import os

import pytest
from django.db import connection
from rest_framework.test import APIClient
from wagtail.models import Page, PageViewRestriction
from wagtail.search.backends import get_search_backend

from core.search.highlight import highlight, snippet
from core.search.segment import index_text
from portal.models import OrgChartPage
from portal.queries import search_pages
from portal.site import ensure_site

TITLES = ["社区志愿服务活动通知", "社区党建工作", "党员学习教育"]


@pytest.fixture
def home(street):
    return ensure_site(street["street"])


@pytest.fixture
def pages(home):
    """Three public pages with real Chinese titles, under the home page."""
    return {title: home.add_child(instance=Page(title=title)) for title in TITLES}


def found(query: str, queryset=None, **kwargs) -> list[str]:
    queryset = queryset if queryset is not None else Page.objects.filter(title__in=TITLES)
    return [page.title for page in get_search_backend().search(query, queryset, **kwargs)]


# --- the backend ---------------------------------------------------------------------------------


def test_the_configured_backend_segments_for_this_database(db):
    backend = get_search_backend()
    expected = {"sqlite": "ChineseSQLiteSearchBackend", "postgresql": "ChinesePostgresSearchBackend"}
    assert type(backend).__name__ == expected[connection.vendor]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("志愿", {"社区志愿服务活动通知"}),
        ("党建", {"社区党建工作"}),
        ("服务", {"社区志愿服务活动通知"}),
        ("社区", {"社区志愿服务活动通知", "社区党建工作"}),
        ("通知", {"社区志愿服务活动通知"}),
        ("学习", {"党员学习教育"}),
        ("志愿服务", {"社区志愿服务活动通知"}),
        ("社区 党建", {"社区党建工作"}),
        ("党建工作", {"社区党建工作"}),
        ("教育", {"党员学习教育"}),
    ],
)
def test_a_chinese_sub_word_finds_the_right_pages_and_only_those(pages, query, expected):
    assert set(found(query)) == expected


def test_words_absent_from_every_page_find_nothing(pages):
    assert found("扶贫") == []
    assert found("志愿 党员") == []  # AND: no page has both


def test_the_index_holds_space_separated_words(pages):
    from modelsearch.conf import get_app_config

    entry = get_app_config().get_model("IndexEntry").objects.get(object_id=str(pages["社区党建工作"].pk))
    if connection.vendor == "sqlite":
        assert entry.title == "社区 党建 工作"
    else:
        assert {"社区", "党建", "工作"} <= {
            lexeme.split(":")[0].strip("'") for lexeme in str(entry.title).split()
        }


def test_update_index_rebuilds_segmented_entries(pages):
    from django.core.management import call_command

    call_command("update_index", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert set(found("党建")) == {"社区党建工作"}


def test_title_matches_rank_above_body_only_matches(home):
    body_only = home.add_child(
        instance=OrgChartPage(
            title="街道工作简报",
            slug="brief",
            intro="<p>志愿服务志愿服务：本月各社区开展志愿服务，志愿者参加志愿活动。</p>",
        )
    )
    in_title = home.add_child(
        instance=OrgChartPage(title="关于开展社区志愿服务活动的通知", slug="guanyu-tongzhi")
    )
    results = list(
        get_search_backend().search("志愿", Page.objects.filter(pk__in=[body_only.pk, in_title.pk]))
    )
    assert [page.pk for page in results] == [in_title.pk, body_only.pk]


def test_publishing_an_edit_updates_the_index(home):
    page = home.add_child(instance=Page(title="党员学习教育", slug="xuexi-jiaoyu"))
    assert found("党员学习", Page.objects.filter(pk=page.pk)) == ["党员学习教育"]

    page.title = "社区志愿服务活动通知"
    page.save_revision().publish()

    only = Page.objects.filter(pk=page.pk)
    assert found("志愿", only) == ["社区志愿服务活动通知"]
    assert found("学习", only) == []


def test_a_draft_is_found_once_it_is_published(home):
    from django.contrib.auth.models import AnonymousUser

    page = home.add_child(instance=Page(title="草稿", slug="draft", live=False))
    page.title = "社区党建工作"
    page.save_revision()
    assert list(search_pages(AnonymousUser(), "党建")) == []

    page.get_latest_revision().publish()
    assert [p.pk for p in search_pages(AnonymousUser(), "党建")] == [page.pk]


@pytest.mark.parametrize(
    "query",
    [
        "",
        " ",
        "x" * 10_000,
        "志" * 10_000,
        "！？。，、；：…",
        '"',
        '"""',
        "*",
        "志愿*",
        "NEAR(",
        "NEAR(志愿 党建)",
        "AND OR",
        "NOT",
        "志愿 AND OR NOT 党建",
        "title:志愿",
        "{title body}: 志愿",
        "^志愿",
        "' OR 1=1 --",
        "'; DROP TABLE wagtailcore_page; --",
        "a & b | !c <-> d",
        "\\",
        "\x00",
        "_",
        "😀",
    ],
)
def test_bad_query_strings_never_raise(pages, query):
    assert isinstance(found(query), list)
    assert isinstance(list(get_search_backend().autocomplete(query, Page)), list)


def test_fts_syntax_in_a_query_is_searched_as_words(pages):
    assert found('"志愿"') == ["社区志愿服务活动通知"]
    assert found("志愿*") == ["社区志愿服务活动通知"]
    assert found("NEAR(党建") == []  # "near" is a word no page has


def test_autocomplete_finds_a_word_prefix(pages):
    titles = [
        page.title for page in get_search_backend().autocomplete("志", Page.objects.filter(title__in=TITLES))
    ]
    assert titles == ["社区志愿服务活动通知"]


# --- segmentation and highlighting ---------------------------------------------------------------


def test_index_text_drops_punctuation_and_normalises_width():
    assert index_text("社区“志愿”服务！ＡＢＣ１２３") == "社区 志愿 服务 abc123"


def test_highlight_marks_words_and_escapes_page_text_and_query():
    assert (
        highlight("社区志愿服务活动通知", ["志愿", "服务"])
        == "社区<mark>志愿</mark><mark>服务</mark>活动通知"
    )
    html = highlight("<b>志愿</b> & <script>alert(1)</script>", ["志愿", "<script>", "script"])
    assert "<script>" not in html and "<b>" not in html
    assert "&lt;b&gt;<mark>志愿</mark>&lt;/b&gt; &amp; " in html
    assert "&lt;<mark>script</mark>&gt;" in html or "<mark>&lt;script&gt;</mark>" in html


def test_snippet_shows_text_around_the_first_match():
    text = "开头" * 100 + "志愿服务" + "结尾" * 100
    html = snippet(text, ["志愿"], length=40)
    assert html.startswith("…") and html.endswith("…")
    assert "<mark>志愿</mark>" in html


# --- the audience rule -------------------------------------------------------------------------


@pytest.fixture
def mixed(home):
    """A public page and a login-required page with the same word, and a group-restricted page."""
    public = home.add_child(instance=Page(title="社区党建工作", slug="public"))
    members = home.add_child(instance=OrgChartPage(title="社区党建工作（党员）", slug="members"))
    restricted = home.add_child(instance=Page(title="社区党建工作（内部）", slug="internal"))
    PageViewRestriction.objects.create(page=restricted, restriction_type=PageViewRestriction.GROUPS)
    secret = home.add_child(instance=Page(title="社区党建工作（密码）", slug="secret"))
    PageViewRestriction.objects.create(
        page=secret, restriction_type=PageViewRestriction.PASSWORD, password="x"
    )
    draft = home.add_child(instance=Page(title="社区党建工作（草稿）", slug="draft", live=False))
    return {"public": public, "members": members, "restricted": restricted, "secret": secret, "draft": draft}


def test_anonymous_visitors_find_only_public_live_pages(mixed):
    from django.contrib.auth.models import AnonymousUser

    assert [p.pk for p in search_pages(AnonymousUser(), "党建")] == [mixed["public"].pk]


def test_members_also_find_login_required_pages_but_not_restricted_ones(mixed, roles):
    pks = {p.pk for p in search_pages(roles["member"], "党建")}
    assert pks == {mixed["public"].pk, mixed["members"].pk}


def test_a_superuser_passes_group_restrictions_but_not_passwords(mixed, roles):
    pks = {p.pk for p in search_pages(roles["superuser"], "党建")}
    assert pks == {mixed["public"].pk, mixed["members"].pk, mixed["restricted"].pk}


def test_members_only_notices_reach_only_their_audience(home, street, roles):
    from django.contrib.auth.models import AnonymousUser

    from portal.models import Visibility
    from tests.portal.content_support import notice

    public = notice(street["community2"], title="第二社区志愿服务公开通知", visibility=Visibility.PUBLIC)
    own = notice(street["community1"], title="第一社区志愿服务内部通知", visibility=Visibility.MEMBERS)
    other = notice(street["community2"], title="第二社区志愿服务内部通知", visibility=Visibility.MEMBERS)

    def pks(user):
        return {p.pk for p in search_pages(user, "志愿服务")}

    assert pks(AnonymousUser()) == {public.pk}
    assert pks(roles["member"]) == {public.pk, own.pk}  # a member of community 1
    assert pks(roles["superuser"]) == {public.pk, own.pk, other.pk}


# --- the /search/ page -------------------------------------------------------------------------


def test_search_page_lists_highlighted_results(client, pages):
    response = client.get("/search/", {"q": "志愿"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "社区<mark>志愿</mark>服务活动通知" in html
    assert "社区党建工作" not in html


def test_search_page_explains_empty_queries_no_words_and_no_results(client, pages):
    assert 'data-testid="search-empty"' in client.get("/search/").content.decode()
    assert 'data-testid="search-empty"' in client.get("/search/", {"q": "   "}).content.decode()
    assert 'data-testid="search-no-words"' in client.get("/search/", {"q": "！？。"}).content.decode()
    assert 'data-testid="search-no-results"' in client.get("/search/", {"q": "扶贫"}).content.decode()


def test_search_page_refuses_a_too_long_query_with_a_message(client, pages):
    response = client.get("/search/", {"q": "志愿" * 5_000})
    assert response.status_code == 200
    assert response.context["form"].errors["q"]
    assert 'aria-invalid="true"' in response.content.decode()


@pytest.mark.parametrize("query", ['"', "NEAR(", "AND OR", "*", "<script>alert(1)</script>", "' OR 1=1 --"])
def test_search_page_answers_odd_queries_without_error_and_escapes_them(client, pages, query):
    response = client.get("/search/", {"q": query})
    assert response.status_code == 200
    assert "<script>alert(1)</script>" not in response.content.decode()


def test_script_in_the_query_is_escaped_where_it_matches(client, home):
    home.add_child(instance=Page(title="如何防范<script>注入", slug="xss"))
    response = client.get("/search/", {"q": "<script>注入"})
    html = response.content.decode()
    assert "<script>" not in html.split("<main", 1)[1].split("</main>", 1)[0]
    assert "<mark>script</mark>" in html and "&lt;" in html


def test_search_page_paginates_and_keeps_the_query(client, home):
    for i in range(12):
        home.add_child(instance=Page(title=f"社区志愿服务第{i}期", slug=f"p{i}"))
    first = client.get("/search/", {"q": "志愿"})
    assert len(first.context["hits"]) == 10
    html = first.content.decode()
    assert "page=2" in html and "q=%E5%BF%97%E6%84%BF" in html
    second = client.get("/search/", {"q": "志愿", "page": "2"})
    assert len(second.context["hits"]) == 2
    assert client.get("/search/", {"q": "志愿", "page": "abc"}).status_code == 200


def test_search_page_hides_login_required_pages_from_anonymous_visitors(client, mixed, roles):
    assert "（党员）" not in client.get("/search/", {"q": "党建"}).content.decode()
    client.force_login(roles["member"])
    assert "（党员）" in client.get("/search/", {"q": "党建"}).content.decode()


# --- /api/search/ --------------------------------------------------------------------------------


def test_api_search_returns_highlighted_results(pages):
    response = APIClient().get("/api/search/", {"q": "党建"})
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 1
    hit = body["results"][0]
    assert hit["title"] == "社区党建工作"
    assert hit["title_html"] == "社区<mark>党建</mark>工作"
    assert hit["url"].endswith("/")


def test_api_search_applies_the_audience_rule(mixed, roles):
    client = APIClient()
    assert [r["id"] for r in client.get("/api/search/", {"q": "党建"}).json()["results"]] == [
        mixed["public"].pk
    ]
    client.force_authenticate(roles["member"])
    ids = {r["id"] for r in client.get("/api/search/", {"q": "党建"}).json()["results"]}
    assert ids == {mixed["public"].pk, mixed["members"].pk}


@pytest.mark.parametrize(
    ("params", "status"),
    [
        ({}, 400),
        ({"q": ""}, 400),
        ({"q": "   "}, 400),
        ({"q": "x" * 10_000}, 400),
        ({"q": "！？"}, 200),
        ({"q": '"'}, 200),
        ({"q": "NEAR("}, 200),
        ({"q": "AND OR"}, 200),
        ({"q": "志愿", "page": "99"}, 404),
        ({"q": "志愿", "page": "x"}, 404),
    ],
)
def test_api_search_bad_input_gets_an_answer_never_a_500(pages, params, status):
    response = APIClient().get("/api/search/", params)
    assert response.status_code == status
    if status == 400:
        assert response.json()["q"]


# --- cost: queries per search ------------------------------------------------------------------


def _a_search_as_the_views_do_it(user, query: str):
    """What /search/ and /api/search/ do for one request: count, first page, highlighted hits."""
    from django.core.paginator import Paginator

    from portal.queries import search_hits

    page_obj = Paginator(search_pages(user, query), 10).get_page(1)
    return page_obj, search_hits(page_obj.object_list, query)


# Queries for one search by a member, content types not cached: the member's organisations, the
# three content page types' ids, the view restrictions, (SQLite) whether the FTS table exists, the
# searched page types' ids, the count, the first page, its specific pages.
SEARCH_QUERIES = {"sqlite": 10, "postgresql": 9}


@pytest.mark.parametrize("matching", [20, 200])
def test_the_queries_of_a_search_do_not_grow_with_the_hits(
    home, street, roles, matching, django_assert_num_queries
):
    from django.contrib.contenttypes.models import ContentType

    from portal.models import Visibility
    from tests.portal.content_support import notice

    hidden = matching // 4  # members-only notices of community 2: never shown to a community-1 member
    for i in range(hidden):
        notice(street["community2"], title=f"第二社区志愿服务内部通知{i}", visibility=Visibility.MEMBERS)
    for i in range(matching - hidden):
        home.add_child(instance=Page(title=f"社区志愿服务第{i}期", slug=f"zhiyuan-{i}"))
    home.add_child(instance=Page(title="社区党建工作", slug="other"))  # matches nothing
    ContentType.objects.clear_cache()

    with django_assert_num_queries(SEARCH_QUERIES[connection.vendor]) as captured:
        page_obj, hits = _a_search_as_the_views_do_it(roles["member"], "志愿")

    assert page_obj.paginator.count == matching - hidden
    assert len(hits) == 10 and all("志愿" in hit.page.title and "内部" not in hit.page.title for hit in hits)
    # The full-text match runs once per statement, not once more per hit to score it.
    assert all(query["sql"].count("MATCH") <= 1 for query in captured.captured_queries)


def test_every_hit_is_on_exactly_one_results_page(home):
    from django.contrib.auth.models import AnonymousUser
    from django.core.paginator import Paginator

    for i in range(23):
        home.add_child(instance=Page(title=f"社区志愿服务第{i}期", slug=f"p{i}"))
    paginator = Paginator(search_pages(AnonymousUser(), "志愿"), 10)
    seen = [page.pk for number in paginator.page_range for page in paginator.page(number).object_list]
    assert paginator.count == 23 and len(seen) == 23 and len(set(seen)) == 23


def test_scores_can_be_annotated_and_relevance_order_turned_off(pages):
    backend = get_search_backend()
    queryset = Page.objects.filter(title__in=TITLES).order_by("title")
    scored = list(backend.search("社区", queryset).annotate_score("relevance"))
    assert len(scored) == 2 and all(isinstance(page.relevance, float) for page in scored)
    unordered = backend.search("社区", queryset, order_by_relevance=False)
    assert [page.title for page in unordered] == sorted(["社区志愿服务活动通知", "社区党建工作"])


def test_a_negated_query_finds_the_pages_without_the_word(pages):
    from modelsearch.query import Not, PlainText

    assert set(found(Not(PlainText("社区")))) == {"党员学习教育"}


# --- jieba's dictionary: loaded as a serving process starts, not by commands -----------------


def test_the_wsgi_application_loads_the_dictionary_and_django_setup_does_not():
    import subprocess
    import sys

    from django.conf import settings

    script = (
        "import django, jieba; django.setup(); import portal.urls;"
        "loaded_by_setup = jieba.dt.initialized; import portal.wsgi;"
        "print(loaded_by_setup, jieba.dt.initialized)"
    )
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "portal.settings.test"}
    out = subprocess.run(
        [sys.executable, "-c", script], cwd=settings.BASE_DIR, env=env, capture_output=True, text=True
    )
    assert out.stdout.split() == ["False", "True"], out.stderr[-2000:]


def test_a_celery_worker_loads_the_dictionary_before_its_pool_starts(monkeypatch):
    from celery.signals import celeryd_init

    import core.search.segment
    import portal.celery  # noqa: F401 - connects the handler

    calls = []
    monkeypatch.setattr(core.search.segment, "load_dictionary", lambda: calls.append(1) or 0.0)
    celeryd_init.send(sender="worker@test", instance=None, conf=None, options={})
    assert calls == [1]


def test_results_facet_by_page_type_as_the_admin_search_does(home):
    home.add_child(instance=Page(title="社区志愿服务活动通知", slug="a"))
    home.add_child(instance=OrgChartPage(title="志愿者名单", slug="b"))
    home.add_child(instance=OrgChartPage(title="社区党建工作", slug="c"))
    facets = get_search_backend().search("志愿", Page.objects.all()).facet("content_type_id")
    assert sorted(facets.values()) == [1, 1]

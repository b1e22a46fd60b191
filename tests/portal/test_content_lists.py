"""The content lists: filters, bad query strings, pagination, and query counts that do not grow
with the amount of content."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django.utils.translation import gettext as _

from tests.factories.orgchart import MemberFactory
from tests.portal.content_support import html, notice, result, section, study


def test_study_index_filters_by_category_organisation_and_month(client, site, street):
    march = timezone.make_aware(dt.datetime(2026, 3, 10, 9, 0))
    study(
        street["community1"],
        title="党章第一章学习",
        category="constitution",
        visibility="public",
        published=march,
    )
    study(
        street["community2"], title="基层治理案例汇编", category="case", visibility="public", published=march
    )
    study(street["community1"], title="新时代党建理论", category="theory", visibility="public")

    def titles(query: str) -> set[str]:
        response = client.get(f"/study/?{query}")
        assert response.status_code == 200
        return {item.title for item in response.context["page_obj"]}

    assert titles("category=constitution") == {"党章第一章学习"}
    assert titles(f"org={street['community1'].pk}") == {"党章第一章学习", "新时代党建理论"}
    assert titles("month=2026-03") == {"党章第一章学习", "基层治理案例汇编"}
    assert titles(f"month=2026-03&org={street['community2'].pk}") == {"基层治理案例汇编"}


def test_notice_and_results_indexes_filter_by_organisation_and_kind(client, site, street):
    notice(street["branch1"], title="支部通知", visibility="public")
    notice(street["community2"], title="二社区通知", visibility="public")
    result(street["community1"], title="关于老旧小区党建引领的调研报告", kind="report")
    result(street["community1"], title="学习二十大精神心得", kind="reflection")
    response = client.get(f"/notices/?org={street['community1'].pk}")
    assert [item.title for item in response.context["page_obj"]] == ["支部通知"]
    response = client.get("/results/?kind=report")
    assert [item.title for item in response.context["page_obj"]] == ["关于老旧小区党建引领的调研报告"]


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("/notices/?org=abc", "No such organisation; showing all."),
        ("/notices/?org=999999", "No such organisation; showing all."),
        ("/notices/?org=１", "No such organisation; showing all."),
        ("/notices/?month=2026-13", "Give the month as YYYY-MM, e.g. 2026-03; showing all months."),
        ("/notices/?month=x", "Give the month as YYYY-MM, e.g. 2026-03; showing all months."),
        ("/notices/?month=2026-03-01", "Give the month as YYYY-MM, e.g. 2026-03; showing all months."),
        ("/study/?category=nope", "No such category; showing all."),
        ("/results/?kind=nope", "No such kind; showing all."),
        ("/notices/?page=999", None),
        ("/notices/?page=-1", None),
        ("/notices/?page=abc", None),
        ("/notices/?org=1%00", "No such organisation; showing all."),
    ],
)
def test_bad_filter_values_answer_200_with_a_message_never_a_500(client, site, street, url, message):
    notice(street["community1"], title="社区通知", visibility="public")
    response = client.get(url)
    assert response.status_code == 200
    if url.startswith("/notices/"):
        assert "社区通知" in html(response)  # the filter is dropped, the list still shows
    if message:
        assert _(message) in html(response)


def test_pagination_keeps_the_filters(client, site, street):
    for i in range(25):
        notice(street["community1"], title=f"分页通知{i:02d}", visibility="public")
    notice(street["community2"], title="别处通知", visibility="public")
    org = street["community1"].pk
    response = client.get(f"/notices/?org={org}")
    page = html(response)
    assert response.context["page_obj"].paginator.count == 25
    assert f"?org={org}&amp;page=2" in page
    response = client.get(f"/notices/?org={org}&page=2")
    assert len(response.context["page_obj"]) == 5
    assert "别处通知" not in html(response)
    assert f'name="org" value="{org}"' in html(response)


# Query counts ------------------------------------------------------------------------------


def add_content(street, people, times: int) -> dict:
    """`times` of each kind of content in both communities, with reads and records."""
    from portal.models import NoticeRead, StudyRecord

    pages = {}
    for i in range(times):
        for key in ("community1", "community2", "branch1"):
            org = street[key]
            n = notice(org, title=f"{key}通知{i}", visibility="members", pinned=i == 0)
            notice(org, title=f"{key}公告{i}", visibility="public", audience=[org])
            s = study(org, title=f"{key}学习{i}", visibility="public", featured=True)
            result(org, title=f"{key}成果{i}", author=people["own_member"])
            NoticeRead.objects.create(notice=n, member=MemberFactory(organisation=street["branch1"]))
            StudyRecord.objects.create(
                member=people["own_member"], material=s, minutes=10, studied_on=dt.date(2025, 1, i + 1)
            )
            pages.setdefault("notice", n)
            pages.setdefault("study", s)
    return pages


def count(client, url: str) -> int:
    client.get(url)  # warm the caches a running server has (site root paths, content types)
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(ctx.captured_queries)


def test_lists_and_pages_render_in_a_number_of_queries_that_does_not_grow(
    client, site, street, people, django_assert_num_queries
):
    pages = add_content(street, people, 1)
    urls = ["/notices/", "/study/", "/results/", section(street["community1"]).url, pages["notice"].url]
    urls += [pages["study"].url, "/"]
    readers = {"anonymous": None, "member": people["member"]}

    def each_view():
        for name, user in readers.items():
            client.logout()
            if user is not None:
                client.force_login(user)
            for url in urls:
                if user is None and url == pages["notice"].url:
                    continue  # members only: a 404 for anonymous
                yield name, url

    measured = {key: count(client, key[1]) for key in each_view()}
    add_content(street, people, 9)  # 10x the content
    for name, url in each_view():
        client.get(url)  # warm, as at 1x
        with django_assert_num_queries(measured[(name, url)]):
            assert client.get(url).status_code == 200
    print("query counts:", measured)

"""Results (成果推广): public by default, reviewed before they are published, listed by kind."""

from __future__ import annotations

from portal.models import ResultPage
from tests.portal.content_support import html, result


def test_a_result_is_public_unless_its_author_says_otherwise(client, site, street, people):
    report = result(
        street["community1"],
        title="关于老旧小区加装电梯中党员作用的调研报告",
        kind="report",
        author=people["own_member"],
    )
    assert ResultPage._meta.get_field("visibility").default == "public"
    response = client.get(report.url)
    assert response.status_code == 200
    page = html(response)
    assert "关于老旧小区加装电梯中党员作用的调研报告" in page and "普通党员" in page


def test_a_members_only_result_stays_inside_its_audience(client, site, street, people):
    internal = result(street["community1"], title="第一社区党建工作内部总结", visibility="members")
    client.force_login(people["member"])
    assert client.get(internal.url).status_code == 200
    assert "第一社区党建工作内部总结" in html(client.get("/results/"))
    client.force_login(people["member2"])
    assert client.get(internal.url).status_code == 404
    assert "第一社区党建工作内部总结" not in html(client.get("/results/"))

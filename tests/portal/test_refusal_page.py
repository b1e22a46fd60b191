"""The refusal page (403): the reason given with the refusal, in Chinese, and a way back to the
page the user came from (a page of this site only, never a link elsewhere)."""

from __future__ import annotations

import pytest

from tests.factories.orgchart import UserFactory

pytestmark = pytest.mark.django_db


def test_the_403_page_shows_the_reason_and_a_way_back(client, site):
    client.force_login(UserFactory(username="nobody"))
    response = client.get("/cobuilding/unit/", HTTP_REFERER="http://testserver/search/?q=1")
    assert response.status_code == 403
    html = response.content.decode()
    assert 'data-testid="reason"' in html
    assert "只有共建单位的联系人和单位党组织负责人可以查看本页面" in html
    assert (
        'data-testid="back" href="/search/?q=1"' in html or 'href="/search/?q=1" data-testid="back"' in html
    )


def test_no_back_link_to_another_site(client, site):
    client.force_login(UserFactory(username="nobody"))
    response = client.get("/cobuilding/unit/", HTTP_REFERER="https://evil.example/phish")
    assert response.status_code == 403
    assert (
        "evil.example" not in response.content.decode()
        and 'data-testid="back"' not in response.content.decode()
    )


@pytest.mark.parametrize(
    "referer", ["http://testserver//evil.example/x", "http://testserver/\\evil.example", "ftp://testserver/x"]
)
def test_no_back_link_that_leaves_the_site(client, site, referer):
    client.force_login(UserFactory(username="nobody"))
    response = client.get("/cobuilding/unit/", HTTP_REFERER=referer)
    assert response.status_code == 403 and 'data-testid="back"' not in response.content.decode()

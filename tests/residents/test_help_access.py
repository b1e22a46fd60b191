"""Who sees and acts on help requests and the catalogue: the answering community's post-holders,
the street for everything and its queue; a member, an outsider, another community's secretary
and the anonymous see nothing (403/404, the sign-in page)."""

from __future__ import annotations

import pytest

from residents.models_help import HelpRequest, HelpStatus, ServiceSeries
from tests.residents.help_support import file, make_catalogue


@pytest.fixture
def cat(street):
    return make_catalogue(street)


@pytest.fixture
def reqs(street, cat):
    return {
        "c1": file(street, cat["meals"])[0],
        "c2": file(street, cat["jobs"], address="黄河路9号")[0],
        "queue": file(street, cat["legal"], address="淮海路1号")[0],
    }


@pytest.mark.parametrize(
    "role, visible",
    [
        ("street_secretary", {"c1", "c2", "queue"}),
        ("community_secretary", {"c1"}),
        ("community2_secretary", {"c2"}),
        ("member", set()),
        ("outsider", set()),
    ],
)
def test_staff_list_and_pages_follow_the_rule(client, roles, community2_secretary, reqs, role, visible):
    user = community2_secretary if role == "community2_secretary" else roles[role]
    client.force_login(user)
    listing = client.get("/residents/help/")
    if not visible:
        assert listing.status_code == 403
    else:
        body = listing.content.decode()
        shown = {name for name, r in reqs.items() if f'data-request="{r.pk}"' in body}
        assert shown == visible
    for name, r in reqs.items():
        page = client.get(f"/residents/help/{r.pk}/")
        assert page.status_code == (200 if name in visible else 403 if not visible else 404)


def test_anonymous_is_sent_to_sign_in(client, reqs):
    page = client.get(f"/residents/help/{reqs['c1'].pk}/")
    assert page.status_code == 302 and "/accounts/login/" in page["Location"]


def test_another_community_cannot_act_on_a_request_and_nothing_changes(client, community2_secretary, reqs):
    client.force_login(community2_secretary)
    for action in ("accept", "progress", "close", "assign"):
        assert client.post(f"/residents/help/{reqs['c1'].pk}/{action}/", {"outcome": "x"}).status_code == 404
    assert HelpRequest.objects.get(pk=reqs["c1"].pk).status == HelpStatus.NEW
    assert client.post("/residents/help/999999/accept/").status_code == 404


def test_a_community_secretary_may_not_assign_from_the_street_queue(client, roles, street, reqs):
    client.force_login(roles["community_secretary"])
    page = client.post(f"/residents/help/{reqs['queue'].pk}/assign/", {"community": street["community1"].pk})
    assert page.status_code == 404
    assert HelpRequest.objects.get(pk=reqs["queue"].pk).community is None


def test_staff_pages_walk_a_request_through_every_state(client, roles, street, reqs):
    client.force_login(roles["street_secretary"])
    queue = reqs["queue"]
    assert (
        client.post(f"/residents/help/{queue.pk}/assign/", {"community": street["community2"].pk}).status_code
        == 302
    )
    client.force_login(roles["community_secretary"])
    r = reqs["c1"]
    detail = client.get(f"/residents/help/{r.pk}/").content.decode()
    assert "138****5678" in detail and "13812345678" not in detail  # the phone masked
    assert client.post(f"/residents/help/{r.pk}/accept/").status_code == 302
    refused = client.post(f"/residents/help/{r.pk}/close/", {"outcome": ""})
    assert refused.status_code == 400 and 'data-testid="action-error"' in refused.content.decode()
    assert client.post(f"/residents/help/{r.pk}/progress/", {"note": "已上门了解情况。"}).status_code == 302
    assert client.post(f"/residents/help/{r.pk}/close/", {"outcome": "已安排送餐。"}).status_code == 302
    again = client.post(f"/residents/help/{r.pk}/accept/")
    assert again.status_code == 400
    assert HelpRequest.objects.get(pk=queue.pk).community == street["community2"]
    assert HelpRequest.objects.get(pk=r.pk).status == HelpStatus.CLOSED


def test_catalogue_admin_is_scoped_to_the_community(client, roles, cat, street):
    client.force_login(roles["community_secretary"])
    listing = client.get("/admin/residents/service-series/").content.decode()
    assert "为老服务" in listing and "就业援助" not in listing and "法律援助" not in listing
    for other in (cat["series"]["c2"], cat["series"]["street"]):
        assert client.get(f"/admin/residents/service-series/edit/{other.pk}/").status_code == 404
        assert client.get(f"/admin/residents/service-items/edit/{cat['jobs'].pk}/").status_code == 404
    # a forged organisation on the add form is refused by the form's choices
    page = client.post(
        "/admin/residents/service-series/new/",
        {"organisation": street["community2"].pk, "name": "伪造系列", "order": 0},
    )
    assert page.status_code == 200 and not ServiceSeries.objects.filter(name="伪造系列").exists()
    client.post(
        "/admin/residents/service-series/new/",
        {"organisation": street["community1"].pk, "name": "便民服务", "order": 1},
    )
    assert ServiceSeries.objects.filter(name="便民服务", organisation=street["community1"]).exists()


def test_the_street_edits_every_catalogue_and_keeps_street_wide_series(client, roles, cat, street):
    client.force_login(roles["street_secretary"])
    listing = client.get("/admin/residents/service-series/").content.decode()
    assert "为老服务" in listing and "就业援助" in listing and "法律援助" in listing
    client.post(
        "/admin/residents/service-series/new/",
        {"organisation": street["street"].pk, "name": "心理援助", "order": 3},
    )
    assert ServiceSeries.objects.filter(name="心理援助", organisation=street["street"]).exists()
    assert client.get(f"/admin/residents/service-series/edit/{cat['series']['c2'].pk}/").status_code == 200

"""The admin's side of pending transfers: the receiving side lists and accepts or declines them,
the sender withdraws them, the member's page shows a transfer awaiting acceptance."""

from __future__ import annotations

import pytest
from django.urls import reverse

from orgchart import services
from orgchart.models import Member, PostTitle, Transfer, TransferStatus
from tests.factories.orgchart import make_post_holder


def url(viewset: str, view: str, *args) -> str:
    return reverse(f"orgchart_{viewset}:{view}", args=args)


@pytest.fixture
def pending(street, roles):
    """Community 1's secretary has sent their member to community 2, which has its own secretary."""
    receiver = make_post_holder(street["community2"], "shequ2", branch=street["branch2"])
    transfer = services.transfer_member(
        roles["own_member"],
        to_organisation=street["branch2"],
        reason="搬家",
        actor=roles["community_secretary"],
    )
    return {**roles, "receiving_secretary": receiver, "transfer": transfer}


def listed(client, query: str = "") -> list[Transfer]:
    return list(client.get(url("transfer", "index") + query).context["object_list"])


def test_receiving_side_lists_what_awaits_its_acceptance(client, pending):
    client.force_login(pending["receiving_secretary"])
    assert listed(client, "?awaiting=receive") == [pending["transfer"]]
    page = client.get(url("transfer", "index") + "?awaiting=receive").content.decode()
    assert url("transfer", "accept", pending["transfer"].pk) in page
    assert url("transfer", "withdraw", pending["transfer"].pk) not in page
    client.force_login(pending["community_secretary"])
    assert listed(client, "?awaiting=receive") == []
    assert listed(client, "?awaiting=send") == [pending["transfer"]]
    assert listed(client, "?status=pending") == [pending["transfer"]]


def test_receiving_side_accepts_in_the_admin(client, pending, street):
    client.force_login(pending["receiving_secretary"])
    inspect = client.get(url("transfer", "inspect", pending["transfer"].pk))
    assert inspect.status_code == 200
    assert url("transfer", "accept", pending["transfer"].pk) in inspect.content.decode()
    assert client.get(url("transfer", "accept", pending["transfer"].pk)).status_code == 200
    assert client.post(url("transfer", "accept", pending["transfer"].pk), {"reason": ""}).status_code == 302
    assert Transfer.objects.get(pk=pending["transfer"].pk).status == TransferStatus.ACCEPTED
    assert Member.objects.get(pk=pending["own_member"].pk).organisation == street["branch2"]


def test_declining_needs_a_reason_and_keeps_the_member(client, pending, street):
    client.force_login(pending["receiving_secretary"])
    response = client.post(url("transfer", "decline", pending["transfer"].pk), {"reason": ""})
    assert response.status_code == 200 and "reason" in response.context["form"].errors
    response = client.post(url("transfer", "decline", pending["transfer"].pk), {"reason": "不在本社区居住"})
    assert response.status_code == 302
    stored = Transfer.objects.get(pk=pending["transfer"].pk)
    assert (stored.status, stored.decision_reason) == (TransferStatus.DECLINED, "不在本社区居住")
    assert Member.objects.get(pk=pending["own_member"].pk).organisation == street["branch1"]


def test_the_sender_withdraws_and_may_not_accept(client, pending):
    client.force_login(pending["community_secretary"])
    assert client.get(url("transfer", "accept", pending["transfer"].pk)).status_code in (302, 403)
    assert client.post(url("transfer", "accept", pending["transfer"].pk), {}).status_code in (302, 403)
    assert Transfer.objects.get(pk=pending["transfer"].pk).status == TransferStatus.PENDING
    assert client.post(url("transfer", "withdraw", pending["transfer"].pk), {"reason": ""}).status_code == 302
    assert Transfer.objects.get(pk=pending["transfer"].pk).status == TransferStatus.WITHDRAWN


def test_the_receiver_may_not_withdraw_and_others_do_not_find_it(client, pending, street):
    client.force_login(pending["receiving_secretary"])
    assert client.post(url("transfer", "withdraw", pending["transfer"].pk), {}).status_code in (302, 403)
    assert Transfer.objects.get(pk=pending["transfer"].pk).status == TransferStatus.PENDING
    # A manager of neither side (the union's chair) does not find it.
    chair = make_post_holder(street["union"], "gonghui", title=PostTitle.CHAIR, branch=street["branch1"])
    client.force_login(chair)
    assert client.get(url("transfer", "accept", pending["transfer"].pk)).status_code == 404
    assert client.get(url("transfer", "inspect", pending["transfer"].pk)).status_code == 404


def test_a_decided_transfer_offers_no_decision(client, pending):
    services.withdraw_transfer(pending["transfer"], actor=pending["community_secretary"])
    client.force_login(pending["receiving_secretary"])
    page = client.get(url("transfer", "index")).content.decode()
    assert url("transfer", "accept", pending["transfer"].pk) not in page
    response = client.post(url("transfer", "accept", pending["transfer"].pk), {"reason": ""})
    assert response.status_code == 200 and response.context["form"].non_field_errors()  # already decided
    assert Transfer.objects.get(pk=pending["transfer"].pk).status == TransferStatus.WITHDRAWN


def test_member_page_shows_the_pending_transfer_instead_of_a_transfer_button(client, pending):
    client.force_login(pending["community_secretary"])
    page = client.get(url("member", "edit", pending["own_member"].pk)).content.decode()
    assert 'data-testid="pending-transfer"' in page
    assert url("transfer", "inspect", pending["transfer"].pk) in page
    assert url("member", "transfer", pending["own_member"].pk) not in page

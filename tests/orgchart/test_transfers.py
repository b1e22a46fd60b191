"""Transfers within the street wait for the receiving side (组织关系转接): pending, then accepted,
declined or withdrawn, once; transfers out of the street stay immediate."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction

from orgchart import services
from orgchart.models import Member, Transfer, TransferKind, TransferStatus
from tests.factories.orgchart import make_post_holder

from .api_support import client_for


@pytest.fixture
def receiving(street, roles):
    """The `roles` fixture plus the secretary of community 2, the receiving side."""
    return {
        **roles,
        "receiving_secretary": make_post_holder(street["community2"], "shequ2", branch=street["branch2"]),
    }


def send(roles, street, member_key="own_member", to="branch2"):
    """Community 1's secretary sends their member to community 2."""
    return services.transfer_member(
        roles[member_key], to_organisation=street[to], reason="搬家", actor=roles["community_secretary"]
    )


def organisation_of(member: Member):
    return Member.objects.get(pk=member.pk).organisation


# Recording ---------------------------------------------------------------------------------


def test_transfer_to_another_community_is_pending_and_the_member_stays(street, roles):
    transfer = send(roles, street)
    assert transfer.status == TransferStatus.PENDING and transfer.kind == TransferKind.WITHIN
    assert transfer.decided_at is None and transfer.decided_by is None
    assert organisation_of(roles["own_member"]) == street["branch1"]


def test_transfer_between_branches_the_sender_also_manages_is_accepted_at_once(street, roles):
    transfer = services.transfer_member(
        roles["own_member"], to_organisation=street["group1"], actor=roles["community_secretary"]
    )
    assert transfer.status == TransferStatus.ACCEPTED
    assert transfer.decided_by == roles["community_secretary"] and transfer.decided_at is not None
    assert organisation_of(roles["own_member"]) == street["group1"]


def test_transfer_out_of_the_street_stays_immediate(street, roles):
    transfer = services.transfer_member(
        roles["own_member"], outside_organisation="外区某支部", actor=roles["community_secretary"]
    )
    assert transfer.status == TransferStatus.ACCEPTED
    assert Member.objects.get(pk=roles["own_member"].pk).left_on is not None


@pytest.mark.parametrize("second", [{"to_organisation": "group1"}, {"outside_organisation": "外区某支部"}])
def test_a_member_with_a_pending_transfer_cannot_be_transferred_again(street, roles, second):
    send(roles, street)
    if "to_organisation" in second:
        second = {"to_organisation": street[second["to_organisation"]]}
    with pytest.raises(ValidationError):
        services.transfer_member(roles["own_member"], actor=roles["community_secretary"], **second)
    member = Member.objects.get(pk=roles["own_member"].pk)
    assert member.organisation == street["branch1"] and member.left_on is None
    assert Transfer.objects.count() == 1


def test_one_pending_transfer_per_member_is_a_database_constraint(street, roles):
    first = send(roles, street)
    with pytest.raises(IntegrityError), transaction.atomic():
        Transfer.objects.create(
            member=first.member,
            kind=TransferKind.WITHIN,
            from_organisation=street["branch1"],
            to_organisation=street["group2"],
            transferred_on=first.transferred_on,
            status=TransferStatus.PENDING,
        )


def test_only_a_transfer_within_the_street_may_be_pending(street, roles):
    with pytest.raises(IntegrityError), transaction.atomic():
        Transfer.objects.create(
            member=roles["own_member"],
            kind=TransferKind.OUT,
            from_organisation=street["branch1"],
            outside_organisation="外区",
            transferred_on="2025-01-01",
            status=TransferStatus.PENDING,
        )


# Deciding ----------------------------------------------------------------------------------


@pytest.mark.parametrize("decider", ["receiving_secretary", "street_secretary"])
def test_the_receiving_side_or_the_street_accepts_and_the_member_moves(street, receiving, decider):
    transfer = send(receiving, street)
    accepted = services.accept_transfer(transfer, actor=receiving[decider])
    assert accepted.status == TransferStatus.ACCEPTED
    stored = Transfer.objects.get(pk=transfer.pk)
    assert (stored.status, stored.decided_by) == (TransferStatus.ACCEPTED, receiving[decider])
    assert stored.decided_at is not None
    assert organisation_of(receiving["own_member"]) == street["branch2"]


@pytest.mark.parametrize("actor", ["community_secretary", "member", "outsider"])
def test_the_sender_and_others_may_not_accept(street, receiving, actor):
    transfer = send(receiving, street)
    with pytest.raises(PermissionDenied):
        services.accept_transfer(transfer, actor=receiving[actor])
    with pytest.raises(PermissionDenied):
        services.decline_transfer(transfer, reason="不收", actor=receiving[actor])
    assert Transfer.objects.get(pk=transfer.pk).status == TransferStatus.PENDING
    assert organisation_of(receiving["own_member"]) == street["branch1"]


def test_the_receiving_side_declines_with_a_reason_and_the_member_stays(street, receiving):
    transfer = send(receiving, street)
    with pytest.raises(ValidationError) as refused:
        services.decline_transfer(transfer, reason=" ", actor=receiving["receiving_secretary"])
    assert "reason" in refused.value.message_dict
    services.decline_transfer(transfer, reason="住址不在本社区", actor=receiving["receiving_secretary"])
    stored = Transfer.objects.get(pk=transfer.pk)
    assert (stored.status, stored.decision_reason) == (TransferStatus.DECLINED, "住址不在本社区")
    assert organisation_of(receiving["own_member"]) == street["branch1"]
    # Declined: the member may be sent again.
    assert send(receiving, street, to="group2").status == TransferStatus.PENDING


def test_the_sender_withdraws_and_the_receiver_may_not(street, receiving):
    transfer = send(receiving, street)
    with pytest.raises(PermissionDenied):
        services.withdraw_transfer(transfer, actor=receiving["receiving_secretary"])
    services.withdraw_transfer(transfer, reason="填错了", actor=receiving["community_secretary"])
    stored = Transfer.objects.get(pk=transfer.pk)
    assert (stored.status, stored.decided_by) == (TransferStatus.WITHDRAWN, receiving["community_secretary"])
    assert organisation_of(receiving["own_member"]) == street["branch1"]


def test_a_decided_transfer_is_never_decided_again(street, receiving):
    transfer = send(receiving, street)
    services.accept_transfer(transfer, actor=receiving["receiving_secretary"])
    before = Transfer.objects.filter(pk=transfer.pk).values().get()
    with pytest.raises(ValidationError):
        services.withdraw_transfer(transfer, actor=receiving["street_secretary"])
    with pytest.raises(ValidationError):
        services.decline_transfer(transfer, reason="不收", actor=receiving["street_secretary"])
    with pytest.raises(ValidationError):
        services.accept_transfer(transfer, actor=receiving["street_secretary"])
    assert Transfer.objects.filter(pk=transfer.pk).values().get() == before


def test_accepting_into_a_branch_closed_meanwhile_is_refused(street, receiving):
    transfer = send(receiving, street, to="group2")
    services.close_organisation(street["group2"])
    with pytest.raises(ValidationError):
        services.accept_transfer(transfer, actor=receiving["receiving_secretary"])
    assert Transfer.objects.get(pk=transfer.pk).status == TransferStatus.PENDING
    services.decline_transfer(transfer, reason="支部已撤销", actor=receiving["receiving_secretary"])


# API ---------------------------------------------------------------------------------------


def test_api_transfer_within_the_street_answers_pending(street, receiving):
    client = client_for("community_secretary", receiving)
    response = client.post(
        f"/api/members/{receiving['own_member'].pk}/transfer/",
        {"to_organisation": street["branch2"].pk, "reason": "搬家"},
        format="json",
    )
    assert response.status_code == 201
    assert response.json()["status"] == "pending"
    assert organisation_of(receiving["own_member"]) == street["branch1"]


def test_api_lists_pending_transfers_to_both_sides_only(street, receiving):
    transfer = send(receiving, street)
    for role in ("community_secretary", "receiving_secretary", "street_secretary"):
        rows = client_for(role, receiving).get("/api/transfers/?status=pending").json()["results"]
        assert [(r["id"], r["status"], r["member_name"]) for r in rows] == [
            (transfer.pk, "pending", "普通党员")
        ]
    assert client_for("member", receiving).get("/api/transfers/").json()["results"] == []
    assert client_for("outsider", receiving).get(f"/api/transfers/{transfer.pk}/").status_code == 404
    assert client_for("street_secretary", receiving).get("/api/transfers/?status=maybe").status_code == 400


def test_api_accept_moves_the_member(street, receiving):
    transfer = send(receiving, street)
    response = client_for("receiving_secretary", receiving).post(f"/api/transfers/{transfer.pk}/accept/")
    assert response.status_code == 200 and response.json()["status"] == "accepted"
    assert organisation_of(receiving["own_member"]) == street["branch2"]
    again = client_for("street_secretary", receiving).post(f"/api/transfers/{transfer.pk}/withdraw/")
    assert again.status_code == 400


def test_api_decline_needs_a_reason_and_the_sender_may_not_decline(street, receiving):
    transfer = send(receiving, street)
    receiver = client_for("receiving_secretary", receiving)
    no_reason = receiver.post(f"/api/transfers/{transfer.pk}/decline/", {}, format="json")
    assert no_reason.status_code == 400 and "reason" in no_reason.json()
    sender = client_for("community_secretary", receiving)
    assert (
        sender.post(f"/api/transfers/{transfer.pk}/decline/", {"reason": "x"}, format="json").status_code
        == 403
    )
    declined = receiver.post(f"/api/transfers/{transfer.pk}/decline/", {"reason": "不收"}, format="json")
    assert declined.status_code == 200 and declined.json()["decision_reason"] == "不收"


def test_api_withdraw_is_for_the_sender(street, receiving):
    transfer = send(receiving, street)
    receiver = client_for("receiving_secretary", receiving)
    assert receiver.post(f"/api/transfers/{transfer.pk}/withdraw/").status_code == 403
    response = client_for("community_secretary", receiving).post(f"/api/transfers/{transfer.pk}/withdraw/")
    assert response.status_code == 200 and response.json()["status"] == "withdrawn"
    assert client_for("member", receiving).post(f"/api/transfers/{transfer.pk}/withdraw/").status_code == 404

"""core.admin.policies: a model declares `AccessRulePolicy(Model, org_field=...)` and gets the
access rule applied to the organisation its rows point at, read from settings.PORTAL_ACCESS_RULE."""

from __future__ import annotations

import sys
import types

import pytest
from django.contrib.auth import get_user_model

from core.admin.policies import READ_ONLY, AccessRulePolicy
from orgchart import services
from orgchart.models import PostTitle, Tenure, Transfer, TransferKind
from tests.factories.orgchart import MemberFactory


@pytest.fixture
def tenures(street, roles):
    """A tenure in community 1 and one in community 2 (Tenure points at them through its post)."""
    inside = services.appoint(
        services.ensure_post(street["branch1"], PostTitle.SECRETARY),
        MemberFactory(organisation=street["branch1"]),
    )
    outside = services.appoint(
        services.ensure_post(street["branch2"], PostTitle.SECRETARY),
        MemberFactory(organisation=street["branch2"]),
    )
    return inside, outside


def test_policy_declared_with_a_lookup_to_the_organisation_scopes_rows_to_managed_subtrees(roles, tenures):
    inside, outside = tenures
    policy = AccessRulePolicy(Tenure, org_field="post__organisation")
    secretary = roles["community_secretary"]

    in_scope = set(policy.instances_user_has_permission_for(secretary, "change"))
    assert inside in in_scope and outside not in in_scope
    assert policy.user_has_permission_for_instance(secretary, "change", inside)
    assert not policy.user_has_permission_for_instance(secretary, "change", outside)
    assert set(policy.instances_user_has_permission_for(roles["street_secretary"], "view")) >= {
        inside,
        outside,
    }
    assert secretary in policy.users_with_any_permission_for_instance(["change"], inside)
    assert secretary not in policy.users_with_any_permission_for_instance(["change"], outside)


@pytest.mark.parametrize("role", ["member", "outsider", "anonymous"])
def test_policy_gives_nothing_to_users_who_manage_nothing(roles, tenures, role):
    from django.contrib.auth.models import AnonymousUser

    user = AnonymousUser() if role == "anonymous" else roles[role]
    policy = AccessRulePolicy(Tenure, org_field="post__organisation")
    assert not policy.user_has_permission(user, "view")
    assert not policy.instances_user_has_permission_for(user, "view").exists()
    assert not policy.user_has_permission_for_instance(user, "view", tenures[0])


def test_read_only_policy_refuses_every_action_but_view(roles, tenures):
    policy = AccessRulePolicy(Tenure, org_field="post__organisation", actions=READ_ONLY)
    superuser = roles["superuser"]
    assert policy.user_has_permission(superuser, "view")
    assert not policy.user_has_any_permission(superuser, ["add", "change", "delete"])
    assert not policy.instances_user_has_permission_for(superuser, "change").exists()


def test_policy_over_several_fields_lets_either_side_see_the_row(street, roles):
    transfer = Transfer.objects.create(
        member=roles["other_member"],
        kind=TransferKind.WITHIN,
        from_organisation=street["branch2"],
        to_organisation=street["branch1"],
        transferred_on="2024-01-01",
    )
    policy = AccessRulePolicy(Transfer, org_field=("from_organisation", "to_organisation"), actions=READ_ONLY)
    secretary = roles["community_secretary"]  # manages community 1: the receiving side
    assert list(policy.instances_user_has_permission_for(secretary, "view")) == [transfer]
    assert policy.user_has_permission_for_instance(secretary, "view", transfer)


def test_the_rule_comes_from_the_setting(settings, roles, tenures, monkeypatch):
    """core asks whichever module the setting names; here one that lets user "outsider" manage all."""
    rule = types.ModuleType("fake_access_rule")
    rule.managed_paths = lambda user: ("",) if getattr(user, "username", "") == "outsider" else ()
    rule.manager_users = lambda org=None: get_user_model().objects.filter(username="outsider")
    monkeypatch.setitem(sys.modules, "fake_access_rule", rule)
    settings.PORTAL_ACCESS_RULE = "fake_access_rule"

    policy = AccessRulePolicy(Tenure, org_field="post__organisation")
    assert set(policy.instances_user_has_permission_for(roles["outsider"], "change")) == set(
        Tenure.objects.all()
    )
    assert not policy.user_has_permission(roles["street_secretary"], "change")

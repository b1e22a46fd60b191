"""Deleting an organisation: one rule (services.organisation_deletion_refusal) and its reason,
given by the service and shown by the admin. (The API has no delete: its schema is pinned.)"""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils.html import escape

from orgchart import services
from orgchart.models import Organisation, OrgKind, PostTitle
from tests.factories.orgchart import make_org


def admin_url(view: str, *args) -> str:
    return reverse(f"orgchart_organisation:{view}", args=args)


@pytest.fixture
def mistake(street):
    return make_org(street["community1"], OrgKind.BRANCH, name="错建的支部", code="SQ1-ZB9")


def test_refusal_is_none_for_an_empty_leaf_the_actor_manages(roles, mistake):
    assert services.organisation_deletion_refusal(mistake, actor=roles["community_secretary"]) is None


def test_refusal_names_sub_organisations_history_and_reach(street, roles, mistake):
    sub = services.organisation_deletion_refusal(Organisation.objects.get(pk=street["branch1"].pk))
    services.ensure_post(street["group2"], PostTitle.GROUP_LEADER)
    history = services.organisation_deletion_refusal(street["group2"])
    reach = services.organisation_deletion_refusal(street["group2"], actor=roles["community_secretary"])
    assert sub and history and reach and len({sub, history, reach}) == 3
    assert services.organisation_deletion_refusal(mistake, has_history=True) == history


def test_the_service_refuses_with_the_same_reason(street):
    services.ensure_post(street["group2"], PostTitle.GROUP_LEADER)
    reason = services.organisation_deletion_refusal(street["group2"])
    with pytest.raises(ValidationError) as refused:
        services.delete_organisation(street["group2"])
    assert refused.value.messages == [reason]


def test_admin_delete_page_shows_the_reason_on_the_edit_page(client, street, roles):
    client.force_login(roles["street_secretary"])
    reason = services.organisation_deletion_refusal(Organisation.objects.get(pk=street["branch1"].pk))
    response = client.get(admin_url("delete", street["branch1"].pk), follow=True)
    assert response.redirect_chain[-1][0] == admin_url("edit", street["branch1"].pk)
    assert escape(reason) in response.content.decode()


def test_admin_edit_page_says_why_there_is_no_delete_button(client, street, roles, mistake):
    client.force_login(roles["street_secretary"])
    branch = Organisation.objects.get(pk=street["branch1"].pk)
    response = client.get(admin_url("edit", branch.pk))
    assert response.context["deletion_refusal"] == services.organisation_deletion_refusal(branch)
    assert escape(response.context["deletion_refusal"]) in response.content.decode()
    assert admin_url("delete", branch.pk) not in response.content.decode()
    assert client.get(admin_url("edit", mistake.pk)).context["deletion_refusal"] is None


def test_admin_listing_offers_delete_only_where_there_is_no_refusal(client, street, roles, mistake):
    client.force_login(roles["community_secretary"])
    content = client.get(admin_url("index")).content.decode()
    assert admin_url("delete", mistake.pk) in content
    assert admin_url("delete", street["branch1"].pk) not in content
    assert admin_url("delete", street["group1"].pk) in content  # an empty leaf too


def test_ensure_post_checks_its_actor(street, roles):
    with pytest.raises(PermissionDenied):
        services.ensure_post(street["community2"], PostTitle.SECRETARY, actor=roles["community_secretary"])
    post = services.ensure_post(street["community1"], PostTitle.SECRETARY, actor=roles["community_secretary"])
    assert post.organisation == street["community1"]


# The API shows the same reason --------------------------------------------------------------


def test_api_deletes_a_mistaken_leaf_and_refuses_one_with_history_with_the_reason(client, street, roles):
    spare = make_org(street["community1"], OrgKind.BRANCH)
    client.force_login(roles["street_secretary"])
    refused = client.delete(f"/api/organisations/{street['branch1'].pk}/")
    assert refused.status_code == 400
    reason = services.organisation_deletion_refusal(Organisation.objects.get(pk=street["branch1"].pk))
    assert reason in str(refused.json())
    assert Organisation.objects.filter(pk=street["branch1"].pk).exists()
    assert client.delete(f"/api/organisations/{spare.pk}/").status_code == 204
    assert not Organisation.objects.filter(pk=spare.pk).exists()


def test_api_delete_is_refused_outside_the_managed_subtree(client, street, roles):
    spare = make_org(street["community2"], OrgKind.BRANCH)
    client.force_login(roles["community_secretary"])
    response = client.delete(f"/api/organisations/{spare.pk}/")
    assert response.status_code in (403, 404)
    assert Organisation.objects.filter(pk=spare.pk).exists()

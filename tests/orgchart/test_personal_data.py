"""Personal data (ID number, mobile) is shown in full only to the member and to the posts that
keep members' files; any other manager sees it masked — on pages, in the API and in exports."""

from __future__ import annotations

import io

import openpyxl
import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from orgchart import access
from orgchart.models import PostTitle
from tests.factories.orgchart import make_post_holder


@pytest.fixture
def propaganda(street, roles):
    """The propaganda committee member of community 1: manages it, keeps no member files."""
    return make_post_holder(
        street["community1"], "xuanchuan", title=PostTitle.PROPAGANDA, branch=street["branch1"]
    )


def test_only_file_keeping_posts_and_the_member_see_full_personal_data(street, roles, propaganda):
    member = roles["own_member"]
    assert access.can_manage(propaganda, member.organisation)
    assert not access.can_see_personal_data(propaganda, member)
    assert access.can_see_personal_data(roles["community_secretary"], member)
    assert access.can_see_personal_data(roles["street_secretary"], member)
    assert access.can_see_personal_data(roles["member"], member)
    assert not access.can_see_personal_data(roles["community_secretary"], roles["other_member"])


def test_member_page_masks_id_and_mobile_for_a_manager_without_file_keeping_post(client, roles, propaganda):
    member = roles["own_member"]
    client.force_login(propaganda)
    page = client.get(reverse("orgchart:member_detail", args=[member.pk])).content.decode()
    assert member.id_number_masked in page and member.id_number not in page
    assert member.masked_mobile in page and member.mobile not in page

    client.force_login(roles["community_secretary"])
    page = client.get(reverse("orgchart:member_detail", args=[member.pk])).content.decode()
    assert member.id_number in page and member.mobile in page


def test_api_masks_id_and_mobile_for_a_manager_without_file_keeping_post(roles, propaganda):
    member = roles["own_member"]
    api = APIClient()
    api.force_login(propaganda)
    body = api.get(f"/api/members/{member.pk}/").json()
    assert body["id_number"] == member.id_number_masked
    assert body["mobile"] == member.masked_mobile
    listed = {row["id"]: row for row in api.get("/api/members/").json()["results"]}
    assert listed[member.pk]["id_number"] == member.id_number_masked

    api.force_login(roles["member"])
    assert api.get(f"/api/members/{member.pk}/").json()["id_number"] == member.id_number


def test_export_masks_personal_data_for_a_manager_without_file_keeping_post(
    client, street, roles, propaganda
):
    member = roles["own_member"]

    def exported_cells(user) -> set:
        client.force_login(user)
        response = client.get(reverse("orgchart:roster_export", args=[street["community1"].pk]))
        assert response.status_code == 200
        sheet = openpyxl.load_workbook(
            io.BytesIO(b"".join(response.streaming_content) if response.streaming else response.content)
        ).active
        return {str(cell) for row in sheet.iter_rows(values_only=True) for cell in row if cell}

    masked = exported_cells(propaganda)
    assert member.id_number_masked in masked and member.id_number not in masked
    assert member.mobile not in masked
    full = exported_cells(roles["community_secretary"])
    assert member.id_number in full and member.mobile in full


def test_members_page_links_to_the_subtrees_roster_export(client, street, roles):
    client.force_login(roles["community_secretary"])
    page = client.get(reverse("orgchart:org_members", args=[street["community1"].pk])).content.decode()
    export_url = reverse("orgchart:roster_export", args=[street["community1"].pk])
    assert f'href="{export_url}"' in page
    assert client.get(export_url)["Content-Type"].startswith(
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )

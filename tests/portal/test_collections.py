"""One Wagtail collection per organisation, mirroring the tree; publishers choose and upload
documents and images in their own organisation's collection and below it only."""

from __future__ import annotations

import io

from django.contrib.auth.models import Group
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image as PILImage
from wagtail.documents.models import Document
from wagtail.images.models import Image
from wagtail.models import Collection, GroupCollectionPermission

from orgchart import services
from orgchart.models import Organisation, OrgKind
from portal.models import SectionCollection
from portal.sections import GROUP_PREFIX, collection_of, sync_all_sections
from tests.factories.orgchart import make_org
from tests.portal.test_documents import chooser_html, status


def png() -> bytes:
    out = io.BytesIO()
    PILImage.new("RGB", (2, 2), "red").save(out, "PNG")
    return out.getvalue()


def assert_collections_match() -> None:
    """Every organisation has one collection, under its parent's (the street's under the root
    collection), named like it."""
    orgs = list(Organisation.objects.order_by("path"))
    links = {link.organisation_id: link.collection_id for link in SectionCollection.objects.all()}
    assert set(links) == {org.pk for org in orgs}
    root = Collection.get_first_root_node()
    for org in orgs:
        collection = Collection.objects.get(pk=links[org.pk])
        parent = org.get_parent()
        expected_parent = root.pk if parent is None else links[parent.pk]
        assert collection.get_parent().pk == expected_parent, org.name
        assert collection.name == org.name


def doc_in(org, title: str) -> Document:
    return Document.objects.create(
        title=title, file=ContentFile(b"%PDF-1.4 test", name="a.pdf"), collection=collection_of(org)
    )


def doc_chooser(client, user) -> str:
    client.force_login(user)
    return chooser_html(client.get(reverse("wagtaildocs_chooser:choose")))


def test_the_site_builds_a_collection_for_every_organisation(site, street):
    assert_collections_match()


def test_collections_follow_create_rename_move_and_stay_when_closed(site, street):
    new = make_org(street["community1"], OrgKind.BRANCH, name="新支部", code="SQ1-ZB9")
    assert_collections_match()
    services.rename_organisation(new, "更名支部")
    assert collection_of(new).name == "更名支部"
    doc = doc_in(new, "支部材料")
    services.move_organisation(new, street["community2"])
    assert_collections_match()
    doc.refresh_from_db()
    assert doc.collection_id == collection_of(new).pk  # documents move with their collection
    services.close_organisation(new)
    assert_collections_match()
    services.reopen_organisation(Organisation.objects.get(pk=new.pk))
    assert_collections_match()


def test_deleting_an_organisation_hands_its_documents_to_the_parent_collection(site, street):
    spare = make_org(street["community1"], OrgKind.BRANCH, code="SQ1-ZB8")
    doc = doc_in(spare, "遗留材料")
    gone = collection_of(spare).pk
    services.delete_organisation(spare)
    doc.refresh_from_db()
    assert doc.collection_id == collection_of(street["community1"]).pk
    assert not Collection.objects.filter(pk=gone).exists()
    assert_collections_match()


def test_a_community_secretary_chooses_documents_of_their_community_and_below_only(
    client, site, street, people
):
    doc_in(street["community1"], "一社区材料")
    doc_in(street["branch1"], "一支部材料")
    doc_in(street["community2"], "二社区内部材料")
    doc_in(street["street"], "街道内部材料")
    Document.objects.create(title="根目录材料", file=ContentFile(b"%PDF-1.4", name="r.pdf"))
    page = doc_chooser(client, people["community_secretary"])
    assert "一社区材料" in page and "一支部材料" in page
    for hidden in ("二社区内部材料", "街道内部材料", "根目录材料"):
        assert hidden not in page, hidden
    client.force_login(people["community_secretary"])
    search = chooser_html(client.get(reverse("wagtaildocs_chooser:choose_results"), {"q": "材料"}))
    assert "一社区材料" in search and "二社区内部材料" not in search and "街道内部材料" not in search
    other = doc_chooser(client, people["community2_secretary"])
    assert "二社区内部材料" in other and "一社区材料" not in other


def test_the_street_secretary_chooses_every_organisations_documents(client, site, street, people):
    for org in ("street", "community1", "branch2", "union"):
        doc_in(street[org], f"{org}材料")
    page = doc_chooser(client, people["street_secretary"])
    for org in ("street", "community1", "branch2", "union"):
        assert f"{org}材料" in page, org


def test_an_unused_document_of_another_community_is_not_downloaded(client, site, street, people):
    doc = doc_in(street["community2"], "二社区未发布材料")
    assert status(client, people["community_secretary"], doc.url) == 404
    assert status(client, people["community2_secretary"], doc.url) == 200
    assert status(client, people["street_secretary"], doc.url) == 200


def test_uploads_go_into_the_secretarys_collection_and_not_into_anothers(client, site, street, people):
    client.force_login(people["community_secretary"])
    own = collection_of(street["community1"])
    response = client.post(
        reverse("wagtaildocs:add"),
        {"title": "上传材料", "file": SimpleUploadedFile("a.pdf", b"%PDF-1.4 x"), "collection": own.pk},
    )
    assert response.status_code == 302
    assert Document.objects.get(title="上传材料").collection_id == own.pk
    for forbidden in (collection_of(street["community2"]), collection_of(street["street"])):
        response = client.post(
            reverse("wagtaildocs:add"),
            {
                "title": "越权材料",
                "file": SimpleUploadedFile("b.pdf", b"%PDF-1.4 x"),
                "collection": forbidden.pk,
            },
        )
        assert response.status_code == 200  # the form refuses the collection
    assert not Document.objects.filter(title="越权材料").exists()
    response = client.post(
        reverse("wagtailimages:add"),
        {"title": "上传照片", "file": SimpleUploadedFile("a.png", png()), "collection": own.pk},
    )
    assert response.status_code == 302
    assert Image.objects.get(title="上传照片").collection_id == own.pk


def test_the_image_chooser_keeps_to_the_secretarys_collection(client, site, street, people):
    for org, title in (("community1", "一社区照片"), ("community2", "二社区照片")):
        Image.objects.create(
            title=title, file=ContentFile(png(), name="p.png"), collection=collection_of(street[org])
        )
    client.force_login(people["community_secretary"])
    page = chooser_html(client.get(reverse("wagtailimages_chooser:choose")))
    assert "一社区照片" in page and "二社区照片" not in page


def test_sync_mends_groups_that_held_the_root_collection(site, street, people):
    group = Group.objects.get(name=f"{GROUP_PREFIX}{street['community1'].pk}")
    root = Collection.get_first_root_node()
    rows = list(GroupCollectionPermission.objects.filter(group=group))
    GroupCollectionPermission.objects.filter(group=group).update(collection=root)  # as made before
    sync_all_sections()
    after = GroupCollectionPermission.objects.filter(group=group)
    assert {row.collection_id for row in after} == {collection_of(street["community1"]).pk}
    assert {row.permission_id for row in after} == {row.permission_id for row in rows}
    assert len(after) == 6

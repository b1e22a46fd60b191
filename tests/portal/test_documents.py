"""Documents follow the pages that use them; uploads are limited in size and type; the page
chooser and previews keep other communities' members-only content to themselves."""

from __future__ import annotations

from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.template.defaultfilters import filesizeformat
from django.test import override_settings
from django.urls import reverse
from django.utils.html import escape
from django.utils.translation import gettext as _
from wagtail.documents.models import Document

from portal.models import NoticeAttachment
from portal.sections import collection_of
from tests.portal.content_support import html, notice, section


def document(name: str = "党员名册.pdf", org=None) -> Document:
    """A document in `org`'s collection (None: the root collection, which only superusers choose)."""
    extra = {} if org is None else {"collection": collection_of(org)}
    return Document.objects.create(title=name, file=ContentFile(b"%PDF-1.4 test", name=name), **extra)


def chooser_html(response) -> str:
    if response["Content-Type"].startswith("application/json"):
        return response.json()["html"]
    return html(response)


def status(client, user, url) -> int:
    client.logout()
    if user is not None:
        client.force_login(user)
    return client.get(url).status_code


def test_an_attachment_of_a_members_only_notice_is_served_to_its_audience_only(client, site, street, people):
    doc = document()
    notice(
        street["community1"],
        title="内部通知",
        visibility="members",
        attachments=[NoticeAttachment(document=doc)],
    )
    assert status(client, people["member"], doc.url) == 200
    assert status(client, people["member2"], doc.url) == 404
    assert status(client, people["community2_secretary"], doc.url) == 404
    assert status(client, None, doc.url) == 404


def test_an_attachment_of_a_public_notice_is_served_to_anyone(client, site, street, people):
    doc = document("活动报名表.xlsx")
    notice(
        street["community1"],
        title="公开通知",
        visibility="public",
        attachments=[NoticeAttachment(document=doc)],
    )
    assert status(client, None, doc.url) == 200
    assert status(client, people["member2"], doc.url) == 200


def test_a_document_used_by_no_page_is_served_to_editors_only(client, site, street, people):
    doc = document("未使用的材料.docx", street["community1"])
    assert status(client, None, doc.url) == 404
    assert status(client, people["member"], doc.url) == 404
    assert status(client, people["community_secretary"], doc.url) == 200
    assert status(client, people["superuser"], doc.url) == 200


@override_settings(DOCUMENT_MAX_BYTES=1024)
def test_an_oversized_document_is_refused_with_a_clear_message(client, site, street, people):
    client.force_login(people["community_secretary"])
    upload = SimpleUploadedFile("大文件.pdf", b"x" * 2048)
    response = client.post(
        reverse("wagtaildocs:add"),
        {"title": "大文件", "file": upload, "collection": collection_of(street["community1"]).pk},
    )
    assert response.status_code == 200
    message = _("The file is %(size)s; documents may be at most %(max)s.") % {
        "size": filesizeformat(2048),
        "max": filesizeformat(1024),
    }
    assert escape(message) in html(response)
    assert not Document.objects.exists()


def test_a_document_of_a_refused_type_is_refused_with_a_message(client, site, street, people):
    client.force_login(people["community_secretary"])
    upload = SimpleUploadedFile("病毒.exe", b"MZ")
    response = client.post(
        reverse("wagtaildocs:add"),
        {"title": "病毒", "file": upload, "collection": collection_of(street["community1"]).pk},
    )
    assert response.status_code == 200
    assert "exe" in html(response)
    assert not Document.objects.exists()


@override_settings(WAGTAILIMAGES_MAX_UPLOAD_SIZE=1024)
def test_an_oversized_image_is_refused(client, site, street, people):
    client.force_login(people["community_secretary"])
    upload = SimpleUploadedFile("照片.png", b"\x89PNG\r\n\x1a\n" + b"x" * 4096)
    response = client.post(
        reverse("wagtailimages:add"),
        {"title": "照片", "file": upload, "collection": collection_of(street["community1"]).pk},
    )
    assert response.status_code == 200
    from wagtail.images.models import Image

    assert not Image.objects.exists()


# Reaching sideways -------------------------------------------------------------------------


def test_the_page_chooser_hides_other_communities_members_only_titles(client, site, street, people):
    secret = "第二社区党委内部人事安排"
    notice(street["community2"], title=secret, visibility="members")
    notice(street["community2"], title="第二社区公开通知", visibility="public")
    client.force_login(people["community_secretary"])
    root = section(street["community2"]).pk
    browse = chooser_html(client.get(reverse("wagtailadmin_choose_page_child", args=[root])))
    search = chooser_html(client.get(reverse("wagtailadmin_choose_page_search"), {"q": "第二社区"}))
    assert "第二社区公开通知" in browse
    assert secret not in browse and secret not in search
    client.force_login(people["community2_secretary"])
    assert secret in chooser_html(client.get(reverse("wagtailadmin_choose_page_child", args=[root])))


def test_previews_and_drafts_of_another_community_are_refused(client, site, street, people):
    secret = "第二社区草稿通知"
    page = notice(street["community2"], title=secret, visibility="members")
    page.save_revision()
    for role in ("community_secretary", "committee", "member"):
        client.force_login(people[role])
        for name in ("view_draft", "edit", "history"):
            response = client.get(reverse(f"wagtailadmin_pages:{name}", args=[page.pk]))
            assert response.status_code in (302, 403), (role, name)
            assert secret not in html(response)
        response = client.get(reverse("wagtailadmin_pages:preview_on_edit", args=[page.pk]))
        assert response.status_code in (302, 403, 404), role


def test_forged_ids_in_the_report_url_answer_404(client, site, street, people):
    own = notice(street["community1"], title="本社区通知", visibility="members")
    other = notice(street["community2"], title="他社区通知", visibility="members")
    street_notice = notice(street["street"], title="街道通知", visibility="members")
    client.force_login(people["community_secretary"])
    assert client.get(reverse("portal:read_report", args=[own.pk])).status_code == 200
    for pk in (other.pk, street_notice.pk, section(street["community1"]).pk, 0):
        assert client.get(reverse("portal:read_report", args=[pk])).status_code == 404, pk
        assert client.get(reverse("portal:read_report_export", args=[pk])).status_code == 404, pk
    client.force_login(people["committee"])  # manages branch 1 only
    assert client.get(reverse("portal:read_report", args=[own.pk])).status_code == 404

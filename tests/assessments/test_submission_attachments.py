"""Attachments of submissions: checked by size, extension and content before anything is written;
stored as a document in the attachments' own collection; downloaded by the secretary and the
street's committee only, never through Wagtail's public document URL before publication."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.urls import reverse
from django.utils import timezone
from wagtail.documents import get_document_model

from assessments import attachments, work
from assessments.models import Submission
from orgchart.models import OrgKind
from tests.factories.assessments import make_cycle
from tests.factories.orgchart import make_org, make_post_holder

from .awards_support import JPG, OLE2, PDF, PNG, Phase, move, ooxml, upload

pytestmark = pytest.mark.django_db
Document = get_document_model()


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.fixture
def open_cycle(street):
    return move(make_cycle(street["street"], timezone.localdate().year), Phase.OPEN)


def _files(root: Path) -> list[Path]:
    return [p for p in root.rglob("*") if p.is_file()]


def _post(client, cycle, **extra):
    data = {"cycle": cycle.pk, "kind": "report", "title": "加装电梯调研", "body": "正文", **extra}
    return client.post(reverse("assessments:mine"), data)


def test_secretary_attaches_a_pdf_stored_in_the_private_collection(client, open_cycle, roles, media):
    client.force_login(roles["community_secretary"])
    response = _post(client, open_cycle, attachment=upload())
    assert response.status_code == 302
    made = Submission.objects.get()
    document = made.attachment
    assert document is not None and document.filename.endswith(".pdf")
    assert document.collection.name == attachments.COLLECTION_NAME
    assert document.file_size == len(PDF) and document.file_hash
    assert document.uploaded_by_user == roles["community_secretary"]
    # The secretary sees it listed with a download link.
    page = client.get(reverse("assessments:mine"), {"cycle": open_cycle.pk})
    assert reverse("assessments:submission-attachment", args=[made.pk]) in page.content.decode()


def test_without_a_file_the_form_works_as_before(client, open_cycle, roles):
    client.force_login(roles["community_secretary"])
    assert _post(client, open_cycle).status_code == 302
    assert Submission.objects.get().attachment is None
    assert not Document.objects.exists()


@pytest.mark.parametrize(
    "name,content",
    [
        ("报告.pdf", PDF),
        ("报告.doc", OLE2),
        ("报告.DOCX", ooxml("word/")),
        ("表格.xlsx", ooxml("xl/")),
        ("幻灯片.pptx", ooxml("ppt/")),
        ("表格.xls", OLE2),
        ("照片.jpg", JPG),
        ("照片.png", PNG),
        ("说明.txt", "学习体会：认真学习党章。".encode()),
        ("说明.txt", "学习体会：认真学习党章。".encode("gbk")),
    ],
)
def test_allowed_types_are_accepted(open_cycle, roles, name, content):
    made = work.submit(
        open_cycle,
        actor=roles["community_secretary"],
        kind="report",
        title="报告",
        body="正文",
        upload=upload(name, content),
    )
    with Document.objects.get(pk=made.attachment_id).open_file() as stored:
        assert stored.read() == content


@pytest.mark.parametrize(
    "name,content",
    [
        ("病毒.exe", b"MZ\x90\x00"),
        ("报告.pdf", b"MZ\x90\x00 not a pdf"),  # renamed
        ("报告.docx", PDF),  # not a zip
        ("报告.docx", ooxml("xl/")),  # a spreadsheet named as a document
        ("报告.doc", PDF),
        ("照片.png", JPG),
        ("说明.txt", b"\x00\x01\x02binary"),
        ("报告.zip", ooxml()),  # zip is a Wagtail document type, not an attachment type
        ("没有扩展名", PDF),
        (".pdf", PDF),
        ("报告.pdf", b""),  # empty
    ],
)
def test_bad_files_are_400_and_write_nothing(client, open_cycle, roles, media, name, content):
    client.force_login(roles["community_secretary"])
    response = _post(client, open_cycle, attachment=upload(name, content))
    assert response.status_code == 400
    assert "attachment" in response.context["errors"]
    assert not Submission.objects.exists()
    assert not Document.objects.exists()
    assert _files(media) == []


def test_a_file_over_the_limit_is_refused_while_streaming(client, open_cycle, roles, media, settings):
    settings.ASSESSMENTS_ATTACHMENT_MAX_BYTES = 1000
    client.force_login(roles["community_secretary"])
    response = _post(client, open_cycle, attachment=upload("报告.pdf", PDF + b"x" * 5000))
    assert response.status_code == 400
    assert "attachment" in response.context["errors"]
    assert not Submission.objects.exists() and not Document.objects.exists()
    assert _files(media) == []


def test_the_service_checks_the_size_too(open_cycle, roles, settings):
    from django.core.exceptions import ValidationError

    settings.ASSESSMENTS_ATTACHMENT_MAX_BYTES = 100
    with pytest.raises(ValidationError) as refused:
        work.submit(
            open_cycle,
            actor=roles["community_secretary"],
            kind="report",
            title="报告",
            body="正文",
            upload=upload("报告.pdf", PDF + b"x" * 200),
        )
    assert "attachment" in refused.value.message_dict
    assert not Document.objects.exists()


def test_a_refused_submission_leaves_no_orphan_document_or_file(client, open_cycle, roles, media):
    client.force_login(roles["community_secretary"])
    first = _post(client, open_cycle, kind="reflection", month="1", attachment=upload("一.pdf"))
    assert first.status_code == 302
    files_before = _files(media)
    again = _post(client, open_cycle, kind="reflection", month="1", attachment=upload("二.pdf"))
    assert again.status_code == 400  # the month's reflection exists: refused after the file was stored
    assert Submission.objects.count() == 1 and Document.objects.count() == 1
    assert _files(media) == files_before


def test_bad_fields_with_a_good_file_store_nothing(client, open_cycle, roles, media):
    client.force_login(roles["community_secretary"])
    response = _post(client, open_cycle, title="", attachment=upload())
    assert response.status_code == 400
    assert not Document.objects.exists() and _files(media) == []


# Who downloads ---------------------------------------------------------------------------------


@pytest.fixture
def attached(open_cycle, roles):
    return work.submit(
        open_cycle,
        actor=roles["community_secretary"],
        kind="report",
        title="报告",
        body="正文",
        upload=upload(),
    )


@pytest.fixture
def other_manager(db):
    other = make_org(None, OrgKind.STREET, name="另一街道党工委", code="JD2")
    return make_post_holder(other, "jd2")


def test_secretary_and_committee_download_the_attachment(client, attached, roles):
    url = reverse("assessments:submission-attachment", args=[attached.pk])
    for who in ("community_secretary", "street_secretary", "superuser"):
        client.force_login(roles[who])
        response = client.get(url)
        assert response.status_code == 200, who
        assert b"".join(response.streaming_content) == PDF
        assert response["Content-Disposition"].startswith("attachment")
        assert "no-store" in response["Cache-Control"]


@pytest.mark.parametrize("who,status", [("member", 403), ("outsider", 403)])
def test_others_may_not_download(client, attached, roles, who, status):
    client.force_login(roles[who])
    for name in ("submission", "submission-attachment"):
        assert client.get(reverse(f"assessments:{name}", args=[attached.pk])).status_code == status


def test_another_streets_manager_gets_404(client, attached, other_manager):
    client.force_login(other_manager)
    for name in ("submission", "submission-attachment"):
        assert client.get(reverse(f"assessments:{name}", args=[attached.pk])).status_code == 404


def test_anonymous_is_sent_to_log_in(client, attached):
    response = client.get(reverse("assessments:submission-attachment", args=[attached.pk]))
    assert response.status_code == 302 and "login" in response["Location"]


def test_forged_ids_are_404(client, roles):
    client.force_login(roles["street_secretary"])
    assert client.get(reverse("assessments:submission", args=[99999])).status_code == 404
    assert client.get(reverse("assessments:submission-attachment", args=[99999])).status_code == 404


def test_no_attachment_is_404(client, open_cycle, roles):
    made = work.submit(
        open_cycle, actor=roles["community_secretary"], kind="report", title="报告", body="正文"
    )
    client.force_login(roles["community_secretary"])
    assert client.get(reverse("assessments:submission-attachment", args=[made.pk])).status_code == 404


def test_wagtail_document_url_is_closed_before_publication(client, attached, roles):
    url = attached.attachment.url
    assert client.get(url).status_code == 404  # anonymous
    for who in ("member", "community_secretary", "street_secretary"):
        client.force_login(roles[who])
        assert client.get(url).status_code == 404, who


def test_secretary_reads_their_submission_in_full(client, attached, roles):
    client.force_login(roles["community_secretary"])
    response = client.get(reverse("assessments:submission", args=[attached.pk]))
    assert response.status_code == 200
    page = response.content.decode()
    assert "正文" in page and reverse("assessments:submission-attachment", args=[attached.pk]) in page

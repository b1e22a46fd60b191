"""Certificates of service hours: issued from the hours credited, downloaded only by their holder,
checked by anyone with the code; bad periods get a clear message and write nothing."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import override, pgettext
from pypdf import PdfReader

from tests.factories.volunteers import make_activity, started
from volunteers import services
from volunteers.certificates import format_verification_code
from volunteers.certificates.issuing import issue_certificate, masked_name
from volunteers.models import HoursCertificate

pytestmark = pytest.mark.django_db


def serve(street, people, roles, who: str, hours: float = 2, title: str = "社区环境整治"):
    """`who` served an activity of community 1 lasting `hours`, completed and credited."""
    activity = make_activity(street["community1"], hours=hours, title=title)
    services.sign_up(activity, actor=people[who])
    started(activity, ago=dt.timedelta(hours=hours + 1))
    signup = activity.signups.get(person=people[who])
    services.tick(signup, actor=roles["community_secretary"])
    services.complete_activity(activity, actor=roles["community_secretary"])
    return activity


def this_year() -> tuple[dt.date, dt.date]:
    today = timezone.localdate()
    return today.replace(month=1, day=1), today


def pdf_text(content: bytes) -> str:
    return "".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)


def test_a_certificate_states_the_hours_credited_in_the_period(street, people, roles):
    serve(street, people, roles, "m1", hours=2, title="敬老院探访")
    serve(street, people, roles, "m1", hours=3, title="垃圾分类宣传")
    serve(street, people, roles, "m2", hours=4)  # someone else's hours are not counted
    start, end = this_year()
    certificate = issue_certificate(actor=people["m1"], start=start, end=end)
    assert certificate.total_hours == Decimal("5.00")
    assert sorted(row[1] for row in certificate.rows) == sorted(["敬老院探访", "垃圾分类宣传"])
    assert certificate.holder_name == "一社区党员1"
    assert certificate.organisation_name == street["branch1"].name


def test_no_hours_in_the_period_is_refused_and_nothing_is_written(street, people, roles):
    serve(street, people, roles, "m1")
    last_year = timezone.localdate().year - 1
    with pytest.raises(ValidationError) as refused, override("zh-hans"):
        issue_certificate(actor=people["m1"], start=dt.date(last_year, 1, 1), end=dt.date(last_year, 12, 31))
    assert "没有记录的志愿服务时长" in refused.value.messages[0]
    assert not HoursCertificate.objects.exists()


@pytest.mark.parametrize(
    ("start", "end"),
    [
        (dt.date(2026, 5, 1), dt.date(2026, 4, 1)),  # end before start
        (dt.date(2099, 1, 1), dt.date(2099, 12, 31)),  # the future
        (dt.date(1990, 1, 1), dt.date(2026, 1, 1)),  # more than ten years
    ],
)
def test_a_bad_period_is_refused_in_the_page_with_a_chinese_message(
    client, street, people, roles, start, end
):
    serve(street, people, roles, "m1")
    client.force_login(people["m1"])
    response = client.post(
        reverse("volunteers:certificates"), {"start": start.isoformat(), "end": end.isoformat()}
    )
    assert response.status_code == 200
    assert 'role="alert"' in response.content.decode()
    assert not HoursCertificate.objects.exists()


def test_the_holder_downloads_a_pdf_in_chinese_that_another_person_cannot(client, street, people, roles):
    serve(street, people, roles, "m1", hours=2, title="敬老院探访")
    client.force_login(people["m1"])
    start, end = this_year()
    response = client.post(
        reverse("volunteers:certificates"), {"start": start.isoformat(), "end": end.isoformat()}
    )
    assert response.status_code == 302
    certificate = HoursCertificate.objects.get()
    url = reverse("volunteers:certificate_pdf", args=[certificate.pk])
    assert url in client.get(reverse("volunteers:certificates")).content.decode()

    pdf = client.get(url)
    assert pdf.status_code == 200
    assert pdf["Content-Type"] == "application/pdf"
    text = pdf_text(pdf.content)
    assert "一社区党员1" in text
    assert "敬老院探访" in text
    assert format_verification_code(certificate.code).replace("-", "") in text.replace("-", "")

    client.force_login(people["m2"])
    assert client.get(url).status_code == 404
    client.logout()
    assert client.get(url).status_code == 302  # to the login page


def test_anyone_checks_a_code_and_sees_the_hours_with_the_name_masked(client, street, people, roles):
    serve(street, people, roles, "m1", hours=2)
    certificate = issue_certificate(actor=people["m1"], start=this_year()[0], end=this_year()[1])
    typed = format_verification_code(certificate.code).lower().replace("-", " ")
    response = client.get(reverse("volunteers:verify"), {"code": typed})
    page = response.content.decode()
    assert 'data-testid="verified"' in page
    assert "2.00" in page
    assert "一社区党员1" not in page
    assert masked_name("一社区党员1") in page


@pytest.mark.parametrize("code", ["AAAAA-AAAAA", "'; DROP TABLE x;--", "码" * 30, "x" * 500])
def test_an_unknown_or_odd_code_is_answered_without_a_certificate(client, street, code):
    response = client.get(reverse("volunteers:verify"), {"code": code})
    assert response.status_code == 200
    page = response.content.decode()
    assert 'data-testid="verified"' not in page
    assert 'role="alert"' in page


def test_the_name_is_masked_for_every_length():
    assert masked_name("王") == "王"
    assert masked_name("李明") == "李*"
    assert masked_name("欧阳小明") == "欧**明"


def test_the_period_inputs_show_the_default_period_labelled_as_dates(client, street, people):
    """The form opens on this year to today, in the ISO form a date input shows, under labels of
    their own (not the transfer form's 转出组织/转入组织)."""
    client.force_login(people["m1"])
    with override("zh-hans"):
        page = client.get(reverse("volunteers:certificates")).content.decode()
        labels = (pgettext("certificate period", "From"), pgettext("certificate period", "To"))
    start, end = this_year()
    assert f'name="start" value="{start.isoformat()}"' in page
    assert f'name="end" value="{end.isoformat()}"' in page
    assert all(f">{label}</label>" in page for label in labels)
    assert "转出组织" not in page and "转入组织" not in page


def test_the_verify_page_calls_the_masked_name_a_name_not_a_post_holder(client, street, people, roles):
    serve(street, people, roles, "m1")
    certificate = issue_certificate(actor=people["m1"], start=this_year()[0], end=this_year()[1])
    with override("zh-hans"):
        response = client.get(reverse("volunteers:verify"), {"code": certificate.code})
    page = response.content.decode()
    assert f"<dt>姓名</dt><dd>{masked_name('一社区党员1')}</dd>" in page
    assert "任职者" not in page

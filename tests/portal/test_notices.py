"""Notices (通知公告): who sees them where, expiry, pinning, scheduling, read receipts, the read
report and its export, and the inbox notification on publish."""

from __future__ import annotations

import datetime as dt
import io

import openpyxl
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from inbox.models import FanOut, Notification
from inbox.services import run_fanout
from portal import queries
from portal.models import NoticePage, NoticeRead
from tests.factories.orgchart import MemberFactory, UserFactory
from tests.portal.content_support import days_ago, draft, html, notice, publish_revision, section

MEMBERS_ONLY = "关于召开七月主题党日活动的通知"
PUBLIC = "关于开展社区环境整治志愿服务的公告"


def as_user(client, user):
    client.logout()
    if user is not None:
        client.force_login(user)
    return client


def lists_showing(client, title: str, org) -> list[str]:
    """Which of the section page, the notices index and the home page list `title`."""
    urls = {"section": section(org).url, "index": "/notices/", "home": "/"}
    shown = []
    for name, url in urls.items():
        response = client.get(url)
        assert response.status_code == 200, url
        if title in html(response):
            shown.append(name)
    return shown


ALL_LISTS = ["section", "index", "home"]


# Audience ------------------------------------------------------------------------------------


def test_a_members_only_notice_reaches_its_community_and_is_not_there_for_anyone_else(
    client, site, street, people
):
    page = notice(street["community1"], title=MEMBERS_ONLY, visibility="members")
    as_user(client, people["member"])
    assert lists_showing(client, MEMBERS_ONLY, street["community1"]) == ALL_LISTS
    response = client.get(page.url)
    assert response.status_code == 200 and MEMBERS_ONLY in html(response)

    as_user(client, people["member2"])
    assert lists_showing(client, MEMBERS_ONLY, street["community1"]) == []
    response = client.get(page.url)
    assert response.status_code == 404  # not 403: the title is not public
    assert MEMBERS_ONLY not in html(response)

    as_user(client, None)
    assert lists_showing(client, MEMBERS_ONLY, street["community1"]) == []
    assert client.get(page.url).status_code == 404


def test_anonymous_visitors_see_public_notices_only(client, site, street):
    public = notice(street["community1"], title=PUBLIC, visibility="public")
    notice(street["community1"], title=MEMBERS_ONLY, visibility="members")
    assert lists_showing(client, PUBLIC, street["community1"]) == ALL_LISTS
    assert lists_showing(client, MEMBERS_ONLY, street["community1"]) == []
    assert client.get(public.url).status_code == 200


def test_a_street_notice_to_chosen_organisations_reaches_exactly_their_subtrees(client, site, street, people):
    title = "第二社区党员冬季集中培训安排"
    page = notice(street["street"], title=title, visibility="members", audience=[street["community2"]])
    as_user(client, people["member2"])
    assert lists_showing(client, title, street["street"]) == ALL_LISTS
    assert client.get(page.url).status_code == 200
    for role in ("member", "community_secretary", "committee"):
        as_user(client, people[role])
        assert lists_showing(client, title, street["street"]) == [], role
        assert client.get(page.url).status_code == 404, role
    # The recipients of the notification are the same people.
    users = set(queries.notice_audience_users(page).values_list("username", flat=True))
    assert users == {"erdangyuan", "shequ2"}


def test_managers_see_what_they_manage_and_a_superuser_sees_everything(client, site, street, people):
    branch_title = "第一党支部组织生活会材料报送要求"
    other_title = "第二社区党委内部工作安排"
    branch_notice = notice(street["branch1"], title=branch_title, visibility="members")
    other = notice(street["community2"], title=other_title, visibility="members")
    as_user(client, people["community_secretary"])
    assert client.get(branch_notice.url).status_code == 200
    assert "index" in lists_showing(client, branch_title, street["branch1"])
    assert client.get(other.url).status_code == 404
    as_user(client, people["street_secretary"])
    assert client.get(other.url).status_code == 200
    as_user(client, people["superuser"])
    assert client.get(other.url).status_code == 200
    assert other_title in html(client.get("/notices/"))


# Expiry, pinning, scheduling ---------------------------------------------------------------


def test_an_expired_notice_leaves_every_list_but_keeps_its_address_marked_expired(
    client, site, street, people
):
    title = "2025年度党费收缴工作通知"
    page = notice(street["community1"], title=title, visibility="public", expires_at=days_ago(1))
    as_user(client, people["member"])
    assert lists_showing(client, title, street["community1"]) == []
    response = client.get(page.url)
    assert response.status_code == 200
    assert title in html(response) and "tag-expired" in html(response)


def test_pinned_notices_come_first(client, site, street):
    notice(
        street["community1"], title="较早的置顶通知", visibility="public", pinned=True, published=days_ago(30)
    )
    notice(street["community1"], title="最新的普通通知", visibility="public", published=days_ago(1))
    for url in ("/notices/", section(street["community1"]).url, "/"):
        page = html(client.get(url))
        assert page.index("较早的置顶通知") < page.index("最新的普通通知"), url


def test_a_notice_scheduled_for_later_is_not_shown_until_it_goes_live(client, site, street, people):
    title = "国庆假期值班安排"
    page = draft(NoticePage, street["community1"], title=title, visibility="public")
    page.go_live_at = timezone.now() + dt.timedelta(days=2)
    page = publish_revision(page, people["street_secretary"])
    assert not page.live
    assert lists_showing(client, title, street["community1"]) == []
    assert client.get(f"{section(street['community1']).url}{page.slug}/").status_code == 404
    assert not FanOut.objects.exists()  # nobody is told of a notice they cannot open yet


# Read receipts and the read report ---------------------------------------------------------


def test_the_first_visit_of_an_audience_member_records_one_read(client, site, street, people):
    page = notice(street["community1"], title=MEMBERS_ONLY, visibility="members")
    as_user(client, people["member"])
    assert client.get("/").context["unread_notices"] == 1
    client.get(page.url)
    client.get(page.url)
    assert NoticeRead.objects.filter(notice=page).count() == 1
    assert NoticeRead.objects.get(notice=page).member == people["own_member"]
    assert client.get("/").context["unread_notices"] == 0


def test_a_visitor_outside_the_audience_leaves_no_read(client, site, street, people):
    page = notice(street["community1"], title=PUBLIC, visibility="public")
    for user in (people["member2"], people["superuser"], people["outsider"], None):
        as_user(client, user)
        assert client.get(page.url).status_code == 200
    assert not NoticeRead.objects.exists()


def test_the_publisher_sees_reads_rise_and_which_organisations_have_no_reader(client, site, street, people):
    MemberFactory(organisation=street["group1"], name="小组党员甲")
    page = notice(street["community1"], title=MEMBERS_ONLY, visibility="members")
    report_url = reverse("portal:read_report", args=[page.pk])

    as_user(client, people["community_secretary"])
    response = client.get(report_url)
    assert response.status_code == 200
    rows = {row.organisation.pk: row for row in response.context["rows"]}
    assert set(rows) == {street["community1"].pk, street["branch1"].pk, street["group1"].pk}
    assert rows[street["branch1"].pk].readers == 0
    assert {r.organisation.pk for r in response.context["not_passed_on"]} == set(rows)

    as_user(client, people["member"])
    client.get(page.url)
    as_user(client, people["community_secretary"])
    response = client.get(report_url)
    rows = {row.organisation.pk: row for row in response.context["rows"]}
    assert rows[street["community1"].pk].readers == 1
    assert rows[street["branch1"].pk].readers == 1
    assert [r.organisation.name for r in response.context["not_passed_on"]] == ["第1社区第一党小组"]
    assert "第1社区第一党小组" in html(response)


def test_the_read_report_and_export_answer_404_to_anyone_who_does_not_manage_the_publisher(
    client, site, street, people
):
    page = notice(street["community1"], title=MEMBERS_ONLY, visibility="members")
    for role in ("community2_secretary", "member", "committee", "outsider"):
        as_user(client, people[role])
        assert client.get(reverse("portal:read_report", args=[page.pk])).status_code == 404, role
        assert client.get(reverse("portal:read_report_export", args=[page.pk])).status_code == 404, role
    as_user(client, None)
    assert client.get(reverse("portal:read_report", args=[page.pk])).status_code == 302
    as_user(client, people["street_secretary"])
    assert client.get(reverse("portal:read_report", args=[page.pk])).status_code == 200
    assert client.get(reverse("portal:read_report", args=[999999])).status_code == 404


def test_the_excel_export_opens_and_holds_the_figures(client, site, street, people):
    page = notice(street["community1"], title='=HYPERLINK("http://x")通知', visibility="members")
    as_user(client, people["member"])
    client.get(page.url)
    as_user(client, people["community_secretary"])
    response = client.get(reverse("portal:read_report_export", args=[page.pk]))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    values = [[cell.value for cell in row] for row in sheet.iter_rows()]
    title = sheet.cell(row=1, column=1)
    assert (title.value, title.data_type) == ('=HYPERLINK("http://x")通知', "s")  # text, never a formula
    branch = next(row for row in values[2:] if row[0].strip() == "第1社区第一党支部")
    assert branch[2:4] == [4, 1]  # four members in the branch, one has read it


# Notifications on publish ------------------------------------------------------------------


def notified(page) -> set[str]:
    for fanout in FanOut.objects.filter(cause_key=f"notice:{page.pk}"):
        run_fanout(fanout.pk)
    return set(
        Notification.objects.filter(cause_key=f"notice:{page.pk}").values_list(
            "recipient__username", flat=True
        )
    )


def test_publishing_a_notice_tells_its_audience_once_even_when_republished(site, street, people):
    left = UserFactory(username="likai")
    MemberFactory(organisation=street["branch1"], user=left, left_on=dt.date(2025, 1, 1))
    page = draft(NoticePage, street["community1"], title=MEMBERS_ONLY, visibility="members")
    page = publish_revision(page, people["street_secretary"])
    assert page.live
    fanout = FanOut.objects.get(cause_key=f"notice:{page.pk}")
    assert fanout.url == page.url and MEMBERS_ONLY in fanout.title
    expected = {"dangyuan", "jiedao", "shequ", "weiyuan"}  # the active members of community 1
    assert notified(page) == expected

    page.title = MEMBERS_ONLY + "（更新）"
    publish_revision(page, people["street_secretary"])
    assert FanOut.objects.filter(cause_key=f"notice:{page.pk}").count() == 2
    assert notified(page) == expected
    assert Notification.objects.filter(cause_key=f"notice:{page.pk}").count() == len(expected)


def test_a_scheduled_notice_tells_its_audience_when_it_goes_live(site, street, people):
    page = draft(NoticePage, street["community2"], title="元旦慰问困难党员安排", visibility="members")
    page.go_live_at = timezone.now() + dt.timedelta(hours=1)
    page = publish_revision(page, people["street_secretary"])
    assert not FanOut.objects.exists()
    # An hour later: the time has come (moved back rather than the clock forward).
    past = timezone.now() - dt.timedelta(minutes=1)
    revision = page.revisions.get()
    revision.approved_go_live_at = past
    revision.content["go_live_at"] = past.isoformat()
    revision.save()
    call_command("publish_scheduled")
    assert NoticePage.objects.get(pk=page.pk).live
    assert notified(page) == {"erdangyuan", "shequ2"}


def test_the_audience_of_a_notice_is_read_in_one_query(site, street, people, django_assert_num_queries):
    page = notice(street["street"], audience=[street["branch1"], street["community2"]])
    with django_assert_num_queries(1):
        users = set(queries.notice_audience_users(page).values_list("username", flat=True))
    assert users == {"dangyuan", "jiedao", "shequ", "weiyuan", "erdangyuan", "shequ2"}


# The read report from the admin --------------------------------------------------------------


def test_the_admin_offers_the_read_report_only_to_those_who_may_see_it(client, site, street, people):
    page = notice(street["community1"], title=MEMBERS_ONLY, visibility="members")
    report_url = reverse("portal:read_report", args=[page.pk])
    explore = reverse("wagtailadmin_explore", args=[section(street["community1"]).pk])
    edit = reverse("wagtailadmin_pages:edit", args=[page.pk])
    as_user(client, people["community_secretary"])
    assert report_url in html(client.get(explore))
    assert report_url in html(client.get(edit))
    as_user(client, people["community2_secretary"])
    assert report_url not in html(
        client.get(reverse("wagtailadmin_explore", args=[section(street["street"]).pk]))
    )

"""Publishing through the Wagtail admin with the test client: a community secretary drafts and
submits, the street approves or rejects with a comment; rich text stays sanitised."""

from __future__ import annotations

import json

from django.urls import reverse
from wagtail.models import Page
from wagtail.test.utils.form_data import inline_formset, nested_form_data, streamfield

from inbox.models import FanOut
from portal.models import NoticePage
from tests.portal.content_support import html, section

TITLE = "关于报送社区党员志愿服务时长的通知"


def contentstate(text: str, url: str | None = None) -> str:
    entities = {"0": {"type": "LINK", "mutability": "MUTABLE", "data": {"url": url}}} if url else {}
    ranges = [{"offset": 0, "length": 2, "key": 0}] if url else []
    block = {
        "key": "a1b2c",
        "type": "unstyled",
        "depth": 0,
        "text": text,
        "inlineStyleRanges": [],
        "entityRanges": ranges,
        "data": {},
    }
    return json.dumps({"blocks": [block], "entityMap": entities})


def notice_form(title: str = TITLE, slug: str = "zhiyuan", body: str | None = None, **extra) -> dict:
    data = nested_form_data(
        {
            "title": title,
            "slug": slug,
            "visibility": "members",
            "summary": "请各支部于月底前报送。",
            "body": streamfield([("text", body or contentstate("请各支部按时报送志愿服务时长。"))]),
            "pinned": "",
            "expires_at": "",
            "attachments": inline_formset([]),
            "comments": inline_formset([]),
        }
    )
    data.update(extra)
    return data


def add_url(org) -> str:
    return reverse("wagtailadmin_pages:add", args=("portal", "noticepage", section(org).pk))


def test_a_community_secretary_submits_a_notice_and_the_street_approves_it(client, site, street, people):
    client.force_login(people["community_secretary"])
    response = client.post(add_url(street["community1"]), notice_form(**{"action-publish": "publish"}))
    assert response.status_code == 302
    page = NoticePage.objects.get(title=TITLE)
    assert not page.live  # may not publish
    response = client.post(
        reverse("wagtailadmin_pages:edit", args=[page.pk]), notice_form(**{"action-submit": "submit"})
    )
    assert response.status_code == 302
    state = page.current_workflow_state
    assert state is not None and state.status == "in_progress"

    client.force_login(people["street_secretary"])
    task_state = state.current_task_state
    url = reverse("wagtailadmin_pages:workflow_action", args=[page.pk, "approve", task_state.pk])
    response = client.post(url, {"comment": ""})
    assert response.status_code in (200, 302)
    page = NoticePage.objects.get(pk=page.pk)
    assert page.live
    assert FanOut.objects.filter(cause_key=f"notice:{page.pk}").exists()  # the audience is told
    client.force_login(people["member"])
    assert client.get(page.url).status_code == 200


def test_a_rejection_with_a_comment_leaves_the_notice_unpublished_and_the_comment_visible(
    client, site, street, people
):
    client.force_login(people["community_secretary"])
    client.post(add_url(street["community1"]), notice_form(**{"action-submit": "submit"}))
    page = NoticePage.objects.get(title=TITLE)
    task_state = page.current_workflow_state.current_task_state
    client.force_login(people["street_secretary"])
    comment = "报送时间写错了，请改为本月25日前。"
    url = reverse("wagtailadmin_pages:workflow_action", args=[page.pk, "reject", task_state.pk])
    client.post(url, {"comment": comment})
    page = NoticePage.objects.get(pk=page.pk)
    assert not page.live
    assert not FanOut.objects.exists()
    client.force_login(people["community_secretary"])
    history = client.get(reverse("wagtailadmin_pages:workflow_history", args=[page.pk]))
    edit = client.get(reverse("wagtailadmin_pages:edit", args=[page.pk]))
    assert comment in html(history) or comment in html(edit)


def test_a_community_secretary_cannot_add_a_page_in_another_community(client, site, street, people):
    client.force_login(people["community_secretary"])
    response = client.get(add_url(street["community2"]))
    assert response.status_code in (302, 403)
    response = client.post(add_url(street["community2"]), notice_form(**{"action-submit": "submit"}))
    assert response.status_code in (302, 403)
    assert not NoticePage.objects.filter(title=TITLE).exists()


def test_a_member_without_a_post_cannot_reach_the_admin(client, site, street, people):
    client.force_login(people["member"])
    response = client.get(add_url(street["community1"]))
    assert response.status_code in (302, 403)
    assert not Page.objects.filter(title=TITLE).exists()


def test_a_javascript_link_or_a_script_in_the_body_never_reaches_the_page(client, site, street, people):
    client.force_login(people["street_secretary"])
    body = contentstate("点我<script>alert(2)</script>", url="javascript:alert(1)")
    response = client.post(add_url(street["street"]), notice_form(body=body, **{"action-publish": "publish"}))
    assert response.status_code == 302
    page = NoticePage.objects.get(title=TITLE)
    assert page.live
    client.force_login(people["member"])
    content = html(client.get(page.url))
    assert "点我" in content
    assert "javascript:" not in content
    assert "<script>alert(2)" not in content

"""The public form and the status page: anonymous or logged-in filing, the tracking code shown
once and never put in an address, the status by code POSTed, forged codes and the rate limits."""

from __future__ import annotations

import pytest
from django.test import override_settings

from residents.models_help import HelpRequest
from tests.residents.help_support import make_catalogue
from tests.translations import chinese


@pytest.fixture
def cat(street):
    return make_catalogue(street)


def _form(cat, **changes):
    data = {
        "item": cat["meals"].pk,
        "description": "需要送餐上门。",
        "address": "阳光小区3号楼",
        "name": "王阿姨",
        "phone": "13812345678",
    }
    data.update(changes)
    return data


def test_anonymous_resident_files_and_gets_a_code_then_follows_it(client, cat):
    page = client.get("/help/")
    assert page.status_code == 200 and "为老服务 · 助餐".encode() in page.content
    sent = client.post("/help/", _form(cat))
    assert sent.status_code == 200
    request = HelpRequest.objects.get()
    code = sent.context["code"]
    assert code in sent.content.decode()
    assert f'href="/help/status/#{code}"' in sent.content.decode()  # the code only in a #fragment
    assert request.community.name == "第1社区党委"
    status = client.post("/help/status/", {"code": code})
    assert status.status_code == 200 and "助餐" in status.content.decode()
    assert b'data-kind="submitted"' in status.content


def test_status_page_reads_the_code_from_the_fragment_by_script(client, db):
    page = client.get("/help/status/")
    body = page.content.decode()
    assert "residents/help_status.js" in body and 'id="help-code"' in body


def test_a_forged_code_gets_a_chinese_message_and_no_request(client, cat):
    client.post("/help/", _form(cat))
    for forged in ("AAAA-BBBB-CCCC", "x" * 40, "", "' OR 1=1 --"):
        page = client.post("/help/status/", {"code": forged})
        assert page.status_code == 404
        msgid = "No help request has this tracking code. Check the code and type it again."
        assert msgid in page.content.decode() or chinese("helpreq")[msgid] in page.content.decode()
    assert HelpRequest.objects.count() == 1


def test_logged_in_member_files_as_themself_and_sees_it_in_my_requests(client, cat, roles):
    client.force_login(roles["member"])
    page = client.get("/help/")
    assert 'id="id_name"' not in page.content.decode()  # no name to type: the member's own
    client.post("/help/", _form(cat, name="", phone=""))
    request = HelpRequest.objects.get()
    assert request.requester_user == roles["member"] and request.requester_name == "普通党员"
    mine = client.get("/help/mine/")
    assert f'data-request="{request.pk}"' in mine.content.decode()


@pytest.mark.parametrize(
    "changes, field",
    [
        ({"item": "999999"}, "item"),
        ({"item": "abc"}, "item"),
        ({"item": "9" * 30}, "item"),
        ({"description": ""}, "description"),
        ({"description": "长" * 100_000}, "description"),
        ({"name": ""}, "name"),
        ({"phone": "１２３"}, "phone"),
    ],
)
def test_bad_form_input_is_a_400_with_the_field_marked_and_nothing_written(client, cat, changes, field):
    page = client.post("/help/", _form(cat, **changes))
    assert page.status_code == 400
    assert f'data-field="{field}"' in page.content.decode()
    assert HelpRequest.objects.count() == 0


def test_item_of_another_community_is_refused_on_the_form(client, cat):
    page = client.post("/help/", _form(cat, item=cat["jobs"].pk))
    assert page.status_code == 400 and 'data-field="item"' in page.content.decode()
    assert HelpRequest.objects.count() == 0


@override_settings(RESIDENTS_HELP_SUBMISSIONS_PER_HOUR=3, RESIDENTS_HELP_LOOKUPS_PER_HOUR=2)
def test_submissions_and_lookups_are_rate_limited_per_address(client, cat):
    for _ in range(3):
        assert client.post("/help/", _form(cat)).status_code == 200
    blocked = client.post("/help/", _form(cat))
    assert blocked.status_code == 429
    assert HelpRequest.objects.count() == 3
    assert client.post("/help/status/", {"code": "AAAA-BBBB-CCCC"}).status_code == 404
    assert client.post("/help/status/", {"code": "AAAA-BBBB-CCCC"}).status_code == 404
    assert client.post("/help/status/", {"code": "AAAA-BBBB-CCCC"}).status_code == 429
    other = client.post("/help/", _form(cat), REMOTE_ADDR="10.0.0.9")
    assert other.status_code == 200  # another address is not held back

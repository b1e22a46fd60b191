"""The volunteer pages: list, activity page, sign-up and cancel, 我的志愿服务, the organiser's
check-in page (code, QR code, ticks), the volunteer's check-in form, the offer page, registration."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from orgchart.models import Organisation
from tests.factories.volunteers import make_activity, make_volunteer, started
from volunteers import services
from volunteers.models import SignUp, SignUpStatus, Volunteer

pytestmark = pytest.mark.django_db


def test_list_and_activity_page_for_anyone(client, street):
    activity = make_activity(street["community1"], title="垃圾分类宣传")
    page = client.get(reverse("volunteers:activities"))
    assert page.status_code == 200 and "垃圾分类宣传" in page.content.decode()
    detail = client.get(reverse("volunteers:activity", args=[activity.pk]))
    assert detail.status_code == 200


def test_draft_page_is_not_found_for_members(client, street, people):
    draft = make_activity(street["community1"], open_now=False)
    client.force_login(people["m1"])
    assert client.get(reverse("volunteers:activity", args=[draft.pk])).status_code == 404


def test_sign_up_on_the_page_shows_the_waiting_position(client, street, people):
    activity = make_activity(street["community1"], capacity=1)
    services.sign_up(activity, actor=people["m1"])
    client.force_login(people["m2"])
    response = client.post(reverse("volunteers:sign_up", args=[activity.pk]), follow=True)
    assert response.status_code == 200
    messages = [str(m) for m in response.context["messages"]]
    assert messages == [services.signup_message(SignUp.objects.get(person=people["m2"]))]
    assert "1" in messages[0]


def test_refusal_is_shown_and_nothing_written(client, street, people):
    activity = make_activity(street["community1"], eligibility="subtree")
    client.force_login(people["other_community"])
    response = client.post(reverse("volunteers:sign_up", args=[activity.pk]), follow=True)
    assert [m.level_tag for m in response.context["messages"]] == ["error"]
    assert not SignUp.objects.exists()


def test_my_service_lists_upcoming_and_hours(client, street, people):
    activity = make_activity(street["community1"], title="助老服务")
    services.sign_up(activity, actor=people["m1"])
    client.force_login(people["m1"])
    page = client.get(reverse("volunteers:mine"))
    assert page.status_code == 200
    assert "助老服务" in page.content.decode() and 'data-testid="total-hours"' in page.content.decode()


def test_organiser_page_shows_code_and_qr_and_ticks(client, street, people, roles):
    activity = make_activity(street["community1"])
    signup = services.sign_up(activity, actor=people["volunteer"])
    client.force_login(roles["community_secretary"])
    page = client.get(reverse("volunteers:organise", args=[activity.pk]))
    body = page.content.decode()
    assert page.status_code == 200 and activity.checkin_code in body and "<svg" in body
    assert "no-store" in page["Cache-Control"]
    client.post(reverse("volunteers:tick", args=[signup.pk]), {"present": "1"})
    signup.refresh_from_db()
    assert signup.checked_in_at is not None


def test_member_cannot_open_the_organiser_page(client, street, people):
    activity = make_activity(street["community1"])
    client.force_login(people["m1"])
    assert client.get(reverse("volunteers:organise", args=[activity.pk])).status_code == 403


def test_volunteer_checks_in_from_the_qr_link(client, street, people):
    activity = make_activity(street["community1"])
    services.sign_up(activity, actor=people["volunteer"])
    started(activity)
    client.force_login(people["volunteer"])
    url = reverse("volunteers:check_in", args=[activity.pk])
    assert client.get(url, {"code": activity.checkin_code}).status_code == 200
    client.post(url, {"code": activity.checkin_code})
    assert SignUp.objects.get(person=people["volunteer"]).checked_in_at is not None


def test_forged_offer_link_page_says_so_and_writes_nothing(client, street, people):
    client.force_login(people["m1"])
    response = client.post(reverse("volunteers:offer", args=["forged-token"]), {"answer": "confirm"})
    assert response.status_code == 400
    assert [m.level_tag for m in response.context["messages"]] == ["error"]


def test_offer_page_confirms_the_place(client, street, people):
    activity = make_activity(street["community1"], capacity=1)
    first = services.sign_up(activity, actor=people["m1"])
    waiting = services.sign_up(activity, actor=people["m2"])
    services.cancel_signup(first, actor=people["m1"])
    waiting.refresh_from_db()
    client.force_login(people["m2"])
    url = services.offer_url(waiting)
    assert client.get(url).status_code == 200
    client.post(url, {"answer": "confirm"})
    waiting.refresh_from_db()
    assert waiting.status == SignUpStatus.CONFIRMED


def test_volunteer_registers_with_a_full_width_mobile_and_gets_a_login(client, street):
    response = client.post(
        reverse("volunteers:register"),
        {
            "name": "王阿姨",
            "mobile": "１３９１２３４５６７８",
            "community": street["community1"].pk,
            "skills": "理发、量血压",
            "username": "wangayi",
            "password": "Sheq-2026-volunteer",
        },
    )
    assert response.status_code == 302
    volunteer = Volunteer.objects.get()
    assert volunteer.mobile == "13912345678" and volunteer.user.check_password("Sheq-2026-volunteer")
    assert client.get(reverse("volunteers:mine")).status_code == 200  # signed in


@pytest.mark.parametrize(
    "field,value",
    [("mobile", "1391234567"), ("mobile", "٣٩١٢٣٤٥٦٧٨٩"), ("name", "\u202e王"), ("community", "branch")],
)
def test_registration_bad_input_is_refused_and_nothing_written(client, street, field, value):
    data = {
        "name": "王阿姨",
        "mobile": "13912345678",
        "community": street["community1"].pk,
        "username": "wangayi",
        "password": "Sheq-2026-volunteer",
    }
    data[field] = street["branch1"].pk if value == "branch" else value
    response = client.post(reverse("volunteers:register"), data)
    assert response.status_code == 200 and response.context["form"].errors
    assert not Volunteer.objects.exists()


def test_volunteer_cannot_see_other_volunteers_mobiles(client, street, people, roles):
    activity = make_activity(street["community1"])
    other = make_volunteer(street["community1"], username="zhiyuan3", mobile="13800001234")
    services.sign_up(activity, actor=other.user)
    client.force_login(people["volunteer"])
    assert client.get(reverse("volunteers:organise", args=[activity.pk])).status_code == 403
    assert (
        "13800001234" not in client.get(reverse("volunteers:activity", args=[activity.pk])).content.decode()
    )
    from volunteers import access

    assert access.volunteer_mobile(people["volunteer"], other) == "138****1234"
    assert access.volunteer_mobile(other.user, other) == "13800001234"
    assert access.volunteer_mobile(roles["community_secretary"], other) == "13800001234"
    assert Organisation.objects.filter(pk=other.community_id).exists()


def test_activity_list_takes_the_same_queries_for_1_and_10_activities(client, street, people):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(people["m1"])
    url = reverse("volunteers:activities")

    def queries_for_list() -> int:
        client.get(url)  # warm the session and caches
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url).status_code == 200
        return len(ctx.captured_queries)

    make_activity(street["community1"])
    one = queries_for_list()
    for n in range(9):
        make_activity(street["community1"], starts_in=dt.timedelta(days=10 + n))
    assert queries_for_list() == one


def test_organiser_page_takes_the_same_queries_for_2_and_8_people(client, street, people, roles):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    activity = make_activity(street["community1"], capacity=3)
    client.force_login(roles["community_secretary"])
    url = reverse("volunteers:organise", args=[activity.pk])

    def count() -> int:
        client.get(url)
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url).status_code == 200
        return len(ctx.captured_queries)

    for name in ("m1", "volunteer"):
        services.sign_up(activity, actor=people[name])
    two = count()
    for name in ("m2", "m3", "m4", "m5", "m6", "volunteer2"):  # 3 places: 5 of the 8 wait
        services.sign_up(activity, actor=people[name])
    assert count() == two


def test_activity_page_says_when_you_checked_in_instead_of_offering_check_in_again(client, street, people):
    activity = make_activity(street["community1"])
    services.sign_up(activity, actor=people["m1"])
    started(activity)
    client.force_login(people["m1"])
    page_url = reverse("volunteers:activity", args=[activity.pk])
    check_in_url = reverse("volunteers:check_in", args=[activity.pk])
    before = client.get(page_url).content.decode()
    assert f'href="{check_in_url}"' in before and 'data-testid="checked-in"' not in before
    signup = services.check_in(activity, activity.checkin_code, actor=people["m1"])
    after = client.get(page_url).content.decode()
    assert 'data-testid="checked-in"' in after
    assert timezone.localtime(signup.checked_in_at).strftime("%H:%M") in after
    assert f'href="{check_in_url}"' not in after


def test_organiser_page_shows_no_check_in_code_once_the_activity_is_done(client, street, people, roles):
    activity = make_activity(street["community1"])
    signup = services.sign_up(activity, actor=people["m1"])
    started(activity)
    services.tick(signup, actor=roles["community_secretary"])
    services.complete_activity(activity, actor=roles["community_secretary"])
    client.force_login(roles["community_secretary"])
    body = client.get(reverse("volunteers:organise", args=[activity.pk])).content.decode()
    assert 'data-testid="checkin-code"' not in body and "<svg" not in body
    assert reverse("volunteers:rotate_code", args=[activity.pk]) not in body
    assert "一社区党员1" in body  # the roster and the hours are still there


def test_a_wrong_check_in_code_is_told_beside_a_phone_sized_field_and_checks_no_one_in(
    client, street, people
):
    activity = make_activity(street["community1"])
    services.sign_up(activity, actor=people["m1"])
    started(activity)
    client.force_login(people["m1"])
    wrong = "222222" if activity.checkin_code != "222222" else "333333"
    response = client.post(reverse("volunteers:check_in", args=[activity.pk]), {"code": wrong})
    body = response.content.decode()
    assert response.status_code == 200
    # The page's own field (full width, large type), not Django's bare as_p input.
    assert '<div class="field">' in body and 'autocapitalize="characters"' in body
    assert 'data-testid="check-in-error">签到码不是本活动的签到码。</p>' in body
    assert SignUp.objects.get(person=people["m1"]).checked_in_at is None


def test_registration_is_rate_limited_per_address_and_writes_nothing_beyond(client, street, settings):
    from django.core.cache import cache

    cache.clear()
    settings.VOLUNTEERS_REGISTRATIONS_PER_HOUR = 2
    data = {
        "name": "王阿姨",
        "mobile": "13912345678",
        "community": street["community1"].pk,
        "password": "Sheq-2026-volunteer",
    }
    for i in range(2):
        client.logout()
        assert (
            client.post(reverse("volunteers:register"), {**data, "username": f"wang{i}"}).status_code == 302
        )
    client.logout()
    refused = client.post(reverse("volunteers:register"), {**data, "username": "wang2"})
    assert refused.status_code == 429
    assert "注册次数过多" in refused.content.decode()
    assert Volunteer.objects.count() == 2
    # Another address is not held back.
    ok = client.post(reverse("volunteers:register"), {**data, "username": "wang3"}, REMOTE_ADDR="10.0.0.9")
    assert ok.status_code == 302 and Volunteer.objects.count() == 3

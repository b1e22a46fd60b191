"""The assessment in the Wagtail admin: the street's post-holders manage its cycles; community
secretaries and members see nothing; another street's cycle answers 404; saving goes through the
services, whose refusals are form errors that write nothing."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from assessments.models import AssessmentCycle, Holiday, HolidayKind, HolidaySource, Indicator, Phase
from orgchart.models import OrgKind
from tests.factories.assessments import make_cycle
from tests.factories.orgchart import make_org, make_post_holder

pytestmark = pytest.mark.django_db


@pytest.fixture
def other_cycle(db):
    other_street = make_org(None, OrgKind.STREET, name="另一街道党工委", code="JD2")
    return make_cycle(other_street, 2026)


def _create_form(street, **overrides):
    data = {
        "street": street.pk,
        "year": "2027",
        "open_on": "2027-03-01",
        "rating_on": "2027-07-01",
        "review_on": "2027-09-01",
        "publicity_on": "2027-09-27",
        "total_points": "100",
        "excellent_min": "90",
        "good_min": "80",
        "basic_min": "60",
        "excellent_name": "优秀",
        "good_name": "称职",
        "basic_name": "基本称职",
        "fail_name": "不称职",
        "excellent_quota_percent": "20",
        "min_raters": "20",
        "min_ratings_shown": "5",
        "satisfaction_cap_percent": "60",
        "satisfaction_cap_band": "fail",
        "publicity_working_days": "5",
        "veto_vacancy_months": "6",
        "copy_from": "",
    }
    data.update(overrides)
    return data


def _edit_form(cycle, **overrides):
    """The edit form's POST data as the page would send it, indicators included."""
    rows = list(cycle.indicators.order_by("order", "pk"))
    data = {
        key: value
        for key, value in _create_form(cycle.street).items()
        if key not in {"street", "year", "copy_from"}
    }
    data.update(
        open_on=cycle.open_on.isoformat(),
        rating_on=cycle.rating_on.isoformat(),
        review_on=cycle.review_on.isoformat(),
        publicity_on=cycle.publicity_on.isoformat(),
    )
    data.update(
        {
            "indicators-TOTAL_FORMS": str(len(rows)),
            "indicators-INITIAL_FORMS": str(len(rows)),
            "indicators-MIN_NUM_FORMS": "0",
            "indicators-MAX_NUM_FORMS": "1000",
        }
    )
    for i, row in enumerate(rows):
        data.update(
            {
                f"indicators-{i}-id": str(row.pk),
                f"indicators-{i}-type": row.type,
                f"indicators-{i}-name": row.name,
                f"indicators-{i}-weight": str(row.weight),
                f"indicators-{i}-max": "" if row.max is None else str(row.max),
                f"indicators-{i}-source": row.source,
                f"indicators-{i}-automatic_key": row.automatic_key,
                f"indicators-{i}-order": str(row.order),
                f"indicators-{i}-ORDER": str(i + 1),
                f"indicators-{i}-DELETE": "",
            }
        )
    data.update(rating_questions_form(cycle))
    data.update(overrides)
    return data


def rating_questions_form(cycle):
    """The rating questions' inline formset as the edit page sends it, unchanged."""
    questions = list(cycle.rating_questions.order_by("order", "pk"))
    data = {
        "rating_questions-TOTAL_FORMS": str(len(questions)),
        "rating_questions-INITIAL_FORMS": str(len(questions)),
        "rating_questions-MIN_NUM_FORMS": "0",
        "rating_questions-MAX_NUM_FORMS": "1000",
    }
    for i, q in enumerate(questions):
        data.update(
            {
                f"rating_questions-{i}-id": str(q.pk),
                f"rating_questions-{i}-code": q.code,
                f"rating_questions-{i}-text": q.text,
                f"rating_questions-{i}-order": str(q.order),
                f"rating_questions-{i}-ORDER": str(i + 1),
                f"rating_questions-{i}-DELETE": "",
            }
        )
    return data


# Access matrix --------------------------------------------------------------------------------


def test_street_secretary_lists_and_opens_their_streets_cycles_only(client, cycle, other_cycle, roles):
    client.force_login(roles["street_secretary"])
    page = client.get(reverse("assessments_cycle:index"))
    assert page.status_code == 200
    body = page.content.decode()
    assert "测试街道党工委" in body and "另一街道党工委" not in body
    edit = client.get(reverse("assessments_cycle:edit", args=[cycle.pk]))
    assert edit.status_code == 200
    assert reverse("assessments_cycle:advance", args=[cycle.pk]) in edit.content.decode()
    assert client.get(reverse("assessments_cycle:advance", args=[cycle.pk])).status_code == 200


@pytest.mark.parametrize("role", ["community_secretary", "member", "outsider"])
def test_community_secretaries_and_members_see_no_cycle(client, cycle, roles, role):
    client.force_login(roles[role])
    for url in (
        reverse("assessments_cycle:index"),
        reverse("assessments_cycle:add"),
        reverse("assessments_cycle:edit", args=[cycle.pk]),
        reverse("assessments_cycle:advance", args=[cycle.pk]),
        reverse("assessments_holiday:index"),
    ):
        assert client.get(url).status_code in (302, 403, 404), url
    response = client.post(reverse("assessments_cycle:advance", args=[cycle.pk]), {"reason": "越权"})
    assert response.status_code in (302, 403, 404)
    assert AssessmentCycle.objects.get(pk=cycle.pk).phase == Phase.DRAFT


def test_another_streets_cycle_and_forged_ids_answer_404(client, cycle, other_cycle, roles):
    client.force_login(roles["street_secretary"])
    for pk in (other_cycle.pk, 999999):
        assert client.get(reverse("assessments_cycle:edit", args=[pk])).status_code == 404
        assert client.get(reverse("assessments_cycle:advance", args=[pk])).status_code == 404
        response = client.post(reverse("assessments_cycle:advance", args=[pk]), {"reason": "伪造"})
        assert response.status_code == 404
    assert AssessmentCycle.objects.get(pk=other_cycle.pk).phase == Phase.DRAFT


def test_a_superuser_sees_every_streets_cycles(client, cycle, other_cycle, roles):
    client.force_login(roles["superuser"])
    body = client.get(reverse("assessments_cycle:index")).content.decode()
    assert "测试街道党工委" in body and "另一街道党工委" in body


def test_a_deputy_of_the_street_manages_it_too(client, cycle, street):
    deputy = make_post_holder(street["street"], "fushuji", title="deputy_secretary", branch=street["branch2"])
    client.force_login(deputy)
    assert client.get(reverse("assessments_cycle:edit", args=[cycle.pk])).status_code == 200


# Create, edit, advance ------------------------------------------------------------------------


def test_create_a_cycle_in_the_admin_with_default_indicators(client, street, roles):
    client.force_login(roles["street_secretary"])
    response = client.post(reverse("assessments_cycle:add"), _create_form(street["street"]))
    assert response.status_code == 302, response.content.decode()[:2000]
    created = AssessmentCycle.objects.get(year=2027)
    assert created.indicators.count() == 12


def test_create_with_dates_out_of_order_is_a_form_error_and_writes_nothing(client, street, roles):
    client.force_login(roles["street_secretary"])
    response = client.post(
        reverse("assessments_cycle:add"), _create_form(street["street"], review_on="2027-06-01")
    )
    assert response.status_code == 200
    assert "review_on" in response.context["form"].errors
    assert not AssessmentCycle.objects.filter(year=2027).exists()


def test_a_duplicate_year_is_a_form_error(client, cycle, street, roles):
    client.force_login(roles["street_secretary"])
    response = client.post(reverse("assessments_cycle:add"), _create_form(street["street"], year="2026"))
    assert response.status_code == 200
    assert response.context["form"].errors
    assert AssessmentCycle.objects.count() == 1


def test_another_street_cannot_be_chosen(client, other_cycle, roles):
    client.force_login(roles["street_secretary"])
    response = client.post(reverse("assessments_cycle:add"), _create_form(other_cycle.street))
    assert response.status_code == 200
    assert "street" in response.context["form"].errors
    assert not AssessmentCycle.objects.filter(year=2027).exists()


def test_edit_indicators_inline(client, cycle, roles):
    client.force_login(roles["street_secretary"])
    rows = list(cycle.indicators.order_by("order", "pk"))
    data = _edit_form(
        cycle,
        **{"indicators-0-weight": str(rows[0].weight - 5), "indicators-1-weight": str(rows[1].weight + 5)},
    )
    response = client.post(reverse("assessments_cycle:edit", args=[cycle.pk]), data)
    assert response.status_code == 302, response.content.decode()[:3000]
    rows[0].refresh_from_db()
    assert rows[0].weight == 10


def test_weights_not_adding_up_in_the_admin_are_refused_naming_the_sum(client, cycle, roles):
    client.force_login(roles["street_secretary"])
    data = _edit_form(cycle, **{"indicators-0-weight": "20"})
    response = client.post(reverse("assessments_cycle:edit", args=[cycle.pk]), data)
    assert response.status_code == 200
    assert "105" in response.content.decode()
    assert Indicator.objects.filter(cycle=cycle).order_by("order").first().weight == 15


def test_move_to_the_next_phase_in_the_admin_logs_the_reason(client, cycle, roles):
    client.force_login(roles["street_secretary"])
    url = reverse("assessments_cycle:advance", args=[cycle.pk])
    assert client.post(url, {"reason": ""}).status_code == 200
    response = client.post(url, {"reason": "材料已准备好"})
    assert response.status_code == 302
    cycle.refresh_from_db()
    assert cycle.phase == Phase.OPEN
    transition = cycle.transitions.get()
    assert transition.actor == roles["street_secretary"] and transition.reason == "材料已准备好"
    page = client.get(url).content.decode()
    assert "材料已准备好" in page


# Holidays -------------------------------------------------------------------------------------


def test_street_secretary_enters_a_holiday_by_hand(client, roles):
    client.force_login(roles["street_secretary"])
    response = client.post(
        reverse("assessments_holiday:add"),
        {"date": "2099-10-01", "kind": HolidayKind.DAY_OFF, "name": "国庆节"},
    )
    assert response.status_code == 302
    row = Holiday.objects.get(date=dt.date(2099, 10, 1))
    assert row.source == HolidaySource.MANUAL
    assert client.get(reverse("assessments_holiday:index")).status_code == 200


def test_a_duplicate_holiday_date_is_a_form_error(client, roles):
    Holiday.objects.create(date=dt.date(2099, 10, 1), kind=HolidayKind.DAY_OFF)
    client.force_login(roles["street_secretary"])
    response = client.post(
        reverse("assessments_holiday:add"),
        {"date": "2099-10-01", "kind": HolidayKind.WORKING_DAY, "name": ""},
    )
    assert response.status_code == 200
    assert Holiday.objects.get(date=dt.date(2099, 10, 1)).kind == HolidayKind.DAY_OFF


def test_the_menu_shows_the_assessment_to_street_post_holders_only(client, cycle, roles):
    url = reverse("assessments_cycle:index")
    client.force_login(roles["street_secretary"])
    assert url in client.get(reverse("wagtailadmin_home")).content.decode()
    client.force_login(roles["community_secretary"])
    home = client.get(reverse("wagtailadmin_home"))
    assert home.status_code == 200 and url not in home.content.decode()
    refused = client.get(url)  # Wagtail's refusal: back to the admin home with a message
    assert refused.status_code == 302 and refused["Location"] == reverse("wagtailadmin_home")


def test_street_secretary_opens_every_assessment_admin_page(client, cycle, roles):
    client.force_login(roles["street_secretary"])
    for url in (
        reverse("assessments_cycle:add"),
        reverse("assessments_objection:index"),
        reverse("assessments_holiday:index"),
        reverse("assessments_holiday:add"),
    ):
        assert client.get(url).status_code == 200, url


def test_answer_an_objection_in_the_admin(client, cycle, roles):
    from assessments import services

    services.advance_due(dt.date(2026, 9, 28))
    objection = services.file_objection(cycle, "有异议", today=dt.date(2026, 9, 29))
    client.force_login(roles["community_secretary"])
    assert client.get(reverse("assessments_objection:edit", args=[objection.pk])).status_code in (302, 404)
    client.force_login(roles["street_secretary"])
    url = reverse("assessments_objection:edit", args=[objection.pk])
    assert client.post(url, {"answer": ""}).status_code == 200
    assert client.post(url, {"answer": "已核实"}).status_code == 302
    objection.refresh_from_db()
    assert objection.status == "answered" and objection.answered_by == roles["street_secretary"]


def test_replace_a_draft_cycles_indicators_with_last_years(client, cycle, street, roles):
    next_year = make_cycle(street["street"], 2027)
    Indicator.objects.filter(cycle=cycle, order=10).update(weight=10)
    Indicator.objects.filter(cycle=cycle, order=20).update(weight=15)
    client.force_login(roles["street_secretary"])
    url = reverse("assessments_cycle:copy_indicators", args=[next_year.pk])
    assert client.get(url).status_code == 200
    assert client.post(url, {"source": str(cycle.pk)}).status_code == 302
    assert next_year.indicators.get(order=10).weight == 10
    assert client.post(url, {"source": ""}).status_code == 302
    assert next_year.indicators.get(order=10).weight == 15


def test_indicators_of_a_cycle_no_longer_draft_are_not_replaced(client, cycle, roles):
    from assessments import services

    services.advance(cycle, Phase.OPEN)
    before = list(cycle.indicators.values_list("pk", flat=True))
    client.force_login(roles["street_secretary"])
    response = client.post(reverse("assessments_cycle:copy_indicators", args=[cycle.pk]), {"source": ""})
    assert response.status_code == 200
    assert list(cycle.indicators.values_list("pk", flat=True)) == before


def test_the_cycle_listing_shows_a_future_public_notice_day_as_a_date(client, roles, street):
    cycle = make_cycle(street["street"], dt.date.today().year + 1)
    publicity_on = cycle.publicity_on
    assert publicity_on > dt.date.today()
    client.force_login(roles["street_secretary"])
    html = client.get(reverse("assessments_cycle:index")).content.decode()
    assert f"{publicity_on:%Y-%m-%d}" in html
    assert "刚刚" not in html  # Wagtail's relative DateColumn said "just now" for any future day

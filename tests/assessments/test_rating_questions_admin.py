"""Rating questions: made with the cycle (defaults, or copied), edited inline on the cycle's admin
form while the cycle is a draft or open, frozen once rating has begun."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from assessments import ratings, services
from assessments.models import AssessmentCycle, Rating, RatingQuestion
from tests.factories.assessments import make_cycle

from .awards_support import Phase, move
from .test_admin import _create_form, _edit_form

pytestmark = pytest.mark.django_db


def _codes(cycle) -> list[tuple[str, str]]:
    return list(cycle.rating_questions.order_by("order", "pk").values_list("code", "text"))


def _edit(client, cycle, **overrides):
    return client.post(reverse("assessments_cycle:edit", args=[cycle.pk]), _edit_form(cycle, **overrides))


def test_a_new_cycle_has_the_default_questions(cycle):
    assert _codes(cycle) == list(ratings.DEFAULT_QUESTIONS)
    assert [q.pk for q in ratings.questions(cycle)] == list(
        cycle.rating_questions.order_by("order", "pk").values_list("pk", flat=True)
    )


def test_a_copied_cycle_copies_the_questions(client, cycle, street, roles):
    RatingQuestion.objects.filter(cycle=cycle, code="unity").update(text="班子团结协作")
    RatingQuestion.objects.create(cycle=cycle, code="help", text="帮扶困难群众", order=9)
    client.force_login(roles["street_secretary"])
    response = client.post(
        reverse("assessments_cycle:add"), _create_form(street["street"], copy_from=str(cycle.pk))
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    copied = AssessmentCycle.objects.get(year=2027)
    assert _codes(copied) == _codes(cycle)
    assert not set(copied.rating_questions.values_list("pk", flat=True)) & set(
        cycle.rating_questions.values_list("pk", flat=True)
    )


def test_created_in_the_admin_without_copy_has_the_defaults(client, street, roles):
    client.force_login(roles["street_secretary"])
    assert client.post(reverse("assessments_cycle:add"), _create_form(street["street"])).status_code == 302
    assert _codes(AssessmentCycle.objects.get(year=2027)) == list(ratings.DEFAULT_QUESTIONS)


@pytest.mark.parametrize("phase", [Phase.DRAFT, Phase.OPEN])
def test_street_edits_and_adds_questions_before_rating(client, cycle, roles, phase):
    move(cycle, phase)
    client.force_login(roles["street_secretary"])
    response = _edit(
        client,
        cycle,
        **{
            "rating_questions-0-text": "密切联系群众",
            "rating_questions-TOTAL_FORMS": "5",
            "rating_questions-4-code": "help",
            "rating_questions-4-text": "帮扶困难群众",
            "rating_questions-4-order": "4",
            "rating_questions-4-ORDER": "5",
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    assert _codes(cycle)[0] == ("contact", "密切联系群众")
    assert _codes(cycle)[-1] == ("help", "帮扶困难群众")


def test_a_question_can_be_deleted_before_rating(client, cycle, roles):
    client.force_login(roles["street_secretary"])
    assert _edit(client, cycle, **{"rating_questions-3-DELETE": "1"}).status_code == 302
    assert [c for c, _t in _codes(cycle)] == ["contact", "service", "unity"]


@pytest.mark.parametrize("phase", [Phase.RATING, Phase.REVIEW])
def test_changes_are_refused_once_rating_has_begun(client, cycle, roles, phase):
    move(cycle, phase)
    before = _codes(cycle)
    client.force_login(roles["street_secretary"])
    for change in (
        {"rating_questions-0-text": "改过的问题"},
        {"rating_questions-3-DELETE": "1"},
        {"rating_questions-0-code": "other"},
    ):
        response = _edit(client, cycle, **change)
        assert response.status_code == 200
        assert response.context["form"].non_field_errors()
        assert _codes(cycle) == before


def test_other_settings_still_save_during_rating(client, cycle, roles):
    move(cycle, Phase.RATING)
    client.force_login(roles["street_secretary"])
    assert _edit(client, cycle, min_raters="25").status_code == 302
    cycle.refresh_from_db()
    assert cycle.min_raters == 25 and _codes(cycle) == list(ratings.DEFAULT_QUESTIONS)


def test_a_stored_rating_freezes_the_questions_even_if_the_phase_was_moved_back(cycle):
    move(cycle, Phase.OPEN)
    Rating.objects.create(
        cycle=cycle,
        community=cycle.street.get_children().first(),
        rater_kind="member",
        created_on=cycle.open_on,
    )
    cycle = AssessmentCycle.objects.get(pk=cycle.pk)
    first = cycle.rating_questions.order_by("order")[0]
    first.text = "改过的问题"
    cycle.rating_questions = [first, *cycle.rating_questions.order_by("order")[1:]]
    with pytest.raises(ValidationError):
        services.save_cycle(cycle, actor=None)
    assert _codes(AssessmentCycle.objects.get(pk=cycle.pk)) == list(ratings.DEFAULT_QUESTIONS)


@pytest.mark.parametrize(
    "change",
    [
        {"rating_questions-1-code": "contact"},  # duplicate code
        {"rating_questions-0-code": "不是 slug"},
        {"rating_questions-0-text": "  "},
        {"rating_questions-0-text": "长" * 121},
        {f"rating_questions-{i}-DELETE": "1" for i in range(4)},  # none left
    ],
)
def test_bad_questions_are_form_errors_and_write_nothing(client, cycle, roles, change):
    client.force_login(roles["street_secretary"])
    response = _edit(client, cycle, **change)
    assert response.status_code == 200
    form = response.context["form"]
    assert (
        form.errors
        or form.non_field_errors()
        or any(f.errors for f in form.formsets["rating_questions"].forms)
    )
    assert _codes(cycle) == list(ratings.DEFAULT_QUESTIONS)


def test_swapping_two_codes_is_refused_not_a_500(client, cycle, roles):
    client.force_login(roles["street_secretary"])
    response = _edit(
        client, cycle, **{"rating_questions-0-code": "service", "rating_questions-1-code": "contact"}
    )
    assert response.status_code == 200
    assert response.context["form"].non_field_errors()
    assert _codes(cycle) == list(ratings.DEFAULT_QUESTIONS)


def test_another_street_cannot_edit(client, street, roles):
    from orgchart.models import OrgKind
    from tests.factories.orgchart import make_org

    other = make_cycle(make_org(None, OrgKind.STREET, name="另一街道党工委", code="JD2"), 2026)
    client.force_login(roles["street_secretary"])
    assert client.get(reverse("assessments_cycle:edit", args=[other.pk])).status_code == 404

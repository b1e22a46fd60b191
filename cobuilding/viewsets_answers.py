"""Units' answers on a need in the admin ("we can help", 单位回应): the need's "Answers" page lists
each unit's answer (resources, note, when, by whom) and turns the one chosen into a project in
one step (unit_side.project_from_answer → services.make_project_from_match). Scoped like the need
(its community's or the street's post-holders; others 404). Also the agreement's part-time posts.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.functional import cached_property
from django.utils.html import format_html_join
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.admin.views import ObjectFormView, ScopedInspectView
from orgchart.models import Tenure, current_tenure_q

from . import unit_side
from .models import Agreement, NeedAnswer


def answers_of(need) -> list[NeedAnswer]:
    """The need's answers with their units, resources and projects (three queries)."""
    return list(
        NeedAnswer.objects.filter(need=need)
        .select_related("unit_org", "outside_unit", "project", "answered_by")
        .prefetch_related("resources")
        .order_by("created_at", "pk")
    )


class AnswerProjectForm(forms.Form):
    answer = forms.TypedChoiceField(
        label=gettext_lazy("Answer"), coerce=int, widget=forms.RadioSelect, required=True
    )
    title = forms.CharField(label=gettext_lazy("Project title"), required=False, max_length=200)

    def __init__(self, *args, answers: list[NeedAnswer], **kwargs):
        super().__init__(*args, **kwargs)
        self.answers = {a.pk: a for a in answers if a.project_id is None}
        self.fields["answer"].choices = [(a.pk, str(a.unit)) for a in self.answers.values()]

    def clean_answer(self) -> NeedAnswer:
        return self.answers[self.cleaned_data["answer"]]


class AnswersView(ObjectFormView):
    """A need's answers from units; choosing one makes the project in one step."""

    form_class = AnswerProjectForm
    template_name = "cobuilding/admin/answers.html"
    page_title = gettext_lazy("Answers from units")
    submit_button_label = gettext_lazy("Make a project from this answer")
    header_icon = "mail"
    log_action = "cobuilding.project"

    @cached_property
    def answers(self) -> list[NeedAnswer]:
        return answers_of(self.object)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "answers": self.answers}

    def perform(self, form) -> str:
        project = unit_side.project_from_answer(
            form.cleaned_data["answer"], actor=self.request.user, title=form.cleaned_data["title"]
        )
        return _("Project “%(title)s” made.") % {"title": project.title}

    def get_context_data(self, **kwargs) -> dict[str, Any]:
        return {**super().get_context_data(**kwargs), "answers": self.answers}


def part_time_tenures(agreement: Agreement):
    """Current part-time (兼职) posts held in the agreement's community by people coming from its
    unit party organisation: what an agreement's end leaves for the committee to decide."""
    if agreement.unit_org_id is None:
        return Tenure.objects.none()
    return (
        Tenure.objects.filter(
            current_tenure_q(),
            part_time=True,
            from_organisation_id=agreement.unit_org_id,
            post__organisation__path__startswith=agreement.community.path,
        )
        .select_related("post__organisation", "member")
        .order_by("post__organisation__path", "post__title")
    )


class AgreementInspectView(ScopedInspectView):
    """The agreement's page, with the part-time posts its unit's people hold in the community."""

    def get_field_label(self, field_name, field):
        if field_name == "part_time_posts":
            return _("Part-time posts held from this unit")
        return super().get_field_label(field_name, field)

    def get_part_time_posts_display_value(self):
        rows = [
            (t.post.organisation.name, t.post.get_title_display(), t.member.name)
            for t in part_time_tenures(self.object)
        ]
        if not rows:
            return "—"
        return format_html_join("", "<p>{} · {} · {}</p>", rows)

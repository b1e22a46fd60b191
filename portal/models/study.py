"""Study material (学习资料) and the study records (学习打卡) members keep of it."""

from __future__ import annotations

import math

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import QuerySet
from django.http.response import HttpResponseBase
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel
from wagtail.models import Page
from wagtail.search import index

from .content import CONTENT_PANELS, ContentIndexPage, ContentPage

# Chinese text read at about 400 characters a minute (a common estimate for adult readers).
CHARACTERS_PER_MINUTE = 400


class StudyCategory(models.TextChoices):
    CONSTITUTION = "constitution", _("Party constitution and rules")
    THEORY = "theory", _("Theory")
    POLICY = "policy", _("Policy documents")
    ARTICLE = "article", _("Party-building articles")
    CASE = "case", _("Cases")


class StudyPage(ContentPage):
    category = models.CharField(_("category"), max_length=20, choices=StudyCategory.choices)
    featured = models.BooleanField(_("featured"), default=False, help_text=_("Shown on the home page."))
    reading_minutes = models.PositiveSmallIntegerField(_("reading time (minutes)"), default=1, editable=False)

    content_panels = [*Page.content_panels, FieldPanel("category"), FieldPanel("featured"), *CONTENT_PANELS]

    @property
    def list_tag(self) -> str:
        return self.get_category_display()

    search_fields = [*ContentPage.search_fields, index.FilterField("category")]
    template = "portal/study_page.html"

    class Meta:
        verbose_name = _("study material")
        verbose_name_plural = _("study materials")

    def save(self, *args, **kwargs):
        characters = len(self.title) + len(self.summary) + len(self.text)
        self.reading_minutes = max(1, math.ceil(characters / CHARACTERS_PER_MINUTE))
        return super().save(*args, **kwargs)

    def serve(self, request, *args, **kwargs):
        if request.method == "POST":
            from ..views import record_study_from_page

            outcome = record_study_from_page(request, self)
            if isinstance(outcome, HttpResponseBase):
                return outcome
            request.study_form = outcome  # shown again with its errors
        return super().serve(request, *args, **kwargs)

    def get_context(self, request, *args, **kwargs):
        from ..forms import StudyRecordForm
        from ..queries import own_study_records

        context = super().get_context(request, *args, **kwargs)
        context["study_form"] = getattr(request, "study_form", None) or StudyRecordForm()
        context["own_records"] = own_study_records(request.user, self)
        return context


class StudyIndexPage(ContentIndexPage):
    """学习资料: by category, organisation and month."""

    content_model = StudyPage
    template = "portal/content_index_page.html"

    class Meta:
        verbose_name = _("study material index")

    filter_params = (*ContentIndexPage.filter_params, "category")

    def extra_filters(self, request, items: QuerySet, errors: list[str]):
        raw = request.GET.get("category", "").strip()
        if not raw:
            return items, {"categories": StudyCategory.choices, "chosen_category": ""}
        if raw not in StudyCategory.values:
            errors.append(_("No such category; showing all."))
            return items, {"categories": StudyCategory.choices, "chosen_category": ""}
        return items.filter(category=raw), {"categories": StudyCategory.choices, "chosen_category": raw}


class StudyRecord(models.Model):
    """A member studied a material on a day: time spent and an optional reflection. One record per
    member, material and day; read as evidence of 学习型 by the assessment."""

    member = models.ForeignKey("orgchart.Member", on_delete=models.CASCADE, related_name="study_records")
    material = models.ForeignKey(StudyPage, on_delete=models.CASCADE, related_name="records")
    studied_on = models.DateField(_("studied on"), default=timezone.localdate)
    minutes = models.PositiveSmallIntegerField(
        _("minutes spent"), validators=[MinValueValidator(1), MaxValueValidator(600)]
    )
    reflection = models.TextField(_("reflection"), blank=True, max_length=5000)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("study record")
        verbose_name_plural = _("study records")
        ordering = ["-studied_on", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["member", "material", "studied_on"], name="one_study_record_a_day"
            )
        ]
        indexes = [models.Index(fields=["member", "studied_on"])]

    def __str__(self) -> str:
        return f"{self.member} · {self.material} · {self.studied_on}"

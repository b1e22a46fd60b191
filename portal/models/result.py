"""Results promotion (成果推广): secretaries' study reflections, research reports, papers and
practice results, published once the street has reviewed them (the moderation workflow)."""

from __future__ import annotations

from django.db import models
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel
from wagtail.models import Page
from wagtail.search import index

from .content import CONTENT_PANELS, ContentIndexPage, ContentPage, Visibility


class ResultKind(models.TextChoices):
    REFLECTION = "reflection", _("Study reflection")
    REPORT = "report", _("Research report")
    PAPER = "paper", _("Paper")
    PRACTICE = "practice", _("Practice result")


class ResultPage(ContentPage):
    # Results are published to be read and learnt from: public unless the author says otherwise.
    visibility = models.CharField(
        _("who may read it"), max_length=10, choices=Visibility.choices, default=Visibility.PUBLIC
    )
    kind = models.CharField(_("kind"), max_length=20, choices=ResultKind.choices)
    author = models.ForeignKey(
        "orgchart.Member",
        verbose_name=_("author"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="results",
        help_text=_("The secretary who wrote it."),
    )

    content_panels = [*Page.content_panels, FieldPanel("kind"), FieldPanel("author"), *CONTENT_PANELS]

    @property
    def list_tag(self) -> str:
        return self.get_kind_display()

    search_fields = [*ContentPage.search_fields, index.FilterField("kind")]
    template = "portal/result_page.html"

    class Meta:
        verbose_name = _("result")
        verbose_name_plural = _("results")


class ResultIndexPage(ContentIndexPage):
    """成果推广: by kind, organisation and month."""

    content_model = ResultPage
    template = "portal/content_index_page.html"

    class Meta:
        verbose_name = _("results index")

    filter_params = (*ContentIndexPage.filter_params, "kind")

    def extra_filters(self, request, items: QuerySet, errors: list[str]):
        raw = request.GET.get("kind", "").strip()
        base = {"kinds": ResultKind.choices, "chosen_kind": ""}
        if not raw:
            return items, base
        if raw not in ResultKind.values:
            errors.append(_("No such kind; showing all."))
            return items, base
        return items.filter(kind=raw), {**base, "chosen_kind": raw}

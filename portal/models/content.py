"""What notices, study material and results share: a publishing organisation (the section they
sit in), public or members-only visibility, a body from the shared block set, and one audience
rule for reading them, asked by pages, lists, search and documents alike."""

from __future__ import annotations

from django.db import models
from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel
from wagtail.fields import StreamField
from wagtail.models import Page
from wagtail.search import index

from orgchart import access

from ..blocks import BodyBlock, body_text


class Visibility(models.TextChoices):
    PUBLIC = "public", _("Public: anyone, without logging in")
    MEMBERS = "members", _("Members only: the audience and those who manage it")


class ContentPage(Page):
    """Abstract base of the pages an organisation publishes in its own section."""

    organisation = models.ForeignKey(
        "orgchart.Organisation",
        verbose_name=_("publishing organisation"),
        null=True,
        blank=True,
        editable=False,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    visibility = models.CharField(
        _("who may read it"), max_length=10, choices=Visibility.choices, default=Visibility.MEMBERS
    )
    summary = models.TextField(_("summary"), blank=True, max_length=300)
    body = StreamField(BodyBlock(), verbose_name=_("body"), blank=True)

    parent_page_types = ["portal.SectionPage"]
    subpage_types: list[str] = []

    search_fields = [
        *Page.search_fields,
        index.SearchField("summary"),
        index.SearchField("body"),
        index.FilterField("visibility"),
        index.FilterField("organisation"),
    ]

    class Meta:
        abstract = True

    # What a list shows beside the title. Plain attributes, so the list template never looks up
    # a field a page type lacks (a failed lookup costs Django's template engine a dir() of the page).
    is_pinned = False

    @property
    def list_tag(self) -> str:
        return ""

    # The publishing organisation is the section's: set on every save, so a moved page follows.
    def save(self, *args, **kwargs):
        section = self.section()
        if section is not None:
            self.organisation_id = section.organisation_id
        return super().save(*args, **kwargs)

    def section(self):
        from .section import SectionPage

        parent = self.get_parent() if self.path else None
        if parent is None:
            return None
        return SectionPage.objects.filter(pk=parent.pk).first()

    @property
    def text(self) -> str:
        return body_text(self.body)

    # The audience rule ----------------------------------------------------------------------

    @classmethod
    def members_audience_q(cls, user) -> Q:
        """Members-only pages `user` may read: published by an organisation addressed to them."""
        return access.addressed_q(user, "organisation__path")

    @classmethod
    def visible_q(cls, user) -> Q:
        q = Q(visibility=Visibility.PUBLIC)
        if user is not None and user.is_authenticated:
            if user.is_superuser:
                return Q()
            q |= Q(visibility=Visibility.MEMBERS) & cls.members_audience_q(user)
        return q

    @classmethod
    def visible_to(cls, user) -> QuerySet:
        """Live pages of this type `user` may open."""
        return cls.objects.live().filter(cls.visible_q(user))

    @classmethod
    def listed_for(cls, user) -> QuerySet:
        """What a list shows `user`: visible pages with their organisation, newest first."""
        return cls.visible_to(user).select_related("organisation").order_by("-first_published_at", "-pk")

    def is_visible_to(self, user) -> bool:
        return type(self).visible_to(user).filter(pk=self.pk).exists()

    def serve(self, request, *args, **kwargs):
        # A members-only page outside the reader's audience is not there: 404, never 403, so its
        # title does not leak.
        if self.visibility != Visibility.PUBLIC and not self.is_visible_to(request.user):
            raise Http404
        return super().serve(request, *args, **kwargs)

    @property
    def published_on(self):
        when = self.go_live_at or self.first_published_at or self.latest_revision_created_at
        return timezone.localtime(when).date() if when else None


CONTENT_PANELS = [FieldPanel("visibility"), FieldPanel("summary"), FieldPanel("body")]


class ContentIndexPage(Page):
    """Abstract list of one content type across the street: filters by organisation (its subtree)
    and month, paginated; a fixed number of queries whatever the amount of content."""

    intro = models.TextField(_("introduction"), blank=True)
    content_panels = [*Page.content_panels, FieldPanel("intro")]
    parent_page_types = ["portal.HomePage"]
    subpage_types: list[str] = []
    max_count = 1

    content_model: type[ContentPage]
    per_page = 20

    class Meta:
        abstract = True

    def content_for(self, user) -> QuerySet:
        return self.content_model.listed_for(user)

    def extra_filters(self, request, items: QuerySet, errors: list[str]) -> tuple[QuerySet, dict]:
        """Hook for a subclass's own filters (e.g. category); returns the items and chosen values."""
        return items, {}

    # Query-string filters; a list asked for without any is read from the list cache.
    filter_params: tuple[str, ...] = ("org", "month")

    def get_context(self, request, *args, **kwargs):
        from ..listcache import PageList, fragment_context, listed_ids
        from ..listing import filter_by_month, filter_by_organisation, paginate

        context = super().get_context(request, *args, **kwargs)
        if not any(request.GET.get(name, "").strip() for name in self.filter_params):
            page_obj = paginate(request, listed_ids(request, self.content_model), self.per_page)
            page_obj.object_list = PageList(self.content_model, page_obj.object_list)
            context.update(page_obj=page_obj, filter_errors=[], chosen_org=None, chosen_month="")
            context.update(fragment_context(request, self.pk, page_obj.number))
            context.update(self.extra_filters(request, None, [])[1])
            return context
        errors: list[str] = []
        items = self.content_for(request.user)
        items, org = filter_by_organisation(request, items, errors)
        items, month = filter_by_month(request, items, errors)
        items, extra = self.extra_filters(request, items, errors)
        context.update(
            page_obj=paginate(request, items, self.per_page),
            filter_errors=errors,
            chosen_org=org,
            chosen_month=month,
            **extra,
        )
        return context

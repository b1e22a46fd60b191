"""Notices (通知公告): from a street or a community, to its subtree or chosen organisations in it."""

from __future__ import annotations

from collections.abc import Callable

from django.db import models
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey, ParentalManyToManyField
from wagtail.admin.forms import WagtailAdminPageForm
from wagtail.admin.panels import FieldPanel, InlinePanel, MultiFieldPanel
from wagtail.models import Orderable, Page
from wagtail.search import index

from core.tree import path_within
from orgchart import access

from .content import CONTENT_PANELS, ContentIndexPage, ContentPage


class NoticeForm(WagtailAdminPageForm):
    """The audience must lie inside the publishing organisation's subtree."""

    def clean(self):
        cleaned = super().clean()
        section = self.parent_page.specific if self.parent_page else None
        org = getattr(section, "organisation", None)
        audience = cleaned.get("audience")
        if org is not None and audience:
            outside = [o.name for o in audience if not path_within(o.path, (org.path,))]
            if outside:
                self.add_error(
                    "audience",
                    _("A notice can only be addressed inside %(org)s; not to: %(names)s.")
                    % {"org": org.name, "names": "、".join(outside)},
                )
        expires_at = cleaned.get("expires_at")
        go_live_at = cleaned.get("go_live_at")
        if expires_at and go_live_at and expires_at <= go_live_at:
            self.add_error("expires_at", _("A notice must expire after it is published."))
        return cleaned


class NoticePage(ContentPage):
    audience = ParentalManyToManyField(
        "orgchart.Organisation",
        verbose_name=_("addressed to"),
        blank=True,
        related_name="+",
        help_text=_(
            "Leave empty to address the whole publishing organisation and everything below it; "
            "or choose organisations inside it."
        ),
    )
    pinned = models.BooleanField(_("pinned"), default=False, help_text=_("Pinned notices stay on top."))

    @property
    def is_pinned(self) -> bool:
        return self.pinned

    expires_at = models.DateTimeField(
        _("expires at"),
        null=True,
        blank=True,
        help_text=_("An expired notice leaves the lists but keeps its address, marked as expired."),
    )

    base_form_class = NoticeForm
    content_panels = [
        *Page.content_panels,
        MultiFieldPanel(
            [FieldPanel("audience"), FieldPanel("pinned"), FieldPanel("expires_at")], heading=_("Audience")
        ),
        *CONTENT_PANELS,
        InlinePanel("attachments", label=_("attachments")),
    ]
    search_fields = [*ContentPage.search_fields, index.FilterField("pinned")]
    template = "portal/notice_page.html"

    class Meta:
        verbose_name = _("notice")
        verbose_name_plural = _("notices")

    @classmethod
    def _audience_q(cls, reaches: Callable[[str], Q]) -> Q:
        """No chosen audience: the publishing organisation's subtree; chosen: those organisations.
        `reaches(field)` says which organisations (by their path in `field`) count."""
        chosen = cls.audience.through.objects.filter(noticepage_id=OuterRef("pk"))
        return (~Exists(chosen) & reaches("organisation__path")) | Exists(
            chosen.filter(reaches("organisation__path"))
        )

    @classmethod
    def members_audience_q(cls, user) -> Q:
        return cls._audience_q(lambda field: access.addressed_q(user, field))

    @classmethod
    def addressed_to_member_q(cls, user) -> Q:
        """Notices addressed to `user` as a member (through their own branch), whoever may read them."""
        paths = access.addressed_paths(user)
        return cls._audience_q(lambda field: Q(**{f"{field}__in": paths}))

    def reads_visible_to(self, user) -> bool:
        """Who sees the read report: those who manage the publishing organisation."""
        return self.organisation is not None and access.can_manage(user, self.organisation)

    @property
    def is_expired(self) -> bool:
        return self.expires_at is not None and self.expires_at <= timezone.now()

    @classmethod
    def current_q(cls) -> Q:
        return Q(expires_at__isnull=True) | Q(expires_at__gt=timezone.now())

    @classmethod
    def listed_for(cls, user) -> QuerySet[NoticePage]:
        """What a list shows `user`: live, unexpired, visible; pinned first, newest first."""
        return (
            cls.visible_to(user)
            .filter(cls.current_q())
            .select_related("organisation")
            .order_by("-pinned", "-first_published_at", "-pk")
        )

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        from ..services import record_read

        record_read(self, request.user)
        context["attachments"] = list(self.attachments.select_related("document"))
        context["can_see_reads"] = self.reads_visible_to(request.user)
        return context


class NoticeAttachment(Orderable):
    page = ParentalKey(NoticePage, on_delete=models.CASCADE, related_name="attachments")
    document = models.ForeignKey(
        "wagtaildocs.Document", verbose_name=_("document"), on_delete=models.CASCADE, related_name="+"
    )
    title = models.CharField(_("link text"), max_length=200, blank=True)

    panels = [FieldPanel("document"), FieldPanel("title")]

    def __str__(self) -> str:
        return self.title or self.document.title


class NoticeRead(models.Model):
    """A member read a notice: one row per member and notice, made on their first visit."""

    notice = models.ForeignKey(NoticePage, on_delete=models.CASCADE, related_name="reads")
    member = models.ForeignKey("orgchart.Member", on_delete=models.CASCADE, related_name="notice_reads")
    read_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("notice read")
        verbose_name_plural = _("notice reads")
        constraints = [models.UniqueConstraint(fields=["notice", "member"], name="one_read_per_member")]

    def __str__(self) -> str:
        return f"{self.member} · {self.notice}"


class NoticeIndexPage(ContentIndexPage):
    """通知公告: every notice the reader may open, pinned first, filtered by organisation and month."""

    content_model = NoticePage
    template = "portal/content_index_page.html"

    class Meta:
        verbose_name = _("notices index")

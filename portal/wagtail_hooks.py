"""Admin wiring for the portal itself: the Celery schedules kept by django-celery-beat.

The schedules live in the database (DatabaseScheduler) so a street's administrator can change
when sweeps and reminders run without a deploy. Only superusers (Django model permissions) see
them: a wrong schedule stops work for the whole street.
"""

from __future__ import annotations

import json

from django import forms
from django.http import Http404
from django.utils.translation import gettext_lazy as _
from django_celery_beat.models import CrontabSchedule, IntervalSchedule, PeriodicTask
from wagtail import hooks
from wagtail.admin.viewsets.model import ModelViewSet, ModelViewSetGroup

from .pagecache import mark_page_served

# Responses of Wagtail pages are the ones the anonymous page cache may keep (portal.pagecache).
hooks.register("before_serve_page", mark_page_served)


class PeriodicTaskForm(forms.ModelForm):
    """Arguments must be JSON (a list and an object): beat would fail on every tick otherwise."""

    class Meta:
        model = PeriodicTask
        fields = ["name", "task", "interval", "crontab", "args", "kwargs", "enabled", "description"]

    def _json(self, field: str, kind: type, message: str):
        value = self.cleaned_data.get(field) or ("[]" if kind is list else "{}")
        try:
            parsed = json.loads(value)
        except ValueError:
            parsed = None
        if not isinstance(parsed, kind):
            raise forms.ValidationError(message)
        return value

    def clean_args(self):
        return self._json("args", list, _("Arguments must be a JSON list, e.g. [] or [1, 2]."))

    def clean_kwargs(self):
        return self._json(
            "kwargs", dict, _('Keyword arguments must be a JSON object, e.g. {} or {"days": 7}.')
        )


class PeriodicTaskViewSet(ModelViewSet):
    model = PeriodicTask
    name = "periodic_tasks"
    url_prefix = "schedules/tasks"
    icon = "time"
    menu_label = _("Scheduled tasks")
    list_display = ["name", "task", "interval", "crontab", "enabled", "last_run_at", "total_run_count"]
    list_filter = ["enabled"]
    search_fields = ["name", "task"]
    copy_view_enabled = False

    def get_form_class(self, for_update=False):
        return PeriodicTaskForm


class IntervalScheduleViewSet(ModelViewSet):
    model = IntervalSchedule
    name = "interval_schedules"
    url_prefix = "schedules/intervals"
    icon = "repeat"
    menu_label = _("Intervals")
    form_fields = ["every", "period"]
    copy_view_enabled = False


class CrontabScheduleViewSet(ModelViewSet):
    model = CrontabSchedule
    name = "crontab_schedules"
    url_prefix = "schedules/crontabs"
    icon = "date"
    menu_label = _("Crontab schedules")
    form_fields = ["minute", "hour", "day_of_week", "day_of_month", "month_of_year", "timezone"]
    copy_view_enabled = False


class ScheduleViewSetGroup(ModelViewSetGroup):
    menu_label = _("Schedules")
    menu_icon = "time"
    menu_order = 900
    items = (PeriodicTaskViewSet, IntervalScheduleViewSet, CrontabScheduleViewSet)


@hooks.register("register_admin_viewset")
def register_schedule_viewsets():
    return ScheduleViewSetGroup()


# Documents follow the pages that use them -----------------------------------------------------


@hooks.register("before_serve_document")
def serve_documents_only_to_readers(document, request):
    """A document attached to pages is served to whoever may read one of those pages (a members-
    only notice keeps its attachments private too); one used by no live page only to editors."""
    from .documents import may_download

    if not may_download(request.user, document):
        raise Http404


# The publisher's read report, reachable from the page explorer and the notice's editor ---------


def _read_report_button(page, user, priority: int):
    """A "who has read it" button for a notice whose publishing organisation `user` manages (the
    same rule as the report view); None for any other page or user."""
    from django.urls import reverse
    from wagtail.admin.widgets import Button

    from orgchart import access

    from .models import NoticePage

    if page.specific_class is not NoticePage or not access.is_manager(user):
        return None
    notice = NoticePage.objects.select_related("organisation").filter(pk=page.pk).first()
    if notice is None or not notice.reads_visible_to(user):
        return None
    return Button(
        _("Who has read it"),
        url=reverse("portal:read_report", args=[page.pk]),
        icon_name="view",
        priority=priority,
    )


@hooks.register("register_page_listing_more_buttons")
def read_report_listing_button(page, user, next_url=None):
    button = _read_report_button(page, user, priority=45)
    if button is not None:
        yield button


@hooks.register("register_page_header_buttons")
def read_report_header_button(page, user, view_name=None, next_url=None):
    button = _read_report_button(page, user, priority=55)
    if button is not None:
        yield button


@hooks.register("construct_page_chooser_queryset")
def hide_unreadable_pages_from_the_chooser(pages, request):
    """The page chooser lists every page of the tree to anyone who may link to one: leave out
    the members-only content (drafts too) the user may not read, so its titles do not leak to
    another community's editors."""
    from django.db.models import Q

    from .models import NoticePage, ResultPage, StudyPage

    user = request.user
    if user.is_superuser:
        return pages
    hidden = Q()
    for model in (NoticePage, StudyPage, ResultPage):
        hidden |= Q(pk__in=model.objects.exclude(model.visible_q(user)).values("pk"))
    return pages.exclude(hidden)

"""Helpers for content tests: the site with its sections, and pages published in a section."""

from __future__ import annotations

import datetime as dt
import itertools

from django.utils import timezone

from portal.models import NoticePage, ResultPage, SectionPage, StudyPage

_n = itertools.count(1)


def section(org) -> SectionPage:
    return SectionPage.objects.get(organisation=org)


def publish(page_class, org, **fields):
    """Add a live page of `page_class` to `org`'s section, published now (or at `published`)."""
    published = fields.pop("published", None) or timezone.now()
    audience = fields.pop("audience", None)
    n = next(_n)
    page = page_class(title=fields.pop("title", f"页面{n}"), slug=fields.pop("slug", f"p{n}"), **fields)
    page.first_published_at = page.last_published_at = published
    section(org).add_child(instance=page)
    if audience is not None:
        page.audience.set(audience)
        page.save()
    return page


def notice(org, **fields) -> NoticePage:
    return publish(NoticePage, org, **fields)


def study(org, **fields) -> StudyPage:
    fields.setdefault("category", "theory")
    return publish(StudyPage, org, **fields)


def result(org, **fields) -> ResultPage:
    fields.setdefault("kind", "reflection")
    return publish(ResultPage, org, **fields)


def days_ago(n: int):
    return timezone.now() - dt.timedelta(days=n)

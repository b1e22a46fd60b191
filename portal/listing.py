"""Query-string filters and pagination shared by the content lists: bad values get a Chinese
message and are ignored, never a 500."""

from __future__ import annotations

import datetime as dt

from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from core.tree import path_prefix_q
from orgchart.models import Organisation


def filter_by_organisation(
    request, items: QuerySet, errors: list[str]
) -> tuple[QuerySet, Organisation | None]:
    raw = request.GET.get("org", "").strip()
    if not raw:
        return items, None
    org = Organisation.objects.filter(pk=int(raw)).first() if raw.isascii() and raw.isdigit() else None
    if org is None:
        errors.append(_("No such organisation; showing all."))
        return items, None
    return items.filter(path_prefix_q(org.path, "organisation__path")), org


def parse_month(raw: str) -> dt.date | None:
    """ "2026-03" → 1 March 2026; anything else → None."""
    try:
        year, month = (int(part) for part in raw.split("-"))
        return dt.date(year, month, 1) if 1900 <= year <= 2999 else None
    except (TypeError, ValueError):
        return None


def filter_by_month(request, items: QuerySet, errors: list[str]) -> tuple[QuerySet, str]:
    raw = request.GET.get("month", "").strip()
    if not raw:
        return items, ""
    first = parse_month(raw) if raw.isascii() else None
    if first is None:
        errors.append(_("Give the month as YYYY-MM, e.g. 2026-03; showing all months."))
        return items, ""
    return items.filter(first_published_at__year=first.year, first_published_at__month=first.month), raw


def paginate(request, items: QuerySet, per_page: int) -> Page:
    """The requested page; a page number out of range or not a number gives the nearest page."""
    return Paginator(items, per_page).get_page(request.GET.get("page"))

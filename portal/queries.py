"""Reads of the portal's content shared by pages, exports and the assessment: unread notices,
read receipts per organisation, study records and their monthly summaries; site search."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db.models import CharField, Count, Exists, OuterRef, Q, QuerySet, Sum, Value
from django.db.models.functions import Concat, TruncMonth
from django.utils.safestring import SafeString
from wagtail.models import Page
from wagtail.search.backends import get_search_backend

from core.search.highlight import highlight, searchable_body, snippet
from core.search.segment import highlight_terms
from core.tree import PATH_END, compress_paths, path_prefix_q, path_within
from orgchart import access
from orgchart.models import Member, Organisation
from orgchart.queries import subtree_member_counts, tree_rows

from .access import pages_visible_to


def unread_notice_count(request) -> int:
    """Of the notices listed for the reader, those addressed to them as a member (through their
    own branch) that they have not opened yet. One query: their own reads."""
    from .listcache import listed_ids
    from .models import NoticePage, NoticeRead

    member = access.member_for(request.user)
    if member is None or not member.is_active:
        return 0
    addressed = listed_ids(request, NoticePage, "addressed")
    if not addressed:
        return 0
    read = set(NoticeRead.objects.filter(member=member).values_list("notice_id", flat=True))
    return sum(1 for pk in addressed if pk not in read)


def _covering(rows: QuerySet, field: str, path) -> QuerySet:
    """Of `rows`, those whose organisation path in `field` is `path` or above it (the subtree
    range of core.tree, written against an outer row's path)."""
    return rows.annotate(_subtree_end=Concat(field, Value(PATH_END), output_field=CharField())).filter(
        **{f"{field}__lte": path, "_subtree_end__gt": path}
    )


def notice_audience_users(notice) -> QuerySet:
    """Active users of the active members a notice is addressed to: in the subtrees of the chosen
    organisations, else of the publishing organisation. One query, whatever the audience's size."""
    from .models import NoticePage

    member_path = OuterRef("member__organisation__path")
    chosen = NoticePage.audience.through.objects.filter(noticepage_id=notice.pk)
    publisher = NoticePage.objects.filter(pk=notice.pk, organisation__isnull=False)
    return get_user_model().objects.filter(
        (~Exists(chosen) & Exists(_covering(publisher, "organisation__path", member_path)))
        | Exists(_covering(chosen, "organisation__path", member_path)),
        is_active=True,
        member__left_on__isnull=True,
        member__organisation__closed_on__isnull=True,
    )


@dataclass
class ReadRow:
    organisation: Organisation
    members: int
    readers: int

    @property
    def share(self) -> float:
        return self.readers / self.members if self.members else 0.0

    @property
    def not_passed_on(self) -> bool:
        """Members and no reader yet: the organisation has not passed the notice on."""
        return self.members > 0 and self.readers == 0


def audience_roots(notice) -> list[Organisation]:
    """The organisations a notice is addressed to: those chosen, else the publisher."""
    chosen = list(notice.audience.all())
    if chosen:
        return chosen
    return [notice.organisation] if notice.organisation_id else []


def read_report(notice) -> list[ReadRow]:
    """For each open organisation in the notice's audience: its active members and how many of
    them have read the notice, counted over its subtree. Three queries whatever the tree's size."""
    top = compress_paths(org.path for org in audience_roots(notice))
    rows = [org for org in tree_rows(None) if path_within(org.path, top)] if top else []
    members = subtree_member_counts(rows)
    readers = _reader_counts(notice, rows)
    return [ReadRow(org, members.get(org.path, 0), readers.get(org.path, 0)) for org in rows]


def _reader_counts(notice, rows: list[Organisation]) -> dict[str, int]:
    """Active readers of `notice` in each row's subtree, keyed by path (one query)."""
    from .models import NoticeRead

    steplen = Organisation.steplen
    totals = {org.path: 0 for org in rows}
    per_org = (
        NoticeRead.objects.filter(notice=notice, member__left_on__isnull=True)
        .order_by()
        .values("member__organisation__path")
        .annotate(n=Count("pk"))
    )
    for row in per_org:
        path = row["member__organisation__path"]
        for end in range(steplen, len(path) + 1, steplen):
            if path[:end] in totals:
                totals[path[:end]] += row["n"]
    return totals


def own_study_records(user, material) -> QuerySet:
    member = access.member_for(user)
    if member is None:
        from .models import StudyRecord

        return StudyRecord.objects.none()
    return member.study_records.filter(material=material).order_by("-studied_on")[:10]


def study_by_member_month(org: Organisation, year: int) -> QuerySet:
    """Per member and month of `year`, in `org`'s subtree: records, minutes, reflections written.
    The assessment reads this for 学习型 evidence (per secretary and month)."""
    from .models import StudyRecord

    return (
        StudyRecord.objects.filter(
            path_prefix_q(org.path, "member__organisation__path"), studied_on__year=year
        )
        .annotate(month=TruncMonth("studied_on"))
        .order_by()
        .values("member_id", "member__name", "month")
        .annotate(
            records=Count("pk"),
            minutes=Sum("minutes"),
            reflections=Count("pk", filter=~Q(reflection="")),
        )
        .order_by("member__name", "member_id", "month")
    )


def study_by_organisation_month(org: Organisation, year: int) -> list[dict]:
    """Per direct sub-organisation of `org` (and `org` itself) and month: members who studied,
    records, minutes — counted over each subtree."""
    from .models import StudyRecord

    children = [org, *Organisation.objects.in_subtree(org).filter(depth=org.depth + 1).order_by("path")]
    per_branch = (
        StudyRecord.objects.filter(
            path_prefix_q(org.path, "member__organisation__path"), studied_on__year=year
        )
        .annotate(month=TruncMonth("studied_on"))
        .order_by()
        .values("member__organisation__path", "month")
        .annotate(records=Count("pk"), minutes=Sum("minutes"), members=Count("member", distinct=True))
    )
    table: dict[tuple[str, dt.date], dict] = {}
    for row in per_branch:
        for child in children:
            if row["member__organisation__path"].startswith(child.path):
                key = (child.path, row["month"])
                cell = table.setdefault(
                    key,
                    {"organisation": child, "month": row["month"], "records": 0, "minutes": 0, "members": 0},
                )
                cell["records"] += row["records"]
                cell["minutes"] += row["minutes"] or 0
                # Members are distinct per branch; summed over branches they stay distinct.
                cell["members"] += row["members"]
    return sorted(table.values(), key=lambda c: (c["organisation"].path, c["month"]))


def member_study_months(member: Member, year: int) -> dict[int, dict]:
    """One member's study by month of `year`: {month: {records, minutes, reflections}}."""
    rows = (
        member.study_records.filter(studied_on__year=year)
        .annotate(month=TruncMonth("studied_on"))
        .order_by()
        .values("month")
        .annotate(
            records=Count("pk"), minutes=Sum("minutes"), reflections=Count("pk", filter=~Q(reflection=""))
        )
    )
    return {row["month"].month: row for row in rows}


# --- site search -----------------------------------------------------------------------------

# Longest query accepted, in characters: a query is a few words, not a document.
MAX_QUERY_LENGTH = 100


def search_pages(user, query: str):
    """Live pages `user` may open that match `query`, best first (title matches before body ones).

    Returns Wagtail search results: they paginate and count like a queryset.
    """
    pages = pages_visible_to(user, Page.objects.all()).specific()
    return get_search_backend().search(query, pages)


@dataclass(frozen=True)
class SearchHit:
    page: Page
    title_html: SafeString
    snippet_html: SafeString


def search_hits(pages, query: str) -> list[SearchHit]:
    """Each page of one results page with its title and a snippet, the query's words marked."""
    terms = highlight_terms(query)
    return [
        SearchHit(page, highlight(page.title, terms), snippet(searchable_body(page), terms)) for page in pages
    ]

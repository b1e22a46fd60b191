"""Reads shared by pages, the API, exports and benchmarks: subtree statistics and the tree."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db.models import Count, Exists, F, Func, IntegerField, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Length, Substr
from django.utils import timezone

from core.dates import add_years
from core.tree import outer_subtree_q

from . import access
from .cache import cached_figure
from .models import (
    COMMUNITY_KINDS,
    LOW_EDUCATION,
    Education,
    Gender,
    Member,
    MemberCategory,
    Organisation,
    OrgKind,
    Post,
    PostTitle,
    Tenure,
    Transfer,
    current_tenure_q,
)

# Breakdowns of a group with fewer active members than this would describe nearly one person.
SMALL_GROUP_SIZE = 5


@dataclass
class SubtreeStatistics:
    """Figures of a subtree. With `breakdowns_hidden` (a small group shown to someone who does not
    manage it) the breakdowns are None: by category, gender, education, 60+, low education."""

    organisation_id: int
    members: int = 0
    aged_60_plus: int = 0
    low_education: int = 0
    by_category: dict[str, int] = field(default_factory=dict)
    by_gender: dict[str, int] = field(default_factory=dict)
    by_education: dict[str, int] = field(default_factory=dict)
    posts_filled: int = 0
    posts_vacant: int = 0
    organisations_by_kind: dict[str, int] = field(default_factory=dict)
    vacant_secretaries: int = 0
    breakdowns_hidden: bool = False

    @property
    def share_aged_60_plus(self) -> float | None:
        if self.breakdowns_hidden:
            return None
        return self.aged_60_plus / self.members if self.members else 0.0

    @property
    def share_low_education(self) -> float | None:
        if self.breakdowns_hidden:
            return None
        return self.low_education / self.members if self.members else 0.0

    def hide_breakdowns(self) -> SubtreeStatistics:
        """Drop every breakdown, keeping the member count and the posts and organisations."""
        self.breakdowns_hidden = True
        self.aged_60_plus = self.low_education = None  # type: ignore[assignment]
        self.by_category = self.by_gender = self.by_education = None  # type: ignore[assignment]
        return self

    def as_dict(self) -> dict:
        return {
            "organisation_id": self.organisation_id,
            "members": self.members,
            "aged_60_plus": self.aged_60_plus,
            "share_aged_60_plus": _rounded(self.share_aged_60_plus),
            "low_education": self.low_education,
            "share_low_education": _rounded(self.share_low_education),
            "by_category": self.by_category,
            "by_gender": self.by_gender,
            "by_education": self.by_education,
            "posts_filled": self.posts_filled,
            "posts_vacant": self.posts_vacant,
            "vacant_secretaries": self.vacant_secretaries,
            "organisations_by_kind": self.organisations_by_kind,
            "breakdowns_hidden": self.breakdowns_hidden,
        }


def _rounded(share: float | None) -> float | None:
    return None if share is None else round(share, 4)


def sixty_cutoff(day: dt.date) -> dt.date:
    """Members born on or before this date are 60 or older on `day`."""
    return add_years(day, -60)


def subtree_statistics(org: Organisation, day: dt.date | None = None) -> SubtreeStatistics:
    """Figures for `org` and everything below it, in three queries whatever the tree's size."""
    day = day or timezone.localdate()
    members = Member.objects.active().in_subtree(org)
    aggregates = {
        "members": Count("pk"),
        "aged_60_plus": Count("pk", filter=Q(birth_date__lte=sixty_cutoff(day))),
        "low_education": Count("pk", filter=Q(education__in=LOW_EDUCATION)),
    }
    for prefix, field_name, choices in (
        ("category", "category", MemberCategory),
        ("gender", "gender", Gender),
        ("education", "education", Education),
    ):
        for value in choices.values:
            aggregates[f"{prefix}__{value}"] = Count("pk", filter=Q(**{field_name: value}))
    row = members.aggregate(**aggregates)

    stats = SubtreeStatistics(organisation_id=org.pk)
    stats.members = row["members"]
    stats.aged_60_plus = row["aged_60_plus"]
    stats.low_education = row["low_education"]
    stats.by_category = {v: row[f"category__{v}"] for v in MemberCategory.values}
    stats.by_gender = {v: row[f"gender__{v}"] for v in Gender.values}
    stats.by_education = {v: row[f"education__{v}"] for v in Education.values}

    # Group by (title, filled) so the "is it filled" subquery is evaluated once per post.
    posts = (
        Post.objects.in_subtree(org)
        .filter(organisation__closed_on__isnull=True)
        .annotate(filled=Exists(Tenure.objects.filter(current_tenure_q(day=day), post=OuterRef("pk"))))
        .order_by()
        .values("title", "filled")
        .annotate(n=Count("pk"))
    )
    for post_row in posts:
        if post_row["filled"]:
            stats.posts_filled += post_row["n"]
        else:
            stats.posts_vacant += post_row["n"]
            if post_row["title"] == PostTitle.SECRETARY:
                stats.vacant_secretaries += post_row["n"]

    by_kind = (
        Organisation.objects.in_subtree(org)
        .filter(closed_on__isnull=True)
        .order_by()
        .values("kind")
        .annotate(n=Count("pk"))
    )
    counts = {row["kind"]: row["n"] for row in by_kind}
    stats.organisations_by_kind = {kind: counts.get(kind, 0) for kind in OrgKind.values}
    return stats


def cached_subtree_statistics(org: Organisation, day: dt.date | None = None) -> SubtreeStatistics:
    """subtree_statistics from the cache (orgchart.cache): no query once computed for the day,
    until a member, post, tenure or tree change retires it. A fresh copy each call."""
    day = day or timezone.localdate()
    return cached_figure("stats", (org.pk, org.path), lambda: subtree_statistics(org, day), day)


def hides_breakdowns(user, org: Organisation, members: int) -> bool:
    """The small-group rule, written once: breakdowns of a group of 1 to 4 active members are
    shown as "fewer than 5" to anyone who does not manage the group, so none describes a person."""
    # Asked whatever the size, so a request's query count does not depend on the data.
    manages = access.can_manage(user, org)
    return 0 < members < SMALL_GROUP_SIZE and not manages


def statistics_for(user, org: Organisation, day: dt.date | None = None) -> SubtreeStatistics:
    """subtree_statistics(org) as `user` may see them: what pages, the API and exports show."""
    stats = cached_subtree_statistics(org, day)
    if hides_breakdowns(user, org, stats.members):
        stats.hide_breakdowns()
    return stats


def tree_rows(root: Organisation | None = None, include_closed: bool = False) -> list[Organisation]:
    """The tree (or one subtree) in path order, in one query."""
    qs = Organisation.objects.all() if root is None else Organisation.objects.in_subtree(root)
    if not include_closed:
        qs = qs.filter(closed_on__isnull=True)
    return list(qs.order_by("path"))


def street_root() -> Organisation | None:
    """The first street committee root: the street the portal serves."""
    return Organisation.objects.filter(depth=1, kind=OrgKind.STREET).order_by("path").first()


# The parent look-up -------------------------------------------------------------------------


def with_parent_pk(queryset: QuerySet[Organisation]) -> QuerySet[Organisation]:
    """Annotate `parent_pk` (the parent's id, None for a root) in the same query, from the path."""
    parent = Organisation.objects.filter(
        path=Substr(OuterRef("path"), 1, Length(OuterRef("path")) - Organisation.steplen)
    ).order_by()
    return queryset.annotate(parent_pk=Subquery(parent.values("pk")[:1]))


def attach_parent_pks(rows: Iterable[Organisation]) -> list[Organisation]:
    """Set `parent_pk` on each row from the rows' own paths; one query only for parents not among them."""
    rows = list(rows)
    by_path = {row.path: row.pk for row in rows}
    steplen = Organisation.steplen
    missing = {
        row.path[:-steplen]
        for row in rows
        if row.depth > 1 and row.path[:-steplen] not in by_path and getattr(row, "parent_pk", None) is None
    }
    if missing:
        by_path.update(Organisation.objects.filter(path__in=missing).order_by().values_list("path", "pk"))
    for row in rows:
        if getattr(row, "parent_pk", None) is None:
            row.parent_pk = by_path.get(row.path[:-steplen]) if row.depth > 1 else None
    return rows


def subtree_member_counts(rows: list[Organisation]) -> dict[str, int]:
    """Active members in each row's subtree, keyed by path: one query whatever the tree's size.

    Counted by path prefix like orgchart.queries.subtree_statistics, so a node's figure in the tree
    matches the figure its statistics panel shows.
    """
    if not rows:
        return {}
    steplen = Organisation.steplen
    totals = {org.path: 0 for org in rows}
    top_paths = {org.path for org in rows if org.depth == rows[0].depth}
    q = Member.objects.active()
    if len(top_paths) == 1:
        q = q.in_subtree(next(iter(top_paths)))
    per_org = q.order_by().values("organisation__path").annotate(n=Count("pk"))
    for row in per_org:
        path = row["organisation__path"]
        for end in range(steplen, len(path) + 1, steplen):
            prefix = path[:end]
            if prefix in totals:
                totals[prefix] += row["n"]
    return totals


def cached_subtree_member_counts(rows: list[Organisation]) -> dict[str, int]:
    """subtree_member_counts from the cache; the rows come from the tree, whose changes retire it."""
    if not rows:
        return {}
    return cached_figure(
        "member-counts", (rows[0].path, rows[-1].path, len(rows)), lambda: subtree_member_counts(rows)
    )


def open_community_count(street: Organisation) -> int:
    """Open community party organisations directly under `street` (the home page's figure)."""
    return (
        Organisation.objects.in_subtree(street)
        .filter(depth=street.depth + 1, kind__in=COMMUNITY_KINDS, closed_on__isnull=True)
        .count()
    )


def cached_open_community_count(street: Organisation) -> int:
    return cached_figure("communities", (street.pk, street.path), lambda: open_community_count(street))


def member_list(user, filters: dict) -> QuerySet[Member]:
    """The members `user` may see, filtered as the API's member list is: `include_left`,
    `organisation` (a subtree), `category`, `search` (in the name)."""
    members = access.visible_members(user).select_related("organisation")
    if not filters.get("include_left"):
        members = members.active()
    if filters.get("organisation") is not None:
        members = members.in_subtree(filters["organisation"])
    if filters.get("category"):
        members = members.filter(category=filters["category"])
    if filters.get("search"):
        members = members.filter(name__icontains=filters["search"])
    return members


# Correlated subqueries for listings: one scalar per row, evaluated in the listing's own query.


def subquery_count(queryset: QuerySet) -> Subquery:
    """COUNT(*) of a correlated queryset as one scalar subquery (no GROUP BY, no N+1)."""
    counted = queryset.order_by().annotate(n=Func(F("pk"), function="COUNT")).values("n")
    return Subquery(counted, output_field=IntegerField())


def subtree_member_count() -> Subquery:
    """Active members in the whole subtree of each organisation of the outer query."""
    return subquery_count(Member.objects.active().filter(outer_subtree_q("organisation__path")))


def organisation_history_exists() -> Exists:
    """Whether each organisation of the outer query ever had members, posts or transfers."""
    return (
        Exists(Member.objects.filter(organisation=OuterRef("pk")))
        | Exists(Post.objects.filter(organisation=OuterRef("pk")))
        | Exists(
            Transfer.objects.filter(Q(from_organisation=OuterRef("pk")) | Q(to_organisation=OuterRef("pk")))
        )
    )


def organisation_has_history(org: Organisation) -> bool:
    """Whether `org` ever had members, transfers or posts: then it is closed, never deleted."""
    return (
        Member.objects.filter(organisation=org).exists()
        or Transfer.objects.filter(Q(from_organisation=org) | Q(to_organisation=org)).exists()
        or Post.objects.filter(organisation=org).exists()
    )


def post_filled_exists() -> Exists:
    """Whether each post of the outer query has a holder today."""
    return Exists(Tenure.objects.filter(current_tenure_q(), post=OuterRef("pk")))


def current_holder() -> dict[str, Subquery]:
    """Annotations for posts of the outer query: today's holder's name, since when, and, for a
    part-time (兼职) holder, the unit party organisation they come from."""
    current = Tenure.objects.filter(current_tenure_q(), post=OuterRef("pk")).order_by("-started_on")
    return {
        "holder_name": Subquery(current.values("member__name")[:1]),
        "holder_since": Subquery(current.values("started_on")[:1]),
        "holder_from": Subquery(current.values("from_organisation__name")[:1]),
    }


def my_record(user) -> Member | None:
    """The member record of `user`'s own login, or None (no login, or an account with no member)."""
    return access.member_for(user)

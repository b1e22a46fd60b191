"""Notices passed on and read: the live notices published by the secretary's community (its own
section or its branches' sections) while they held the post, and the share of their audience that
read them.

The audience is portal's rule (portal.queries.read_report): the active members of the chosen
organisations' subtrees, or of the publisher's subtree when none is chosen; a read is a
NoticeRead of an active member inside that audience. Members are counted as they are now, not as
they were on the day of publication. Four queries whatever the number of secretaries or notices.
"""

from __future__ import annotations

from bisect import bisect_left
from collections import defaultdict
from itertools import accumulate

from django.db.models import Count, Q
from django.utils.translation import gettext as _

from core.tree import compress_paths, path_prefix_q, path_within
from orgchart.models import Member
from portal.models import NoticePage, NoticeRead

from .context import EvidenceContext, local_date
from .types import EvidenceItem, Figure, ratio, sorted_items


def _notices(ctx: EvidenceContext) -> list[tuple[str, EvidenceItem]]:
    """(publisher path, item) of the live notices published in the street over the period."""
    start, end = ctx.aware_bounds()
    rows = (
        NoticePage.objects.live()
        .filter(path_prefix_q(ctx.street.path, "organisation__path"))
        .filter(
            Q(go_live_at__gte=start, go_live_at__lt=end)
            | Q(go_live_at__isnull=True, first_published_at__gte=start, first_published_at__lt=end)
        )
        .values_list("pk", "title", "organisation__path", "go_live_at", "first_published_at")
        .order_by()
    )
    return [
        (path, EvidenceItem("notice", pk, title, local_date(go_live or first)))
        for pk, title, path, go_live, first in rows
    ]


def _within(counts: dict[str, int], roots: tuple[str, ...]) -> int:
    return sum(n for path, n in counts.items() if path_within(path, roots))


class _SubtreeSums:
    """Sums of per-path counts over subtrees by binary search in the sorted paths: the street's
    member counts are summed for every notice (at 1,000 communities a scan of every path per notice
    was 300,000 prefix tests). `roots` are compressed (disjoint) subtrees."""

    def __init__(self, counts: dict[str, int]) -> None:
        self.paths = sorted(counts)
        self.prefix = list(accumulate((counts[p] for p in self.paths), initial=0))

    def within(self, roots: tuple[str, ...]) -> int:
        total = 0
        for root in roots:
            # Path steps use 0-9A-Z, all below "~": the subtree of root is [root, root + "~").
            lo, hi = bisect_left(self.paths, root), bisect_left(self.paths, root + "~")
            total += self.prefix[hi] - self.prefix[lo]
        return total


def notices_read(ctx: EvidenceContext) -> dict[int, Figure]:
    """{member id: share of the audience of their community's notices that read them}."""
    notices = _notices(ctx)
    ids = [item.id for _path, item in notices]
    chosen: dict[int, list[str]] = defaultdict(list)
    members: dict[str, int] = {}
    reads: dict[int, dict[str, int]] = defaultdict(dict)
    if ids:
        through = NoticePage.audience.through.objects.filter(noticepage_id__in=ids)
        for notice_id, path in through.values_list("noticepage_id", "organisation__path").order_by():
            chosen[notice_id].append(path)
        members = dict(
            Member.objects.active()
            .in_subtree(ctx.street)
            .order_by()
            .values("organisation__path")
            .annotate(n=Count("pk"))
            .values_list("organisation__path", "n")
        )
        for notice_id, path, n in (
            NoticeRead.objects.filter(notice_id__in=ids, member__left_on__isnull=True)
            .order_by()
            .values("notice_id", "member__organisation__path")
            .annotate(n=Count("pk"))
            .values_list("notice_id", "member__organisation__path", "n")
        ):
            reads[notice_id][path] = n
    counted: list[tuple[str, EvidenceItem]] = []
    member_sums = _SubtreeSums(members)
    for publisher, item in notices:
        roots = compress_paths(chosen.get(item.id) or [publisher])
        audience = member_sums.within(roots)
        readers = _within(reads.get(item.id, {}), roots)
        item.extra.update(
            audience=audience, readers=readers, share=round(readers / audience, 4) if audience else 0.0
        )
        counted.append((publisher, item))

    mine = ctx.assign((path, item.date, item) for path, item in counted)
    figures = {}
    for member_id in ctx.by_member():
        items = sorted_items(mine.get(member_id, []))
        audience = sum(i.extra["audience"] for i in items)
        readers = sum(i.extra["readers"] for i in items)
        missing = [
            _("Nobody in the audience has read “%(title)s”") % {"title": i.title}
            for i in items
            if i.extra["audience"] and not i.extra["readers"]
        ]
        if not items:
            missing.append(_("No notice published by the community over the period"))
        figures[member_id] = Figure(
            value=round(readers / audience, 4) if audience else 0.0,
            target=None,
            score_ratio=ratio(readers, audience),
            evidence=items,
            missing=missing,
            detail={"notices": len(items), "audience": audience, "readers": readers},
        )
    return figures

"""The demo's notices, study material and results (issue 6), with read receipts, study records
and one community notice waiting for the street's review. Texts: demo/texts.py."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone
from django.utils.html import escape

from core.tree import path_prefix_q
from orgchart.models import Member
from portal.models import NoticePage, NoticeRead, ResultPage, SectionPage, StudyPage, StudyRecord

from .. import texts
from ..seed import SeedContext


def _body(paragraphs, quote=None) -> list[dict]:
    blocks = [{"type": "text", "value": "".join(f"<p>{escape(p)}</p>" for p in paragraphs)}]
    if quote:
        blocks.append({"type": "quote", "value": {"text": quote[0], "source": quote[1]}})
    return blocks


def _add(section: SectionPage, page, published: dt.datetime):
    page.first_published_at = page.last_published_at = published
    section.add_child(instance=page)
    page.save_revision(log_action=False)
    return page


def seed(ctx: SeedContext) -> None:
    now = timezone.now()
    sections = {s.organisation.code: s for s in SectionPage.objects.select_related("organisation")}
    notices = {}
    for n, spec in enumerate(texts.NOTICES):
        page = NoticePage(
            title=spec["title"],
            slug=f"notice-{spec['key']}",
            summary=spec["summary"],
            visibility=spec["visibility"],
            pinned=spec.get("pinned", False),
            expires_at=now - dt.timedelta(days=3) if spec.get("expired") else None,
            body=_body(spec["paragraphs"]),
        )
        published = now - dt.timedelta(days=40 if spec.get("expired") else 2 + 3 * n)
        notices[spec["key"]] = page = _add(sections[spec["org"]], page, published)
        if spec.get("audience"):
            page.audience.set([ctx.orgs[code] for code in spec["audience"]])
            page.save()
    materials = []
    for n, spec in enumerate(texts.STUDY):
        page = StudyPage(
            title=spec["title"],
            slug=f"study-{n + 1}",
            summary=spec["summary"],
            category=spec["category"],
            featured=spec.get("featured", False),
            visibility=spec["visibility"],
            body=_body(spec["paragraphs"], spec.get("quote")),
        )
        materials.append(_add(sections[texts.STREET], page, now - dt.timedelta(days=10 + 7 * n)))
    members_by_user = {m.user_id: m for m in Member.objects.filter(user__in=ctx.users.values())}
    for n, spec in enumerate(texts.RESULTS):
        author = members_by_user.get(ctx.users[spec["author"]].pk)
        page = ResultPage(
            title=spec["title"],
            slug=f"result-{n + 1}",
            summary=spec["summary"],
            kind=spec["kind"],
            author=author,
            body=_body(spec["paragraphs"]),
        )
        _add(sections[spec["org"]], page, now - dt.timedelta(days=20 + 5 * n))
    _pending_review(ctx, sections, now)
    ctx.lap("content")
    _reads_and_study(ctx, notices, materials, members_by_user)
    ctx.figures += [
        ("notices", NoticePage.objects.count()),
        ("study materials", StudyPage.objects.count()),
        ("notice reads", NoticeRead.objects.count()),
        ("study records", StudyRecord.objects.count()),
    ]
    ctx.lap("reads and study records")


def _pending_review(ctx: SeedContext, sections, now) -> None:
    """shequ's notice submitted to the street's review workflow, not yet approved."""
    spec = texts.PENDING_NOTICE
    shequ = ctx.users["shequ"]
    draft = NoticePage(
        title=spec["title"],
        slug="notice-chongyang",
        summary=spec["summary"],
        visibility=spec["visibility"],
        body=_body(spec["paragraphs"]),
        live=False,
        owner=shequ,
    )
    sections[spec["org"]].add_child(instance=draft)
    draft.save_revision(user=shequ, log_action=False)
    workflow = draft.get_workflow()
    if workflow is not None:
        workflow.start(draft, shequ)


def _reads_and_study(ctx: SeedContext, notices, materials, members_by_user) -> None:
    first = ctx.orgs[texts.FIRST]
    community = list(
        Member.objects.active().filter(path_prefix_q(first.path, "organisation__path")).order_by("pk")[:40]
    )
    # About half the first community's members (the first 40 of them) have read the meeting notice;
    # the logins too, so dangyuan's home page shows those notices as read.
    readers = community[::2] + [
        m for m in members_by_user.values() if m.organisation.path.startswith(first.path)
    ]
    now = timezone.now()
    NoticeRead.objects.bulk_create(
        [NoticeRead(notice=notices["meeting"], member=m, read_at=now) for m in readers], ignore_conflicts=True
    )
    today = timezone.localdate()
    records = []
    for login in ("dangyuan", "shequ"):
        member = members_by_user.get(ctx.users[login].pk)
        if member is None:
            continue
        for month_back in range(6):
            material = materials[month_back % len(materials)]
            day = today.replace(day=1) - dt.timedelta(days=30 * month_back) + dt.timedelta(days=4)
            records.append(
                StudyRecord(
                    member=member,
                    material=material,
                    studied_on=min(day, today),
                    minutes=30 + 10 * month_back,
                    reflection="学习后最大的体会是要把为群众办实事落到楼组里。"
                    if month_back % 2 == 0
                    else "",
                )
            )
    StudyRecord.objects.bulk_create(records, ignore_conflicts=True)

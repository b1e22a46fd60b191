"""The demo's co-building and dual reporting (issue 9), written through cobuilding.services.

- Three outside units recorded by the first community (a hospital, a company, an army unit).
- Agreements: the first three communities each co-build with a unit party organisation of the
  street (the first one's term ends in 20 days: flagged by the beat task), the first community
  also with the hospital outside the tree (ends in 65 days), and one draft.
- Resources on the communities' lists from those units; needs of the first two communities,
  one of them met by a project that is done; open needs with suggestions to show.
- Employed members of the units' branches reported in to the first three communities, some with
  logins and hours served there this year (demo.plans.dual): both the community's and the home
  branch's dual reporting pages show hours.
- Cross-holding (兼职): the first unit party organisation's secretary (or, without one, a member of
  it) holds a vacant committee post of the first community part-time, from that unit.
- One agreement's contacts edited after creation (cobuilding.editing).
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from cobuilding import editing, services
from cobuilding.models import AgreementStatus, ProjectStatus, ResourceKind
from core.tree import paths_q
from orgchart import services as org_services
from orgchart.models import (
    Member,
    MemberCategory,
    Organisation,
    OrgKind,
    Post,
    PostTitle,
    Tenure,
    current_tenure_q,
)

from ..seed import SeedContext
from .dual import seed_dual_service
from .unit_contact import seed_unit_contact

COMMUNITIES = ("SQ01", "SQ02", "SQ03")
OUTSIDE_UNITS = (
    ("区人民医院", "春申路88号", "王主任", "13901110001"),
    ("光明科技有限公司", "莘庄工业区16号", "李经理", "13901110002"),
    ("驻区武警中队", "都市路120号", "赵指导员", "021-55550003"),
)
SKILLS = ("法律咨询", "义诊", "电脑维修", "书法教学", "心理疏导", "家电维修")
REPORT_INS = 12


def seed(ctx: SeedContext) -> None:
    today = timezone.localdate()
    day = dt.timedelta(days=1)
    orgs = ctx.orgs
    communities = [orgs[code] for code in COMMUNITIES]
    units = sorted((o for o in orgs.values() if o.kind == OrgKind.UNIT), key=lambda o: o.code)
    first = communities[0]
    outside = [
        services.record_outside_unit(
            actor=None,
            organisation=first,
            name=name,
            address=address,
            contact_name=contact,
            contact_phone=phone,
        )
        for name, address, contact, phone in OUTSIDE_UNITS
    ]

    agreements = []
    for i, community in enumerate(communities):
        ends = today + 20 * day if i == 0 else today + 300 * day
        agreements.append(
            services.create_agreement(
                actor=None,
                community=community,
                unit_org=units[i % len(units)],
                starts_on=today - 345 * day,
                ends_on=ends,
                signed_on=today - 350 * day,
                community_contact=f"{community.name}书记",
                unit_contact="党务干事",
                unit_contact_phone=f"1390222000{i}",
                content="场地共享、志愿服务、共驻共建",
                status=AgreementStatus.ACTIVE,
            )
        )
    agreements.append(
        services.create_agreement(
            actor=None,
            community=first,
            outside_unit=outside[0],
            starts_on=today - 300 * day,
            ends_on=today + 65 * day,
            unit_contact="王主任",
            unit_contact_phone="13901110001",
            content="义诊进社区",
            status=AgreementStatus.ACTIVE,
        )
    )
    agreements.append(
        services.create_agreement(
            actor=None,
            community=communities[1],
            outside_unit=outside[1],
            starts_on=today + 30 * day,
            ends_on=today + 395 * day,
            content="资助社区助老项目",
        )
    )

    resources = []
    for i, community in enumerate(communities):
        unit = units[i % len(units)]
        resources.append(
            services.add_resource(
                actor=None,
                community=community,
                unit_org=unit,
                kind=ResourceKind.VENUE,
                available_from=today - 100 * day,
                description="会议室一间，可容纳50人",
                quantity=1,
            )
        )
        resources.append(
            services.add_resource(
                actor=None,
                community=community,
                unit_org=unit,
                kind=ResourceKind.VOLUNTEERS,
                available_from=today - 100 * day,
                description="青年志愿者",
                quantity=10,
            )
        )
    experts = services.add_resource(
        actor=None,
        community=first,
        outside_unit=outside[0],
        kind=ResourceKind.EXPERTS,
        available_from=today - 200 * day,
        available_until=today + 65 * day,
        description="全科医生义诊",
        quantity=3,
    )
    services.add_resource(
        actor=None,
        community=first,
        outside_unit=outside[1],
        kind=ResourceKind.FUNDS,
        available_from=today,
        description="助老项目资金（元）",
        quantity=20000,
    )
    services.add_resource(
        actor=None,
        community=first,
        outside_unit=outside[2],
        kind=ResourceKind.TRAINING,
        available_from=today - 30 * day,
        description="应急救护培训",
        quantity=2,
    )

    met = services.add_need(
        actor=None,
        community=first,
        kind=ResourceKind.EXPERTS,
        description="老年人健康义诊",
        wanted_from=today - 60 * day,
        wanted_until=today - 30 * day,
        published_to=[outside[0]],
    )
    project = services.make_project_from_match(met, [experts], actor=None, title="健康义诊进社区")
    services.update_project(project, actor=None, status=ProjectStatus.DONE, outcome="义诊老人120人次")
    open_need = services.add_need(
        actor=None,
        community=first,
        kind=ResourceKind.VENUE,
        description="暑期少儿托管需要教室",
        wanted_from=today + 10 * day,
        wanted_until=today + 40 * day,
        published_to=units[:2],
    )
    services.add_need(
        actor=None,
        community=communities[1],
        kind=ResourceKind.TRAINING,
        description="楼组长应急救护培训",
        wanted_from=today + 5 * day,
        wanted_until=today + 60 * day,
    )

    unit_members = (
        Member.objects.filter(paths_q([u.path for u in units], "organisation__path"))
        .active()
        .filter(category=MemberCategory.EMPLOYED)
        .order_by("pk")[:REPORT_INS]
    )
    report_ins = [
        services.report_in(
            actor=None,
            member=member,
            community=communities[n % len(communities)],
            reported_on=today - (200 - n) * day,
            skills=SKILLS[n % len(SKILLS)],
        )
        for n, member in enumerate(unit_members)
    ]
    dual = seed_dual_service(report_ins, units)
    unit_contacts = seed_unit_contact(units, community=first, need=open_need)
    editing.update_agreement(
        agreements[1], actor=None, unit_contact="党委办公室", unit_contact_phone="13902220011"
    )
    cross_held = _cross_holding(first, units[0], today)
    ctx.lap("co-building")
    ctx.figures += [
        *dual.items(),
        *unit_contacts.items(),
        ("co-building agreements", len(agreements)),
        ("co-building resources", len(resources) + 3),
        ("report-ins", len(report_ins)),
        ("part-time posts", int(cross_held)),
    ]


# Titles a part-time holder may take in a community committee, first vacant one taken.
PART_TIME_TITLES = (PostTitle.COMMITTEE, PostTitle.PROPAGANDA, PostTitle.ORGANISATION)


def _cross_holding(community: Organisation, unit: Organisation, today: dt.date) -> bool:
    """The unit's secretary takes a vacant committee post of `community` part-time (兼职)."""
    held = set(
        Tenure.objects.filter(current_tenure_q(), post__organisation=community).values_list(
            "post__title", flat=True
        )
    )
    title = next((t for t in PART_TIME_TITLES if t not in held), None)
    secretary = (
        Tenure.objects.filter(current_tenure_q(), post__organisation=unit, post__title=PostTitle.SECRETARY)
        .select_related("member__organisation")
        .first()
    )
    member = (
        secretary.member
        if secretary is not None
        else Member.objects.in_subtree(unit).active().order_by("pk").first()
    )
    if title is None or member is None or not member.is_active:
        return False
    post = org_services.ensure_post(community, title)
    org_services.appoint(post, member, started_on=today - dt.timedelta(days=90), from_organisation=unit)
    return Post.objects.filter(pk=post.pk, tenures__part_time=True).exists()

"""Writing the orgchart plan: the tree through treebeard's bulk loader under the tree lock (then
`find_problems()` must come back clean), members with `bulk_create` (each identity number
encrypted through `Member.set_id_number`), posts through `services.ensure_post` /
`services.appoint`, history through the transfer services and `services.close_organisation`,
and the demo logins; last, a transfer sent by a demo login that awaits acceptance.
"""

from __future__ import annotations

import datetime as dt

from django.contrib.auth import get_user_model

from orgchart import services
from orgchart.models import Member, Organisation

from ...seed import DemoError, SeedContext
from ...tables import DEMO_PASSWORD, MEMBER_BATCH, REASON_CAME_FOR_FAMILY, STREET_CODE
from .plan import DemoPlan, OrgSpec, build_plan


def seed(ctx: SeedContext) -> None:
    """Write the street for `ctx.scale`; later plans find it in `ctx` (street, orgs, members, users)."""
    plan = build_plan(ctx.scale)
    ctx.lap("plan")
    clash = list(Organisation.objects.filter(code__in=list(plan.orgs)).values_list("code", flat=True)[:5])
    if clash:
        raise DemoError(f"Organisation codes already in use: {', '.join(clash)}; seed an empty database.")
    if get_user_model().objects.filter(username__in=list(plan.logins)).exists():
        raise DemoError(f"Users {', '.join(plan.logins)} already exist; seed an empty database.")
    street = ctx.street = _write_tree(plan)
    ctx.lap("organisations")
    members = ctx.members = _write_members(plan)
    ctx.lap("members")
    orgs = ctx.orgs = {o.code: o for o in Organisation.objects.in_subtree(street)}
    _write_posts(plan, orgs, members)
    ctx.lap("posts")
    _write_history(plan, orgs, members)
    ctx.users = _write_logins(plan, members)
    _write_pending_transfer(plan, orgs, members, ctx.users[plan.pending_sender])
    ctx.lap("transfers and logins")
    ctx.figures += [
        ("organisations", Organisation.objects.in_subtree(street).count()),
        ("members", Member.objects.active().in_subtree(street).count()),
        ("posts", len(plan.posts)),
        ("vacant posts", sum(1 for p in plan.posts if p.holder is None)),
        ("transfers", len(plan.transfers) + 2),
    ]


def _bulk_data(spec: OrgSpec) -> dict:
    data = {
        "name": spec.name,
        "code": spec.code,
        "kind": spec.kind,
        "address": spec.address,
        "phone": spec.phone,
        "established_on": spec.established_on,
    }
    return {"data": data, "children": [_bulk_data(child) for child in spec.children]}


def _write_tree(plan: DemoPlan) -> Organisation:
    def write() -> Organisation:
        Organisation.load_bulk([_bulk_data(plan.street)], bulk_create=True, batch_size=1000)
        return Organisation.objects.get(code=STREET_CODE)

    street = services.run_tree_write(write)
    problems = Organisation.find_problems(parent=street)
    if any(problems):
        raise DemoError(f"The loaded tree is inconsistent: {problems}")
    return street


def _write_members(plan: DemoPlan) -> list[Member]:
    org_ids = dict(Organisation.objects.filter(code__in=list(plan.orgs)).values_list("code", "pk"))
    rows: list[Member] = []
    for spec in plan.members:
        member = Member(
            name=spec.name,
            gender=spec.gender,
            birth_date=spec.birth_date,
            education=spec.education,
            joined_party_on=spec.joined_party_on,
            mobile=spec.mobile,
            category=spec.category,
            organisation_id=org_ids[spec.org],
        )
        member.set_id_number(spec.id_number)  # encrypted, hashed and masked like any other member
        rows.append(member)
    created: list[Member] = []
    for start in range(0, len(rows), MEMBER_BATCH):
        created += Member.objects.bulk_create(rows[start : start + MEMBER_BATCH])
    if any(m.pk is None for m in created):
        raise DemoError("This database does not return keys from bulk inserts.")
    return created


def _write_posts(plan: DemoPlan, orgs: dict[str, Organisation], members: list[Member]) -> None:
    for spec in plan.posts:
        post = services.ensure_post(orgs[spec.org], spec.title, actor=None)
        if spec.previous is not None:
            holder, started_on, ended_on = spec.previous
            services.appoint(post, members[holder], started_on=started_on, ended_on=ended_on)
        if spec.holder is not None:
            services.appoint(post, members[spec.holder], started_on=spec.started_on)


def _write_history(plan: DemoPlan, orgs: dict[str, Organisation], members: list[Member]) -> None:
    for spec in plan.transfers:
        services.transfer_member(
            members[spec.member],
            to_organisation=orgs[spec.to_org] if spec.to_org else None,
            outside_organisation=spec.outside,
            on=spec.on,
            reason=spec.reason,
        )
    services.close_organisation(orgs[plan.closed_org], on=plan.closed_on)
    newcomer = plan.transfer_in
    services.transfer_in(
        outside_organisation=plan.transfer_in_from,
        on=dt.date(2025, 6, 18),
        reason=REASON_CAME_FOR_FAMILY,
        id_number=newcomer.id_number,
        name=newcomer.name,
        gender=newcomer.gender,
        birth_date=newcomer.birth_date,
        education=newcomer.education,
        joined_party_on=newcomer.joined_party_on,
        mobile=newcomer.mobile,
        category=newcomer.category,
        organisation=orgs[newcomer.org],
    )


def _write_logins(plan: DemoPlan, members: list[Member]) -> dict:
    User = get_user_model()
    users = {}
    for username, index in plan.logins.items():
        member = members[index]
        user = User.objects.create_user(
            username=username, password=DEMO_PASSWORD, last_name=member.name[:1], first_name=member.name[1:]
        )
        Member.objects.filter(pk=member.pk).update(user=user)
        users[username] = user
    return users


def _write_pending_transfer(
    plan: DemoPlan, orgs: dict[str, Organisation], members: list[Member], sender
) -> None:
    # Sent by the community secretary's login, so it waits for the receiving community (or jiedao).
    spec = plan.pending_transfer
    services.transfer_member(
        members[spec.member], to_organisation=orgs[spec.to_org], on=spec.on, reason=spec.reason, actor=sender
    )

"""The orgchart plan, laid out as data: the street's organisations, members, posts, transfers
and demo logins. Pure: from a fixed `random.Random` seed, the same scale always gives the same
names, dates and identity numbers.

The figures follow the source document: 82% of resident members aged 60 and over, 85% with
junior-high education or below, and two community secretary posts waiting to be filled
("另需配备社区支部书记2人") for each seven communities.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field
from itertools import accumulate

from orgchart.models import Education, MemberCategory, OrgKind, PostTitle, kind_may_sit_under

from ...people import MemberSpec, People
from ...tables import (
    BRANCH_THEMES,
    COMMUNITIES_PER_SCALE,
    COMMUNITY_NAMES,
    MASS_ORGS,
    MEMBERS_PER_SCALE,
    OUTSIDE_ORGANISATIONS,
    PLACE_STEMS,
    PLACE_SUFFIXES,
    RANDOM_SEED,
    REASON_BRANCH_CLOSED,
    REASON_LEFT_FOR_FAMILY,
    REASON_MOVED_HOUSE,
    REASON_PENDING,
    ROADS,
    STREET_CODE,
    STREET_NAME,
    STREET_SHORT,
    UNITS,
    VACANT_COMMUNITY_SECRETARIES_PER_SCALE,
    chinese_number,
)


@dataclass
class OrgSpec:
    code: str
    name: str
    kind: str
    parent: str | None
    address: str = ""
    phone: str = ""
    established_on: dt.date | None = None
    children: list[OrgSpec] = field(default_factory=list)


@dataclass
class PostSpec:
    org: str
    title: str
    holder: int | None  # index into DemoPlan.members; None leaves the post vacant
    started_on: dt.date
    # A post vacant now may show its last holder: (member index, started, ended).
    previous: tuple[int, dt.date, dt.date] | None = None


@dataclass
class TransferSpec:
    member: int
    on: dt.date
    reason: str
    to_org: str | None = None
    outside: str = ""


@dataclass
class DemoPlan:
    scale: int
    street: OrgSpec
    orgs: dict[str, OrgSpec]
    members: list[MemberSpec]
    posts: list[PostSpec]
    transfers: list[TransferSpec]
    transfer_in: MemberSpec
    transfer_in_from: str
    closed_org: str
    closed_on: dt.date
    logins: dict[str, int]  # username → member index
    communities: list[str]
    # A transfer to another community awaiting acceptance, sent by the login named `pending_sender`.
    pending_transfer: TransferSpec
    pending_sender: str


class _Builder:
    """Lays out one street. Every random choice comes from `self.rng`, in a fixed order."""

    def __init__(self, scale: int):
        self.scale = scale
        self.rng = random.Random(RANDOM_SEED)
        self.people = People(self.rng)
        self.orgs: dict[str, OrgSpec] = {}
        self.members: list[MemberSpec] = self.people.specs
        self.by_org: dict[str, list[int]] = {}

    # Tree ----------------------------------------------------------------------------------

    def add(self, parent: OrgSpec | None, code: str, name: str, kind: str, **fields) -> OrgSpec:
        # The bulk load skips services.create_organisation, so its checks are made here.
        if not kind_may_sit_under(kind, parent.kind if parent else None):
            raise AssertionError(f"{kind} may not sit under {parent.kind if parent else 'nothing'}")
        if code in self.orgs or len(code) > 32 or len(name) > 100:
            raise AssertionError(f"bad organisation code or name: {code} {name}")
        spec = OrgSpec(code=code, name=name, kind=kind, parent=parent.code if parent else None, **fields)
        if parent is not None:
            parent.children.append(spec)
        self.orgs[code] = spec
        return spec

    def address(self) -> str:
        return f"{self.rng.choice(ROADS)}{self.rng.randint(1, 999)}号"

    def phone(self) -> str:
        return f"021-{self.rng.choice('56')}{self.rng.randint(0, 9999999):07d}"

    def founded(self, first: int, last: int) -> dt.date:
        return dt.date(self.rng.randint(first, last), self.rng.randint(1, 12), self.rng.randint(1, 28))

    def community_names(self, count: int) -> list[str]:
        names = list(COMMUNITY_NAMES)
        extra = [f"{stem}{suffix}" for suffix in PLACE_SUFFIXES for stem in PLACE_STEMS]
        extra = [n for n in extra if n not in names]
        self.rng.shuffle(extra)
        names += extra
        while len(names) < count:  # beyond ~350 communities: number the stems
            names += [f"{n}{len(names) // len(extra) + 1}" for n in extra]
        return names[:count]

    def build_tree(self) -> tuple[OrgSpec, list[str], list[str], list[str]]:
        """The street, its communities, branches and groups, units, mass and social organisations.

        Returns the root and the codes of community branches, unit branches and communities.
        """
        street = self.add(
            None,
            STREET_CODE,
            STREET_NAME,
            OrgKind.STREET,
            address="春申路1号",
            phone="021-64000000",
            established_on=dt.date(2000, 7, 1),
        )
        community_branches: list[str] = []
        communities: list[str] = []
        n_communities = COMMUNITIES_PER_SCALE * self.scale
        for i, place in enumerate(self.community_names(n_communities), start=1):
            # As in practice some residential communities have a general branch, not a committee.
            general = i % 7 in (5, 0)
            kind = OrgKind.GENERAL_BRANCH if general else OrgKind.COMMUNITY
            code = f"SQ{i:02d}"
            community = self.add(
                street,
                code,
                f"{place}社区{'党总支' if general else '党委'}",
                kind,
                address=self.address(),
                phone=self.phone(),
                established_on=self.founded(2000, 2012),
            )
            communities.append(code)
            themes = list(BRANCH_THEMES)
            self.rng.shuffle(themes)
            for b in range(1, self.rng.randint(3, 6) + 1):
                theme = themes[b - 1] if b > 1 else "第{n}党支部"
                branch = self.add(
                    community,
                    f"{code}-ZB{b:02d}",
                    f"{place}社区{theme.format(n=chinese_number(b))}",
                    OrgKind.BRANCH,
                    established_on=self.founded(2000, 2020),
                )
                community_branches.append(branch.code)
                for g in range(1, self.rng.randint(1, 3) + 1):
                    self.add(
                        branch,
                        f"{branch.code}-XZ{g}",
                        f"{branch.name}第{chinese_number(g)}党小组",
                        OrgKind.GROUP,
                        established_on=branch.established_on,
                    )
            if not general:
                # Mass organisations in about half of the communities, a social one in some.
                for kind_, suffix, _street_name, local_name in MASS_ORGS:
                    if self.rng.random() < 0.5:
                        self.add(community, f"{code}-{suffix}", f"{place}社区{local_name}", kind_)
                if self.rng.random() < 0.3:
                    self.add(community, f"{code}-SH", f"{place}社区老年协会", OrgKind.SOCIAL)

        unit_branches: list[str] = []
        for u in range(1, 4 * self.scale + 1):
            unit_name, branch_names = UNITS[(u - 1) % len(UNITS)]
            lap = (u - 1) // len(UNITS)
            prefix = STREET_SHORT if lap == 0 else f"{STREET_SHORT}第{chinese_number(lap + 1)}"
            unit = self.add(
                street,
                f"DW{u:02d}",
                f"{prefix}{unit_name}",
                OrgKind.UNIT,
                address=self.address(),
                phone=self.phone(),
                established_on=self.founded(1995, 2015),
            )
            for b, branch_name in enumerate(branch_names, start=1):
                self.add(
                    unit,
                    f"{unit.code}-ZB{b:02d}",
                    f"{unit.name.removesuffix('党委').removesuffix('党总支')}{branch_name}",
                    OrgKind.BRANCH,
                    established_on=unit.established_on,
                )
                unit_branches.append(f"{unit.code}-ZB{b:02d}")
        for kind_, suffix, street_name, _local in MASS_ORGS:
            self.add(street, suffix, f"{STREET_SHORT}街道{street_name}", kind_, address="春申路1号")
        self.add(street, "SH01", f"{STREET_SHORT}街道社区志愿者协会", OrgKind.SOCIAL, address="春申路1号")
        return street, community_branches, unit_branches, communities

    # People --------------------------------------------------------------------------------

    def place_members(self, community_branches: list[str], unit_branches: list[str], closed: str) -> None:
        """1,500 members per scale (plus a margin for those who leave), employed ones mostly in units."""
        n = MEMBERS_PER_SCALE * self.scale + 20
        weights = {code: self.rng.uniform(0.6, 1.4) for code in community_branches if code != closed}
        community_codes = list(weights)
        community_weights = list(accumulate(weights.values()))
        for old, low, category in self.people.profiles(n):
            if category == MemberCategory.EMPLOYED and self.rng.random() < 0.7:
                branch = self.rng.choice(unit_branches)
            else:
                branch = self.rng.choices(community_codes, cum_weights=community_weights)[0]
            self.place(self.people.member(old, low, category, self.member_org(branch)))
        # The branch to be closed: its members move to the community's other branches first.
        for _ in range(8):
            self.place(self.people.member(True, True, MemberCategory.RETIRED, self.member_org(closed)))

    def member_org(self, branch_code: str) -> str:
        """Most members sit in one of the branch's party groups, some in the branch itself."""
        groups = self.orgs[branch_code].children
        if groups and self.rng.random() < 0.85:
            return self.rng.choice(groups).code
        return branch_code

    def place(self, spec: MemberSpec) -> int:
        self.members.append(spec)
        index = len(self.members) - 1
        self.by_org.setdefault(spec.org, []).append(index)
        return index

    def subtree_members(self, code: str) -> list[int]:
        """Indexes of the members placed in `code` and the organisations below it."""
        found = list(self.by_org.get(code, ()))
        for child in self.orgs[code].children:
            found += self.subtree_members(child.code)
        return found

    def plan_posts(
        self, communities: list[str], fixed: dict[tuple[str, str], int], reserved: set[int]
    ) -> tuple[list[PostSpec], set[int]]:
        """Every post of the street; `fixed` gives the holders of some, `reserved` hold nothing else."""
        posts: list[PostSpec] = []
        used = set(reserved)
        holders: set[int] = set(fixed.values())
        rng = self.rng

        def post(org: str, title: str, candidates: list[int], vacant: bool = False, **kw) -> PostSpec:
            holder = fixed.get((org, title))
            if holder is None and not vacant:
                holder = self.people.pick(candidates, used, self.people.capable)
            if holder is not None:
                holders.add(holder)
            spec = PostSpec(org=org, title=title, holder=holder, started_on=kw.pop("started_on"), **kw)
            posts.append(spec)
            return spec

        street_office = self.subtree_members("DW01")
        street_term = dt.date(2022, 1, 10)
        for title in (
            PostTitle.SECRETARY,
            PostTitle.DEPUTY_SECRETARY,
            PostTitle.ORGANISATION,
            PostTitle.PROPAGANDA,
            PostTitle.DISCIPLINE,
        ):
            post(STREET_CODE, title, street_office, started_on=street_term)

        # Two community secretaries to be found per seven communities, never in SQ01 (shequ's).
        vacant = sorted(rng.sample(communities[1:], VACANT_COMMUNITY_SECRETARIES_PER_SCALE * self.scale))
        # Every other vacancy shows its last holder, so the history of a vacant post is on show.
        with_history = set(vacant[::2])
        community_term = dt.date(2021, 6, 1)
        for code in communities:
            members = self.subtree_members(code)
            previous = None
            if code in with_history:
                # The last secretary retired this year and no one has been found since.
                old_hand = self.people.pick(members, used, lambda m: self.people.age(m) >= 65)
                if old_hand is not None:
                    holders.add(old_hand)
                    previous = (old_hand, community_term, dt.date(2025, rng.randint(3, 9), 30))
            post(
                code,
                PostTitle.SECRETARY,
                members,
                vacant=code in vacant,
                started_on=community_term,
                previous=previous,
            )
            post(
                code,
                PostTitle.DEPUTY_SECRETARY,
                members,
                vacant=rng.random() < 0.15,
                started_on=community_term,
            )
            post(code, PostTitle.ORGANISATION, members, started_on=community_term)
            post(code, PostTitle.PROPAGANDA, members, vacant=rng.random() < 0.1, started_on=community_term)

        branch_term = dt.date(2023, 3, 1)
        for branch in (o for o in self.orgs.values() if o.kind == OrgKind.BRANCH):
            members = self.subtree_members(branch.code)
            post(branch.code, PostTitle.SECRETARY, members, started_on=branch_term)
            post(
                branch.code,
                PostTitle.ORGANISATION,
                members,
                vacant=rng.random() < 0.05,
                started_on=branch_term,
            )
            post(
                branch.code, PostTitle.PROPAGANDA, members, vacant=rng.random() < 0.08, started_on=branch_term
            )
            for group in branch.children:
                post(
                    group.code,
                    PostTitle.GROUP_LEADER,
                    self.by_org.get(group.code, []),
                    vacant=rng.random() < 0.05,
                    started_on=branch_term,
                )
        return posts, holders

    def plan_transfers(
        self, communities: list[str], closed: str, holders: set[int], reserved: set[int]
    ) -> list[TransferSpec]:
        """Members of the closing branch move to their community's other branches; a few move house."""
        rng = self.rng
        busy = holders | reserved
        transfers: list[TransferSpec] = []
        closing_community = closed.split("-")[0]
        receiving = [
            b for b in self.orgs[closing_community].children if b.kind == OrgKind.BRANCH and b.code != closed
        ]
        for i in self.subtree_members(closed):
            transfers.append(
                TransferSpec(
                    member=i,
                    to_org=rng.choice(receiving).code,
                    on=dt.date(2025, 9, 15),
                    reason=REASON_BRANCH_CLOSED,
                )
            )
        plain = [
            i
            for i in range(len(self.members))
            if i not in busy
            and self.members[i].org.startswith("SQ")
            and not self.members[i].org.startswith(closed)
        ]
        movers = rng.sample(plain, 6)
        for n, i in enumerate(movers[:5]):
            here = self.members[i].org.split("-")[0]
            there = rng.choice([c for c in communities if c != here])
            target = rng.choice(
                [b for b in self.orgs[there].children if b.kind == OrgKind.BRANCH and b.code != closed]
            )
            transfers.append(
                TransferSpec(
                    member=i,
                    to_org=target.code,
                    on=dt.date(2025, 3 + n, 10 + n),
                    reason=REASON_MOVED_HOUSE,
                )
            )
        transfers.append(
            TransferSpec(
                member=movers[5],
                outside=OUTSIDE_ORGANISATIONS[0],
                on=dt.date(2025, 10, 20),
                reason=REASON_LEFT_FOR_FAMILY,
            )
        )
        return transfers

    def plan_pending_transfer(
        self, communities: list[str], busy: set[int], transfers: list[TransferSpec]
    ) -> TransferSpec:
        """A member of shequ's community asks to move to another community: awaiting acceptance."""
        moved = {t.member for t in transfers}
        first = communities[0]
        plain = [
            i
            for i in self.subtree_members(first)
            if i not in busy and i not in moved and self.members[i].category == MemberCategory.RETIRED
        ]
        there = self.orgs[communities[3]]
        target = self.rng.choice([b for b in there.children if b.kind == OrgKind.BRANCH])
        return TransferSpec(
            member=self.rng.choice(plain), to_org=target.code, on=dt.date(2025, 12, 1), reason=REASON_PENDING
        )

    def build(self) -> DemoPlan:
        street, community_branches, unit_branches, communities = self.build_tree()
        # One branch in the second community is closed after an old neighbourhood was cleared.
        community = self.orgs[communities[1]]
        closed_code = (
            f"{community.code}-ZB{len([c for c in community.children if c.kind == OrgKind.BRANCH]) + 1:02d}"
        )
        closed = self.add(
            community,
            closed_code,
            f"{community.name.removesuffix('党委')}旧改地块党支部",
            OrgKind.BRANCH,
            established_on=dt.date(2003, 5, 1),
        )
        self.add(
            closed,
            f"{closed_code}-XZ1",
            f"{closed.name}第一党小组",
            OrgKind.GROUP,
            established_on=dt.date(2003, 5, 1),
        )
        self.place_members(community_branches, unit_branches, closed_code)

        # The demo logins: a member of the street office, and two of the first community.
        jiedao = self.people.pick(
            self.subtree_members("DW01"),
            set(),
            lambda m: (
                42 <= self.people.age(m) <= 55 and m.education in (Education.BACHELOR, Education.POSTGRADUATE)
            ),
        )
        first = communities[0]
        shequ = self.people.pick(
            self.subtree_members(first),
            {jiedao},
            lambda m: 45 <= self.people.age(m) <= 58 and m.education != Education.PRIMARY,
        )
        first_branch = f"{first}-ZB01"
        dangyuan = self.people.pick(
            self.subtree_members(first_branch),
            {jiedao, shequ},
            lambda m: 60 <= self.people.age(m) <= 72 and m.category == MemberCategory.RETIRED,
        )
        if None in (jiedao, shequ, dangyuan):
            raise AssertionError("the demo logins found no members to stand for")
        reserved = {jiedao, shequ, dangyuan}
        fixed = {(STREET_CODE, PostTitle.SECRETARY): jiedao, (first, PostTitle.SECRETARY): shequ}
        posts, holders = self.plan_posts(communities, fixed, reserved)
        transfers = self.plan_transfers(communities, closed_code, holders, reserved)

        newcomer_branch = self.orgs[f"{communities[2]}-ZB01"]
        transfer_in = self.people.member(False, False, MemberCategory.RESIDENT, newcomer_branch.code)
        # Drawn last, so everything above stays as it was before the demo showed a pending transfer.
        pending = self.plan_pending_transfer(communities, holders | reserved, transfers)
        return DemoPlan(
            scale=self.scale,
            street=street,
            orgs=self.orgs,
            members=self.members,
            posts=posts,
            transfers=transfers,
            transfer_in=transfer_in,
            transfer_in_from=OUTSIDE_ORGANISATIONS[1],
            closed_org=closed_code,
            closed_on=dt.date(2025, 9, 30),
            logins={"jiedao": jiedao, "shequ": shequ, "dangyuan": dangyuan},
            communities=communities,
            pending_transfer=pending,
            pending_sender="shequ",
        )


def build_plan(scale: int = 1) -> DemoPlan:
    """The whole demo street for `scale` (≥ 1), as data. Pure and deterministic."""
    if scale < 1:
        raise ValueError("scale must be at least 1")
    return _Builder(scale).build()

"""Demo data: a realistic street for `manage.py seed_demo` and the benchmarks.

Two halves:
- `build_plan(scale)` is pure: from a fixed `random.Random` seed it lays out the whole street —
  organisations, members, posts and who holds them, transfers, demo logins — as plain data.
  The same scale always gives the same names, dates and identity numbers.
- `seed(scale)` writes a plan in one transaction: the tree through treebeard's bulk loader under
  the tree lock (then `find_problems()` must come back clean), members with `bulk_create` (each
  identity number encrypted through `Member.set_id_number`), posts through `services.ensure_post`
  / `services.appoint`, history through `services.transfer_member` / `services.close_organisation`.

The figures follow the source document: 82% of resident members aged 60 and over, 85% with
junior-high education or below, and two community secretary posts waiting to be filled
("另需配备社区支部书记2人") for each seven communities.
"""

from __future__ import annotations

import datetime as dt
import random
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from itertools import accumulate

from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction

from . import services
from .models import (
    Education,
    Gender,
    Member,
    MemberCategory,
    Organisation,
    OrgKind,
    PostTitle,
    kind_may_sit_under,
)
from .validators import build_id_number

RANDOM_SEED = 20250629  # the date on the source document; any constant would do
# Dates are laid out from a fixed day, not today, so the same scale gives the same data on any day.
# Nobody under 60 is older than 57 on that day, so the 60+ share holds for years.
REFERENCE_DATE = dt.date(2026, 1, 1)
STREET_CODE = "JD"
DEMO_PASSWORD = "demo12345"
MEMBERS_PER_SCALE = 1500
COMMUNITIES_PER_SCALE = 7
VACANT_COMMUNITY_SECRETARIES_PER_SCALE = 2
SHARE_AGED_60_PLUS = 0.82
SHARE_LOW_EDUCATION = 0.85
MEMBER_BATCH = 2000

# fmt: off
# Name data is kept compact: one table per line or two, not one item per line.
STREET_NAME = "春申街道党工委"
STREET_SHORT = "春申"
ROADS = ("春申路", "梅园路", "兰亭路", "杏林路", "枫桥路", "桂香路", "松涛路", "柳营路", "荷花池路", "银杏路")
# The first seven are the communities of scale 1; more are composed for larger scales.
COMMUNITY_NAMES = ("梅园", "兰亭", "杏林", "枫桥", "桂香", "松涛", "柳营")
PLACE_STEMS = (
    "梅园", "兰亭", "杏林", "枫桥", "桂香", "松涛", "柳营", "荷塘", "竹园", "芳草", "清水", "新华",
    "和平", "东风", "春晖", "金桥", "银杏", "长青", "福泉", "瑞祥", "景秀", "锦绣", "安康", "丰乐",
    "翠湖", "紫薇", "玉兰", "海棠", "凌云", "望江", "临河", "南苑", "北苑", "东苑", "西苑", "康乐",
)
PLACE_SUFFIXES = ("", "新村", "花园", "家园", "一村", "二村", "苑", "小区", "公寓", "雅苑")
BRANCH_THEMES = (
    "第{n}党支部", "离退休党员第{n}支部", "{n}号楼组党支部", "居民党员第{n}支部", "老干部党支部",
    "志愿服务党支部", "文体兴趣党支部",
)
UNITS = (
    ("街道机关党委", ("第一党支部", "第二党支部")),
    ("社区卫生服务中心党总支", ("医务党支部",)),
    ("中学党总支", ("教工党支部",)),
    ("社区事务受理服务中心党总支", ("党支部",)),
    ("小学党总支", ("教工党支部",)),
    ("养老院党总支", ("护理党支部",)),
    ("社区文化活动中心党总支", ("文化中心党支部",)),
    ("房管所党总支", ("房管党支部",)),
    ("城管中队党总支", ("执法党支部",)),
    ("物业管理有限公司党总支", ("物业党支部",)),
)
MASS_ORGS = (
    (OrgKind.UNION, "GH", "总工会", "工会"),
    (OrgKind.YOUTH_LEAGUE, "TW", "团工委", "团支部"),
    (OrgKind.WOMENS_FEDERATION, "FL", "妇联", "妇联"),
)
OUTSIDE_ORGANISATIONS = ("江苏省苏州市姑苏区平江街道党工委", "浙江省嘉兴市南湖区新兴街道党工委")

# Surnames weighted by frequency (per mille, 2020 census order) with the Shanghai ones raised a little.
SURNAMES = {
    "王": 71, "李": 70, "张": 67, "刘": 54, "陈": 53, "杨": 31, "黄": 23, "赵": 22, "吴": 20, "周": 19,
    "徐": 22, "孙": 15, "马": 13, "朱": 15, "胡": 13, "郭": 12, "何": 11, "林": 11, "高": 11, "罗": 10,
    "郑": 10, "梁": 9, "谢": 8, "宋": 7, "唐": 7, "许": 8, "韩": 6, "冯": 6, "邓": 6, "曹": 7, "彭": 6,
    "曾": 6, "肖": 5, "田": 5, "董": 5, "袁": 5, "潘": 6, "于": 5, "蒋": 6, "蔡": 6, "余": 5, "杜": 4,
    "叶": 5, "程": 4, "苏": 4, "魏": 4, "吕": 4, "丁": 4, "任": 4, "沈": 8, "姚": 4, "卢": 3, "姜": 3,
    "崔": 3, "钟": 3, "谭": 3, "陆": 8, "汪": 4, "范": 4, "金": 5, "石": 3, "廖": 3, "贾": 3, "夏": 3,
    "付": 2, "方": 3, "白": 2, "邹": 2, "孟": 2, "熊": 2, "秦": 2, "邱": 2, "江": 2, "尹": 2, "薛": 3,
    "段": 2, "雷": 2, "侯": 2, "龙": 2, "史": 2, "陶": 3, "贺": 2, "顾": 7, "毛": 2, "龚": 3, "邵": 3,
    "万": 2, "钱": 5, "严": 4, "戴": 3, "孔": 1, "汤": 2, "施": 4, "俞": 3, "郁": 2, "储": 1, "葛": 2,
}
# Given names by sex and generation: (whole names, first characters, second characters, single names).
OLD_MALE = (
    "建国 建华 建明 国强 国庆 国华 国平 卫东 卫国 志明 志强 志刚 德明 德华 永福 永康 金根 根宝 福根 荣根 "
    "伟民 文华 文彬 金宝 海林 明华 解放 跃进 援朝 胜利 长根 宝根 兴华 庆华 秋生 洪兴 振华 鸿生 家祥 耀祖",
    "建国卫志德永金福荣文明海兴庆振鸿家耀宝长",
    "华明平民林生根荣祥康强新昌发才中伟良",
    "强军伟勇刚斌平明华忠林",
)
OLD_FEMALE = (
    "秀英 桂英 凤英 玉兰 秀兰 桂兰 美华 美娟 丽华 月娥 金妹 小妹 宝珍 彩凤 素珍 雅琴 惠芳 秀珍 翠英 玉珍 "
    "根娣 红英 淑英 建英 美英 爱华 丽娟 菊芳 亚萍 静芬 文英 招娣 月珍 杏娣 阿珠 佩芳 雪琴 巧珍",
    "秀桂凤玉美丽月金宝彩素雅惠翠红淑爱菊亚静文佩雪巧",
    "英兰华娟珍芳琴萍娣凤妹仙芬",
    "英兰芳珍萍琴娟敏华霞",
)
YOUNG_MALE = (
    "晓东 海涛 俊杰 志华 家豪 文博 子轩 宇航 浩然 嘉伟 晨阳 一鸣 天宇 思远 亦凡 立新 晓峰 明杰 志远 "
    "建军 永刚 卫华 春雷 振宇 国栋 雪峰 智勇 鹏飞 俊峰",
    "晓海俊志家文子宇浩嘉晨天思立明振国雪智鹏建永春",
    "东涛杰华豪博轩航然伟阳鸣宇远凡新峰栋勇飞刚军",
    "伟磊杰涛勇斌浩鹏强军健超",
)
YOUNG_FEMALE = (
    "晓燕 丽娜 佳怡 雨婷 思琪 梦洁 欣怡 诗涵 晓敏 慧敏 海燕 春燕 艳红 雪梅 琳琳 婷婷 晶晶 佳琪 "
    "丽萍 秀娟 红梅 文静 晓红 美玲 玉婷 海英 卫红 雅婷",
    "晓丽佳雨思梦欣诗慧海春艳雪琳婷晶秀红文美玉雅",
    "燕娜怡婷琪洁涵敏红梅静玲芳丽霞颖莉萍娟",
    "静丽敏燕婷洁颖霞琳倩芳娟",
)
# Identity-number regions: Shanghai districts (310101 is left to the test factories).
REGIONS = (
    ("310110", 30), ("310109", 12), ("310107", 10), ("310104", 8), ("310105", 6), ("310106", 6),
    ("310108", 5), ("310103", 4), ("310112", 5), ("310113", 5), ("310115", 5), ("310114", 2),
    ("310117", 1), ("310116", 1),
)
MOBILE_PREFIXES = (
    "130", "131", "132", "133", "135", "136", "137", "138", "139", "150", "151", "152", "153", "155",
    "156", "158", "159", "177", "180", "182", "186", "187", "188", "189", "199",
)
# Ages 60 and over, in bands with weights (the oldest cohorts thin out).
OLD_AGE_BANDS = (
    (60, 64, 14), (65, 69, 22), (70, 74, 24), (75, 79, 18), (80, 84, 12), (85, 89, 7), (90, 97, 3),
)
# fmt: on
CN_DIGITS = "〇一二三四五六七八九"


def chinese_number(n: int) -> str:
    """1 → 一, 10 → 十, 12 → 十二, 23 → 二十三 (enough for branch and group names)."""
    if n < 10:
        return CN_DIGITS[n]
    tens, ones = divmod(n, 10)
    return f"{CN_DIGITS[tens] if tens > 1 else ''}十{CN_DIGITS[ones] if ones else ''}"


# The plan ---------------------------------------------------------------------------------------


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
class MemberSpec:
    name: str
    gender: str
    birth_date: dt.date
    education: str
    joined_party_on: dt.date
    mobile: str
    id_number: str
    category: str
    org: str  # organisation code


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


class _Builder:
    """Lays out one street. Every random choice comes from `self.rng`, in a fixed order."""

    def __init__(self, scale: int):
        self.scale = scale
        self.rng = random.Random(RANDOM_SEED)
        self.orgs: dict[str, OrgSpec] = {}
        self.members: list[MemberSpec] = []
        self.by_org: dict[str, list[int]] = {}
        self.used_ids: set[str] = set()
        self.surnames = list(SURNAMES)
        # Cumulative weights, computed once: choices() would re-add them on every call.
        self.surname_weights = list(accumulate(SURNAMES.values()))
        self.regions = [r for r, _w in REGIONS]
        self.region_weights = list(accumulate(w for _r, w in REGIONS))
        self.band_weights = list(accumulate(w for _lo, _hi, w in OLD_AGE_BANDS))

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

    def given_name(self, gender: str, old: bool) -> str:
        pools = {
            (Gender.MALE, True): OLD_MALE,
            (Gender.FEMALE, True): OLD_FEMALE,
            (Gender.MALE, False): YOUNG_MALE,
            (Gender.FEMALE, False): YOUNG_FEMALE,
        }[(gender, old)]
        whole, firsts, seconds, singles = pools
        roll = self.rng.random()
        if roll < (0.12 if old else 0.25):
            return self.rng.choice(singles)
        if roll < 0.6:
            return self.rng.choice(whole.split())
        return self.rng.choice(firsts) + self.rng.choice(seconds)

    def id_number(self, birth: dt.date, gender: str) -> str:
        # The 17th digit is odd for men, even for women (GB 11643).
        region = self.rng.choices(self.regions, cum_weights=self.region_weights)[0]
        while True:
            sequence = self.rng.randrange(0, 500) * 2 + (1 if gender == Gender.MALE else 0)
            value = build_id_number(region, birth, sequence)
            if value not in self.used_ids:
                self.used_ids.add(value)
                return value

    def birth_for_age(self, age_low: int, age_high: int) -> dt.date:
        age = self.rng.randint(age_low, age_high)
        # Born between (age+1) years and age years before the reference date.
        latest = REFERENCE_DATE.replace(year=REFERENCE_DATE.year - age) - dt.timedelta(days=1)
        return latest - dt.timedelta(days=self.rng.randint(0, 363))

    def profiles(self, n: int) -> list[tuple[bool, bool, str]]:
        """Exactly the document's shares: (aged 60+, low education, category) for n members."""
        n_old = round(SHARE_AGED_60_PLUS * n)
        n_young = n - n_old
        n_low = round(SHARE_LOW_EDUCATION * n)
        old_low = min(n_old, n_low, round(0.96 * n_old))
        young_low = n_low - old_low
        old = [(True, i < old_low) for i in range(n_old)]
        young = [(False, i < young_low) for i in range(n_young)]
        out: list[tuple[bool, bool, str]] = []
        for is_old, low in old:
            roll = self.rng.random()
            category = (
                MemberCategory.RETIRED
                if roll < 0.955
                else MemberCategory.RESIDENT
                if roll < 0.985
                else MemberCategory.FLOATING
            )
            out.append((is_old, low, category))
        for is_old, low in young:
            roll = self.rng.random()
            category = (
                MemberCategory.EMPLOYED
                if roll < 0.55
                else MemberCategory.RETIRED
                if roll < 0.67
                else MemberCategory.RESIDENT
                if roll < 0.80
                else MemberCategory.FLOATING
                if roll < 0.90
                else MemberCategory.LAID_OFF
            )
            out.append((is_old, low, category))
        self.rng.shuffle(out)
        return out

    def member(self, old: bool, low: bool, category: str, org: str) -> MemberSpec:
        rng = self.rng
        gender = Gender.FEMALE if rng.random() < (0.42 if old else 0.48) else Gender.MALE
        if old:
            band = rng.choices(OLD_AGE_BANDS, cum_weights=self.band_weights)[0]
            birth = self.birth_for_age(band[0], band[1])
        elif category == MemberCategory.RETIRED:
            # Women retire at 50 or 55, men rarely before 60: the young retired are mostly women.
            gender = Gender.FEMALE if rng.random() < 0.85 else Gender.MALE
            birth = self.birth_for_age(50 if gender == Gender.FEMALE else 55, 57)
        else:
            low_age, high_age = {
                MemberCategory.EMPLOYED: (23, 57),
                MemberCategory.FLOATING: (22, 50),
                MemberCategory.LAID_OFF: (40, 57),
                MemberCategory.RESIDENT: (28, 57),
            }[category]
            birth = self.birth_for_age(low_age, high_age)
        if low:
            education = rng.choices((Education.PRIMARY, Education.JUNIOR_HIGH), (35, 65) if old else (5, 95))[
                0
            ]
        elif old:
            education = rng.choices(
                (Education.SENIOR_HIGH, Education.COLLEGE, Education.BACHELOR), (70, 20, 10)
            )[0]
        else:
            education = rng.choices(
                (Education.SENIOR_HIGH, Education.COLLEGE, Education.BACHELOR, Education.POSTGRADUATE),
                (25, 30, 38, 7),
            )[0]
        eighteen = (
            birth.replace(year=birth.year + 18)
            if (birth.month, birth.day) != (2, 29)
            else birth.replace(year=birth.year + 18, day=28)
        )
        # Most joined young; the span ends at 55 or at the reference date, whichever is first.
        latest = min(REFERENCE_DATE - dt.timedelta(days=30), eighteen.replace(year=eighteen.year + 37))
        span = max((latest - eighteen).days, 0)
        joined = eighteen + dt.timedelta(days=int(span * rng.random() ** 1.8))
        name = rng.choices(self.surnames, cum_weights=self.surname_weights)[0] + self.given_name(
            gender, old or birth.year < 1968
        )
        mobile = rng.choice(MOBILE_PREFIXES) + f"{rng.randrange(10**8):08d}"
        return MemberSpec(
            name=name,
            gender=gender,
            birth_date=birth,
            education=education,
            joined_party_on=joined,
            mobile=mobile,
            id_number=self.id_number(birth, gender),
            category=category,
            org=org,
        )

    def place_members(self, community_branches: list[str], unit_branches: list[str], closed: str) -> None:
        """1,500 members per scale (plus a margin for those who leave), employed ones mostly in units."""
        n = MEMBERS_PER_SCALE * self.scale + 20
        weights = {code: self.rng.uniform(0.6, 1.4) for code in community_branches if code != closed}
        community_codes = list(weights)
        community_weights = list(accumulate(weights.values()))
        for old, low, category in self.profiles(n):
            if category == MemberCategory.EMPLOYED and self.rng.random() < 0.7:
                branch = self.rng.choice(unit_branches)
            else:
                branch = self.rng.choices(community_codes, cum_weights=community_weights)[0]
            self.place(self.member(old, low, category, self.member_org(branch)))
        # The branch to be closed: its members move to the community's other branches first.
        for _ in range(8):
            self.place(self.member(True, True, MemberCategory.RETIRED, self.member_org(closed)))

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

    # Posts ---------------------------------------------------------------------------------

    def pick(self, candidates: list[int], used: set[int], prefer: Callable[[MemberSpec], bool]) -> int | None:
        """One of `candidates` not in `used`, preferably one that `prefer` likes; None if none is free."""
        free = [i for i in candidates if i not in used]
        preferred = [i for i in free if prefer(self.members[i])] or free
        if not preferred:
            return None
        choice = self.rng.choice(preferred)
        used.add(choice)
        return choice

    def age(self, spec: MemberSpec) -> int:
        return REFERENCE_DATE.year - spec.birth_date.year

    def capable(self, spec: MemberSpec) -> bool:
        """Who a branch would ask to serve: not too old, some schooling."""
        return self.age(spec) <= 70 and spec.education not in (Education.PRIMARY,)

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
                holder = self.pick(candidates, used, self.capable)
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
                old_hand = self.pick(members, used, lambda m: self.age(m) >= 65)
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
                    reason="旧改地块动迁，支部撤销，组织关系转入本社区其他支部",
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
                    reason="搬迁新居，组织关系随迁",
                )
            )
        transfers.append(
            TransferSpec(
                member=movers[5],
                outside=OUTSIDE_ORGANISATIONS[0],
                on=dt.date(2025, 10, 20),
                reason="随子女迁居外省",
            )
        )
        return transfers

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
        jiedao = self.pick(
            self.subtree_members("DW01"),
            set(),
            lambda m: 42 <= self.age(m) <= 55 and m.education in (Education.BACHELOR, Education.POSTGRADUATE),
        )
        first = communities[0]
        shequ = self.pick(
            self.subtree_members(first),
            {jiedao},
            lambda m: 45 <= self.age(m) <= 58 and m.education != Education.PRIMARY,
        )
        first_branch = f"{first}-ZB01"
        dangyuan = self.pick(
            self.subtree_members(first_branch),
            {jiedao, shequ},
            lambda m: 60 <= self.age(m) <= 72 and m.category == MemberCategory.RETIRED,
        )
        if None in (jiedao, shequ, dangyuan):
            raise AssertionError("the demo logins found no members to stand for")
        reserved = {jiedao, shequ, dangyuan}
        fixed = {(STREET_CODE, PostTitle.SECRETARY): jiedao, (first, PostTitle.SECRETARY): shequ}
        posts, holders = self.plan_posts(communities, fixed, reserved)
        transfers = self.plan_transfers(communities, closed_code, holders, reserved)

        newcomer_branch = self.orgs[f"{communities[2]}-ZB01"]
        transfer_in = self.member(False, False, MemberCategory.RESIDENT, newcomer_branch.code)
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
        )


def build_plan(scale: int = 1) -> DemoPlan:
    """The whole demo street for `scale` (≥ 1), as data. Pure and deterministic."""
    if scale < 1:
        raise ValueError("scale must be at least 1")
    return _Builder(scale).build()


# Writing ----------------------------------------------------------------------------------------


class DemoError(Exception):
    """The demo cannot be written into this database (the message says why)."""


@dataclass
class SeedResult:
    created: bool
    scale: int = 0
    organisations: int = 0
    members: int = 0
    posts: int = 0
    vacant_posts: int = 0
    transfers: int = 0
    timings: dict[str, float] = field(default_factory=dict)

    @property
    def seconds(self) -> float:
        return sum(self.timings.values())


def already_seeded() -> bool:
    return Organisation.objects.filter(code=STREET_CODE, kind=OrgKind.STREET).exists()


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


def seed(scale: int = 1, log: Callable[[str], None] | None = None) -> SeedResult:
    """Write the demo street for `scale`, once. A second call finds it and changes nothing."""
    if already_seeded():
        return SeedResult(created=False)
    log = log or (lambda _msg: None)
    timings: dict[str, float] = {}
    started = time.perf_counter()

    def lap(name: str) -> None:
        nonlocal started
        now = time.perf_counter()
        timings[name] = now - started
        started = now
        log(f"  {name}: {timings[name]:.1f} s")

    plan = build_plan(scale)
    lap("plan")
    clash = list(Organisation.objects.filter(code__in=list(plan.orgs)).values_list("code", flat=True)[:5])
    if clash:
        raise DemoError(f"Organisation codes already in use: {', '.join(clash)}; seed an empty database.")
    if get_user_model().objects.filter(username__in=list(plan.logins)).exists():
        raise DemoError(f"Users {', '.join(plan.logins)} already exist; seed an empty database.")

    # One transaction: a crash leaves nothing half-seeded, and a re-run starts afresh.
    try:
        street = _write_all(plan, lap)
    except IntegrityError as exc:  # e.g. a second seed_demo running at the same time
        raise DemoError(
            f"The demo data clashes with rows written meanwhile ({exc}); nothing was written."
        ) from exc

    result = SeedResult(created=True, scale=scale, timings=timings)
    result.organisations = Organisation.objects.filter(path__startswith=street.path).count()
    result.members = Member.objects.active().in_subtree(street).count()
    result.posts = len(plan.posts)
    result.vacant_posts = sum(1 for p in plan.posts if p.holder is None)
    result.transfers = len(plan.transfers) + 1
    return result


@transaction.atomic
def _write_all(plan: DemoPlan, lap: Callable[[str], None]) -> Organisation:
    street = _write_tree(plan)
    lap("organisations")
    members = _write_members(plan)
    lap("members")
    orgs = {o.code: o for o in Organisation.objects.filter(path__startswith=street.path)}
    _write_posts(plan, orgs, members)
    lap("posts")
    _write_history(plan, orgs, members)
    lap("transfers")
    _write_logins(plan, members)
    from portal.site import ensure_site  # the portal app builds on orgchart, not the other way

    ensure_site(street)
    lap("logins and site")
    return street


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
        reason="随子女来沪定居",
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


def _write_logins(plan: DemoPlan, members: list[Member]) -> None:
    User = get_user_model()
    for username, index in plan.logins.items():
        member = members[index]
        user = User.objects.create_user(
            username=username, password=DEMO_PASSWORD, last_name=member.name[:1], first_name=member.name[1:]
        )
        Member.objects.filter(pk=member.pk).update(user=user)

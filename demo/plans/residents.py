"""The demo's migrant residents and rented housing (issue 10), written through residents.services
by the street secretary `jiedao`.

- Landlords in SQ01 (`fangdong`, demo password), SQ02 (`fangdong2`) and SQ03 (no login), each
  with rented housing (rooms and beds); their logins are created by the landlord service, and one
  flat's beds are corrected (3 → 2) afterwards, so its audit row shows the old and new values.
- Residents in every category (joining family, study, work, other); some deregistered, one moved
  within the street, one flat of `fangdong` overcrowded (群租: more tenants than beds, with the
  reason recorded), one registration corrected (its mobile, with the reason, in its history), and
  one departure old enough to be purged by the retention task, which runs.
- Every registration and move is in the audit trail, so the street sees it at /residents/audit/.
The number of flats grows with the scale; the special cases stay one each.
"""

from __future__ import annotations

import datetime as dt
import random

from django.utils import timezone

from orgchart.validators import build_id_number
from residents import corrections, services, services_housing
from residents.models import Housing, Resident

from ..seed import SeedContext
from ..tables import DEMO_PASSWORD

LANDLORDS = (
    ("SQ01", "fangdong", "王建国", "13916660001"),
    ("SQ02", "fangdong2", "陈美华", "13916660002"),
    ("SQ03", None, "刘德顺", "13916660003"),
)
STREETS = ("莲花路", "古美路", "平南路", "顾戴路", "万源路")
NAMES = (
    ("张伟", "male"),
    ("王芳", "female"),
    ("李强", "male"),
    ("刘洋", "male"),
    ("陈静", "female"),
    ("杨帆", "male"),
    ("赵敏", "female"),
    ("黄磊", "male"),
    ("周婷", "female"),
    ("吴刚", "male"),
    ("徐丽", "female"),
    ("孙涛", "male"),
    ("马超", "male"),
    ("朱琳", "female"),
    ("胡军", "male"),
    ("郭燕", "female"),
    ("何平", "male"),
    ("高翔", "male"),
    ("林娜", "female"),
    ("罗斌", "male"),
)
ORIGINS = (
    ("340102", "安徽合肥"),
    ("320311", "江苏徐州"),
    ("410105", "河南郑州"),
    ("360102", "江西南昌"),
    ("510107", "四川成都"),
)
CATEGORY_CYCLE = ("work", "family", "study", "work", "other")


def seed(ctx: SeedContext) -> None:
    rng = random.Random(10)
    today = timezone.localdate()
    officer = ctx.users["jiedao"]
    seq = iter(range(1, 10_000))
    people = iter(range(10_000))

    def person(flat: Housing, category: str, arrived: dt.date, **extra) -> Resident:
        i = next(people)
        name, gender = NAMES[i % len(NAMES)]
        region, origin = ORIGINS[i % len(ORIGINS)]
        born = dt.date(1970 + rng.randrange(35), rng.randrange(1, 13), rng.randrange(1, 28))
        number = build_id_number(region, born, next(seq) * 2 + (1 if gender == "male" else 0))
        return services.register(
            officer,
            services.Registration(
                name=name if i < len(NAMES) else f"{name}{i // len(NAMES)}",
                id_number=number,
                gender=gender,
                birth_date=born,
                origin=origin,
                phone=f"139{rng.randrange(10**8):08d}",
                category=category,
                arrived_on=arrived,
                housing=flat,
                joined_person="父亲 " + name[0] + "国华" if category == "family" else "",
                relation="父女"
                if category == "family" and gender == "female"
                else ("父子" if category == "family" else ""),
                school="闵行区职业技术学校" if category == "study" else "",
                course="数控技术（进修）" if category == "study" else "",
                **extra,
            ),
        )

    flats: list[Housing] = []
    for code, username, name, phone in LANDLORDS:
        # A landlord's login is created with the landlord (never linked to an existing one).
        landlord = services_housing.add_landlord(
            officer,
            ctx.orgs[code],
            name,
            phone,
            username=username or "",
            password=DEMO_PASSWORD if username else "",
        )
        for n in range(2 + ctx.scale):
            street = STREETS[(len(flats) + n) % len(STREETS)]
            flats.append(
                services_housing.add_housing(
                    officer,
                    landlord,
                    f"{street}{100 + 10 * len(flats) + n}弄{n + 1}号{n + 1}01室",
                    rooms=2,
                    beds=3,
                )
            )

    registered = 0
    for k, flat in enumerate(flats):
        for j in range(2):  # two tenants a flat, below its three beds
            person(
                flat,
                CATEGORY_CYCLE[(k * 2 + j) % len(CATEGORY_CYCLE)],
                today - dt.timedelta(days=20 + 37 * k + 11 * j),
            )
            registered += 1
    # Some have left: one a flat in every third flat, within the last months.
    left = 0
    for k, flat in enumerate(flats):
        if k % 3 == 2:
            tenant = Resident.objects.registered().filter(housing=flat).order_by("pk").first()
            services.deregister(
                officer,
                tenant,
                max(tenant.arrived_on, today - dt.timedelta(days=5 + k)),
                "工作变动，离开本街道",
            )
            left += 1
    # One registration corrected (a mistyped mobile), shown in its history.
    typo = Resident.objects.registered().filter(housing=flats[0]).order_by("-pk").first()
    corrections.correct(officer, typo, {"phone": "13916668888"}, "登记时手机号录入有误，已与本人核对")
    # One moved within the street, from SQ01 to SQ02.
    mover = Resident.objects.registered().filter(housing=flats[0]).order_by("pk").first()
    target = next(f for f in flats if f.community == ctx.orgs["SQ02"])
    services.move(officer, mover, target, today - dt.timedelta(days=3))
    # One flat of fangdong overcrowded (群租): two more tenants than its three beds, reason recorded.
    crowded = flats[1]
    for j in range(2):
        person(
            crowded, "work", today - dt.timedelta(days=2 + j), over_beds_reason="工地临时借住，已督促房东整改"
        )
    # One flat's beds corrected down by the community office (3 → 2): its audit row says old → new.
    corrected = flats[-2]
    services_housing.update_housing(
        officer,
        corrected,
        landlord=corrected.landlord,
        address=corrected.address,
        rooms=corrected.rooms,
        beds=2,
    )
    # One departure three years ago: past the retention period, purged as the beat task would.
    old = person(flats[-1], "work", today - dt.timedelta(days=3 * 365 + 40))
    services.deregister(officer, old, today - dt.timedelta(days=3 * 365), "合同到期离沪")
    purged = services.purge_departed(today)
    ctx.figures += [
        ("rented housing", len(flats)),
        ("residents registered", Resident.objects.registered().count()),
        ("residents deregistered", Resident.objects.filter(left_on__isnull=False).count()),
        ("resident records purged", purged),
    ]
    ctx.lap("residents")

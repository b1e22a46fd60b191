"""The demo's service catalogue and help requests (求助), through residents.services_help.

Every community gets a catalogue (the seed's three systems: welfare, convenience, social affairs
services, three series of items) and two estates/roads that route addresses to it; the street
keeps street-wide legal aid and employment help. Help requests in every state: in SQ01 (shequ's)
one received, one accepted, one being handled, one closed on time, one closed late, one overdue
and escalated to the street; one in the street's queue (an address no community lists); one filed
by dangyuan (a login: the inbox tells them each step); and a closed one in every other community,
so the figures show each community. Items are answered in hours (urgent ones) or working days
(法律援助, 就业援助, certificates); SQ01's 管道疏通 is no longer offered (stopped after a request
was answered: it is off the public form, its request and figures stay).
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from orgchart.models import COMMUNITY_KINDS, Organisation
from residents import catalogue
from residents import services_help as services
from residents.models_help import DueUnit, HelpChannel, HelpRequest, ServiceArea, ServiceItem, ServiceSeries

from ..seed import SeedContext
from ..tables import ROADS

# Answer times: a number is hours (urgent items); "N个工作日" is working days.
COMMUNITY_SERIES = (
    (
        "社会福利服务",
        (("助餐送餐", 24), ("助浴助洁", 48), ("居家养老上门探访", "3个工作日"), ("残疾人帮扶", "3个工作日")),
    ),
    ("便民利民服务", (("家电维修", 48), ("代购代办", 24), ("管道疏通", 24))),
    ("社会事务服务", (("居住证明开具", "3个工作日"), ("医保社保咨询", "3个工作日"), ("邻里纠纷调解", 48))),
)
STREET_SERIES = (
    ("法律援助", (("法律咨询", "3个工作日"), ("法律援助申请", "5个工作日"))),
    ("就业援助", (("职业介绍", "5个工作日"), ("技能培训报名", "10个工作日"))),
)


def _due(time) -> dict:
    if isinstance(time, int):
        return {"due_unit": DueUnit.HOURS, "due_hours": time}
    return {"due_unit": DueUnit.WORKING_DAYS, "due_working_days": int(time.removesuffix("个工作日"))}


def _catalogue(org: Organisation, series_table) -> list[ServiceItem]:
    items = []
    for order, (name, rows) in enumerate(series_table):
        series = ServiceSeries.objects.create(organisation=org, name=name, order=order)
        items += ServiceItem.objects.bulk_create(
            ServiceItem(series=series, name=item, order=n, **_due(time))
            for n, (item, time) in enumerate(rows)
        )
    return items


def seed(ctx: SeedContext) -> None:
    street = ctx.street
    communities = list(
        Organisation.objects.filter(
            path__startswith=street.path, depth=2, kind__in=COMMUNITY_KINDS, closed_on__isnull=True
        ).order_by("path")
    )
    street_items = _catalogue(street, STREET_SERIES)
    catalogues = {}
    for n, community in enumerate(communities):
        catalogues[community.pk] = _catalogue(community, COMMUNITY_SERIES)
        stem = community.name.replace("社区党委", "").replace("社区党总支", "").replace("社区党支部", "")[:6]
        ServiceArea.objects.bulk_create(
            [
                ServiceArea(community=community, name=f"{ROADS[n % len(ROADS)]}{n // len(ROADS) or ''}"),
                ServiceArea(community=community, name=f"{stem}{n}新村"),
            ]
        )
    jiedao, shequ, dangyuan = ctx.users["jiedao"], ctx.users["shequ"], ctx.users["dangyuan"]
    sq01 = ctx.orgs["SQ01"]
    road = ServiceArea.objects.filter(community=sq01).order_by("pk").first().name
    meals, bath, visit, *_rest = catalogues[sq01.pk]
    now = timezone.now()

    def ask(item, note, name, *, address=None, actor=None, channel=HelpChannel.WEB, recorder=None):
        request, _code = services.submit_request(
            actor=recorder if channel == HelpChannel.PHONE else actor,
            street=street,
            item=item,
            description=note,
            address=address or f"{road}88弄5号{len(name)}01室",
            name=name,
            phone="13900001111" if actor is None else "",
            channel=channel,
        )
        return request

    ask(meals, "老伴住院，本人行动不便，需要午餐送上门。", "李阿婆")
    accepted = ask(bath, "独居老人，需要每周一次助浴。", "陈老伯", channel=HelpChannel.PHONE, recorder=shequ)
    services.accept(accepted, actor=shequ)
    handling = ask(visit, "子女在外地，希望有人每周上门看看。", "周阿姨")
    services.accept(handling, actor=shequ)
    services.record_progress(handling, "已安排楼组长和志愿者结对，每周三上门。", actor=shequ)
    on_time = ask(meals, "腿脚骨折，三周内需要送餐。", "吴老师")
    services.accept(on_time, actor=shequ)
    services.close(on_time, "志愿者每日送餐三周，居民已康复。", actor=shequ)
    late = ask(bath, "卫生间改造期间需要助浴。", "郑师傅")
    services.accept(late, actor=shequ)
    services.close(late, "已安排两次上门助浴。", actor=shequ)
    HelpRequest.objects.filter(pk=late.pk).update(
        created_at=now - dt.timedelta(days=5), due_at=now - dt.timedelta(days=3)
    )
    overdue = ask(visit, "希望社区帮忙联系上门理发。", "钱奶奶")
    HelpRequest.objects.filter(pk=overdue.pk).update(
        created_at=now - dt.timedelta(days=4), due_at=now - dt.timedelta(days=1)
    )
    services.escalate_overdue(now)
    pipes = catalogues[sq01.pk][6]
    fixed = ask(pipes, "厨房下水道堵塞。", "冯阿姨")
    services.accept(fixed, actor=shequ)
    services.close(fixed, "物业已疏通。", actor=shequ)
    catalogue.stop_offering(pipes, actor=shequ)  # now the estate's property company does it
    ask(street_items[0], "租房合同纠纷，想咨询律师。", "孙先生", address="外环路1号（未列入任何社区）")
    ask(meals, "母亲腿脚不便，想为她申请送餐。", "", actor=dangyuan)
    for community in communities:
        if community.pk == sq01.pk:
            continue
        area = ServiceArea.objects.filter(community=community).order_by("pk").first().name
        done = ask(catalogues[community.pk][4], "空调不制冷，需要上门维修。", "居民", address=f"{area}6号")
        services.accept(done, actor=jiedao)
        services.close(done, "已联系维修师傅上门修好。", actor=jiedao)
    ctx.figures.append(("help requests", HelpRequest.objects.count()))
    ctx.figures.append(("service items", ServiceItem.objects.count()))
    ctx.lap("help requests")

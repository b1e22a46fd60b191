"""Builders for the help-request tests: a catalogue per community and the street's own, the
estates and roads that route requests, and requests in a given state."""

from __future__ import annotations

from residents import services_help as services
from residents.models_help import HelpChannel, ServiceArea, ServiceItem, ServiceSeries


def make_catalogue(street) -> dict:
    """Community 1: 为老服务 → 助餐, 助浴; community 2: 就业援助 → 职业介绍; the street: 法律援助 →
    法律咨询 (street-wide). Community 1 covers 长江路 and 阳光小区; community 2 covers 黄河路."""
    c1 = ServiceSeries.objects.create(organisation=street["community1"], name="为老服务")
    c2 = ServiceSeries.objects.create(organisation=street["community2"], name="就业援助")
    st = ServiceSeries.objects.create(organisation=street["street"], name="法律援助")
    items = {
        "meals": ServiceItem.objects.create(series=c1, name="助餐", due_hours=24),
        "bath": ServiceItem.objects.create(series=c1, name="助浴", due_hours=48),
        "jobs": ServiceItem.objects.create(series=c2, name="职业介绍", due_hours=72),
        "legal": ServiceItem.objects.create(series=st, name="法律咨询", due_hours=72),
    }
    ServiceArea.objects.create(community=street["community1"], name="长江路")
    ServiceArea.objects.create(community=street["community1"], name="阳光小区")
    ServiceArea.objects.create(community=street["community2"], name="黄河路")
    return {"series": {"c1": c1, "c2": c2, "street": st}, **items}


def file(street, item, *, address="长江路12弄3号101室", actor=None, name="王阿姨", phone="13812345678", **kw):
    """A request filed on the web form (anonymous unless `actor`); returns (request, code)."""
    return services.submit_request(
        actor=actor,
        street=street["street"],
        item=item,
        description=kw.pop("description", "行动不便，需要每天送午餐。"),
        address=address,
        name=name,
        phone=phone,
        channel=kw.pop("channel", HelpChannel.WEB),
    )

"""The demo's joint meetings (共建联席会议), after demo.plans.cobuilding, through cobuilding.meetings.

SQ01 met its co-building units twice (the street's unit party organisation it co-builds with and
the hospital outside the tree): four decisions among the two meetings — one done on time, one
done late, one open and overdue (the daily task flags it to its owner and the community), one
open and not yet due (owned by shequ). The meetings' activities are published with sign-up closed.
Followed up (cobuilding.meetings_followup): a decision of the second meeting whose due date shequ
moved (with the reason, in its history), and one the unit's contact `danwei` marked done that
shequ reopened (the done record kept in its history). A third meeting in six days with its
agenda: shequ invited the units (cobuilding.meetings_invites; inbox and e-mail), and `danwei`
answered for the street's unit party organisation that its representative will attend.
"""

from __future__ import annotations

import datetime as dt

from django.contrib.auth import get_user_model
from django.utils import timezone

from activities import services as activity_services
from cobuilding import meetings, meetings_followup, meetings_invites
from cobuilding.models import Agreement, AgreementStatus

from ..seed import SeedContext


def _at(day: dt.date, hour: int) -> dt.datetime:
    return timezone.make_aware(dt.datetime(day.year, day.month, day.day, hour))


def seed(ctx: SeedContext) -> None:
    today = timezone.localdate()
    day = dt.timedelta(days=1)
    community = ctx.orgs["SQ01"]
    agreements = list(
        Agreement.objects.filter(community=community, status=AgreementStatus.ACTIVE)
        .select_related("unit_org", "outside_unit")
        .order_by("pk")
    )
    unit_org = next(a.unit_org for a in agreements if a.unit_org_id)
    hospital = next(a.outside_unit for a in agreements if a.outside_unit_id)
    shequ = get_user_model().objects.get(username="shequ")

    def meeting(days_ago: int, title: str, minutes: str):
        held = today - days_ago * day
        made = meetings.create_joint_meeting(
            actor=None,
            community=community,
            agreements=agreements,
            title=title,
            place="社区党群服务中心二楼会议室",
            starts_at=_at(held, 14),
            ends_at=_at(held, 16),
            minutes=minutes,
        )
        # Held: published, sign-up closed (not "done": that is for activities with teams and hours).
        activity_services.open_activity(made.activity, actor=None)
        activity_services.close_activity(made.activity, actor=None)
        return made

    first = meeting(
        40,
        "第三季度共建联席会议",
        "通报上季度共建项目进展；商定为老服务场地共享与义诊进社区安排。",
    )
    on_time = meetings.add_decision(
        first,
        actor=None,
        text="开放单位会议室供社区老年大学使用",
        due_on=today - 20 * day,
        owner_unit_org=unit_org,
    )
    meetings.complete_decision(on_time, actor=None, done_on=today - 25 * day, note="已开放，每周二、四下午")
    late = meetings.add_decision(
        first,
        actor=None,
        text="组织专家进社区开展义诊一次",
        due_on=today - 30 * day,
        owner_outside_unit=hospital,
    )
    meetings.complete_decision(
        late, actor=None, done_on=today - 22 * day, note="义诊已于周末举行，服务居民60余人"
    )

    second = meeting(10, "共建联席会议（月度）", "研究辖区停车难问题与志愿服务队共建。")
    meetings.add_decision(
        second, actor=None, text="提供夜间停车泊位方案", due_on=today - 3 * day, owner_unit_org=unit_org
    )
    meetings.add_decision(
        second, actor=None, text="拟定共建志愿服务队章程", due_on=today + 20 * day, owner_user=shequ
    )
    danwei = get_user_model().objects.filter(username="danwei").first()
    moved = meetings.add_decision(
        second, actor=None, text="整理共建资源清单并报街道", due_on=today - 2 * day, owner_unit_org=unit_org
    )
    meetings_followup.edit_decision(
        moved, actor=shequ, due_on=today + 14 * day, reason="单位年底审计，经协商顺延两周"
    )
    reopened = meetings.add_decision(
        second, actor=None, text="为社区活动室更换照明设备", due_on=today + 10 * day, owner_unit_org=unit_org
    )
    meetings.complete_decision(reopened, actor=danwei, done_on=today - 5 * day, note="已更换全部灯具")
    meetings_followup.reopen_decision(reopened, actor=shequ, reason="验收发现东侧两盏灯未更换，请继续落实")

    coming = meetings.create_joint_meeting(
        actor=shequ,
        community=community,
        agreements=agreements,
        title="第四季度共建联席会议",
        place="社区党群服务中心二楼会议室",
        starts_at=_at(today + 6 * day, 14),
        ends_at=_at(today + 6 * day, 16),
        agenda="一、通报本季度议定事项落实情况；二、商议年终慰问困难群众的共建安排。",
    )
    activity_services.open_activity(coming.activity, actor=None)  # published, as the others
    meetings_invites.invite_units(coming, actor=shequ)
    if danwei is not None:
        place = coming.units.get(agreement__unit_org=unit_org)
        meetings_invites.answer_invitation(place, actor=danwei, attend=True, name="李建国")
    ctx.lap("joint meetings")
    ctx.figures += [("joint meetings", 3), ("joint-meeting decisions", 6)]

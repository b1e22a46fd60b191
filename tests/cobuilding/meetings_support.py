"""Builders of the joint-meeting tests (through the services, actor None: the system)."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from cobuilding import meetings

MEETING_DAY = dt.date(2026, 9, 10)


def at(day: dt.date, hour: int = 14) -> dt.datetime:
    return timezone.make_aware(dt.datetime(day.year, day.month, day.day, hour))


def make_meeting(community, agreements=(), day: dt.date = MEETING_DAY, title: str = "共建联席会议", **fields):
    return meetings.create_joint_meeting(
        actor=None,
        community=community,
        agreements=agreements,
        title=title,
        place="社区会议室",
        starts_at=at(day),
        ends_at=at(day, 16),
        **fields,
    )


def decide(meeting, due_on: dt.date, text: str = "落实共建事项", **owner):
    return meetings.add_decision(meeting, actor=None, text=text, due_on=due_on, **owner)

"""Cross-holding posts (兼职, 双向进入、交叉任职): extension points and the end of a part-time post
when its holder leaves the unit they came from.

orgchart knows nothing of co-building, yet a part-time appointment from a unit party
organisation may depend on it (cobuilding asks for a co-building agreement in force). Higher apps
register in their AppConfig.ready():

- `register_check(check)`: `check(post, member, origin, started_on)` raises ValidationError
  (Chinese text) to refuse the appointment; `appoint` runs every check before writing anything.
- `register_ended(listener)`: `listener(tenures, on)` is told of part-time tenures ended because
  their holder left the unit (`end_left_unit`), inside the same transaction (to notify people).

`end_left_unit(member, on)` is called by orgchart's services wherever a member's organisation
changes (transfers: within the street, accepted; out of the street): each current part-time
tenure whose origin unit no longer contains the member ends — its last day is the day before the
move, as for every tenure ended by a move (from the move day on they hold it no more).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from .models import Member, Organisation, Post, Tenure, current_tenure_q
from .signals import posts_changed

PartTimeCheck = Callable[[Post, Member, Organisation, dt.date], None]
PartTimeEnded = Callable[[list[Tenure], dt.date], None]

_checks: list[PartTimeCheck] = []
_ended: list[PartTimeEnded] = []


def register_check(check: PartTimeCheck) -> None:
    if check not in _checks:
        _checks.append(check)


def register_ended(listener: PartTimeEnded) -> None:
    if listener not in _ended:
        _ended.append(listener)


def run_checks(post: Post, member: Member, origin: Organisation, started_on: dt.date) -> None:
    for check in _checks:
        check(post, member, origin, started_on)


def end_left_unit(member: Member, on: dt.date, new_organisation: Organisation | None = None) -> list[Tenure]:
    """End the member's current part-time tenures whose origin unit does not contain
    `new_organisation` (None: they left the street, so all of them); tell the listeners."""
    tenures = list(
        Tenure.objects.filter(current_tenure_q(day=on), member=member, part_time=True).select_related(
            "post__organisation", "from_organisation", "member"
        )
    )
    leaving = [
        t
        for t in tenures
        if new_organisation is None or not new_organisation.path.startswith(t.from_organisation.path)
    ]
    if not leaving:
        return []
    last_day = on - dt.timedelta(days=1)
    Tenure.objects.filter(pk__in=[t.pk for t in leaving]).update(ended_on=last_day)
    for tenure in leaving:
        tenure.ended_on = last_day
    posts_changed.send(sender=Tenure, user_ids=[member.user_id])
    for listener in _ended:
        listener(leaving, on)
    return leaving

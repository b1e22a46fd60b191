"""Reminders of the assessment to secretaries and to the committee, each exactly once, polled by
the beat task `assessments.tasks.send_reminders` (which also runs rating_reminders).

Who is told what (every kind only while the cycle is in the phases named):

- community secretaries of the cycle's street (a current secretary tenure in one of its
  communities, as evidence/secretaries.py finds them), phases open and rating:
  - **reflection**: from day ASSESSMENTS_REFLECTION_REMINDER_DAY of a month (default 20; a
    shorter month: its last day) of the cycle's year, no reflection submitted for that month:
    once per secretary and month, cause `assessment:<cycle>:reflection-<YYYY-MM>`;
  - **report**: from ASSESSMENTS_REPORT_REMINDER_DAYS days before `rating_on` (default 30), no
    research report and no paper submitted: once per secretary and cycle, `assessment:<cycle>:report`.
- the committee (the street's post-holders, assessments.access: a current post in the street
  party working committee), phase review, if there is a secretary they have not scored on every
  committee indicator: a message naming how many, once when review starts
  (`assessment:<cycle>:committee`) and a last call from ASSESSMENTS_COMMITTEE_LAST_CALL_DAYS days
  before `publicity_on` (default 3; the scores freeze when 公示 starts),
  `assessment:<cycle>:committee-last`. A review that starts inside that window sends only the
  last call.

Exactly once rests on the inbox, as in rating_reminders: a person has at most one notification
per cause (unique recipient + cause). Each run picks, in batches of ids, the people due who have
no notification of the cause yet and writes their rows through inbox.notify_each, one
transaction per batch. A second run finds nobody; two runs at once have the second's rows
refused by the constraint (and its fan-out e-mails only its own rows, so none); a run killed
inside a batch rolled that batch back, and the next run tells those people.

Queries: a fixed number per cycle and batch, whatever the number of secretaries and members.
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections import Counter
from collections.abc import Callable, Iterable, Sequence

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Count, Exists, OuterRef, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from inbox.models import Notification
from inbox.services import Message, cause_key, notify_each
from orgchart.models import PostTitle, Tenure, current_tenure_q

from .evidence.secretaries import communities
from .models import (
    AssessmentCycle,
    CommitteeScore,
    Indicator,
    IndicatorSource,
    Phase,
    Submission,
    SubmissionKind,
)

BATCH = 500
SECRETARY_PHASES = (Phase.OPEN, Phase.RATING)
# Defaults of the settings named in the module's docstring.
REFLECTION_DAY = 20
REPORT_DAYS = 30
COMMITTEE_LAST_CALL_DAYS = 3
SENDING_HOURS = (9, 20)


def _setting(name: str, default):
    return getattr(settings, name, default)


def in_sending_hours(moment: dt.datetime | None = None) -> bool:
    """Whether a scheduled run at `moment` (local time) may send: from the first hour of
    ASSESSMENTS_REMINDER_HOURS up to, not including, the second (default 9–20), so nobody is
    e-mailed at night; the hourly beat sends at the first run inside the hours."""
    start, end = _setting("ASSESSMENTS_REMINDER_HOURS", SENDING_HOURS)
    hour = timezone.localtime(moment).hour
    return start <= hour < end


# Causes -------------------------------------------------------------------------------------


def reflection_cause(cycle: AssessmentCycle, day: dt.date) -> str:
    return cause_key("assessment", cycle.pk, f"reflection-{day:%Y-%m}")


def report_cause(cycle: AssessmentCycle) -> str:
    return cause_key("assessment", cycle.pk, "report")


def committee_cause(cycle: AssessmentCycle, last_call: bool) -> str:
    return cause_key("assessment", cycle.pk, "committee-last" if last_call else "committee")


# When ---------------------------------------------------------------------------------------


def reflection_due(cycle: AssessmentCycle, today: dt.date) -> bool:
    """A month's reflection is asked for from the reminder day on, in the cycle's own year."""
    if cycle.phase not in SECRETARY_PHASES or cycle.year != today.year:
        return False
    last_day = calendar.monthrange(today.year, today.month)[1]
    return today.day >= min(int(_setting("ASSESSMENTS_REFLECTION_REMINDER_DAY", REFLECTION_DAY)), last_day)


def report_due(cycle: AssessmentCycle, today: dt.date) -> bool:
    days = int(_setting("ASSESSMENTS_REPORT_REMINDER_DAYS", REPORT_DAYS))
    return cycle.phase in SECRETARY_PHASES and today >= cycle.rating_on - dt.timedelta(days=days)


def committee_last_call(cycle: AssessmentCycle, today: dt.date) -> bool:
    days = int(_setting("ASSESSMENTS_COMMITTEE_LAST_CALL_DAYS", COMMITTEE_LAST_CALL_DAYS))
    return today >= cycle.publicity_on - dt.timedelta(days=days)


# Who ----------------------------------------------------------------------------------------


def _users() -> QuerySet:
    return get_user_model().objects.filter(is_active=True)


def _not_told(users: QuerySet, cause: str) -> QuerySet:
    return users.exclude(Exists(Notification.objects.filter(recipient_id=OuterRef("pk"), cause_key=cause)))


def secretary_users(cycle: AssessmentCycle, today: dt.date) -> QuerySet:
    """Active users holding, on `today`, the secretary post of one of the street's communities
    (one query to find the communities; the result is a lazy queryset)."""
    community_ids = [org.pk for org in communities(cycle.street, today)]
    holders = Tenure.objects.filter(
        current_tenure_q(day=today),
        post__title=PostTitle.SECRETARY,
        post__organisation_id__in=community_ids,
        member__left_on__isnull=True,
        member__user_id=OuterRef("pk"),
    )
    return _users().filter(Exists(holders))


def committee_users(cycle: AssessmentCycle, today: dt.date) -> QuerySet:
    """Active users holding, on `today`, a post in the street party working committee itself: the
    post-holders who manage the street's cycles (assessments.access; superusers are not the
    committee and are not reminded)."""
    holders = Tenure.objects.filter(
        current_tenure_q(day=today),
        post__organisation_id=cycle.street_id,
        post__organisation__closed_on__isnull=True,
        member__left_on__isnull=True,
        member__user_id=OuterRef("pk"),
    )
    return _users().filter(Exists(holders))


def due_for_reflection(cycle: AssessmentCycle, today: dt.date) -> QuerySet:
    """Secretaries with no reflection for `today`'s month and no reminder of it yet."""
    written = Submission.objects.filter(
        cycle=cycle, secretary_id=OuterRef("pk"), kind=SubmissionKind.REFLECTION, month=today.month
    )
    users = secretary_users(cycle, today).exclude(Exists(written))
    return _not_told(users, reflection_cause(cycle, today)).order_by("pk")


def due_for_report(cycle: AssessmentCycle, today: dt.date) -> QuerySet:
    """Secretaries with no research report and no paper in the cycle and no reminder of it yet."""
    written = Submission.objects.filter(
        cycle=cycle, secretary_id=OuterRef("pk"), kind__in=(SubmissionKind.REPORT, SubmissionKind.PAPER)
    )
    users = secretary_users(cycle, today).exclude(Exists(written))
    return _not_told(users, report_cause(cycle)).order_by("pk")


def unscored_counts(
    cycle: AssessmentCycle, scorer_ids: Iterable[int], secretary_ids: list[int], indicator_ids: list[int]
) -> dict[int, int]:
    """For each scorer, how many of `secretary_ids` they have not scored on every one of
    `indicator_ids` (one query)."""
    complete: Counter[int] = Counter()
    scorer_ids = list(scorer_ids)
    if indicator_ids and secretary_ids:
        rows = (
            CommitteeScore.objects.filter(
                cycle=cycle,
                scorer_id__in=scorer_ids,
                secretary_id__in=secretary_ids,
                indicator_id__in=indicator_ids,
            )
            .values("scorer_id", "secretary_id")
            .annotate(n=Count("indicator_id", distinct=True))
            .filter(n__gte=len(indicator_ids))
            .values_list("scorer_id", flat=True)
            .order_by()
        )
        complete.update(rows)
    total = len(secretary_ids) if indicator_ids else 0
    return {pk: total - complete[pk] for pk in scorer_ids}


# Sending ------------------------------------------------------------------------------------


def _send(users: QuerySet, label: str, make: Callable[[list[int]], Sequence[Message]]) -> int:
    """Tell `users` (a queryset ordered by pk, re-read per batch) in batches, one transaction per
    batch; `make(user_ids)` gives the batch's messages (people it leaves out are not told).
    Returns how many messages were written or attempted."""
    told = 0
    last_pk = 0
    while True:
        ids = list(users.filter(pk__gt=last_pk).values_list("pk", flat=True)[:BATCH])
        if not ids:
            return told
        last_pk = ids[-1]
        messages = make(ids)
        if messages:
            with transaction.atomic():
                notify_each(f"{label}-{last_pk}", messages)
            told += len(messages)


def remind_reflections(cycle: AssessmentCycle, today: dt.date) -> int:
    if not reflection_due(cycle, today):
        return 0
    cause = reflection_cause(cycle, today)
    month = f"{today:%Y-%m}"
    title = _("Your study reflection for %(month)s is missing (%(cycle)s)") % {"month": month, "cycle": cycle}
    summary = _("Write this month's study reflection and submit it on your assessment page.")
    url = reverse("assessments:mine")

    def make(ids):
        return [Message(cause=cause, recipient_id=pk, title=title, summary=summary, url=url) for pk in ids]

    return _send(due_for_reflection(cycle, today), cause, make)


def remind_reports(cycle: AssessmentCycle, today: dt.date) -> int:
    if not report_due(cycle, today):
        return 0
    cause = report_cause(cycle)
    title = _("Your research report or paper for %(cycle)s is missing") % {"cycle": cycle}
    summary = _(
        "One research report or paper a year counts towards the learning type. Rating starts on "
        "%(day)s; submit it on your assessment page."
    ) % {"day": cycle.rating_on.isoformat()}
    url = reverse("assessments:mine")

    def make(ids):
        return [Message(cause=cause, recipient_id=pk, title=title, summary=summary, url=url) for pk in ids]

    return _send(due_for_report(cycle, today), cause, make)


def remind_committee(cycle: AssessmentCycle, today: dt.date) -> int:
    if cycle.phase != Phase.REVIEW:
        return 0
    indicator_ids = list(
        Indicator.objects.filter(cycle=cycle, source=IndicatorSource.COMMITTEE).values_list("pk", flat=True)
    )
    if not indicator_ids:
        return 0
    secretary_ids = list(secretary_users(cycle, today).values_list("pk", flat=True))
    if not secretary_ids:
        return 0
    last_call = committee_last_call(cycle, today)
    cause = committee_cause(cycle, last_call)
    url = reverse("assessments:committee", args=[cycle.pk])
    freeze = cycle.publicity_on.isoformat()
    if last_call:
        summary = _(
            "Scores freeze when the public notice starts on %(day)s. Score each of them on every "
            "committee indicator before then."
        ) % {"day": freeze}
    else:
        summary = _(
            "The committee review is open until the public notice starts on %(day)s. Score each "
            "secretary on every committee indicator, with a comment."
        ) % {"day": freeze}

    def make(ids):
        counts = unscored_counts(cycle, ids, secretary_ids, indicator_ids)
        messages = []
        for pk in ids:
            if not counts[pk]:
                continue  # scored everyone: nothing to say, and nothing recorded
            values = {"count": counts[pk], "cycle": cycle}
            if last_call:
                title = _("Last call: %(count)s secretaries not yet scored by you (%(cycle)s)") % values
            else:
                title = _("%(count)s secretaries not yet scored by you (%(cycle)s)") % values
            messages.append(Message(cause=cause, recipient_id=pk, title=title, summary=summary, url=url))
        return messages

    return _send(_not_told(committee_users(cycle, today), cause).order_by("pk"), cause, make)


def remind_all(today: dt.date | None = None) -> dict[str, int]:
    """Every secretary and committee reminder due on `today` (default: the local date), for
    every cycle in a phase that has any; how many were told, by kind."""
    today = today or timezone.localdate()
    told = Counter({"reflection": 0, "report": 0, "committee": 0})
    cycles = AssessmentCycle.objects.filter(phase__in=(*SECRETARY_PHASES, Phase.REVIEW)).select_related(
        "street"
    )
    for cycle in cycles:
        told["reflection"] += remind_reflections(cycle, today)
        told["report"] += remind_reports(cycle, today)
        told["committee"] += remind_committee(cycle, today)
    return dict(told)

"""三会一课 compliance with attendance: the 学时 query (sign-ups live here), the monthly flags of
branches behind, and the Excel export. The rule itself is activities.compliance."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from io import BytesIO

from django.db import transaction
from django.db.models import Sum
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook

from activities.compliance import (
    STUDY_KINDS,
    SubtreeCompliance,
    subtree_compliance,
)
from activities.models import ActivityState, ComplianceFlag
from core.spreadsheets import safe_row
from core.tree import path_prefix_q
from inbox.services import cause_key, notify
from orgchart.models import Organisation, PostTitle, Tenure, current_tenure_q

from .models import SignUp, SignUpStatus


def study_hours_by_user(root: Organisation, start: dt.datetime, end: dt.datetime) -> dict[int, Decimal]:
    """{user id: 学时} of the members in `root`'s subtree: hours credited on completed
    organisation-life and 上门送学 activities starting in [start, end) (one query)."""
    rows = (
        SignUp.objects.filter(
            path_prefix_q(root.path, "person__member__organisation__path"),
            status=SignUpStatus.CONFIRMED,
            hours__gt=0,
            activity__kind__in=STUDY_KINDS,
            activity__state=ActivityState.DONE,
            activity__starts_at__gte=start,
            activity__starts_at__lt=end,
        )
        .values("person_id")
        .annotate(total=Sum("hours"))
        .values_list("person_id", "total")
        .order_by()
    )
    return {pk: Decimal(total) for pk, total in rows}


def compliance(
    root: Organisation, year: int, *, as_of: dt.date | None = None, branch_ids=None
) -> SubtreeCompliance:
    """activities.compliance.subtree_compliance with the 学时 read from sign-ups (six queries)."""
    return subtree_compliance(root, year, study_hours_by_user, as_of=as_of, branch_ids=branch_ids)


# Flags ----------------------------------------------------------------------------------------


def _secretaries(org_ids: list[int]) -> dict[int, set[int]]:
    """{organisation id: user ids of its current secretaries} (one query)."""
    found: dict[int, set[int]] = {pk: set() for pk in org_ids}
    rows = Tenure.objects.filter(
        current_tenure_q(),
        post__title=PostTitle.SECRETARY,
        post__organisation_id__in=org_ids,
        member__left_on__isnull=True,
        member__user__isnull=False,
        member__user__is_active=True,
    ).values_list("post__organisation_id", "member__user_id")
    for org_id, user_id in rows:
        found[org_id].add(user_id)
    return found


def flag_period(today: dt.date) -> tuple[str, int, dt.date]:
    """The month just finished on `today` ("2026-10"), its year, and the day it is judged at (the
    first of the current month: every period ending by then is finished)."""
    first = today.replace(day=1)
    last_month = first - dt.timedelta(days=1)
    return f"{last_month.year}-{last_month.month:02d}", last_month.year, first


def flag_behind_branches(today: dt.date | None = None) -> list[int]:
    """Flag every branch behind as of the month just finished to its secretary and its street's
    secretaries; return the ids of the branches flagged now.

    Polled daily (django-celery-beat); idempotent: a ComplianceFlag per branch and month is
    written with the notice in one transaction, so a second run (or a retried task) in the same
    month flags nothing twice. A branch still behind next month is flagged again for that month.
    """
    period, year, as_of = flag_period(today or timezone.localdate())
    flagged: list[int] = []
    for street in Organisation.objects.filter(depth=1).open():
        result = compliance(street, year, as_of=as_of)
        behind = result.behind
        if not behind:
            continue
        done = set(
            ComplianceFlag.objects.filter(
                period=period, organisation_id__in=[b.branch.pk for b in behind]
            ).values_list("organisation_id", flat=True)
        )
        behind = [b for b in behind if b.branch.pk not in done]
        secretaries = _secretaries([street.pk, *(b.branch.pk for b in behind)])
        for item in behind:
            branch = item.branch
            reasons = item.reasons()
            with transaction.atomic():
                _flag, created = ComplianceFlag.objects.get_or_create(
                    organisation=branch, period=period, defaults={"reasons": "\n".join(reasons)}
                )
                if not created:
                    continue
                notify(
                    cause_key("sanhui", branch.pk, period),
                    secretaries[branch.pk] | secretaries[street.pk],
                    title=_("%(branch)s is behind on organisation life (%(period)s)")
                    % {"branch": branch.name, "period": period},
                    summary="\n".join(reasons),
                    url=f"{reverse('volunteers:compliance_branch', args=[branch.pk])}?year={year}",
                )
            flagged.append(branch.pk)
    return flagged


# Export ---------------------------------------------------------------------------------------


def compliance_workbook(result: SubtreeCompliance) -> bytes:
    """Three sheets: branches (behind or not, 学时), meetings per period, members' 学时."""
    book = Workbook(write_only=True)
    summary = book.create_sheet(_("Branches"))
    summary.append(
        safe_row(
            summary,
            [
                _("Branch"),
                _("Code"),
                _("Behind"),
                _("Members"),
                _("Average study hours"),
                _("Required to date"),
                _("Reasons"),
            ],
        )
    )
    meetings = book.create_sheet(_("Meetings"))
    meetings.append(
        safe_row(
            meetings, [_("Branch"), _("Meeting type"), _("Period"), _("Held"), _("Required"), _("Status")]
        )
    )
    people = book.create_sheet(_("Study hours"))
    people.append(safe_row(people, [_("Branch"), _("Member"), _("Study hours"), _("Required to date")]))
    status_labels = {"ok": _("met"), "short": _("short"), "pending": _("in progress")}
    for item in result.branches:
        name = item.branch.name
        average = item.average_hours
        summary.append(
            safe_row(
                summary,
                [
                    name,
                    item.branch.code,
                    _("yes") if item.behind else _("no"),
                    len(item.members),
                    float(average) if average is not None else None,
                    float(item.hours_to_date),
                    "; ".join(item.reasons()),
                ],
            )
        )
        for line in item.lines:
            for cell in line.cells:
                meetings.append(
                    safe_row(
                        meetings,
                        [
                            name,
                            line.requirement.meeting_label,
                            cell.period.key,
                            cell.held,
                            cell.required,
                            status_labels[cell.status],
                        ],
                    )
                )
        for member in item.members:
            people.append(
                safe_row(people, [name, member.name, float(member.hours), float(item.hours_to_date)])
            )
    out = BytesIO()
    book.save(out)
    return out.getvalue()

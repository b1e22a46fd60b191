"""Secretaries' submissions, the committee's scores and overrides, and awards (issue 8,
"Submissions and awards", "Scoring, recommendation, 公示").

- submit: only a community secretary of the cycle's street, for themself, while the cycle is open
  or rating; one reflection per month.
- score: street post-holders only, during review; a score 0..the indicator's weight with a
  comment; scoring again replaces one's own score.
- override: street post-holders, on a frozen result during 公示 (the results exist from then; a
  final cycle no longer changes), with a written reason; each change kept in ResultOverride.
  Changing a total re-ranks the street and re-picks the recommendation; a band or
  recommendation set by hand stays as set.
- award: street post-holders, during review; on the cycle becoming final publish_awards turns
  each awarded submission into a published ResultPage in the author's organisation section
  (once: the award remembers its page).

Refusals are ValidationErrors (bad input) or PermissionDenied (wrong person), messages for the
user; nothing is written when refused.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.text import normalise
from orgchart import access as org_access
from orgchart.models import COMMUNITY_KINDS, Organisation, PostTitle, Tenure

from . import access, attachments, committee, scoring
from .models import (
    AssessmentCycle,
    Award,
    AwardKind,
    Band,
    CommitteeScore,
    Indicator,
    IndicatorSource,
    IndicatorType,
    Phase,
    ResultOverride,
    SecretaryResult,
    Submission,
    SubmissionKind,
)

SUBMIT_PHASES = (Phase.OPEN, Phase.RATING)
TITLE_MAX = 200
BODY_MAX = 20000
REASON_MAX = 2000
OVERRIDE_FIELDS = ("total", "band", "recommended")
# What a form or a caller may send for the recommendation; anything else is refused.
RECOMMENDED_VALUES = {True: True, False: False, "1": True, "0": False}  # True == 1, False == 0
# Which submission kinds each award may go to.
AWARD_KINDS = {
    AwardKind.REFLECTION: (SubmissionKind.REFLECTION,),
    AwardKind.REPORT: (SubmissionKind.REPORT, SubmissionKind.PAPER),
    AwardKind.PRACTICE: (SubmissionKind.PRACTICE,),
}


def secretary_community(user, cycle: AssessmentCycle) -> Organisation | None:
    """The community of the cycle's street whose secretary post `user` holds today (one query)."""
    member = org_access.member_for(user)
    if member is None:
        return None
    street = cycle.street
    today = timezone.localdate()
    tenure = (
        Tenure.objects.filter(
            member=member,
            post__title=PostTitle.SECRETARY,
            post__organisation__kind__in=COMMUNITY_KINDS,
            post__organisation__depth=street.depth + 1,
            post__organisation__path__startswith=street.path,
            started_on__lte=today,
        )
        .exclude(ended_on__lt=today)
        .select_related("post__organisation")
        .first()
    )
    return tenure.post.organisation if tenure else None


def _check_manager(actor, cycle: AssessmentCycle) -> None:
    if actor is None or not access.can_manage_cycle(actor, cycle):
        raise PermissionDenied(_("Only the street's post-holders may do this."))


def _text(value: str, field: str, limit: int, empty_message: str) -> str:
    value = normalise(value or "").strip()
    if not value:
        raise ValidationError({field: empty_message})
    if len(value) > limit:
        raise ValidationError({field: _("At most %(limit)s characters.") % {"limit": limit}})
    return value


# Submissions ----------------------------------------------------------------------------------


def submit(
    cycle: AssessmentCycle,
    *,
    actor,
    kind: str,
    title: str,
    body: str,
    month: int | None = None,
    attachment=None,
    upload=None,
) -> Submission:
    """A community secretary's own submission to `cycle`; `upload`, an uploaded file, is checked
    (attachments.check_upload) and stored as its attachment document, or nothing is written."""
    community = secretary_community(actor, cycle)
    if community is None:
        raise PermissionDenied(_("Only a community secretary of this street submits work here."))
    if cycle.phase not in SUBMIT_PHASES:
        raise ValidationError(_("Submissions are accepted only while the assessment is open or rating."))
    if kind not in SubmissionKind.values:
        raise ValidationError({"kind": _("Choose what you are submitting.")})
    title = _text(title, "title", TITLE_MAX, _("Give a title."))
    body = _text(body, "body", BODY_MAX, _("Write the text."))
    if kind == SubmissionKind.REFLECTION:
        try:
            month = int(month) if month not in (None, "") else None
        except (TypeError, ValueError):
            month = None
        if month is None or not 1 <= month <= 12:
            raise ValidationError({"month": _("Choose the month of the reflection.")})
        today = timezone.localdate()
        if cycle.year == today.year and month > today.month:
            raise ValidationError({"month": _("That month has not come yet.")})
    else:
        month = None
    file_name = attachments.check_upload(upload) if upload is not None else None
    submission = Submission(
        cycle=cycle,
        secretary=actor,
        community=community,
        kind=kind,
        month=month,
        title=title,
        body=body,
        attachment=attachment,
    )
    stored = None
    try:
        with transaction.atomic():
            if file_name is not None:
                stored = attachments.store(upload, name=file_name, title=title, actor=actor)
                submission.attachment = stored
            submission.save()
    except IntegrityError as error:
        attachments.discard(stored)
        raise ValidationError(
            {"month": _("A study reflection for that month is already submitted.")}
        ) from error
    except BaseException:
        attachments.discard(stored)
        raise
    return submission


# Committee scores -----------------------------------------------------------------------------


def score(
    cycle: AssessmentCycle, *, actor, indicator: Indicator, secretary, value, comment: str
) -> CommitteeScore:
    """`actor`'s score of `secretary` on a committee `indicator`, replacing their earlier one."""
    _check_manager(actor, cycle)
    if cycle.phase != Phase.REVIEW:
        raise ValidationError(_("The committee scores only during the review."))
    if indicator.cycle_id != cycle.pk or indicator.source != IndicatorSource.COMMITTEE:
        raise ValidationError({"indicator": _("Choose a committee indicator of this assessment.")})
    if secretary is None or secretary.pk not in {s.user_id for s in committee.cycle_secretaries(cycle)}:
        raise ValidationError({"secretary": _("Choose a community secretary of this street.")})
    try:
        value = Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        raise ValidationError({"score": _("Enter a number.")}) from None
    if not value.is_finite() or value < 0 or value > indicator.weight:
        raise ValidationError(
            {
                "score": _("The score is between 0 and %(weight)s.")
                % {"weight": f"{indicator.weight.normalize():f}"}
            }
        )
    if value != value.quantize(scoring.CENT):  # stored in cents: refuse rather than round
        raise ValidationError({"score": _("At most two decimal places.")})
    comment = _text(comment, "comment", REASON_MAX, _("A committee score needs a comment."))
    row, _created = CommitteeScore.objects.update_or_create(
        indicator=indicator,
        secretary=secretary,
        scorer=actor,
        defaults={"cycle": cycle, "score": value, "comment": comment, "scored_at": timezone.now()},
    )
    return row


# Overrides ------------------------------------------------------------------------------------


def _as_text(value) -> str:
    if isinstance(value, bool):
        return "1" if value else "0"
    return str(value)


def _rerank(cycle: AssessmentCycle) -> None:
    """Ranks and the automatic recommendation from the (possibly overridden) totals; a
    recommendation set by hand stays."""
    results = list(SecretaryResult.objects.filter(cycle=cycle).select_related("community"))
    pinned = set(
        ResultOverride.objects.filter(result__cycle=cycle, field="recommended").values_list(
            "result_id", flat=True
        )
    )
    results.sort(
        key=lambda r: scoring.rank_key(r.total, r.harmonious, r.practical, r.learning, r.community.path)
    )
    chosen = sum(1 for r in results if r.pk in pinned and r.recommended)
    for position, result in enumerate(results, start=1):
        result.rank = position
        if result.pk not in pinned:
            result.recommended = chosen < scoring.RECOMMENDED and not result.vetoed and not result.capped
            chosen += result.recommended
    SecretaryResult.objects.bulk_update(results, ["rank", "recommended"])


@transaction.atomic
def override(result: SecretaryResult, *, actor, field: str, value, reason: str) -> ResultOverride:
    """The committee's change of a frozen result's `field` (total, band, recommended)."""
    cycle = result.cycle
    _check_manager(actor, cycle)
    if cycle.phase != Phase.PUBLICITY:
        raise ValidationError(_("Results can be changed only during the public notice."))
    if field not in OVERRIDE_FIELDS:
        raise ValidationError({"field": _("Only the total, the band or the recommendation can be changed.")})
    reason = _text(reason, "reason", REASON_MAX, _("Give the reason for the change in writing."))
    result = SecretaryResult.objects.select_for_update().get(pk=result.pk)
    if field == "total":
        try:
            new = Decimal(str(value).strip())
            if not new.is_finite():  # NaN would fail the comparisons below
                raise InvalidOperation
            new = new.quantize(scoring.CENT)
        except (InvalidOperation, ValueError):
            raise ValidationError({"value": _("Enter a number.")}) from None
        if new < 0 or new > cycle.total_points:
            raise ValidationError(
                {"value": _("The total is between 0 and %(total)s.") % {"total": cycle.total_points}}
            )
    elif field == "band":
        if value not in Band.values:
            raise ValidationError({"value": _("Choose a band.")})
        new = value
    else:
        new = RECOMMENDED_VALUES.get(value) if isinstance(value, bool | int | str) else None
        if new is None:
            raise ValidationError({"value": _("Choose yes or no.")})
    old = getattr(result, field)
    if _as_text(old) == _as_text(new):
        raise ValidationError({"value": _("The new value is the same as the current one.")})
    setattr(result, field, new)
    result.save(update_fields=[field])
    row = ResultOverride.objects.create(
        result=result, field=field, old=_as_text(old), new=_as_text(new), reason=reason, by=actor
    )
    _rerank(cycle)
    return row


# Awards ---------------------------------------------------------------------------------------


def award(cycle: AssessmentCycle, *, actor, kind: str, submission: Submission, reason: str) -> Award:
    """The committee's award of `kind` to `submission`, with a written reason, during review."""
    _check_manager(actor, cycle)
    if cycle.phase != Phase.REVIEW:
        raise ValidationError(_("Awards are decided during the review."))
    if submission.cycle_id != cycle.pk:
        raise ValidationError({"submission": _("Choose a submission of this assessment.")})
    if kind not in AWARD_KINDS or submission.kind not in AWARD_KINDS[kind]:
        raise ValidationError({"kind": _("This award does not go to that kind of work.")})
    reason = _text(reason, "reason", REASON_MAX, _("Give the reason for the award."))
    if Award.objects.filter(kind=kind, submission=submission).exists():
        raise ValidationError(_("That work already has this award."))
    return Award.objects.create(
        cycle=cycle, kind=kind, submission=submission, decided_by=actor, reason=reason
    )


@transaction.atomic
def withdraw_award(award_row: Award, *, actor) -> None:
    """Take an award back during review. Awards are the committee's working decision until the
    review ends and nothing public hangs on them yet (pages are made on final), so the row is
    deleted; from 公示 on an award stands."""
    cycle = award_row.cycle
    _check_manager(actor, cycle)
    locked = AssessmentCycle.objects.select_for_update().filter(pk=cycle.pk).values("phase").first()
    if locked is None or locked["phase"] != Phase.REVIEW:
        raise ValidationError(_("Awards can be withdrawn only during the review."))
    if not Award.objects.filter(pk=award_row.pk, result_page__isnull=True).delete()[0]:
        raise ValidationError(_("That award no longer exists."))


def _section_for(submission: Submission):
    """The author's organisation section: their branch's, else their community's."""
    from portal.models import SectionPage
    from portal.sections import sync_section

    member = org_access.member_for(submission.secretary)
    for org in (member.organisation if member else None, submission.community):
        if org is None:
            continue
        page = SectionPage.objects.filter(organisation=org).first() or sync_section(org)
        if page is not None:
            return page, member
    return None, member


def publish_awards(cycle: AssessmentCycle) -> list:
    """Each awarded submission of `cycle` as a published result page (成果推广) in its author's
    section; an award that already has its page is skipped (idempotent)."""
    from portal.models import ResultPage

    kinds = {
        SubmissionKind.REFLECTION: "reflection",
        SubmissionKind.REPORT: "report",
        SubmissionKind.PAPER: "paper",
        SubmissionKind.PRACTICE: "practice",
    }
    made = []
    awards = (
        # Lock the awards only: the attachment's join is an outer one, which PostgreSQL cannot lock.
        Award.objects.select_for_update(of=("self",))
        .filter(cycle=cycle, result_page__isnull=True)
        .select_related("submission__secretary", "submission__community", "submission__attachment")
    )
    with transaction.atomic():
        done: dict[int, int] = dict(
            Award.objects.filter(cycle=cycle, result_page__isnull=False).values_list(
                "submission_id", "result_page_id"
            )
        )
        for item in awards:
            sub = item.submission
            if sub.pk in done:
                Award.objects.filter(pk=item.pk).update(result_page_id=done[sub.pk])
                continue
            parent, member = _section_for(sub)
            if parent is None:
                continue
            body = [("text", f"<p>{para}</p>") for para in _paragraphs(sub.body)]
            if sub.attachment is not None:
                _publish_document(sub.attachment, parent)
                body.append(("document", {"document": sub.attachment, "title": sub.attachment.title}))
            page = ResultPage(
                title=sub.title,
                kind=kinds[sub.kind],
                author=member,
                summary=item.get_kind_display()[:300],
                body=body,
            )
            parent.add_child(instance=page)
            page.save_revision().publish()
            Award.objects.filter(pk=item.pk).update(result_page_id=page.pk)
            done[sub.pk] = page.pk
            made.append(page)
    return made


def _publish_document(document, section) -> None:
    """Move a winning work's attachment from the attachments' private collection into the
    collection of the section it is published in (its editors manage it from then); readers may
    download it because the live page's body uses it (portal/documents.py)."""
    from portal.sections import collection_of

    target = collection_of(section.organisation) if section.organisation_id else None
    if target is not None and document.collection_id != target.pk:
        document.collection = target
        document.save(update_fields=["collection"])


def _paragraphs(text: str) -> list[str]:
    from django.utils.html import escape

    return [escape(p.strip()) for p in text.split("\n") if p.strip()]


__all__ = [
    "AwardKind",
    "IndicatorType",
    "award",
    "override",
    "publish_awards",
    "score",
    "secretary_community",
    "submit",
    "withdraw_award",
]

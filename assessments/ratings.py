"""Ratings (评议) of community secretaries: by signed-in members, and by residents with one-time
rating tickets (评议票); the results per community in a fixed number of queries.

Who rates what:
- A member (not left the street) rates the secretary of their own community: the community party
  organisation directly under the street above their branch (by the tree path), once per cycle,
  only while their street's cycle is in phase rating. A community id sent by the client is never
  used: the community comes from the member's own record.
- A ticket rates only its own community's secretary, once, while its cycle is in phase rating.

Anonymity: RatingParticipation (member X rated in cycle C) and Rating (community, rater kind,
answers, day) are written in one transaction but carry no link to each other; a used ticket gets
the day it was used and no link to its rating. Ratings have random keys and only a day, so neither
ids nor times order them against participations or used tickets.

Ticket codes are random (TICKET_LENGTH characters of an unambiguous alphabet) and stored only as
a keyed hash (HMAC with the site's secret key): a database reader cannot rate with them. The codes
exist in clear only in the sheet downloaded when they are generated.
"""

from __future__ import annotations

import datetime as dt
import secrets
import unicodedata
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext as _

from orgchart.models import COMMUNITY_KINDS, Member, Organisation, PostTitle, Tenure, current_tenure_q

from .models import (
    Answer,
    AssessmentCycle,
    Phase,
    RaterKind,
    Rating,
    RatingAnswer,
    RatingParticipation,
    RatingQuestion,
    RatingTicket,
    RatingTicketBatch,
)

# No 0/O, 1/I/L: codes are typed in from paper.
TICKET_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
TICKET_LENGTH = 10
MAX_TICKETS_PER_BATCH = 500
HASH_SALT = "assessments.rating-ticket"

# The default questions of a cycle: (code, text). The texts are stored data (the street's words).
DEFAULT_QUESTIONS: tuple[tuple[str, str], ...] = (
    ("contact", "联系群众"),
    ("service", "服务群众"),
    ("unity", "班子团结"),
    ("integrity", "廉洁自律"),
)


class RatingRefused(ValidationError):
    """A rating refused, with a code saying why (the message is Chinese for the person)."""


def _refuse(message: str, code: str) -> RatingRefused:
    return RatingRefused(message, code=code)


def not_in_phase() -> RatingRefused:
    return _refuse(_("Rating has not started or has already ended."), "not_in_phase")


def invalid_ticket() -> RatingRefused:
    # One message for forged and unknown codes, and for voided ones: it tells nothing more.
    return _refuse(_("This rating ticket code is not valid."), "invalid_ticket")


# Questions ------------------------------------------------------------------------------------


def questions(cycle: AssessmentCycle) -> list[RatingQuestion]:
    """The cycle's rating questions, the defaults created on first use."""
    found = list(RatingQuestion.objects.filter(cycle=cycle).order_by("order", "pk"))
    if found:
        return found
    RatingQuestion.objects.bulk_create(
        [
            RatingQuestion(cycle=cycle, code=code, text=text, order=i)
            for i, (code, text) in enumerate(DEFAULT_QUESTIONS)
        ],
        ignore_conflicts=True,
    )
    return list(RatingQuestion.objects.filter(cycle=cycle).order_by("order", "pk"))


def clean_answers(cycle_questions: list[RatingQuestion], answers) -> dict[int, str]:
    """{question id: answer} from {question code: answer}: every question answered once with one
    of the four answers, nothing else."""
    if not isinstance(answers, dict) or len(answers) > 50:
        raise _refuse(_("Answer every question with 好, 较好, 一般 or 差."), "bad_answers")
    by_code = {q.code: q for q in cycle_questions}
    cleaned: dict[int, str] = {}
    for code, value in answers.items():
        if not isinstance(code, str) or not isinstance(value, str) or code not in by_code:
            raise _refuse(_("Answer every question with 好, 较好, 一般 or 差."), "bad_answers")
        value = unicodedata.normalize("NFKC", value).strip()
        if value not in Answer.values:
            raise _refuse(_("Answer every question with 好, 较好, 一般 or 差."), "bad_answers")
        cleaned[by_code[code].pk] = value
    if len(cleaned) != len(by_code):
        raise _refuse(_("Answer every question with 好, 较好, 一般 or 差."), "bad_answers")
    return cleaned


# Who rates whom -------------------------------------------------------------------------------


def community_of(member: Member) -> Organisation | None:
    """The community party organisation directly under the street above `member`'s branch."""
    path = member.organisation.path
    steplen = Organisation.steplen
    if len(path) < 2 * steplen:
        return None
    community = Organisation.objects.filter(path=path[: 2 * steplen], kind__in=COMMUNITY_KINDS).first()
    return community


def rating_cycle(community: Organisation) -> AssessmentCycle | None:
    """The cycle of `community`'s street now in phase rating (the latest year's, should two be)."""
    street_path = community.path[: Organisation.steplen]
    return (
        AssessmentCycle.objects.filter(street__path=street_path, phase=Phase.RATING).order_by("-year").first()
    )


def secretary_of(community: Organisation, day: dt.date | None = None) -> Member | None:
    """The member holding the community's secretary post on `day` (today)."""
    tenure = (
        Tenure.objects.filter(
            current_tenure_q(day=day), post__organisation=community, post__title=PostTitle.SECRETARY
        )
        .select_related("member")
        .order_by("-started_on", "-pk")
        .first()
    )
    return tenure.member if tenure else None


@dataclass
class MemberTarget:
    """What a member would rate now: the cycle, their community and its secretary."""

    member: Member
    cycle: AssessmentCycle
    community: Organisation
    secretary: Member
    questions: list[RatingQuestion]
    already: bool


def member_target(user) -> MemberTarget:
    """Whom the signed-in `user` rates now, or a RatingRefused saying why not."""
    from orgchart import access as org_access

    member = org_access.member_for(user)
    if member is None or not member.is_active:
        raise _refuse(_("Only party members of a community can rate its secretary."), "not_member")
    community = community_of(member)
    if community is None:
        raise _refuse(_("Only party members of a community can rate its secretary."), "not_member")
    cycle = rating_cycle(community)
    if cycle is None:
        raise not_in_phase()
    secretary = secretary_of(community)
    if secretary is None:
        raise _refuse(_("This community has no secretary in post to rate."), "no_secretary")
    already = RatingParticipation.objects.filter(cycle=cycle, member=member).exists()
    return MemberTarget(member, cycle, community, secretary, questions(cycle), already)


def already_rated() -> RatingRefused:
    return _refuse(_("You have already rated in this cycle."), "already_rated")


def _write_rating(
    cycle: AssessmentCycle, community: Organisation, secretary: Member, kind: str, answers: dict[int, str]
) -> None:
    rating = Rating.objects.create(
        cycle=cycle,
        community=community,
        secretary=secretary,
        rater_kind=kind,
        created_on=timezone.localdate(),
    )
    RatingAnswer.objects.bulk_create(
        [RatingAnswer(rating=rating, question_id=qid, answer=value) for qid, value in answers.items()]
    )


def rate_as_member(user, answers) -> None:
    """Record `user`'s rating of their own community's secretary; refuse with RatingRefused."""
    target = member_target(user)
    if target.already:
        raise already_rated()
    cleaned = clean_answers(target.questions, answers)
    try:
        with transaction.atomic():
            # The phase is checked again under a lock, so a rating never lands after the move on.
            if (
                not AssessmentCycle.objects.select_for_update()
                .filter(pk=target.cycle.pk, phase=Phase.RATING)
                .exists()
            ):
                raise not_in_phase()
            RatingParticipation.objects.create(cycle=target.cycle, member=target.member)
            _write_rating(target.cycle, target.community, target.secretary, RaterKind.MEMBER, cleaned)
    except IntegrityError:  # a second request of the same member won the race
        raise already_rated() from None


def has_rated(user) -> bool | None:
    """Whether `user` has rated in their street's cycle now in phase rating (None: no such cycle
    or not a member)."""
    try:
        return member_target(user).already
    except RatingRefused:
        return None


# Tickets --------------------------------------------------------------------------------------


def normalise_code(code: str) -> str:
    """Upper case, no spaces or dashes, full-width folded (NFKC): as typed from the paper."""
    code = unicodedata.normalize("NFKC", code or "").upper()
    return "".join(ch for ch in code if ch not in " -\t")[:64]


def code_hash(code: str) -> str:
    return salted_hmac(HASH_SALT, normalise_code(code), algorithm="sha256").hexdigest()


def _looks_like_code(code: str) -> bool:
    return len(code) == TICKET_LENGTH and all(ch in TICKET_ALPHABET for ch in code)


def generate_tickets(
    cycle: AssessmentCycle, community: Organisation, count: int, *, actor
) -> tuple[RatingTicketBatch, list[str]]:
    """A new batch of `count` tickets for `community`; returns the batch and the codes in clear
    (shown once, in the printed sheet; never stored)."""
    from . import access

    if actor is not None and not access.can_manage_cycle(actor, cycle):
        raise _refuse(_("You do not manage this street's assessment."), "forbidden")
    if not (1 <= count <= MAX_TICKETS_PER_BATCH):
        raise _refuse(
            _("Generate between 1 and %(max)s tickets at a time.") % {"max": MAX_TICKETS_PER_BATCH},
            "bad_count",
        )
    if (
        community.kind not in COMMUNITY_KINDS
        or community.path[: Organisation.steplen] != cycle.street.path
        or community.depth != cycle.street.depth + 1
    ):
        raise _refuse(_("Choose a community of this street."), "bad_community")
    if cycle.phase in (Phase.REVIEW, Phase.PUBLICITY, Phase.FINAL):
        raise not_in_phase()
    codes = ["".join(secrets.choice(TICKET_ALPHABET) for _ in range(TICKET_LENGTH)) for _ in range(count)]
    with transaction.atomic():
        batch = RatingTicketBatch.objects.create(
            cycle=cycle,
            community=community,
            size=count,
            created_by=actor if actor is not None and actor.is_authenticated else None,
        )
        RatingTicket.objects.bulk_create([RatingTicket(batch=batch, code_hash=code_hash(c)) for c in codes])
    return batch, codes


def void_batch(batch: RatingTicketBatch, *, actor) -> int:
    """Void a batch (a lost sheet): its unused tickets rate no more. Returns how many were unused."""
    from . import access

    if actor is not None and not access.can_manage_cycle(actor, batch.cycle):
        raise _refuse(_("You do not manage this street's assessment."), "forbidden")
    with transaction.atomic():
        updated = RatingTicketBatch.objects.filter(pk=batch.pk, voided_at__isnull=True).update(
            voided_at=timezone.now()
        )
        return batch.tickets.filter(used_on__isnull=True).count() if updated else 0


@dataclass
class TicketTarget:
    ticket: RatingTicket
    cycle: AssessmentCycle
    community: Organisation
    secretary: Member
    questions: list[RatingQuestion]


def ticket_target(code: str) -> TicketTarget:
    """Whom the ticket `code` rates, or a RatingRefused (forged and unknown codes alike)."""
    code = normalise_code(code)
    if not _looks_like_code(code):
        raise invalid_ticket()
    ticket = (
        RatingTicket.objects.select_related("batch__cycle__street", "batch__community")
        .filter(code_hash=code_hash(code), batch__voided_at__isnull=True)
        .first()
    )
    if ticket is None:
        raise invalid_ticket()
    if ticket.used_on is not None:
        raise _refuse(_("This rating ticket has already been used."), "used_ticket")
    cycle = ticket.batch.cycle
    if cycle.phase != Phase.RATING:
        raise not_in_phase()
    secretary = secretary_of(ticket.batch.community)
    if secretary is None:
        raise _refuse(_("This community has no secretary in post to rate."), "no_secretary")
    return TicketTarget(ticket, cycle, ticket.batch.community, secretary, questions(cycle))


def rate_with_ticket(code: str, answers) -> None:
    """Record a resident's rating with ticket `code`: its own community's secretary, once."""
    target = ticket_target(code)
    cleaned = clean_answers(target.questions, answers)
    with transaction.atomic():
        if (
            not AssessmentCycle.objects.select_for_update()
            .filter(pk=target.cycle.pk, phase=Phase.RATING)
            .exists()
        ):
            raise not_in_phase()
        used = RatingTicket.objects.filter(
            pk=target.ticket.pk, used_on__isnull=True, batch__voided_at__isnull=True
        ).update(used_on=timezone.localdate())
        if used != 1:
            raise _refuse(_("This rating ticket has already been used."), "used_ticket")
        _write_rating(target.cycle, target.community, target.secretary, RaterKind.RESIDENT, cleaned)


# Results --------------------------------------------------------------------------------------


@dataclass
class QuestionResult:
    """Counts per answer of one question, and the satisfaction percentage (好+较好 over all)."""

    question_id: int
    counts: dict[str, int]
    satisfaction: Decimal | None


@dataclass
class KindResult:
    """One community's ratings by one kind of rater (members or residents)."""

    ratings: int = 0
    shown: bool = False  # at least min_ratings_shown ratings: figures may be shown
    valid: bool = False  # at least min_raters ratings: the rating counts for the cycle
    satisfaction: Decimal | None = None  # over all questions; None while not shown
    questions: dict[int, QuestionResult] = field(default_factory=dict)  # question id → result


@dataclass
class Result:
    """One community's rating results: per rater kind."""

    community_id: int
    secretary_id: int | None
    members: KindResult
    residents: KindResult


def _percent(satisfied: int, total: int) -> Decimal | None:
    if not total:
        return None
    return (Decimal(100) * satisfied / total).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def rating_results(cycle: AssessmentCycle) -> dict[int, Result]:
    """{community id: Result} for every community rated in `cycle`, in three queries whatever the
    number of communities and ratings. Figures of a kind with fewer than cycle.min_ratings_shown
    ratings are withheld (shown False, no counts, satisfaction None)."""
    counts = (
        Rating.objects.filter(cycle=cycle)
        .values_list("community_id", "rater_kind")
        .annotate(n=Count("pk"))
        .order_by()
    )
    # The secretary rated most in the community (the post holder during the rating).
    secretaries = (
        Rating.objects.filter(cycle=cycle, secretary__isnull=False)
        .values_list("community_id", "secretary_id")
        .annotate(n=Count("pk"))
        .order_by()
    )
    answers = (
        RatingAnswer.objects.filter(rating__cycle=cycle)
        .values_list("rating__community_id", "rating__rater_kind", "question_id", "answer")
        .annotate(n=Count("pk"))
        .order_by()
    )
    per_kind: dict[tuple[int, str], KindResult] = defaultdict(KindResult)
    for community_id, kind, n in counts:
        result = per_kind[(community_id, kind)]
        result.ratings = n
        result.shown = n >= cycle.min_ratings_shown
        result.valid = n >= cycle.min_raters
    tallies: dict[tuple[int, str], dict[int, dict[str, int]]] = defaultdict(lambda: defaultdict(dict))
    for community_id, kind, question_id, answer, n in answers:
        tallies[(community_id, kind)][question_id][answer] = n
    for key, result in per_kind.items():
        if not result.shown:
            continue
        satisfied_all = total_all = 0
        for question_id, tally in tallies[key].items():
            full = {a: tally.get(a, 0) for a in Answer.values}
            satisfied = full[Answer.GOOD] + full[Answer.FAIRLY_GOOD]
            total = sum(full.values())
            result.questions[question_id] = QuestionResult(question_id, full, _percent(satisfied, total))
            satisfied_all += satisfied
            total_all += total
        result.satisfaction = _percent(satisfied_all, total_all)
    best: dict[int, tuple[int, int]] = {}
    for community_id, secretary_id, n in secretaries:
        if community_id not in best or n > best[community_id][1]:
            best[community_id] = (secretary_id, n)
    community_ids = {community_id for community_id, _kind in per_kind}
    return {
        cid: Result(
            community_id=cid,
            secretary_id=best.get(cid, (None, 0))[0],
            members=per_kind.get((cid, RaterKind.MEMBER)) or KindResult(),
            residents=per_kind.get((cid, RaterKind.RESIDENT)) or KindResult(),
        )
        for cid in sorted(community_ids)
    }


def hidden_reason() -> str:
    return _("Not enough ratings yet")

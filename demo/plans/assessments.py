"""The demo's secretary assessment (issue 8): last year's cycle closed (final, results frozen, the
top three recommended, three awards published as result pages) and this year's in its rating phase
(submissions so far, a ticket batch per community, some member ratings; the demo member
`dangyuan` has not rated yet, so /assessments/rate/ has something to do).

Everything goes through the services (assessments.services, work, ratings), with the actors a
real street would use: the street secretary `jiedao` moves the phases by hand with a reason, two
street post-holders score the committee indicators, the community secretaries submit their own
work. Last year's phases are moved with `today` set to last year's dates, so its 公示 window is
legitimately over when it becomes final (公示 from 10 December, five working days, final on the
28th: all within last year, whatever today is). What the services stamp with the clock (the
transitions' `at`, submissions' `submitted_at`, ratings' `created_on`, tickets' `used_on`, committee
scores' `scored_at`, awards' `decided_at`, the frozen results and the published result pages) is then
moved to last year's matching day by `_backdate`, so the history reads as a year that happened.

Not done: known demo ticket codes. ratings.generate_tickets draws codes at random and returns them
once; there is no service to make a ticket from a given code, and writing a RatingTicket row with a
chosen code would make the demo's tickets guessable, so the demo has none (a street manager
generates a batch on /assessments/tickets/ to try one).

Community secretaries and raters without a login get one with no usable password (submissions and
ratings are per login), as the other plans do. Idempotence is the seed's: the whole demo is written
once (demo.seed.already_seeded).
"""

from __future__ import annotations

import datetime as dt
import random

from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from wagtail.models import Page

from assessments import ratings, services, work
from assessments.models import (
    Answer,
    AssessmentCycle,
    Award,
    AwardKind,
    CommitteeScore,
    Indicator,
    IndicatorSource,
    Phase,
    PhaseTransition,
    Rating,
    RatingTicket,
    RatingTicketBatch,
    SecretaryResult,
    Submission,
    SubmissionKind,
)
from orgchart.cache import organisation_data_changed
from orgchart.models import COMMUNITY_KINDS, Member, Organisation, Tenure, current_tenure_q

from ..seed import SeedContext
from ..tables import RANDOM_SEED

MIN_RATERS = 10  # per kind (members, residents); the cycle's setting, lower than the default 20
MIN_SHOWN = 3
RATERS = 12  # members and tickets per community: valid
FEW_RATERS = 2  # in the last rated community: under min_raters and min_ratings_shown, "评议人数不足"
THIS_YEAR_RATERS = 6  # member ratings given so far this year, per community
TICKETS = 30  # this year's batch per community

REFLECTIONS = (
    "学习党的二十届三中全会精神体会",
    "学习《习近平谈治国理政》第四卷心得",
    "学习新时代“枫桥经验”的几点体会",
    "学习《中国共产党纪律处分条例》体会",
    "深入学习贯彻习近平总书记考察上海重要讲话精神",
    "学习党史，做群众贴心人",
    "学习“人民城市人民建，人民城市为人民”理念的体会",
    "学习全过程人民民主的实践体会",
    "学习《中国共产党章程》的再认识",
    "学习“四下基层”工作方法的体会",
    "学习社区治理相关政策的几点思考",
    "学习党的二十大报告关于基层治理论述的体会",
)
REPORTS = (
    "关于老旧小区加装电梯的调研报告",
    "关于社区居家养老服务需求的调研报告",
    "关于垃圾分类“定时定点”推进情况的调研报告",
    "关于社区退役军人服务保障的调研报告",
    "关于小区停车难问题的调研报告",
    "关于“15分钟社区生活圈”建设的调研报告",
    "关于业委会规范运作的调研报告",
)
PRACTICES = (
    "“楼组党建”议事会：加装电梯从协商到落地",
    "独居老人“一键通”结对关爱机制",
    "“睦邻点”带动居民自治的做法",
)
BODY = (
    "{title}。\n\n一、基本情况：本社区党组织结合工作实际，认真组织学习，广泛听取居民意见。\n\n"
    "二、主要做法：坚持党建引领，依托楼组和睦邻点，把工作做到居民家门口。\n\n"
    "三、下一步打算：继续加强学习，解决居民急难愁盼问题。"
)
ANSWER_WEIGHTS = ((Answer.GOOD, 6), (Answer.FAIRLY_GOOD, 3), (Answer.AVERAGE, 1), (Answer.POOR, 0.3))


def _login(member: Member, prefix: str):
    """The member's login; one with no usable password if they have none."""
    if member.user_id is None:
        user = get_user_model()(username=f"{prefix}-{member.pk}")
        user.set_unusable_password()
        user.save()
        Member.objects.filter(pk=member.pk).update(user=user)
        member.user = user
    return member.user


def _secretaries(street: Organisation) -> list[tuple[Organisation, object]]:
    """(community, secretary's login) for each community of the street with a secretary in post."""
    found = []
    communities = Organisation.objects.filter(
        path__startswith=street.path, depth=street.depth + 1, kind__in=COMMUNITY_KINDS
    ).order_by("path")
    for community in communities:
        secretary = ratings.secretary_of(community)
        if secretary is not None:
            found.append((community, _login(secretary, "sj")))
    return found


def _street_scorers(ctx: SeedContext) -> list:
    """jiedao and one more street post-holder (a login given if needed)."""
    jiedao = ctx.users["jiedao"]
    other = (
        Tenure.objects.filter(current_tenure_q(), post__organisation=ctx.street)
        .exclude(member__user=jiedao)
        .select_related("member")
        .order_by("pk")
        .first()
    )
    return [jiedao] + ([_login(other.member, "jd")] if other else [])


def _answers(rng: random.Random, cycle: AssessmentCycle) -> dict[str, str]:
    values, weights = zip(*ANSWER_WEIGHTS, strict=True)
    return {q.code: rng.choices(values, weights)[0] for q in ratings.questions(cycle)}


def _raters(community: Organisation, n: int, exclude: set[int]) -> list:
    members = Member.objects.active().in_subtree(community).exclude(user_id__in=exclude).order_by("pk")
    return [_login(m, "pj") for m in members[:n]]


def _submit_year(cycle, secretaries, *, months: int, skip_for: int | None) -> dict:
    """Reflections for `months` months (two skipped by the secretary at index `skip_for`), a
    report for all but the last secretary, a practice result for the first three."""
    made: dict[str, list] = {"reflection": [], "report": [], "practice": []}
    for i, (_community, secretary) in enumerate(secretaries):
        missing = {3, 7} if i == skip_for else set()
        for month in range(1, months + 1):
            if month in missing:
                continue
            title = REFLECTIONS[(month + i) % len(REFLECTIONS)]
            made["reflection"].append(
                work.submit(
                    cycle,
                    actor=secretary,
                    kind=SubmissionKind.REFLECTION,
                    month=month,
                    title=title,
                    body=BODY.format(title=title),
                )
            )
        if i < len(secretaries) - 1:
            title = REPORTS[i % len(REPORTS)]
            made["report"].append(
                work.submit(
                    cycle,
                    actor=secretary,
                    kind=SubmissionKind.REPORT,
                    title=title,
                    body=BODY.format(title=title),
                    upload=_full_text(title),
                )
            )
        if i < len(PRACTICES):
            title = PRACTICES[i]
            made["practice"].append(
                work.submit(
                    cycle,
                    actor=secretary,
                    kind=SubmissionKind.PRACTICE,
                    title=title,
                    body=BODY.format(title=title),
                )
            )
    return made


def _full_text(title: str) -> SimpleUploadedFile:
    """A report's full text as its attachment (a plain-text file: the demo has no office files)."""
    text = f"{title}\n\n" + "\n\n".join(BODY.format(title=title) for _ in range(3))
    return SimpleUploadedFile(f"{title}（全文）.txt", text.encode("utf-8"), content_type="text/plain")


def _rate(rng, cycle, secretaries, *, members: int, tickets: int, few: int | None, exclude: set[int]):
    for i, (community, _secretary) in enumerate(secretaries):
        n_members = few if few is not None and i == len(secretaries) - 1 else members
        n_tickets = few if few is not None and i == len(secretaries) - 1 else tickets
        for user in _raters(community, n_members, exclude):
            ratings.rate_as_member(user, _answers(rng, cycle))
        if n_tickets:
            _batch, codes = ratings.generate_tickets(cycle, community, n_tickets, actor=None)
            for code in codes:  # never printed or logged
                ratings.rate_with_ticket(code, _answers(rng, cycle))


def _last_year(ctx: SeedContext, rng, secretaries, scorers, exclude) -> AssessmentCycle:
    jiedao = ctx.users["jiedao"]
    year = timezone.localdate().year - 1
    d = dt.date
    cycle = services.create_cycle(
        actor=jiedao,
        street=ctx.street,
        year=year,
        open_on=d(year, 1, 1),
        rating_on=d(year, 11, 1),
        review_on=d(year, 11, 20),
        publicity_on=d(year, 12, 10),
        min_raters=MIN_RATERS,
        min_ratings_shown=MIN_SHOWN,
    )
    services.advance(cycle, Phase.OPEN, actor=jiedao, reason="按年度安排启动考评", today=d(year, 1, 1))
    made = _submit_year(cycle, secretaries, months=12, skip_for=1)
    services.advance(cycle, Phase.RATING, actor=jiedao, reason="进入述职评议阶段", today=d(year, 11, 1))
    _rate(rng, cycle, secretaries, members=RATERS, tickets=RATERS, few=FEW_RATERS, exclude=exclude)
    services.advance(
        cycle, Phase.REVIEW, actor=jiedao, reason="评议结束，进入考评小组评分", today=d(year, 11, 20)
    )
    committee = Indicator.objects.filter(cycle=cycle, source=IndicatorSource.COMMITTEE).order_by(
        "order", "pk"
    )
    for indicator in committee:
        for scorer in scorers:
            for _community, secretary in secretaries:
                share = rng.choice((0.7, 0.8, 0.85, 0.9, 0.95, 1))
                work.score(
                    cycle,
                    actor=scorer,
                    indicator=indicator,
                    secretary=secretary,
                    value=(indicator.weight * type(indicator.weight)(str(share))).quantize(indicator.weight),
                    comment=rng.choice(
                        ("工作扎实，群众认可度高", "履职尽责，有创新举措", "基础工作较好，仍有提升空间")
                    ),
                )
    for kind, key in (
        (AwardKind.REFLECTION, "reflection"),
        (AwardKind.REPORT, "report"),
        (AwardKind.PRACTICE, "practice"),
    ):
        work.award(
            cycle, actor=jiedao, kind=kind, submission=made[key][0], reason="选题贴近实际，成效明显，予以推广"
        )
    services.advance(cycle, Phase.PUBLICITY, actor=jiedao, reason="评分完成，结果公示", today=d(year, 12, 10))
    services.advance(cycle, Phase.FINAL, actor=jiedao, reason="公示期满无异议", today=d(year, 12, 28))
    _backdate(cycle)
    return cycle


def _at(day: dt.date, hour: int = 10) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour)))


def _backdate(cycle: AssessmentCycle) -> None:
    """Last year's clock-stamped rows moved to the days they would have happened on."""
    year = cycle.year
    d = dt.date
    phase_days = {
        Phase.OPEN: d(year, 1, 1),
        Phase.RATING: d(year, 11, 1),
        Phase.REVIEW: d(year, 11, 20),
        Phase.PUBLICITY: d(year, 12, 10),
        Phase.FINAL: d(year, 12, 28),
    }
    for phase, day in phase_days.items():
        PhaseTransition.objects.filter(cycle=cycle, to_phase=phase).update(at=_at(day, 9))
    for month in range(1, 13):
        # Reflections at the end of their month; other work in October, before rating opens.
        Submission.objects.filter(cycle=cycle, month=month).update(submitted_at=_at(d(year, month, 25), 16))
    Submission.objects.filter(cycle=cycle, month__isnull=True).update(submitted_at=_at(d(year, 10, 20), 16))
    Rating.objects.filter(cycle=cycle).update(created_on=d(year, 11, 10))
    RatingTicketBatch.objects.filter(cycle=cycle).update(created_at=_at(d(year, 10, 28)))
    RatingTicket.objects.filter(batch__cycle=cycle, used_on__isnull=False).update(used_on=d(year, 11, 10))
    CommitteeScore.objects.filter(cycle=cycle).update(scored_at=_at(d(year, 12, 1), 15))
    Award.objects.filter(cycle=cycle).update(decided_at=_at(d(year, 12, 5), 15))
    frozen = _at(phase_days[Phase.PUBLICITY], 9)
    AssessmentCycle.objects.filter(pk=cycle.pk).update(scores_frozen_at=frozen)
    SecretaryResult.objects.filter(cycle=cycle).update(frozen_at=frozen)
    published = _at(phase_days[Phase.FINAL], 9)
    pages = Award.objects.filter(cycle=cycle, result_page__isnull=False).values_list(
        "result_page_id", flat=True
    )
    Page.objects.filter(pk__in=list(pages)).update(
        first_published_at=published, last_published_at=published, latest_revision_created_at=published
    )
    cycle.refresh_from_db()


def _this_year(ctx: SeedContext, rng, secretaries, exclude) -> AssessmentCycle:
    jiedao = ctx.users["jiedao"]
    today = timezone.localdate()
    year = today.year
    cycle = services.create_cycle(
        actor=jiedao,
        street=ctx.street,
        year=year,
        open_on=dt.date(year, 1, 1),
        rating_on=today,
        review_on=max(today + dt.timedelta(days=14), dt.date(year, 12, 15)),
        publicity_on=max(today + dt.timedelta(days=28), dt.date(year + 1, 1, 5)),
        min_raters=MIN_RATERS,
        min_ratings_shown=MIN_SHOWN,
    )
    services.advance(cycle, Phase.OPEN, actor=jiedao, reason="按年度安排启动考评")
    # Reflections up to last month (this month's may still come).
    _submit_year(cycle, secretaries, months=max(today.month - 1, 1), skip_for=2)
    services.advance(cycle, Phase.RATING, actor=jiedao, reason="进入述职评议阶段")
    _rate(rng, cycle, secretaries, members=THIS_YEAR_RATERS, tickets=0, few=None, exclude=exclude)
    for community, _secretary in secretaries:
        ratings.generate_tickets(cycle, community, TICKETS, actor=jiedao)  # codes dropped: shown once
    return cycle


def seed(ctx: SeedContext) -> None:
    rng = random.Random(RANDOM_SEED + 8)
    secretaries = _secretaries(ctx.street)
    scorers = _street_scorers(ctx)
    # dangyuan is left to rate this year (and the demo logins are kept out of the raters).
    exclude = {u.pk for u in ctx.users.values()}
    last = _last_year(ctx, rng, secretaries, scorers, exclude)
    this = _this_year(ctx, rng, secretaries, exclude)
    organisation_data_changed()  # member rows got logins through queryset updates
    ctx.figures.append(("assessment results", SecretaryResult.objects.filter(cycle=last).count()))
    ctx.figures.append(
        ("assessment cycles", AssessmentCycle.objects.filter(pk__in=[last.pk, this.pk]).count())
    )
    ctx.lap("assessments")

"""The access rule, written once: holding a post in an organisation manages its subtree.

- A superuser manages everything.
- A member holding a current post (Tenure in force) in organisation X manages X and every
  organisation below it, and every member in that subtree.
- Every member sees their own record.
- Full identity numbers and mobiles (personal data) are shown only to the member themself and to
  holders of the posts that keep members' files — secretary, deputy secretary, organisation
  committee member — in a subtree above them; everyone else who may see a member sees them masked.
- A member's login (create, reset, disable, enable) is managed only by a holder of a files-keeping
  post who outranks every post the member holds: rank, not reach (login_refusal).
- A member who left the street (Member.left_on set) signs in no more (login_allowed).
Views, the Wagtail admin, the API and tasks all ask these functions; none re-states the rule.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from core.tree import compress_paths, path_within, paths_q

from .models import ImportJob, Member, Organisation, PostTitle, Tenure, Transfer, current_tenure_q

_CACHE_ATTR = "_orgchart_managed_paths"
_ADDRESSED_CACHE_ATTR = "_orgchart_addressed_paths"
# Posts that keep members' files and so see personal data unmasked.
PERSONAL_DATA_TITLES = (PostTitle.SECRETARY, PostTitle.DEPUTY_SECRETARY, PostTitle.ORGANISATION)


Posts = tuple[tuple[str, str], ...]  # (organisation path, post title) pairs


def _known_not_a_member(user) -> bool:
    """The user's member row was loaded with them (select_related, as the session and token
    backends do) and there is none: a registered volunteer, say."""
    descriptor = getattr(type(user), "member", None)
    if descriptor is None or not descriptor.is_cached(user):
        return False
    try:
        return user.member is None
    except Member.DoesNotExist:  # cached as absent: no query is run to say so
        return True


def _post_paths(user) -> tuple[tuple[str, ...], tuple[str, ...], Posts]:
    """(managed paths, personal-data paths, files-keeping posts) of `user`, from one query,
    cached on the user."""
    if user is None or not user.is_authenticated or not user.is_active:
        return (), (), ()
    cached = getattr(user, _CACHE_ATTR, None)
    if cached is not None:
        return cached
    if user.is_superuser:
        result: tuple[tuple[str, ...], tuple[str, ...], Posts] = (("",), ("",), ())
    elif _known_not_a_member(user):  # posts are held by members: none, and no query to say so
        result = ((), (), ())
    else:
        rows = list(
            Tenure.objects.filter(
                current_tenure_q(),
                member__user=user,
                member__left_on__isnull=True,
                post__organisation__closed_on__isnull=True,
            ).values_list("post__organisation__path", "post__title")
        )
        result = (
            compress_paths(path for path, _title in rows),
            compress_paths(path for path, title in rows if title in PERSONAL_DATA_TITLES),
            tuple(sorted({(path, title) for path, title in rows if title in PERSONAL_DATA_TITLES})),
        )
    setattr(user, _CACHE_ATTR, result)
    return result


def managed_paths(user) -> tuple[str, ...]:
    """Tree paths of the subtrees `user` manages; ("",) means the whole tree. Cached on the user."""
    return _post_paths(user)[0]


def personal_data_paths(user) -> tuple[str, ...]:
    """Tree paths of the subtrees where `user` sees members' personal data unmasked."""
    return _post_paths(user)[1]


def forget(user) -> None:
    """Drop the cached paths, e.g. after an appointment changes within one request."""
    for attr in (_CACHE_ATTR, _ADDRESSED_CACHE_ATTR):
        if hasattr(user, attr):
            delattr(user, attr)


def is_manager(user) -> bool:
    return bool(managed_paths(user))


def is_street_manager(user) -> bool:
    """Manages a whole tree root (the street) or everything."""
    return any(len(p) <= Organisation.steplen for p in managed_paths(user))


def can_manage(user, org: Organisation) -> bool:
    return path_within(org.path, managed_paths(user))


def manageable_organisations(user) -> QuerySet[Organisation]:
    return Organisation.objects.in_subtrees(managed_paths(user))


def member_for(user) -> Member | None:
    if user is None or not user.is_authenticated:
        return None
    try:
        return user.member
    except Member.DoesNotExist:
        return None


def managed_members(user) -> QuerySet[Member]:
    return Member.objects.in_subtrees(managed_paths(user))


def visible_members(user) -> QuerySet[Member]:
    """Members `user` may read: those in managed subtrees, and their own record."""
    q = paths_q(managed_paths(user), "organisation__path")
    if user is not None and user.is_authenticated:
        q |= Q(user=user)
    return Member.objects.filter(q)


def can_view_member(user, member: Member) -> bool:
    return can_manage(user, member.organisation) or (
        user is not None and user.is_authenticated and member.user_id == user.pk
    )


def can_edit_member(user, member: Member) -> bool:
    return can_manage(user, member.organisation)


def can_see_personal_data(user, member: Member) -> bool:
    """Full ID number and mobile: the member themself, and secretaries, deputy secretaries and
    organisation committee members of a subtree above the member."""
    if user is not None and user.is_authenticated and member.user_id == user.pk:
        return True
    return path_within(member.organisation.path, personal_data_paths(user))


@dataclass(frozen=True)
class PersonalData:
    """A member's identity number and mobile as `user` may see them: full or masked."""

    id_number: str
    mobile: str
    full: bool


def personal_data(user, member: Member) -> PersonalData:
    """The one place pages, the API and exports get a member's personal data from."""
    if can_see_personal_data(user, member):
        return PersonalData(member.id_number, member.mobile, True)
    return PersonalData(member.id_number_masked, member.masked_mobile, False)


def can_view_members_of(user, org: Organisation) -> bool:
    return can_manage(user, org)


def visible_transfers(user) -> QuerySet[Transfer]:
    """Transfers out of or into the subtrees `user` manages."""
    paths = managed_paths(user)
    return Transfer.objects.filter(
        paths_q(paths, "from_organisation__path") | paths_q(paths, "to_organisation__path")
    )


def transfers_awaiting(user, side: str) -> QuerySet[Transfer]:
    """Pending transfers `user` may decide: side "receive" (accept or decline) or "send" (withdraw)."""
    field = "to_organisation__path" if side == "receive" else "from_organisation__path"
    return Transfer.objects.pending().filter(paths_q(managed_paths(user), field))


def can_view_transfer(user, transfer: Transfer) -> bool:
    return any(
        org is not None and can_manage(user, org)
        for org in (transfer.from_organisation, transfer.to_organisation)
    )


def can_receive_transfer(user, transfer: Transfer) -> bool:
    """Accept or decline: a manager of the receiving organisation (the street manages it too)."""
    return transfer.to_organisation is not None and can_manage(user, transfer.to_organisation)


def can_withdraw_transfer(user, transfer: Transfer) -> bool:
    """Withdraw: a manager of the organisation the member still belongs to, the sending side."""
    return transfer.from_organisation is not None and can_manage(user, transfer.from_organisation)


# Roster imports ---------------------------------------------------------------------------
# A job belongs to the organisations its rows target (recorded on the job when its rows are
# checked: those the uploader manages). Whoever manages one of them sees the job; the uploader
# always sees their own. A job that targets none yet (waiting for a worker, a file refused as a
# whole, every row naming an unknown or unmanaged code) belongs to the street: its uploader and
# the street's managers see it. The job page, its status JSON, its stored file, the admin's
# policy and the admin listing all ask these two functions.


def visible_import_jobs(user) -> QuerySet[ImportJob]:
    """Roster import jobs `user` may see."""
    if user is None or not user.is_authenticated or not user.is_active:
        return ImportJob.objects.none()
    targets = ImportJob.organisations.through.objects.filter(importjob=OuterRef("pk"))
    q = Q(created_by=user) | Exists(targets.filter(paths_q(managed_paths(user), "organisation__path")))
    if is_street_manager(user):
        q |= ~Exists(targets)
    return ImportJob.objects.filter(q)


def can_view_import_job(user, job: ImportJob) -> bool:
    """Whether `user` may see `job`: the rule of visible_import_jobs for one job."""
    if user is None or not user.is_authenticated or not user.is_active:
        return False
    if job.created_by_id == user.pk:
        return True
    paths = list(job.organisations.values_list("path", flat=True))
    if not paths:
        return is_street_manager(user)
    return any(path_within(path, managed_paths(user)) for path in paths)


def manager_users(org: Organisation | None = None) -> QuerySet:
    """Active users who manage `org` (anything at all when None): the rule above, read backwards."""
    from django.contrib.auth import get_user_model

    tenures = Tenure.objects.filter(
        current_tenure_q(), member__left_on__isnull=True, post__organisation__closed_on__isnull=True
    )
    if org is not None:
        ancestors = [org.path[: i * Organisation.steplen] for i in range(1, org.depth + 1)]
        tenures = tenures.filter(post__organisation__path__in=ancestors)
    users = get_user_model().objects.filter(is_active=True)
    return users.filter(Q(is_superuser=True) | Q(pk__in=tenures.values("member__user"))).distinct()


# Logins ---------------------------------------------------------------------------------------
# Rank within one organisation: secretary > deputy secretary > every other committee post.
POST_RANKS = {PostTitle.SECRETARY: 0, PostTitle.DEPUTY_SECRETARY: 1}
_TARGET_POSTS_ATTR = "_orgchart_login_posts"


def post_rank(title: str) -> int:
    """0 for a secretary, 1 for a deputy secretary, 2 for every other post (lower is higher)."""
    return POST_RANKS.get(title, 2)


def post_sits_below(path: str, title: str, over_path: str, over_title: str) -> bool:
    """The post (`path`, `title`) sits strictly below the post (`over_path`, `over_title`): in an
    organisation below it, or in the same organisation at a lower rank."""
    if path == over_path:
        return post_rank(title) > post_rank(over_title)
    return path.startswith(over_path)


def held_posts(member: Member) -> Posts:
    """Every post `member` holds today or is appointed to from a later day, closed organisations
    included: a login handed over today must not become a superior's tomorrow. Cached on `member`."""
    cached = getattr(member, _TARGET_POSTS_ATTR, None)
    if cached is None:
        today = timezone.localdate()
        rows = Tenure.objects.filter(member=member).filter(Q(ended_on__isnull=True) | Q(ended_on__gte=today))
        cached = tuple(sorted(set(rows.values_list("post__organisation__path", "post__title"))))
        setattr(member, _TARGET_POSTS_ATTR, cached)
    return cached


def login_refusal(actor, member: Member) -> str | None:
    """Why `actor` may not create, reset, disable or enable `member`'s login; None when they may.

    - A superuser may act on anyone; another superuser's login only a superuser may touch.
    - Otherwise the actor must hold a post that keeps members' files (PERSONAL_DATA_TITLES) in
      a subtree holding the member, and every post the member holds must sit strictly below one
      of the actor's files-keeping posts (post_sits_below): never a peer's or a superior's.
    """
    if actor is None or not actor.is_authenticated or not actor.is_active:
        return _("Sign in to manage logins.")
    target = member.user if member.user_id is not None else None
    if target is not None and target.is_superuser and not actor.is_superuser:
        return _("You may not change the login of a system administrator.")
    if actor.is_superuser:
        return None
    own_posts = _post_paths(actor)[2]
    if not own_posts:
        return _("Only secretaries, deputy secretaries and organisation committee members manage logins.")
    if not path_within(member.organisation.path, personal_data_paths(actor)):
        return _("You do not keep the files of this member's organisation.")
    for path, title in held_posts(member):
        if not any(post_sits_below(path, title, own, own_title) for own, own_title in own_posts):
            return _("This member holds a post at your level or above; ask a higher level.")
    return None


def may_manage_login(actor, member: Member) -> bool:
    return login_refusal(actor, member) is None


def login_allowed(user) -> bool:
    """May `user` sign in (or keep a session or token)? Not once their member record left the
    street: the record stays for managers to read, the login stops. Users with no member record
    (system administrators) are not concerned."""
    if user is None or not getattr(user, "is_active", False):
        return False
    member = member_for(user)
    return member is None or member.left_on is None


# Content addressed to organisations (notices, study material, activities) ------------------


def own_organisation_path(user) -> str | None:
    """The tree path of the branch `user` belongs to as an active member, if any."""
    member = member_for(user)
    if member is None or not member.is_active:
        return None
    return member.organisation.path


def addressed_paths(user) -> tuple[str, ...]:
    """Paths of the organisations whose addressed content reaches `user` as a member: their own
    branch and every organisation above it."""
    if user is None or not user.is_authenticated:
        return ()
    cached = getattr(user, _ADDRESSED_CACHE_ATTR, None)
    if cached is None:
        path = own_organisation_path(user) or ""
        step = Organisation.steplen
        cached = tuple(path[:end] for end in range(step, len(path) + 1, step))
        setattr(user, _ADDRESSED_CACHE_ATTR, cached)
    return cached


def addressed_q(user, field: str) -> Q:
    """Rows addressed to an organisation (its path in `field`) that `user` may read: addressed to
    their own branch or an organisation above it, or to one in a subtree they manage."""
    q = paths_q(managed_paths(user), field)
    ancestors = addressed_paths(user)
    if ancestors:
        q |= Q(**{f"{field}__in": ancestors})
    return q


def is_addressed_to(user, org_path: str) -> bool:
    """The per-object form of `addressed_q`."""
    return org_path in addressed_paths(user) or path_within(org_path, managed_paths(user))

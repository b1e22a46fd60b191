"""Rank, not reach: who may create, reset, disable or enable whose login, over every pair of
demo post holders (actor × target), against a statement of the rule written here independently
of orgchart.access.

The rule (issue 5): an actor may act on a login only if they hold a post that keeps members'
files (secretary, deputy secretary, organisation committee member) in a subtree holding the
member, and every post the member holds (today or from a later day) sits strictly below one of
those posts of the actor — in an organisation below it, or in the same organisation at a lower
rank (secretary > deputy secretary > every other post). A superuser may act on anyone; another
superuser's login only a superuser may touch.

The access function is asked for the whole matrix; the services (create, reset, disable,
enable) and the admin page for a sample of allowed and refused pairs.
"""

from __future__ import annotations

import datetime as dt
import random
from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.core.management import call_command
from django.db import transaction
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from orgchart import access, services
from orgchart.models import Member, Organisation, Tenure

User = get_user_model()
PASSWORD = "Huangpu-river-1949"
FILE_KEEPERS = {"secretary", "deputy_secretary", "organisation"}
RANK = {"secretary": 0, "deputy_secretary": 1}  # every other post ranks 2, below these


@pytest.fixture(scope="module")
def seeded(django_db_setup, django_db_blocker):
    """The demo street (scale 1), every post holder with a login; rolled back at the end."""
    with django_db_blocker.unblock(), override_settings(DEBUG=True), transaction.atomic():
        call_command("seed_demo", stdout=StringIO())
        holders = list(Member.objects.filter(pk__in=Tenure.objects.values("member"), user__isnull=True))
        users = [User(username=f"holder{member.pk}") for member in holders]
        for user in users:
            user.set_password(PASSWORD)
        User.objects.bulk_create(users)
        users = User.objects.in_bulk([u.username for u in users], field_name="username")
        for member in holders:
            member.user = users[f"holder{member.pk}"]
        Member.objects.bulk_update(holders, ["user"])
        yield
        transaction.set_rollback(True)


def _statement():
    """Who may act on whose login, computed from the tables, not from orgchart.access."""
    today = timezone.localdate()
    orgs = {o.pk: o for o in Organisation.objects.all()}
    by_path = {o.path: o.pk for o in orgs.values()}

    def ancestors_or_self(org_pk: int) -> set[int]:
        path, step = orgs[org_pk].path, Organisation.steplen
        return {by_path[path[:i]] for i in range(step, len(path) + 1, step)}

    tenures = list(Tenure.objects.select_related("post", "member"))
    held: dict[int, set[tuple[int, str]]] = {}
    keeps: dict[int, set[tuple[int, str]]] = {}
    for t in tenures:
        not_ended = t.ended_on is None or t.ended_on >= today
        if not_ended:
            held.setdefault(t.member_id, set()).add((t.post.organisation_id, t.post.title))
        in_force = not_ended and t.started_on <= today
        if (
            in_force
            and t.post.title in FILE_KEEPERS
            and t.member.left_on is None
            and orgs[t.post.organisation_id].closed_on is None
        ):
            keeps.setdefault(t.member_id, set()).add((t.post.organisation_id, t.post.title))

    def below(target_post, actor_post) -> bool:
        (t_org, t_title), (a_org, a_title) = target_post, actor_post
        if t_org == a_org:
            return RANK.get(t_title, 2) > RANK.get(a_title, 2)
        return a_org in ancestors_or_self(t_org)

    def may(actor: Member, target: Member) -> bool:
        own = keeps.get(actor.pk, set())
        if not own:
            return False
        if not any(org in ancestors_or_self(target.organisation_id) for org, _title in own):
            return False
        return all(any(below(tp, ap) for ap in own) for tp in held.get(target.pk, set()))

    return may


@pytest.fixture
def people(seeded, db):
    """Every member holding or appointed to a post (the demo's ~195 posts), with user and org."""
    holders = Tenure.objects.filter(ended_on__isnull=True) | Tenure.objects.filter(
        ended_on__gte=timezone.localdate()
    )
    return list(
        Member.objects.filter(pk__in=holders.values("member"))
        .select_related("organisation", "user")
        .order_by("pk")
    )


def test_the_demo_has_the_posts_this_test_is_about(people):
    titles = set(Tenure.objects.filter(member__in=people).values_list("post__title", flat=True))
    assert len(people) > 120
    assert {"secretary", "deputy_secretary", "organisation", "propaganda", "group_leader"} <= titles


def test_the_access_function_matches_the_rule_for_every_pair_of_post_holders(people):
    may = _statement()
    mismatches, allowed = [], 0
    for actor in people:
        user = actor.user
        for target in people:
            expected = may(actor, target)
            allowed += expected
            if access.may_manage_login(user, target) != expected:
                mismatches.append((actor.pk, target.pk, expected))
    assert mismatches == []
    # The matrix is not trivially one-sided.
    assert 0 < allowed < len(people) ** 2 / 2


def test_nobody_may_act_on_their_own_login_or_a_peers(people):
    by_post: dict[tuple[int, str], Member] = {}
    for t in Tenure.objects.filter(member__in=people, ended_on__isnull=True).select_related("post"):
        by_post[(t.post.organisation_id, t.post.title)] = t.member
    for member in people:
        assert not access.may_manage_login(member.user, member)
    # The secretary and the deputy of one organisation, either way round, and a committee member
    # over their own secretary.
    for (org, title), holder in by_post.items():
        if title == "deputy_secretary" and (org, "secretary") in by_post:
            secretary = by_post[(org, "secretary")]
            if secretary.pk != holder.pk:
                assert not access.may_manage_login(holder.user, secretary)
        if title == "organisation" and (org, "secretary") in by_post:
            secretary = by_post[(org, "secretary")]
            if secretary.pk != holder.pk:
                assert not access.may_manage_login(holder.user, secretary)


def test_a_superuser_may_act_on_anyone_but_a_superuser_only_as_a_superuser(people):
    root = User.objects.create_superuser(username="root", password=PASSWORD)
    for target in people:
        assert access.may_manage_login(root, target)
    other_root = User.objects.create_superuser(username="root2", password=PASSWORD)
    target = people[0]
    target.user = other_root
    assert access.may_manage_login(root, target)
    for actor in people[1:21]:
        assert not access.may_manage_login(actor.user, target)


def _sample(people, allowed: bool, n: int = 6) -> list[tuple[Member, Member]]:
    """`n` pairs the rule allows (or refuses), no member in two of them: an action on one pair
    leaves the others as the demo has them."""
    may = _statement()
    rng = random.Random(5 + allowed)
    pairs = [(a, t) for a in people for t in people if a.pk != t.pk and may(a, t) == allowed]
    rng.shuffle(pairs)
    chosen, used = [], set()
    for a, t in pairs:
        if a.pk not in used and t.pk not in used:
            chosen.append((a, t))
            used |= {a.pk, t.pk}
        if len(chosen) == n:
            break
    return chosen


def _fresh(member: Member) -> Member:
    return Member.objects.select_related("organisation", "user").get(pk=member.pk)


def _act(action: str, actor, target: Member) -> None:
    if action == "create":
        target.user = None  # the target without a login
        target.save(update_fields=["user"])
        services.create_login(_fresh(target), username=f"new{target.pk}", password=PASSWORD, actor=actor)
    elif action == "reset":
        services.reset_password(_fresh(target), password=PASSWORD + "x", actor=actor)
    elif action == "disable":
        services.disable_login(_fresh(target), actor=actor)
    else:
        services.disable_login(_fresh(target))
        services.enable_login(_fresh(target), actor=actor)


@pytest.mark.parametrize("action", ["create", "reset", "disable", "enable"])
def test_the_services_follow_the_rule_for_a_sample_of_pairs(people, action):
    for allowed in (True, False):
        for actor, target in _sample(people, allowed):
            actor, target = _fresh(actor), _fresh(target)  # _act changes the target in a savepoint
            assert actor.user is not None
            with transaction.atomic():
                if allowed:
                    _act(action, actor.user, target)
                else:
                    with pytest.raises(PermissionDenied):
                        _act(action, actor.user, target)
                        transaction.set_rollback(True)


def test_a_community_secretary_cannot_give_a_street_post_holder_a_login(people):
    """The first finding: a member of the community holding a street post is the street's."""
    street = Organisation.objects.get(depth=1, code="JD")
    today = timezone.localdate()
    for target in people:
        street_post = Tenure.objects.filter(member=target, post__organisation=street, ended_on__isnull=True)
        if not street_post.exists():
            continue
        community = target.organisation.get_ancestors().filter(depth=2).first() or target.organisation
        secretaries = Tenure.objects.filter(
            post__organisation=community, post__title="secretary", ended_on__isnull=True
        ).exclude(member=target)
        for tenure in secretaries.filter(started_on__lte=today):
            with pytest.raises(PermissionDenied):
                services.reset_password(_fresh(target), password=PASSWORD + "y", actor=tenure.member.user)


def test_a_post_from_a_later_day_counts_already(people):
    """A login handed over today must not become a superior's tomorrow."""
    actor, target = _sample(people, True, 1)[0]
    assert access.may_manage_login(actor.user, _fresh(target))
    own_post = Tenure.objects.filter(
        member=actor, post__title__in=FILE_KEEPERS, ended_on__isnull=True
    ).first()
    services.appoint(own_post.post, target, started_on=timezone.localdate() + dt.timedelta(days=7))
    target = _fresh(target)
    assert not _statement()(actor, target)
    assert not access.may_manage_login(actor.user, target)


def test_the_admin_page_refuses_a_pair_the_rule_refuses(people, client):
    for actor, target in _sample(people, False, 4):
        if not access.can_view_member(actor.user, target):
            continue
        client.force_login(actor.user)
        data = {"action": "reset", "password1": PASSWORD + "z", "password2": PASSWORD + "z"}
        response = client.post(reverse("orgchart_member:account", args=(target.pk,)), data)
        assert response.status_code in (200, 403, 404)
        assert not User.objects.get(pk=target.user_id).check_password(PASSWORD + "z")

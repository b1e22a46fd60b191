"""Extension point: more members a "subtree" activity admits than those of the organiser's subtree.

An activity open to "members of the organiser's organisation and below" (Eligibility.SUBTREE)
admits the active members whose branch lies in the organiser's subtree (volunteers.access). An app
above volunteers in the layers may widen that without volunteers importing it: it registers a
*member scope* — a callable taking the activity and returning a `Q` over `orgchart.Member` rows
(the members it admits as well), or None when it admits no one for that activity — from its
AppConfig.ready():

    from volunteers import scopes
    scopes.register(my_scope)

cobuilding registers the members reported in (双报到) to the community organising the activity
(cobuilding.eligibility). The eligibility check stays ONE query: the member's own subtree and
every registered scope are asked together in a single EXISTS over the member's row (see
volunteers.access.eligibility_refusal); a scope must therefore be a filter on Member (subqueries
welcome), never a query of its own.
"""

from __future__ import annotations

from collections.abc import Callable

from django.db.models import Q

MemberScope = Callable[[object], Q | None]

_scopes: list[MemberScope] = []


def register(scope: MemberScope) -> MemberScope:
    """Add `scope` (once; registering it again is a no-op, as ready() may run twice in tests)."""
    if scope not in _scopes:
        _scopes.append(scope)
    return scope


def unregister(scope: MemberScope) -> None:
    if scope in _scopes:
        _scopes.remove(scope)


def extra_members_q(activity) -> Q | None:
    """The members the registered scopes admit to `activity` besides its subtree's (None: none)."""
    q: Q | None = None
    for scope in _scopes:
        extra = scope(activity)
        if extra is not None:
            q = extra if q is None else q | extra
    return q

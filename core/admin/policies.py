"""Wagtail permission policies answered by the project's access rule.

Wagtail's generic admin views ask a model's permission policy "may this user do X (to this
object)?" and "which objects may they do X to?". `AccessRulePolicy` answers from the access rule:
a user manages some subtrees of the organisation tree and may act on the rows that point at an
organisation inside them. An app declares one per model, naming the field that points at the
organisation; no Django Permission rows or groups are involved:

    register_permission_policy(Activity, AccessRulePolicy(Activity, org_field="organiser"))

The rule. core imports no app, so the setting `PORTAL_ACCESS_RULE` names the module holding the
rule (the project sets "orgchart.access"). That module provides:

- `managed_paths(user) -> tuple[str, ...]`: tree paths of the subtrees `user` manages, empty for
  none; `""` is the path of everything (a superuser);
- `manager_users(org=None) -> QuerySet`: the users who manage `org` (anyone who manages
  anything when None), for Wagtail's "who may act on this?" questions.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable
from importlib import import_module
from types import ModuleType
from typing import Any

from django.conf import settings
from django.db.models import Model, Q, QuerySet
from wagtail.permission_policies.base import BasePermissionPolicy

from core.tree import path_within, paths_q

EDIT_ACTIONS = frozenset({"add", "change", "view"})
READ_ONLY = frozenset({"view"})


@functools.cache
def _load_rule(module_path: str) -> ModuleType:
    return import_module(module_path)


def access_rule() -> ModuleType:
    """The module named by settings.PORTAL_ACCESS_RULE."""
    return _load_rule(settings.PORTAL_ACCESS_RULE)


def managed_paths(user) -> tuple[str, ...]:
    return tuple(access_rule().managed_paths(user))


class AccessRulePolicy(BasePermissionPolicy):
    """Managers may act on the rows pointing at an organisation in the subtrees they manage.

    `org_field` names the foreign key to the organisation (a lookup such as "post__organisation"
    works too), or a tuple of them: a row is in scope when any of them is (a transfer is seen from
    either side; an empty one counts for nothing). None means the model is the organisation tree
    itself. `actions` lists what the admin may do with the model at all (read-only: READ_ONLY).

    Subclasses with another rule for some action override `scope` and `in_scope`.
    """

    actions: frozenset[str] = EDIT_ACTIONS

    def __init__(self, model, *, org_field: str | tuple[str, ...] | None = "organisation", actions=None):
        super().__init__(model)
        if org_field is None:
            self.org_fields: tuple[str, ...] = ()
        else:
            self.org_fields = (org_field,) if isinstance(org_field, str) else tuple(org_field)
        if actions is not None:
            self.actions = frozenset(actions)

    # The organisations a row points at --------------------------------------------------------

    def path_fields(self) -> tuple[str, ...]:
        return tuple(f"{field}__path" for field in self.org_fields) or ("path",)

    def organisations_of(self, instance: Model) -> list[Any]:
        """The organisations `instance` points at (itself for the tree); None ones left out."""
        if not self.org_fields:
            return [instance]
        found = []
        for field in self.org_fields:
            org = instance
            for part in field.split("__"):
                org = getattr(org, part) if org is not None else None
            if org is not None:
                found.append(org)
        return found

    # Scope --------------------------------------------------------------------------------------

    def scope(self, user, action: str) -> QuerySet:
        """The rows `user` may do `action` to (permission for the action aside)."""
        paths = managed_paths(user)
        q = Q(pk__in=[])
        for field in self.path_fields():
            q |= paths_q(paths, field)
        return self.model._default_manager.filter(q)

    def in_scope(self, user, action: str, instance: Model) -> bool:
        paths = managed_paths(user)
        return any(path_within(org.path, paths) for org in self.organisations_of(instance))

    # Wagtail's questions ------------------------------------------------------------------------

    def user_has_permission(self, user, action: str) -> bool:
        return action in self.actions and bool(managed_paths(user))

    def user_has_any_permission(self, user, actions: Iterable[str]) -> bool:
        return any(self.user_has_permission(user, action) for action in actions)

    def users_with_any_permission(self, actions: Iterable[str]) -> QuerySet:
        if not self.actions.intersection(actions):
            return access_rule().manager_users().none()
        return access_rule().manager_users()

    def user_has_permission_for_instance(self, user, action: str, instance: Model) -> bool:
        return self.user_has_permission(user, action) and self.in_scope(user, action, instance)

    def instances_user_has_any_permission_for(self, user, actions: Iterable[str]) -> QuerySet:
        allowed = [action for action in actions if self.user_has_permission(user, action)]
        if not allowed:
            return self.model._default_manager.none()
        # An action's scope is the same for every action except where a subclass widens "view"
        # (e.g. a member's own record); ask for the widest one requested.
        return self.scope(user, "view" if "view" in allowed else allowed[0])

    def users_with_any_permission_for_instance(self, actions: Iterable[str], instance: Model) -> QuerySet:
        orgs = self.organisations_of(instance)
        if not orgs:
            return access_rule().manager_users().none()
        users = access_rule().manager_users(orgs[0])
        for org in orgs[1:]:
            users = users | access_rule().manager_users(org)
        return users

"""Wagtail permission policies for the orgchart models, decided by orgchart.access.

Wagtail's generic admin views ask a model's permission policy "may this user do X (to this
object)?" and "which objects may they do X to?". These policies answer by asking the access rule
(orgchart.access), so the admin applies exactly the rule the views and the API apply; no Django
Permission rows or groups are involved. They are registered in wagtail_hooks.py.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import Model, Q, QuerySet
from wagtail.permission_policies.base import BasePermissionPolicy

from . import access
from .models import ImportJob, Member, Organisation, Post, Transfer

EDIT_ACTIONS = frozenset({"add", "change", "view"})
READ_ONLY = frozenset({"view"})


class AccessRulePolicy(BasePermissionPolicy):
    """Post holders may act on the objects inside the subtrees they manage; superusers on all.

    `actions` lists what the admin may do with the model at all (read-only models: "view").
    Subclasses say which objects are in scope (`scope`) and whether one object is (`in_scope`).
    """

    actions: frozenset[str] = EDIT_ACTIONS

    def user_has_permission(self, user, action: str) -> bool:
        return action in self.actions and access.is_manager(user)

    def user_has_any_permission(self, user, actions: Iterable[str]) -> bool:
        return any(self.user_has_permission(user, action) for action in actions)

    def users_with_any_permission(self, actions: Iterable[str]) -> QuerySet:
        if not self.actions.intersection(actions):
            return access.manager_users().none()
        return access.manager_users()

    def scope(self, user, action: str) -> QuerySet:
        raise NotImplementedError

    def in_scope(self, user, action: str, instance: Model) -> bool:
        raise NotImplementedError

    def user_has_permission_for_instance(self, user, action: str, instance: Model) -> bool:
        return self.user_has_permission(user, action) and self.in_scope(user, action, instance)

    def instances_user_has_any_permission_for(self, user, actions: Iterable[str]) -> QuerySet:
        allowed = [action for action in actions if self.user_has_permission(user, action)]
        if not allowed:
            return self.model._default_manager.none()
        # Every action of these models has the same scope except a member's own record,
        # which "view" adds; ask for the widest one requested.
        return self.scope(user, "view" if "view" in allowed else allowed[0])


class OrganisationPolicy(AccessRulePolicy):
    # "delete" is allowed on scope; the delete view refuses organisations with history.
    actions = EDIT_ACTIONS | {"delete"}

    def scope(self, user, action: str) -> QuerySet[Organisation]:
        return access.manageable_organisations(user)

    def in_scope(self, user, action: str, instance: Organisation) -> bool:
        return access.can_manage(user, instance)

    def users_with_any_permission_for_instance(self, actions: Iterable[str], instance: Organisation):
        return access.manager_users(instance)


class MemberPolicy(AccessRulePolicy):
    def scope(self, user, action: str) -> QuerySet[Member]:
        if action == "view":
            return access.visible_members(user)
        return access.managed_members(user)

    def in_scope(self, user, action: str, instance: Member) -> bool:
        if action == "view":
            return access.can_view_member(user, instance)
        return access.can_edit_member(user, instance)

    def users_with_any_permission_for_instance(self, actions: Iterable[str], instance: Member):
        return access.manager_users(instance.organisation)


class PostPolicy(AccessRulePolicy):
    """ "change" on a post means appointing to it and vacating it."""

    def scope(self, user, action: str) -> QuerySet[Post]:
        return Post.objects.in_subtrees(access.managed_paths(user))

    def in_scope(self, user, action: str, instance: Post) -> bool:
        return access.can_manage(user, instance.organisation)

    def users_with_any_permission_for_instance(self, actions: Iterable[str], instance: Post):
        return access.manager_users(instance.organisation)


class TransferPolicy(AccessRulePolicy):
    """Transfers are history: readable by managers of either side, never edited here."""

    actions = READ_ONLY

    def scope(self, user, action: str) -> QuerySet[Transfer]:
        return access.visible_transfers(user)

    def in_scope(self, user, action: str, instance: Transfer) -> bool:
        return access.can_view_transfer(user, instance)


class ImportJobPolicy(AccessRulePolicy):
    """Roster imports carry no organisation: a street manager sees all, other managers their own."""

    actions = READ_ONLY

    def scope(self, user, action: str) -> QuerySet[ImportJob]:
        if access.is_street_manager(user):
            return ImportJob.objects.all()
        return ImportJob.objects.filter(Q(created_by=user) if user.is_authenticated else Q(pk__in=[]))

    def in_scope(self, user, action: str, instance: ImportJob) -> bool:
        return access.is_street_manager(user) or instance.created_by_id == user.pk


organisation_policy = OrganisationPolicy(Organisation)
member_policy = MemberPolicy(Member)
post_policy = PostPolicy(Post)
transfer_policy = TransferPolicy(Transfer)
import_job_policy = ImportJobPolicy(ImportJob)

POLICIES = {
    Organisation: organisation_policy,
    Member: member_policy,
    Post: post_policy,
    Transfer: transfer_policy,
    ImportJob: import_job_policy,
}

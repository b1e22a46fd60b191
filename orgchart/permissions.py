"""Wagtail permission policies for the orgchart models, decided by orgchart.access.

Declared with core's AccessRulePolicy (the access rule applied to the organisation a row points
at), so the admin applies exactly the rule the views and the API apply; members and import jobs
add their own cases. They are registered in wagtail_hooks.py.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import QuerySet

from core.admin.policies import EDIT_ACTIONS, READ_ONLY, AccessRulePolicy

from . import access
from .models import ImportJob, Member, Organisation, Post, Transfer


class TransferPolicy(AccessRulePolicy):
    """Transfers are history, readable by managers of either side: the rule the API asks too."""

    def scope(self, user, action: str) -> QuerySet[Transfer]:
        return access.visible_transfers(user)

    def in_scope(self, user, action: str, instance: Transfer) -> bool:
        return access.can_view_transfer(user, instance)


class MemberPolicy(AccessRulePolicy):
    """Members of managed subtrees; "view" adds a member's own record."""

    def scope(self, user, action: str) -> QuerySet[Member]:
        if action == "view":
            return access.visible_members(user)
        return super().scope(user, action)

    def in_scope(self, user, action: str, instance: Member) -> bool:
        if action == "view":
            return access.can_view_member(user, instance)
        return super().in_scope(user, action, instance)


class ImportJobPolicy(AccessRulePolicy):
    """Roster imports: seen by the managers of the organisations they target (orgchart.access)."""

    actions = READ_ONLY

    def scope(self, user, action: str) -> QuerySet[ImportJob]:
        return access.visible_import_jobs(user)

    def in_scope(self, user, action: str, instance: ImportJob) -> bool:
        return access.can_view_import_job(user, instance)

    def users_with_any_permission_for_instance(self, actions: Iterable[str], instance: ImportJob):
        return self.users_with_any_permission(actions)


# "delete" is allowed in scope; the delete view and the service refuse organisations with history.
organisation_policy = AccessRulePolicy(Organisation, org_field=None, actions=EDIT_ACTIONS | {"delete"})
member_policy = MemberPolicy(Member, org_field="organisation")
# "change" on a post means appointing to it and vacating it.
post_policy = AccessRulePolicy(Post, org_field="organisation")
# Transfers are history: readable by managers of either side, never edited here.
transfer_policy = TransferPolicy(
    Transfer, org_field=("from_organisation", "to_organisation"), actions=READ_ONLY
)
import_job_policy = ImportJobPolicy(ImportJob, org_field=None)

POLICIES = {
    Organisation: organisation_policy,
    Member: member_policy,
    Post: post_policy,
    Transfer: transfer_policy,
    ImportJob: import_job_policy,
}

"""Who may sign in, and let post holders into the Wagtail admin: the access rule decides, not a
group membership.

MemberModelBackend is Django's ModelBackend asking access.login_allowed as well: a member who
left the street neither signs in nor keeps a session (get_user runs on every request that
carries one). The API's token authentication asks the same function (orgchart.authentication).
"""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend

from . import access

ADMIN_ACCESS_PERMISSION = "wagtailadmin.access_admin"


class MemberModelBackend(ModelBackend):
    def user_can_authenticate(self, user) -> bool:
        return super().user_can_authenticate(user) and access.login_allowed(user)

    def get_user(self, user_id):
        # The member and their branch come in the same query: every page asks the audience rule,
        # which reads the branch's path.
        User = get_user_model()
        try:
            user = User._default_manager.select_related("member__organisation").get(pk=user_id)
        except User.DoesNotExist:
            return None
        return user if self.user_can_authenticate(user) else None


class PostHolderBackend:
    def authenticate(self, request, **credentials):
        return None

    def has_perm(self, user_obj, perm, obj=None) -> bool:
        return perm == ADMIN_ACCESS_PERMISSION and access.is_manager(user_obj)

    def has_module_perms(self, user_obj, app_label) -> bool:
        return False

    def get_user_permissions(self, user_obj, obj=None):
        return set()

    def get_group_permissions(self, user_obj, obj=None):
        return set()

    def get_all_permissions(self, user_obj, obj=None):
        return {ADMIN_ACCESS_PERMISSION} if access.is_manager(user_obj) else set()

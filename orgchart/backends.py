"""Let post holders into the Wagtail admin: the access rule decides, not a group membership."""

from __future__ import annotations

from . import access

ADMIN_ACCESS_PERMISSION = "wagtailadmin.access_admin"


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

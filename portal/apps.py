from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PortalConfig(AppConfig):
    name = "portal"
    verbose_name = _("Portal")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in

        from orgchart.signals import organisation_changed, posts_changed

        from . import sections

        organisation_changed.connect(sections.on_organisation_changed, dispatch_uid="portal-sections")
        posts_changed.connect(sections.on_posts_changed, dispatch_uid="portal-publishers")
        user_logged_in.connect(sections.on_user_logged_in, dispatch_uid="portal-publishers-login")

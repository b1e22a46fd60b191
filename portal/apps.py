from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PortalConfig(AppConfig):
    name = "portal"
    verbose_name = _("Portal")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in
        from django.db.models.signals import post_migrate
        from wagtail.signals import page_published

        from orgchart.signals import organisation_changed, posts_changed

        from . import pagecache, sections, services
        from .models import NoticePage

        organisation_changed.connect(sections.on_organisation_changed, dispatch_uid="portal-sections")
        posts_changed.connect(sections.on_posts_changed, dispatch_uid="portal-publishers")
        user_logged_in.connect(sections.on_user_logged_in, dispatch_uid="portal-publishers-login")
        # A deployed site is mended on every migrate: sections, collections and publishers' rights.
        post_migrate.connect(sections.on_post_migrate, sender=self, dispatch_uid="portal-sections-migrate")
        page_published.connect(services.on_notice_published, sender=NoticePage, dispatch_uid="portal-notify")
        pagecache.connect_receivers()

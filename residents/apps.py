from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ResidentsConfig(AppConfig):
    name = "residents"
    verbose_name = _("Residents and help requests")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in

        from .nav import remember_at_login

        # The site nav links officers to the residents' list and landlords to their own page.
        user_logged_in.connect(remember_at_login, dispatch_uid="residents_page")

        from .figures import register_section
        from .figures_help import help_section

        # The residents' figures page shows the help requests' figures as its last section.
        register_section(help_section)

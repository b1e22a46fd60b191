from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CobuildingConfig(AppConfig):
    name = "cobuilding"
    verbose_name = _("Co-building and dual reporting")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from orgchart import own_links, part_time
        from volunteers import scopes

        from .crossposts import agreement_in_force_check, tell_secretary
        from .eligibility import reported_in_members_q
        from .views_member import own_record_links
        from .views_unit_meetings import own_record_links as own_decision_links

        # Reported-in members may sign up for their residence community's activities (双报到).
        scopes.register(reported_in_members_q)
        # An employed member's own record page links to their report-in page.
        own_links.register(own_record_links)
        # A member owning a joint-meeting decision in person links to the unit side's page.
        own_links.register(own_decision_links)
        # A part-time post from a unit needs an agreement in force; its end is told to the committee.
        part_time.register_check(agreement_in_force_check)
        part_time.register_ended(tell_secretary)

        from django.contrib.auth.signals import user_logged_in

        from .views_unit import remember_at_login

        # The site nav links a unit contact (or unit post-holder) to /cobuilding/unit/.
        user_logged_in.connect(remember_at_login, dispatch_uid="cobuilding_unit_page")

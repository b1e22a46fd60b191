"""Who may run an activity, who may sign up, and who sees a volunteer's mobile.

- Organisers: managers of the organiser organisation (activities.access) and the leaders of a
  team the activity belongs to. They check people in, complete the activity, adjust hours and
  see the roster.
- Sign-up (eligibility_refusal): "subtree" takes active party members of the organiser's subtree
  and those the registered member scopes admit (volunteers.scopes: cobuilding adds members
  reported in to the organising community); "members" any active party member; "anyone" also
  registered volunteers.
- The volunteer-service dashboard of a subtree (figures, no names) is read by those who manage it,
  as 三会一课 compliance is (can_view_dashboard, dashboard_roots).
- A volunteer's mobile is shown in full to the volunteer themself and to the holders of files-
  keeping posts (orgchart.access.personal_data_paths) over their community; masked to everyone else.
Views, the API, the admin and the services ask these functions; none re-states the rule.
"""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from activities import access as activity_access
from activities.models import Activity, Eligibility
from core.tree import path_prefix_q, path_within, paths_q
from orgchart import access as org_access
from orgchart.models import Member

from . import scopes
from .models import Team, Volunteer


def volunteer_for(user) -> Volunteer | None:
    if user is None or not user.is_authenticated:
        return None
    try:
        return user.volunteer
    except Volunteer.DoesNotExist:
        return None


def leads_team_of(user, activity: Activity) -> bool:
    if user is None or not user.is_authenticated:
        return False
    return Team.objects.filter(activities=activity, leaders=user).exists()


def can_organise(user, activity: Activity) -> bool:
    """Run the activity: check-in, ticking names, completion, hours, the roster."""
    return activity_access.can_manage_activity(user, activity) or leads_team_of(user, activity)


def organised_activities(user) -> QuerySet[Activity]:
    """Activities `user` may run: in the subtrees they manage, or of a team they lead."""
    q = paths_q(org_access.managed_paths(user), "organiser__path")
    if user is not None and user.is_authenticated:
        q |= Q(teams__leaders=user)
    return Activity.objects.filter(q).distinct()


def can_lead_team(user, team: Team) -> bool:
    return team.leaders.filter(pk=getattr(user, "pk", None)).exists()


def can_manage_team(user, team: Team) -> bool:
    return org_access.can_manage(user, team.organisation)


def manageable_teams(user) -> QuerySet[Team]:
    return Team.objects.in_subtrees(org_access.managed_paths(user))


def eligibility_refusal(user, activity: Activity) -> str | None:
    """Why `user` may not sign up for `activity` by its eligibility; None when they may."""
    if user is None or not user.is_authenticated or not user.is_active:
        return _("Sign in to sign up.")
    member = org_access.member_for(user)
    if member is not None and not member.is_active:
        member = None
    if activity.eligibility == Eligibility.SUBTREE:
        if member is not None and _in_subtree_scope(member, activity):
            return None
        return _("You are not eligible: this activity is for party members of %(organisation)s.") % {
            "organisation": activity.organiser.name
        }
    if activity.eligibility == Eligibility.MEMBERS:
        return None if member is not None else _("You are not eligible: this activity is for party members.")
    if member is not None or volunteer_for(user) is not None:
        return None
    return _("You are not eligible: register as a volunteer first.")


def _in_subtree_scope(member: Member, activity: Activity) -> bool:
    """The member's branch lies in the organiser's subtree, or a registered scope admits them.

    At most one query: none when the member's organisation is loaded and in the subtree; else
    a single EXISTS over the member's row asking the subtree and every scope together."""
    organiser_path = activity.organiser.path
    extra = scopes.extra_members_q(activity)
    if Member.organisation.is_cached(member) or extra is None:
        if member.organisation.path.startswith(organiser_path):
            return True
        if extra is None:
            return False
        return Member.objects.filter(extra, pk=member.pk).exists()
    own_subtree = path_prefix_q(organiser_path, "organisation__path")
    return Member.objects.filter(own_subtree | extra, pk=member.pk).exists()


def may_sign_up(user, activity: Activity) -> bool:
    return eligibility_refusal(user, activity) is None


def can_see_volunteer_mobile(user, volunteer: Volunteer) -> bool:
    if user is not None and user.is_authenticated and volunteer.user_id == user.pk:
        return True
    return path_within(volunteer.community.path, org_access.personal_data_paths(user))


def volunteer_mobile(user, volunteer: Volunteer) -> str:
    """The volunteer's mobile as `user` may see it: in full or masked."""
    return volunteer.mobile if can_see_volunteer_mobile(user, volunteer) else volunteer.masked_mobile


def can_view_dashboards(user) -> bool:
    """Whether `user` may open the dashboard at all: they manage some subtree."""
    return org_access.is_manager(user)


def can_view_dashboard(user, organisation) -> bool:
    return org_access.can_manage(user, organisation)


def dashboard_organisations(user) -> QuerySet:
    """The organisations whose dashboard `user` may read: every one in the subtrees they manage."""
    return org_access.manageable_organisations(user)


def dashboard_roots(user) -> QuerySet:
    """The top organisations of those subtrees (every street for a superuser), in tree order."""
    return activity_access.compliance_roots(user).order_by("path")

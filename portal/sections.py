"""The section pages mirror the organisation tree; post holders publish in their sections.

- One SectionPage per organisation, under its parent's section (the street's under the home
  page): made, renamed, moved, closed (unpublished) and reopened by the tree services through
  orgchart.signals, inside the same transaction and tree lock.
- A current post in an organisation puts its holder in that organisation's publishers group,
  which holds Wagtail page permissions on that section only (and, as Wagtail's permissions do,
  on the pages below it). Street groups may publish; community groups submit to the street's
  moderation workflow. Kept in step with appointments and vacancies automatically; a nightly
  task and each login catch tenures that ended by date.
"""

from __future__ import annotations

import re

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from wagtail.models import (
    Collection,
    GroupApprovalTask,
    GroupCollectionPermission,
    GroupPagePermission,
    Page,
    Workflow,
    WorkflowPage,
    WorkflowTask,
)

from orgchart.models import Organisation, Tenure, current_tenure_q

from .models import HomePage, SectionPage

GROUP_PREFIX = "section-publishers:"
EDIT_PERMISSIONS = ("add_page", "change_page")
STREET_PERMISSIONS = ("add_page", "change_page", "publish_page", "lock_page", "unlock_page")
MEDIA_PERMISSIONS = (
    ("wagtaildocs", "add_document"),
    ("wagtaildocs", "choose_document"),
    ("wagtailimages", "add_image"),
    ("wagtailimages", "choose_image"),
)


def section_slug(org: Organisation) -> str:
    """The organisation's code as a URL slug: SQ01-ZB02 → sq01-zb02."""
    slug = re.sub(r"[^a-z0-9-]+", "-", org.code.lower()).strip("-")
    return slug or f"org-{org.pk}"


def _home() -> HomePage | None:
    return HomePage.objects.order_by("path").first()


# Sections ------------------------------------------------------------------------------------


def sync_section(org: Organisation) -> SectionPage | None:
    """Make `org`'s section match it: exists, under its parent's section, same name and slug,
    live while the organisation is open. None while the site is not set up yet."""
    home = _home()
    if home is None:
        return None
    parent_org = org.get_parent()
    parent_page: Page | None = home if parent_org is None else sync_section(parent_org)
    if parent_page is None:
        return None
    page = SectionPage.objects.filter(organisation=org).first()
    slug = _free_slug(parent_page, section_slug(org), page)
    if page is None:
        page = SectionPage(title=org.name, slug=slug, organisation=org, live=not org.is_closed)
        return parent_page.add_child(instance=page)
    if page.get_parent().pk != parent_page.pk:
        page.move(parent_page, pos="last-child")
        page = SectionPage.objects.get(pk=page.pk)
        slug = _free_slug(parent_page, section_slug(org), page)
    changed = [
        name
        for name, value in (("title", org.name), ("slug", slug), ("live", not org.is_closed))
        if getattr(page, name) != value
    ]
    if changed:
        page.title, page.slug, page.live = org.name, slug, not org.is_closed
        page.draft_title = page.title
        page.save()
    return page


def _free_slug(parent: Page, wanted: str, page: Page | None) -> str:
    taken = set(
        Page.objects.child_of(parent).exclude(pk=getattr(page, "pk", None)).values_list("slug", flat=True)
    )
    slug, n = wanted, 1
    while slug in taken:
        n += 1
        slug = f"{wanted}-{n}"
    return slug


def sync_subtree(org: Organisation) -> None:
    """Sync `org`'s section and every section below it (after a move, close or reopen)."""
    for node in Organisation.objects.in_subtree(org).order_by("path"):
        sync_section(node)


def sync_all_sections() -> int:
    """Build or mend every section (a new site, or one made before sections existed)."""
    count = 0
    for org in Organisation.objects.order_by("path"):
        if sync_section(org) is not None:
            count += 1
    ensure_moderation()
    return count


def content_refusal(org: Organisation) -> str | None:
    """Why `org` may not be deleted because of its section (pages published there), or None."""
    page = SectionPage.objects.filter(organisation=org).first()
    if page is not None and page.get_children().exists():
        return _("Its section holds pages; move or delete them first.")
    return None


def delete_section(org: Organisation) -> None:
    page = SectionPage.objects.filter(organisation=org).first()
    if page is not None:
        page.delete()


# Publishers --------------------------------------------------------------------------------


def _permissions(codenames, app_label="wagtailcore") -> list[Permission]:
    return list(Permission.objects.filter(content_type__app_label=app_label, codename__in=codenames))


def publishers_group(org: Organisation) -> Group | None:
    """The group whose members publish in `org`'s section, made with its permissions on first use."""
    page = SectionPage.objects.filter(organisation=org).first()
    if page is None:
        return None
    group, created = Group.objects.get_or_create(name=f"{GROUP_PREFIX}{org.pk}")
    if created:
        codenames = STREET_PERMISSIONS if org.is_root() else EDIT_PERMISSIONS
        GroupPagePermission.objects.bulk_create(
            [GroupPagePermission(group=group, page=page, permission=p) for p in _permissions(codenames)]
        )
        root = Collection.get_first_root_node()
        if root is not None:
            media = [p for app, code in MEDIA_PERMISSIONS for p in _permissions([code], app)]
            GroupCollectionPermission.objects.bulk_create(
                [GroupCollectionPermission(group=group, collection=root, permission=p) for p in media]
            )
    return group


def sync_publishers(user_ids) -> None:
    """Put each user in the publishers groups of the organisations where they hold a post now,
    and out of the others."""
    User = get_user_model()
    user_ids = [pk for pk in set(user_ids) if pk is not None]
    if not user_ids:
        return
    holdings: dict[int, set[int]] = {pk: set() for pk in user_ids}
    tenures = Tenure.objects.filter(
        current_tenure_q(),
        member__user_id__in=user_ids,
        member__left_on__isnull=True,
        post__organisation__closed_on__isnull=True,
    ).select_related("post__organisation")
    orgs: dict[int, Organisation] = {}
    for tenure in tenures:
        org = tenure.post.organisation
        orgs[org.pk] = org
        holdings[tenure.member.user_id].add(org.pk)
    groups = {pk: publishers_group(org) for pk, org in orgs.items()}
    for user in User.objects.filter(pk__in=user_ids):
        wanted = {groups[pk].pk for pk in holdings[user.pk] if groups.get(pk) is not None}
        have = set(user.groups.filter(name__startswith=GROUP_PREFIX).values_list("pk", flat=True))
        if have - wanted:
            user.groups.remove(*(have - wanted))
        if wanted - have:
            user.groups.add(*(wanted - have))


def sync_all_publishers() -> None:
    """Everyone holding a post now, and everyone in a publishers group (whose post may have ended)."""
    holders = Tenure.objects.filter(current_tenure_q()).values_list("member__user_id", flat=True)
    in_groups = (
        get_user_model().objects.filter(groups__name__startswith=GROUP_PREFIX).values_list("pk", flat=True)
    )
    sync_publishers([*holders, *in_groups])


# Moderation ---------------------------------------------------------------------------------


def ensure_moderation() -> Workflow | None:
    """The street's moderation workflow on the street section: community pages are submitted, the
    street's publishers approve or reject them with a comment. The street publishes directly."""
    street_section = (
        SectionPage.objects.filter(organisation__depth=1)
        .select_related("organisation")
        .order_by("path")
        .first()
    )
    if street_section is None:
        return None
    group = publishers_group(street_section.organisation)
    workflow, _created = Workflow.objects.get_or_create(name=_("Street review"))
    task = GroupApprovalTask.objects.filter(name=_("Review by the street committee")).first()
    if task is None:
        task = GroupApprovalTask.objects.create(name=_("Review by the street committee"))
    task.groups.add(group)
    # WorkflowTask rows directly: the workflow's ParentalKey manager would save only with it.
    WorkflowTask.objects.get_or_create(workflow=workflow, task=task, defaults={"sort_order": 0})
    WorkflowPage.objects.update_or_create(page=street_section, defaults={"workflow": workflow})
    return workflow


# Receivers of orgchart's signals ------------------------------------------------------------


def on_organisation_changed(sender, organisation: Organisation, action: str, **kwargs) -> None:
    if action == "deleted":
        reason = content_refusal(organisation)
        if reason:
            raise ValidationError(reason)
        delete_section(organisation)
    elif action in ("moved", "closed", "reopened"):
        sync_subtree(organisation)
    else:
        sync_section(organisation)
    if action == "created" and organisation.is_root():
        ensure_moderation()


def on_posts_changed(sender, user_ids, **kwargs) -> None:
    # In the service's transaction: if the appointment rolls back, so does the group change.
    sync_publishers(user_ids)


def on_user_logged_in(sender, user, request, **kwargs) -> None:
    sync_publishers([user.pk])

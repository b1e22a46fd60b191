"""The section pages mirror the organisation tree; post holders publish in their sections.

- One SectionPage per organisation, under its parent's section (the street's under the home
  page): made, renamed, moved, closed (unpublished) and reopened by the tree services through
  orgchart.signals, inside the same transaction and tree lock.
- A current post in an organisation puts its holder in that organisation's publishers group,
  which holds Wagtail page permissions on that section only (and, as Wagtail's permissions do,
  on the pages below it). Street groups may publish; community groups submit to the street's
  moderation workflow. Kept in step with appointments and vacancies automatically; a nightly
  task and each login catch tenures that ended by date.
- One Wagtail collection per organisation, under its parent's collection (the street's under the
  root collection), made, renamed and moved with the section and left in place when the
  organisation closes. The publishers group may add, change and choose documents and images in
  its organisation's collection only (and, as Wagtail's collection permissions do, below it): a
  community's editors never see another community's, nor the street's, documents in a chooser.
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

from .models import HomePage, SectionCollection, SectionPage

GROUP_PREFIX = "section-publishers:"
EDIT_PERMISSIONS = ("add_page", "change_page")
STREET_PERMISSIONS = ("add_page", "change_page", "publish_page", "lock_page", "unlock_page")
MEDIA_PERMISSIONS = (
    ("wagtaildocs", "add_document"),
    ("wagtaildocs", "change_document"),
    ("wagtaildocs", "choose_document"),
    ("wagtailimages", "add_image"),
    ("wagtailimages", "change_image"),
    ("wagtailimages", "choose_image"),
)
MEDIA_APPS = ("wagtaildocs", "wagtailimages")


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
    """Sync `org`'s section and collection and every one below it (after a move, close or reopen)."""
    for node in Organisation.objects.in_subtree(org).order_by("path"):
        sync_section(node)
        sync_collection(node)


def sync_all_sections() -> int:
    """Build or mend every section and collection (a new site, or one made before they existed),
    and the publishers groups' media permissions (groups made when they held the root collection)."""
    count = 0
    for org in Organisation.objects.order_by("path"):
        if sync_section(org) is not None:
            count += 1
        sync_collection(org)
    groups = Group.objects.filter(name__startswith=GROUP_PREFIX)
    orgs = Organisation.objects.in_bulk([_group_org_pk(group) for group in groups])
    for group in groups:
        org = orgs.get(_group_org_pk(group))
        grant_media(group, org)
    ensure_moderation()
    return count


# Collections ---------------------------------------------------------------------------------


def _root_collection() -> Collection:
    """Wagtail's root collection; made afresh on a database emptied after migrating."""
    root = Collection.get_first_root_node()
    if root is None:
        root = Collection.add_root(name="Root")
    return root


def collection_of(org: Organisation) -> Collection | None:
    link = SectionCollection.objects.select_related("collection").filter(organisation=org).first()
    return None if link is None else link.collection


def sync_collection(org: Organisation) -> Collection:
    """Make `org`'s collection match it: exists, under its parent's collection, same name. A closed
    organisation's collection stays (its documents stay attached to its pages)."""
    parent_org = org.get_parent()
    parent = _root_collection() if parent_org is None else sync_collection(parent_org)
    collection = collection_of(org)
    if collection is None:
        collection = parent.add_child(instance=Collection(name=org.name))
        SectionCollection.objects.create(organisation=org, collection=collection)
        group = Group.objects.filter(name=f"{GROUP_PREFIX}{org.pk}").first()
        if group is not None:  # the collection was deleted by hand and is made again
            grant_media(group, org)
        return collection
    renamed = collection.name != org.name
    if renamed:
        collection.name = org.name
        collection.save(update_fields=["name"])
    if renamed or not collection.is_child_of(parent):
        # Wagtail keeps sibling collections sorted by name: (re)place it among its siblings.
        collection.move(parent, pos="sorted-child")
        collection = Collection.objects.get(pk=collection.pk)
    return collection


def delete_collection(org: Organisation) -> None:
    """Before `org` is deleted: its documents and images go up to its parent's collection (whose
    publishers could choose them already), and its collection goes."""
    collection = collection_of(org)
    if collection is None:
        return
    from wagtail.documents import get_document_model
    from wagtail.images import get_image_model

    parent = collection.get_parent()
    for model in (get_document_model(), get_image_model()):
        model.objects.filter(collection=collection).update(collection=parent)
    if collection.get_children().exists():
        SectionCollection.objects.filter(organisation=org).delete()
    else:
        collection.delete()  # and its link and permissions with it


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
        grant_media(group, org)
    return group


def _group_org_pk(group: Group) -> int | None:
    pk = group.name.removeprefix(GROUP_PREFIX)
    return int(pk) if pk.isdigit() else None


def grant_media(group: Group, org: Organisation | None) -> None:
    """Give `group` the document and image permissions on `org`'s collection, and none elsewhere
    (no organisation: none at all)."""
    collection = sync_collection(org) if org is not None else None
    media = [p for app, code in MEDIA_PERMISSIONS for p in _permissions([code], app)]
    wanted = {(collection.pk, p.pk) for p in media} if collection is not None else set()
    held = GroupCollectionPermission.objects.filter(
        group=group, permission__content_type__app_label__in=MEDIA_APPS
    )
    stale = [row.pk for row in held if (row.collection_id, row.permission_id) not in wanted]
    if stale:
        GroupCollectionPermission.objects.filter(pk__in=stale).delete()
    have = {(row.collection_id, row.permission_id) for row in held if row.pk not in stale}
    GroupCollectionPermission.objects.bulk_create(
        [
            GroupCollectionPermission(group=group, collection_id=c, permission_id=p)
            for c, p in sorted(wanted - have)
        ]
    )


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
        delete_collection(organisation)
    elif action in ("moved", "closed", "reopened"):
        sync_subtree(organisation)
    else:
        sync_section(organisation)
        sync_collection(organisation)
    if action == "created" and organisation.is_root():
        ensure_moderation()


def on_posts_changed(sender, user_ids, **kwargs) -> None:
    # In the service's transaction: if the appointment rolls back, so does the group change.
    sync_publishers(user_ids)


def on_user_logged_in(sender, user, request, **kwargs) -> None:
    sync_publishers([user.pk])


def on_post_migrate(sender, **kwargs) -> None:
    """After `migrate`: mend a site made before sections, collections or rights existed."""
    if HomePage.objects.exists():
        sync_all_sections()
        sync_all_publishers()

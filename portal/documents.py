"""Who may download a Wagtail document: the readers of the pages that use it."""

from __future__ import annotations

from django.contrib.contenttypes.models import ContentType
from django.db.models import BigIntegerField
from django.db.models.functions import Cast
from wagtail.documents import get_document_model
from wagtail.models import Page, ReferenceIndex
from wagtail.permissions import policy_registry

from .models import ContentPage


def pages_using(document) -> list[Page]:
    """Live pages whose content refers to `document` (body blocks, attachments, rich-text links)."""
    page_type = ContentType.objects.get_for_model(Page)
    # ReferenceIndex.object_id is text: cast it, or PostgreSQL refuses to compare it with a page id.
    ids = (
        ReferenceIndex.get_references_to(document)
        .filter(base_content_type=page_type)
        .annotate(page_id=Cast("object_id", BigIntegerField()))
        .values("page_id")
    )
    return list(Page.objects.filter(pk__in=ids).live().specific())


def may_download(user, document) -> bool:
    if user.is_authenticated and user.is_superuser:
        return True
    pages = pages_using(document)
    if not pages:
        # Not published anywhere yet: only the editors who may choose it (in its collection: a
        # community's editors do not download another community's unpublished documents).
        policy = policy_registry.get_by_type(get_document_model())
        return user.is_authenticated and policy.user_has_any_permission_for_instance(
            user, {"add", "change", "choose"}, document
        )
    return any(not isinstance(page, ContentPage) or page.is_visible_to(user) for page in pages)

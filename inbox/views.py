"""The inbox pages: my notifications, open one (marks it read, follows its local link), mark all read.

Only the recipient sees a notification: anyone else gets 404, as if it did not exist.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from . import queries, services
from .models import is_local_url

PER_PAGE = 20


@login_required
def inbox(request: HttpRequest) -> HttpResponse:
    """My notifications, newest first, unread ones marked."""
    page = Paginator(queries.inbox_for(request.user), PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "inbox/inbox.html",
        {"page_obj": page, "notifications": page.object_list, "unread": queries.unread_count(request.user)},
    )


@login_required
def open_notification(request: HttpRequest, pk: int) -> HttpResponse:
    """Mark one of my notifications read and go to what it is about (a page of this site only)."""
    notification = get_object_or_404(queries.inbox_for(request.user), pk=pk)
    services.mark_read(notification, actor=request.user)
    if is_local_url(notification.url):
        return HttpResponseRedirect(notification.url)
    return redirect(reverse("inbox:detail", args=[notification.pk]))


@login_required
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    """One notification in full, for those without a link (or with one that is not local)."""
    notification = get_object_or_404(queries.inbox_for(request.user), pk=pk)
    services.mark_read(notification, actor=request.user)
    queries.forget_unread_count(request.user)
    return render(request, "inbox/detail.html", {"notification": notification})


@login_required
@require_POST
def mark_all_read(request: HttpRequest) -> HttpResponse:
    count = services.mark_all_read(actor=request.user)
    if count:
        messages.success(
            request,
            ngettext("%(count)d notification marked read.", "%(count)d notifications marked read.", count)
            % {"count": count},
        )
    return redirect("inbox:inbox")

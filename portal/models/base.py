"""What every portal page shares: pages only logged-in users may open."""

from __future__ import annotations

from django.contrib.auth.views import redirect_to_login
from wagtail.models import Page


class LoginRequiredPage(Page):
    """A page only logged-in users may open; others go to the login page and come back."""

    class Meta:
        abstract = True

    def serve(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        return super().serve(request, *args, **kwargs)

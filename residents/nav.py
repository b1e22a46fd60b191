"""The site menu's residents link, decided once at sign-in and kept in the session (no query on
every page): officers get the list, landlords their own page. The pages check access themselves."""

from __future__ import annotations

from . import access

SESSION_FLAG = "residents_page"


def remember_at_login(sender, request, user, **kwargs) -> None:
    """user_logged_in receiver: note which residents page, if any, the menu links to."""
    if request is None or not hasattr(request, "session"):
        return
    if access.is_officer(user):
        request.session[SESSION_FLAG] = "list"
    elif access.landlord_for(user) is not None:
        request.session[SESSION_FLAG] = "landlord"
    else:
        request.session.pop(SESSION_FLAG, None)

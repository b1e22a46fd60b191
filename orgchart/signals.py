"""Signals the organisation's services send, so apps that mirror the tree (the portal's section
pages) or hang rights on posts (page permissions) follow without orgchart importing them.

Both are sent inside the service's transaction (tree writes: under the tree lock), so a receiver
that fails makes the whole write fail: the mirror never drifts from the tree.
"""

from django.dispatch import Signal

# kwargs: organisation (fresh from the database), action: one of ORGANISATION_ACTIONS.
organisation_changed = Signal()
ORGANISATION_ACTIONS = ("created", "updated", "moved", "closed", "reopened", "deleted")

# kwargs: user_ids — users whose current posts may have changed (appointed, vacated, ended).
posts_changed = Signal()

"""Every operation that changes the organisation tree, members, posts and transfers.

Tree writes are serialised: treebeard computes new paths from what it reads, so two concurrent
writers can pick the same path or leave `numchild` wrong. Each tree write runs in its own
transaction holding one PostgreSQL advisory lock, re-reads the nodes it touches under the lock,
and is retried when the database aborts it (deadlock, serialisation failure, SQLite busy).

Functions that take `actor` check the access rule (orgchart.access) for that user and raise
PermissionDenied; callers acting as the system (seed, tasks already checked) pass None.

One module per concern: base (the tree lock and shared checks), organisations, members, posts,
transfers, accounts. Callers import from `orgchart.services`, never from the modules.
"""

from .accounts import (
    change_password,
    create_login,
    disable_login,
    enable_login,
    new_login,
    reset_password,
    set_login_active,
)
from .base import MAX_ATTEMPTS, TREE_LOCK_KEY, run_tree_write
from .members import check_member, create_member, id_number_taken_message, transfer_in, update_member
from .organisations import (
    close_organisation,
    create_organisation,
    delete_organisation,
    move_organisation,
    organisation_deletion_refusal,
    rename_organisation,
    reopen_organisation,
    update_organisation,
)
from .posts import appoint, check_part_time, ensure_post, part_time_candidates, part_time_origins, vacate
from .transfers import accept_transfer, decline_transfer, transfer_member, withdraw_transfer

__all__ = [
    "MAX_ATTEMPTS",
    "TREE_LOCK_KEY",
    "accept_transfer",
    "appoint",
    "check_part_time",
    "part_time_candidates",
    "part_time_origins",
    "check_member",
    "close_organisation",
    "change_password",
    "create_login",
    "new_login",
    "set_login_active",
    "create_member",
    "create_organisation",
    "decline_transfer",
    "delete_organisation",
    "disable_login",
    "enable_login",
    "ensure_post",
    "id_number_taken_message",
    "move_organisation",
    "organisation_deletion_refusal",
    "rename_organisation",
    "reopen_organisation",
    "reset_password",
    "run_tree_write",
    "transfer_in",
    "transfer_member",
    "update_member",
    "update_organisation",
    "vacate",
    "withdraw_transfer",
]

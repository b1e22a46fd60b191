"""The audit trail of residents' personal data: one row per read of a full record, per change,
per export and per purge run — one INSERT each, nothing else."""

from __future__ import annotations

from orgchart.models import Organisation

from .models import AuditAction, AuditEntry, Resident


def record(
    actor,
    action: str,
    *,
    resident: Resident | None = None,
    community: Organisation | None = None,
    detail: str = "",
    count: int = 0,
) -> AuditEntry:
    """Write one audit row. `community` defaults to the resident's."""
    if community is None and resident is not None:
        community_id = resident.community_id
    else:
        community_id = community.pk if community is not None else None
    user = actor if actor is not None and getattr(actor, "is_authenticated", False) else None
    return AuditEntry.objects.create(
        actor=user,
        actor_name=user.get_username() if user is not None else "",
        action=action,
        resident=resident,
        community_id=community_id,
        detail=detail[:300],
        count=count,
    )


def record_read(actor, resident: Resident) -> AuditEntry:
    return record(actor, AuditAction.READ, resident=resident, count=1)


def record_purge(community_id: int, cutoff, count: int) -> AuditEntry:
    """One purge run's row for one community: the system acted, `count` records were cleared."""
    return AuditEntry.objects.create(
        action=AuditAction.PURGE, community_id=community_id, detail=f"≤ {cutoff.isoformat()}", count=count
    )

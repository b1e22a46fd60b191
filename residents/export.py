"""The street's export of registrations: masked, or in full when a reason is given (audited)."""

from __future__ import annotations

from io import BytesIO

from django.core.exceptions import PermissionDenied
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook

from core.spreadsheets import safe_row
from orgchart.models import Organisation

from . import access, audit, queries
from .models import AuditAction


def headers() -> list[str]:
    return [
        _("Community"),
        _("Full name"),
        _("ID number"),
        _("Gender"),
        _("Birth date"),
        _("Place of origin"),
        _("Mobile"),
        _("Category"),
        _("Address"),
        _("Arrived on"),
        _("Left on"),
    ]


def export_residents(actor, root: Organisation, reason: str = "") -> bytes:
    """The registrations of `root`'s subtree as a workbook; street officers only. Without a reason
    names, ID numbers and mobiles are masked; with one they are full and the reason is audited."""
    if not access.can_export(actor) or not access.is_officer_of(actor, root):
        raise PermissionDenied(_("Only the street's officers export residents."))
    full = bool(reason)
    rows = list(queries.resident_list(actor, community=root, status="all").filter(purged_at__isnull=True))
    book = Workbook(write_only=True)
    sheet = book.create_sheet(_("Residents"))
    sheet.append(safe_row(sheet, headers()))
    for r in rows:
        sheet.append(
            safe_row(
                sheet,
                [
                    r.community.name,
                    r.name if full else r.masked_name,
                    r.id_number if full else r.id_number_masked,
                    r.get_gender_display(),
                    r.birth_date.isoformat()
                    if full and r.birth_date
                    else (f"{r.birth_date:%Y}" if r.birth_date else ""),
                    r.origin,
                    r.phone if full else r.masked_phone,
                    r.get_category_display(),
                    r.address,
                    r.arrived_on.isoformat(),
                    r.left_on.isoformat() if r.left_on else "",
                ],
            )
        )
    audit.record(
        actor,
        AuditAction.EXPORT,
        community=root,
        detail=(_("Full export: %(reason)s") % {"reason": reason}) if full else _("Masked export"),
        count=len(rows),
    )
    out = BytesIO()
    book.save(out)
    return out.getvalue()


def export_filename(root: Organisation) -> str:
    return f"{_('Residents')}-{root.name}-{timezone.localdate():%Y%m%d}.xlsx"

"""Writing rosters: the export of a subtree and the blank template, in the template's own format.

Every text cell goes through core.spreadsheets, so a value typed as `=HYPERLINK(...)` is written
as text and never becomes a formula in Excel or WPS.
"""

from __future__ import annotations

import io
from typing import Any

import openpyxl
from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from core.spreadsheets import safe_row

from .. import access
from ..models import MEMBER_ORG_KINDS, Member, Organisation
from .columns import COLUMNS, COLUMNS_BY_KEY, GENERAL_RULES, HELP_SHEET_TITLE, ORGS_SHEET_TITLE, SHEET_TITLE
from .reader import MAX_ROWS


def _header_font() -> Font:
    return Font(bold=True)


def export_subtree(org: Organisation, *, actor) -> bytes:
    """The active members of `org`'s subtree as a roster in the template's own format.

    Identity numbers and mobiles are written in full where the access rule lets `actor` see
    personal data (so the file re-imports elsewhere), masked otherwise.
    """
    if not access.can_manage(actor, org):
        raise PermissionDenied(_("You do not manage this organisation."))
    members = (
        access.managed_members(actor)
        .active()
        .in_subtree(org)
        .select_related("organisation")
        .order_by("organisation__path", "name", "pk")
    )
    workbook = openpyxl.Workbook(write_only=True)
    sheet = workbook.create_sheet(SHEET_TITLE)
    for index, column in enumerate(COLUMNS, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = column.width
    sheet.freeze_panes = "A2"
    sheet.append([column.header for column in COLUMNS])
    for member in members.iterator(chunk_size=1000):
        sheet.append(safe_row(sheet, _export_row(member, access.personal_data(actor, member))))
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _export_row(member: Member, personal: access.PersonalData) -> list[Any]:
    values = {
        "name": member.name,
        "gender": COLUMNS_BY_KEY["gender"].label_for(member.gender),
        "birth_date": member.birth_date,
        "id_number": personal.id_number,
        "education": COLUMNS_BY_KEY["education"].label_for(member.education),
        "joined_party_on": member.joined_party_on,
        "mobile": personal.mobile,
        "category": COLUMNS_BY_KEY["category"].label_for(member.category),
        "code": member.organisation.code,
        "branch_name": member.organisation.name,
    }
    return [values[column.key] for column in COLUMNS]


def build_template(actor=None) -> bytes:
    """The blank roster: header row, drop-down lists, a help sheet and the codes `actor` may use."""
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = SHEET_TITLE
    sheet.append([column.header for column in COLUMNS])
    fill = PatternFill("solid", fgColor="FDE9E7")
    for index, column in enumerate(COLUMNS, start=1):
        letter = get_column_letter(index)
        cell = sheet.cell(row=1, column=index)
        cell.font = _header_font()
        if column.required:
            cell.fill = fill
        sheet.column_dimensions[letter].width = column.width
        if column.kind != "date":
            # Text, so Excel keeps 18-digit ID numbers and leading zeros of codes intact.
            sheet.column_dimensions[letter].number_format = "@"
        if column.kind == "choice":
            validation = DataValidation(
                type="list", formula1='"' + ",".join(column.choices) + '"', allow_blank=True
            )
            validation.add(f"{letter}2:{letter}{MAX_ROWS + 1}")
            sheet.add_data_validation(validation)
    sheet.freeze_panes = "A2"

    help_sheet = workbook.create_sheet(HELP_SHEET_TITLE)
    help_sheet.append(["列名", "是否必填", "可填写的值", "填写说明", "示例"])
    for cell in help_sheet[1]:
        cell.font = _header_font()
    for column in COLUMNS:
        help_sheet.append(
            [
                column.header,
                "必填" if column.required else "选填",
                "、".join(column.choices),
                column.help,
                column.example,
            ]
        )
    help_sheet.append([])
    for line in GENERAL_RULES:
        help_sheet.append([line])
    for letter, width in zip("ABCDE", (12, 10, 40, 60, 22), strict=True):
        help_sheet.column_dimensions[letter].width = width
    for row in help_sheet.iter_rows(min_row=2):
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="top")

    orgs_sheet = workbook.create_sheet(ORGS_SHEET_TITLE)
    orgs_sheet.append(["组织编码", "组织名称"])
    for cell in orgs_sheet[1]:
        cell.font = _header_font()
    if actor is not None:
        for org in target_organisations(actor):
            orgs_sheet.append(safe_row(orgs_sheet, [org.code, org.name]))
    orgs_sheet.column_dimensions["A"].width = 18
    orgs_sheet.column_dimensions["B"].width = 36

    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def target_organisations(actor) -> list[Organisation]:
    """Open branches and party groups `actor` may import members into."""
    return list(
        access.manageable_organisations(actor)
        .open()
        .filter(kind__in=MEMBER_ORG_KINDS)
        .order_by("path")
        .only("code", "name", "path")
    )

"""Checking roster rows: the member rules of orgchart.services, one batched uniqueness look-up.

Each row is parsed cell by cell, its organisation code is looked up (one query for the file) and
checked against the access rule, then the row goes through `services.check_member`, the same
function the admin form and the API end in. Only the "ID number already registered" look-up is
done per batch of rows instead of per row, so a 20,000-row file does not cost 20,000 queries.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from itertools import islice
from typing import Any

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.utils.translation import gettext as _

from .. import access, services
from ..models import Member, Organisation
from .columns import COLUMN_FIELDS, COLUMNS, COLUMNS_BY_HEADER, COLUMNS_BY_KEY, FIELD_COLUMNS
from .reader import SheetRow, parse_cell, text

PROGRESS_EVERY = 200  # rows between progress/heartbeat saves, and per uniqueness look-up


@dataclass(frozen=True)
class RowError:
    """One problem in one cell: the Excel row number, the column header, the reason."""

    line: int | None
    column: str
    message: str

    def as_dict(self) -> dict[str, Any]:
        return {"line": self.line, "column": self.column, "message": self.message}


@dataclass
class Validated:
    members: list[Member] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    # Organisations the rows target that the uploader manages: who else may see the job.
    organisation_ids: set[int] = field(default_factory=set)


def _batched(items: Sequence[SheetRow], size: int) -> Iterator[list[SheetRow]]:
    iterator = iter(items)
    while batch := list(islice(iterator, size)):
        yield batch


def validate_rows(
    rows: Sequence[SheetRow], actor, progress: Callable[[int], None] | None = None
) -> Validated:
    """Check every row against the member rules and the access rule; build unsaved Members.

    Duplicates are found within the file and against registered members (by the ID-number
    hash). `progress(n)` is called after every batch with the number of rows checked.
    """
    codes = {text(row.values.get("code")) for row in rows} - {""}
    organisations = {org.code: org for org in Organisation.objects.filter(code__in=codes)}
    outcome = Validated()
    first_line_of_hash: dict[str, int] = {}
    checked = 0
    for batch in _batched(rows, PROGRESS_EVERY):
        checked_rows = [
            (row.line, *_validate_row(row, organisations, actor, first_line_of_hash)) for row in batch
        ]
        hashes = [member.id_number_hash for _line, member, _errors in checked_rows if member.id_number_hash]
        holders = {
            holder.id_number_hash: holder
            for holder in Member.objects.filter(id_number_hash__in=hashes)
            .select_related("organisation")
            .only("id_number_hash", "user", "organisation__path")
        }
        for line, member, errors in checked_rows:
            holder = holders.get(member.id_number_hash) if member.id_number_hash else None
            if holder is not None:
                message = services.id_number_taken_message(actor, holder)
                errors.append(RowError(line, COLUMNS_BY_KEY["id_number"].header, message))
            if member.organisation_id is not None:
                outcome.organisation_ids.add(member.organisation_id)
            if errors:
                outcome.errors.extend(errors)
            else:
                outcome.members.append(member)
        checked += len(batch)
        if progress is not None:
            progress(checked)
    outcome.errors.sort(key=lambda error: (error.line or 0, _column_order(error.column)))
    if outcome.errors:
        outcome.members = []
    return outcome


def _column_order(header: str) -> int:
    column = COLUMNS_BY_HEADER.get(header)
    return COLUMNS.index(column) if column else len(COLUMNS)


def _validate_row(
    row: SheetRow, organisations: dict[str, Organisation], actor, first_line_of_hash: dict[str, int]
) -> tuple[Member, list[RowError]]:
    """One row: parse cells, apply the access rule, then services.check_member.

    Returns the unsaved member and the row's errors (the member is usable only without errors).
    """
    errors: list[RowError] = []
    failed: set[str] = set()

    def fail(key: str, message: str) -> None:
        failed.add(key)
        errors.append(RowError(row.line, COLUMNS_BY_KEY[key].header, str(message)))

    values: dict[str, Any] = {}
    for column in COLUMNS:
        if column.kind == "info":
            continue
        try:
            values[column.key] = parse_cell(column, row.values.get(column.key))
        except ValidationError as exc:
            fail(column.key, exc.messages[0])

    organisation = None
    if "code" not in failed:
        organisation = organisations.get(values["code"])
        if organisation is None:
            fail("code", _("No organisation has the code “%(code)s”.") % {"code": values["code"]})
        elif not access.can_manage(actor, organisation):
            fail("code", _("You do not manage this organisation."))
            organisation = None

    member = Member(
        name=values.get("name") or "",
        gender=values.get("gender") or "",
        birth_date=values.get("birth_date"),
        education=values.get("education") or "",
        joined_party_on=values.get("joined_party_on"),
        mobile=values.get("mobile") or "",
        category=values.get("category") or "",
        organisation=organisation,
    )
    # "organisation" is always left out of the field checks: it was looked up above, and the
    # foreign-key check would cost a query per row. Member.clean still checks its kind and state.
    exclude = {COLUMN_FIELDS.get(key, key) for key in failed} | {"organisation"}
    checked_failed: set[str] = set()
    try:
        services.check_member(
            member,
            None if "id_number" in failed else values["id_number"],
            actor=actor,
            exclude=exclude,
            look_up_id_number=False,  # per batch, in validate_rows
        )
    except ValidationError as exc:
        for field_name, messages in exc.message_dict.items():
            key = FIELD_COLUMNS.get(field_name)
            for message in messages:
                if key is None or field_name == NON_FIELD_ERRORS:
                    errors.append(RowError(row.line, "", message))
                elif key not in failed:
                    errors.append(RowError(row.line, COLUMNS_BY_KEY[key].header, message))
            if key is not None:
                checked_failed.add(key)
    if member.id_number_hash and not {"id_number"} & (failed | checked_failed):
        earlier = first_line_of_hash.setdefault(member.id_number_hash, row.line)
        if earlier != row.line:
            fail("id_number", _("The same ID number is already given on line %(line)d.") % {"line": earlier})
    return member, errors

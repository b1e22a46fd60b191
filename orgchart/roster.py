"""The members roster (党员名册) in Excel: template, reading, validation, import and export.

The file format is documented in docs/roster-template.md; the column definitions below are the
single source of the template, the import, the export and the in-app help page.

An import is all-or-nothing. Every row is read and validated first (no writes except progress
on the ImportJob); only when no row has an error are all members inserted, in one transaction
that also marks the job succeeded. A job killed half-way has written no member and stays
re-runnable; the sweep (`sweep_stalled_imports`) re-queues it.

Members are validated with the same rules as `services.create_member`: `validate_id_number`,
`Member.set_id_number` and `Member.full_clean` (which runs `Member.clean` and the field
validators). Only the per-row uniqueness queries are replaced by one query per batch, so a
20,000-row file does not cost 40,000 queries.
"""

from __future__ import annotations

import datetime as dt
import io
import logging
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import timedelta
from itertools import islice
from typing import IO, Any

import openpyxl
from django.conf import settings
from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.core.files.base import File
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from . import access
from .models import (
    MEMBER_ORG_KINDS,
    Education,
    Gender,
    ImportJob,
    ImportStatus,
    Member,
    MemberCategory,
    Organisation,
)
from .validators import normalise_id_number, validate_id_number

log = logging.getLogger(__name__)

MAX_FILE_BYTES = 10 * 1024 * 1024
MAX_ROWS = 20_000
PROGRESS_EVERY = 200  # rows between progress/heartbeat saves
INSERT_BATCH = 500
SHEET_TITLE = "党员名册"
HELP_SHEET_TITLE = "填写说明"
ORGS_SHEET_TITLE = "组织编码"

# Sweep thresholds: a pending job not picked up, a running job with no heartbeat.
PENDING_STALL = timedelta(minutes=2)
RUNNING_STALL = timedelta(minutes=5)
MAX_ATTEMPTS = 5


# The template vocabulary ------------------------------------------------------------------
# The template is Chinese by design (it is filled in by Chinese-speaking staff and exchanged
# between streets), so headers and value labels are literal constants, not translated strings.
# The first label of each value is the one the template, the export and the help page show.

GENDER_LABELS: dict[str, str] = {"男": Gender.MALE, "女": Gender.FEMALE}
EDUCATION_LABELS: dict[str, str] = {
    "小学及以下": Education.PRIMARY,
    "初中": Education.JUNIOR_HIGH,
    "高中（中专）": Education.SENIOR_HIGH,
    "大专": Education.COLLEGE,
    "本科": Education.BACHELOR,
    "研究生": Education.POSTGRADUATE,
    # accepted spellings seen in real rosters
    "小学": Education.PRIMARY,
    "文盲": Education.PRIMARY,
    "高中": Education.SENIOR_HIGH,
    "中专": Education.SENIOR_HIGH,
    "中技": Education.SENIOR_HIGH,
    "职高": Education.SENIOR_HIGH,
    "技校": Education.SENIOR_HIGH,
    "大学专科": Education.COLLEGE,
    "专科": Education.COLLEGE,
    "大学本科": Education.BACHELOR,
    "大学": Education.BACHELOR,
    "硕士": Education.POSTGRADUATE,
    "博士": Education.POSTGRADUATE,
    "硕士研究生": Education.POSTGRADUATE,
    "博士研究生": Education.POSTGRADUATE,
}
CATEGORY_LABELS: dict[str, str] = {
    "在职党员": MemberCategory.EMPLOYED,
    "离退休党员": MemberCategory.RETIRED,
    "流动党员": MemberCategory.FLOATING,
    "下岗失业党员": MemberCategory.LAID_OFF,
    "居民党员": MemberCategory.RESIDENT,
    # accepted short forms
    "在职": MemberCategory.EMPLOYED,
    "离退休": MemberCategory.RETIRED,
    "退休": MemberCategory.RETIRED,
    "离休": MemberCategory.RETIRED,
    "退休党员": MemberCategory.RETIRED,
    "流动": MemberCategory.FLOATING,
    "下岗": MemberCategory.LAID_OFF,
    "失业": MemberCategory.LAID_OFF,
    "下岗/失业": MemberCategory.LAID_OFF,
    "下岗/失业党员": MemberCategory.LAID_OFF,
    "下岗党员": MemberCategory.LAID_OFF,
    "失业党员": MemberCategory.LAID_OFF,
    "居民": MemberCategory.RESIDENT,
}

DATE_TEXT_FORMATS = ("%Y-%m-%d", "%Y/%m/%d", "%Y%m%d", "%Y.%m.%d", "%Y年%m月%d日", "%Y-%m-%d %H:%M:%S")


def _canonical_labels(labels: dict[str, str]) -> dict[str, str]:
    """value -> the first (canonical) label."""
    canonical: dict[str, str] = {}
    for label, value in labels.items():
        canonical.setdefault(value, label)
    return canonical


def _normalise_label(text: str) -> str:
    # Half-width brackets and stray spaces are the usual differences from the template.
    return "".join(text.split()).replace("(", "（").replace(")", "）").replace("／", "/")


@dataclass(frozen=True)
class Column:
    """One column of the roster: its Chinese header and how a cell is read."""

    key: str
    header: str
    required: bool
    width: int
    kind: str = "text"  # text | date | choice | info
    labels: dict[str, str] | None = None
    example: str = ""
    help: str = ""  # the rule, shown in the template's help sheet and the help page

    @property
    def choices(self) -> list[str]:
        """The canonical labels, in order."""
        return list(_canonical_labels(self.labels).values()) if self.labels else []

    def label_for(self, value: str) -> str:
        return _canonical_labels(self.labels or {}).get(value, value)


COLUMNS: tuple[Column, ...] = (
    Column("name", "姓名", True, 12, example="王建国", help="不超过50个字。"),
    Column("gender", "性别", True, 8, "choice", GENDER_LABELS, example="男"),
    Column(
        "birth_date",
        "出生日期",
        True,
        14,
        "date",
        example="1960-05-17",
        help="Excel日期，或文字 1960-05-17、1960/5/17、19600517；须与身份证号中的出生日期一致。",
    ),
    Column(
        "id_number",
        "身份证号",
        True,
        22,
        example="310101196005175232",
        help="18位居民身份证号，末位可为X；请设为文本格式，以免Excel改成科学计数法。全文件内及与已登记党员均不得重复。",
    ),
    Column("education", "学历", True, 14, "choice", EDUCATION_LABELS, example="初中"),
    Column(
        "joined_party_on",
        "入党日期",
        True,
        14,
        "date",
        example="1985-07-01",
        help="日期写法同出生日期；入党时须年满18岁，不得晚于今天。",
    ),
    Column("mobile", "手机号码", True, 14, example="13812345678", help="11位手机号码，以13–19开头。"),
    Column("category", "党员类别", True, 14, "choice", CATEGORY_LABELS, example="离退休党员"),
    Column(
        "code",
        "组织编码",
        True,
        16,
        example="SQ01-ZB01",
        help="党员所在党支部或党小组的组织编码（见“组织编码”工作表）；只能导入到您管理的组织。",
    ),
    Column(
        "branch_name",
        "所属组织",
        False,
        24,
        "info",
        example="第一社区第一党支部",
        help="仅供阅读，导入时不读取；导出文件中填写党员所在组织的名称。",
    ),
)
COLUMNS_BY_KEY = {column.key: column for column in COLUMNS}
COLUMNS_BY_HEADER = {column.header: column for column in COLUMNS}
# Member model field -> column key, for errors raised by Member.full_clean.
FIELD_COLUMNS = {
    "name": "name",
    "gender": "gender",
    "birth_date": "birth_date",
    "education": "education",
    "joined_party_on": "joined_party_on",
    "mobile": "mobile",
    "category": "category",
    "organisation": "code",
    "id_number": "id_number",
    "id_number_hash": "id_number",
}
# Column key -> Member field, to leave fields that failed to parse out of full_clean.
COLUMN_FIELDS = {"code": "organisation"}


# Results and errors -----------------------------------------------------------------------


class RosterFileError(Exception):
    """The file as a whole cannot be imported (not an xlsx, wrong headers, too big...)."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class RowError:
    """One problem in one cell: the Excel row number, the column header, the reason."""

    line: int | None
    column: str
    message: str

    def as_dict(self) -> dict[str, Any]:
        return {"line": self.line, "column": self.column, "message": self.message}


@dataclass
class SheetRow:
    line: int
    values: dict[str, Any]


@dataclass
class Validated:
    members: list[Member] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)


class JobLost(Exception):
    """This run no longer owns the job (the sweep handed it to another run)."""


# Reading ----------------------------------------------------------------------------------


def _file_size(fileobj: IO[bytes]) -> int:
    size = getattr(fileobj, "size", None)
    if size is not None:
        return size
    position = fileobj.tell()
    fileobj.seek(0, io.SEEK_END)
    size = fileobj.tell()
    fileobj.seek(position)
    return size


def _clean_header(value: Any) -> str:
    if value is None:
        return ""
    return "".join(str(value).split()).rstrip("*＊")


def _is_blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _match_headers(header_row: Sequence[Any] | None) -> dict[int, Column]:
    """Map cell positions to template columns; any missing required column stops the import."""
    found: dict[int, Column] = {}
    unknown: list[str] = []
    repeated: list[str] = []
    for index, cell in enumerate(header_row or ()):
        name = _clean_header(cell)
        if not name:
            continue
        column = COLUMNS_BY_HEADER.get(name)
        if column is None:
            unknown.append(name)
        elif column in found.values():
            repeated.append(name)
        else:
            found[index] = column
    present = {column.key for column in found.values()}
    missing = [column.header for column in COLUMNS if column.required and column.key not in present]
    if not missing and not repeated:
        return found  # extra columns (e.g. 备注) are allowed and ignored
    parts = [_("The first row must hold the template's column headers; copy it from the template.")]
    if missing:
        parts.append(_("Missing columns: %(columns)s.") % {"columns": "、".join(missing)})
    if unknown:
        parts.append(_("Columns not in the template: %(columns)s.") % {"columns": "、".join(unknown)})
    if repeated:
        parts.append(_("Columns given twice: %(columns)s.") % {"columns": "、".join(repeated)})
    raise RosterFileError(" ".join(parts))


@dataclass
class SheetRead:
    """What was read of a roster sheet: every row, or the first ones when reading stopped early."""

    rows: list[SheetRow]
    complete: bool
    declared_rows: int  # data rows the sheet's stored dimension claims (an estimate, may be off)


def read_roster(fileobj: IO[bytes]) -> list[SheetRow]:
    """Read every row of the roster sheet of an .xlsx file; raise RosterFileError for a bad file."""
    return open_roster(fileobj).rows


def open_roster(fileobj: IO[bytes], stop_after: int | None = None) -> SheetRead:
    """Check an .xlsx roster and read its rows, or only the first `stop_after` + 1 of them.

    Stopping early keeps the request short for big files: their rows are read on a worker.
    """
    size = _file_size(fileobj)
    if size > MAX_FILE_BYTES:
        raise RosterFileError(
            _("The file is larger than %(size)d MB; split the roster into several files.")
            % {"size": MAX_FILE_BYTES // (1024 * 1024)}
        )
    fileobj.seek(0)
    try:
        workbook = openpyxl.load_workbook(fileobj, read_only=True, data_only=True)
    except Exception as exc:  # BadZipFile, InvalidFileException, KeyError, XML errors: "not an xlsx"
        log.info("roster upload is not a readable xlsx: %r", exc)
        raise RosterFileError(
            _("This file is not an Excel workbook (.xlsx); save it as .xlsx in Excel or WPS and try again.")
        ) from None
    try:
        return _read_sheet(workbook, stop_after)
    except RosterFileError:
        raise
    except Exception:
        log.info("roster sheet could not be read", exc_info=True)
        raise RosterFileError(
            _("The workbook could not be read; it may be damaged. Save it again as .xlsx and upload it.")
        ) from None
    finally:
        workbook.close()


def _read_sheet(workbook, stop_after: int | None) -> SheetRead:
    sheet = workbook[SHEET_TITLE] if SHEET_TITLE in workbook.sheetnames else workbook.worksheets[0]
    declared_rows = max((sheet.max_row or 1) - 1, 0)
    # The stored dimension may be wrong (some tools write "A1"); read every row that is there.
    sheet.reset_dimensions()
    rows = sheet.iter_rows(values_only=True)
    header = next(rows, None)
    if header is None or all(_is_blank(value) for value in header):
        raise RosterFileError(_("The sheet is empty: the first row must hold the column headers."))
    columns = _match_headers(header)
    result: list[SheetRow] = []
    for line, values in enumerate(rows, start=2):
        if all(_is_blank(value) for value in values):
            continue
        if stop_after is not None and len(result) > stop_after:
            return SheetRead(result, complete=False, declared_rows=max(declared_rows, len(result)))
        if len(result) >= MAX_ROWS:
            raise RosterFileError(
                _("The file has more than %(max)s member rows; split it into several files.")
                % {"max": f"{MAX_ROWS:,}"}
            )
        result.append(
            SheetRow(line, {col.key: values[i] if i < len(values) else None for i, col in columns.items()})
        )
    if not result:
        raise RosterFileError(_("The sheet has no member rows under the header row."))
    return SheetRead(result, complete=True, declared_rows=len(result))


# Cell parsing -------------------------------------------------------------------------------


def _text(raw: Any) -> str:
    if raw is None:
        return ""
    if isinstance(raw, float) and raw.is_integer():
        raw = int(raw)  # numbers typed into a General cell: 13812345678.0
    if isinstance(raw, dt.datetime | dt.date):
        return raw.isoformat()
    return str(raw).strip()


def parse_date(raw: Any) -> dt.date:
    """An Excel date cell, or text such as 1960-05-17, 1960/5/17, 19600517."""
    if isinstance(raw, dt.datetime):
        return raw.date()
    if isinstance(raw, dt.date):
        return raw
    text = _text(raw)
    for fmt in DATE_TEXT_FORMATS:
        try:
            return dt.datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    raise ValidationError(
        _("“%(value)s” is not a date; write it as 1960-05-17, 1960/5/17 or 19600517.") % {"value": text}
    )


def _parse_cell(column: Column, raw: Any) -> Any:
    if _is_blank(raw):
        if column.required:
            raise ValidationError(_("This column is required."))
        return None
    if column.kind == "date":
        return parse_date(raw)
    text = _text(raw)
    if column.kind == "choice":
        assert column.labels is not None
        value = column.labels.get(_normalise_label(text))
        if value is None:
            raise ValidationError(
                _("“%(value)s” is not allowed; use one of: %(choices)s.")
                % {"value": text, "choices": "、".join(column.choices)}
            )
        return value
    return text


# Validation ---------------------------------------------------------------------------------


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
    codes = {_text(row.values.get("code")) for row in rows} - {""}
    organisations = {org.code: org for org in Organisation.objects.filter(code__in=codes)}
    outcome = Validated()
    first_line_of_hash: dict[str, int] = {}
    checked = 0
    for batch in _batched(rows, PROGRESS_EVERY):
        checked_rows = [
            (row.line, *_validate_row(row, organisations, actor, first_line_of_hash)) for row in batch
        ]
        hashes = [member.id_number_hash for _line, member, _errors in checked_rows if member.id_number_hash]
        registered = set(
            Member.objects.filter(id_number_hash__in=hashes).values_list("id_number_hash", flat=True)
        )
        for line, member, errors in checked_rows:
            if member.id_number_hash in registered:
                errors.append(
                    RowError(line, COLUMNS_BY_KEY["id_number"].header, _already_registered_message())
                )
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


def _already_registered_message() -> str:
    # Same wording as services._check_member.
    return _("A member with this ID number is already registered.")


def _column_order(header: str) -> int:
    column = COLUMNS_BY_HEADER.get(header)
    return COLUMNS.index(column) if column else len(COLUMNS)


def _validate_row(
    row: SheetRow, organisations: dict[str, Organisation], actor, first_line_of_hash: dict[str, int]
) -> tuple[Member, list[RowError]]:
    """One row: parse cells, apply the access rule, then the same checks as create_member.

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
            values[column.key] = _parse_cell(column, row.values.get(column.key))
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
    # The identity number: the same steps as services._check_member.
    if "id_number" not in failed:
        id_number = normalise_id_number(values["id_number"])
        try:
            validate_id_number(id_number, values.get("birth_date"))
        except ValidationError as exc:
            fail("id_number", exc.messages[0])
        else:
            member.set_id_number(id_number)
            earlier = first_line_of_hash.setdefault(member.id_number_hash, row.line)
            if earlier != row.line:
                fail(
                    "id_number",
                    _("The same ID number is already given on line %(line)d.") % {"line": earlier},
                )

    # "organisation" is always left out of the field checks: it was looked up above, and the
    # foreign-key check would cost a query per row. Member.clean still checks its kind and state.
    exclude = {COLUMN_FIELDS.get(key, key) for key in failed} | {"id_number_masked", "organisation"}
    try:
        # Uniqueness is checked per batch by validate_rows, not with a query per row.
        member.full_clean(exclude=sorted(exclude), validate_unique=False)
    except ValidationError as exc:
        for field_name, messages in exc.message_dict.items():
            key = FIELD_COLUMNS.get(field_name)
            for message in messages:
                if key is None or field_name == NON_FIELD_ERRORS:
                    errors.append(RowError(row.line, "", message))
                elif key not in failed:
                    errors.append(RowError(row.line, COLUMNS_BY_KEY[key].header, message))
    return member, errors


# Import -------------------------------------------------------------------------------------


def start_import(upload: File, *, actor) -> ImportJob:
    """Check an uploaded roster and import it: in the request when small, else on a worker.

    A bad file raises RosterFileError before anything is written. Small files run at once
    (the returned job is finished); bigger ones are stored and queued after commit. Only the
    first IMPORT_INLINE_MAX_ROWS + 1 rows of a big file are read here; the worker reads the
    rest (and refuses a file over MAX_ROWS rows, importing nothing).
    """
    if not access.is_manager(actor):
        raise PermissionDenied(_("Only secretaries and organisation staff may import members."))
    sheet = open_roster(upload, stop_after=settings.IMPORT_INLINE_MAX_ROWS)
    name = getattr(upload, "name", "") or "roster.xlsx"
    if sheet.complete:
        # Small rosters: no stored file (personal data kept no longer than needed).
        job = ImportJob.objects.create(original_name=name, total_rows=len(sheet.rows), created_by=actor)
        run_import_job(job.pk, rows=sheet.rows)
    else:
        from .tasks import run_import  # the task module imports this one

        upload.seek(0)
        with transaction.atomic():
            job = ImportJob(original_name=name, total_rows=sheet.declared_rows, created_by=actor)
            job.file.save(name, upload, save=False)
            job.save()
            run_import.delay_on_commit(job.pk)
    job.refresh_from_db()
    return job


def _claim(job_id: int) -> int | None:
    """Take a pending job for this run; return its attempt number, or None if not pending.

    A conditional UPDATE, so two workers, a retry and a re-queued duplicate never both run it.
    """
    now = timezone.now()
    claimed = ImportJob.objects.filter(pk=job_id, status=ImportStatus.PENDING).update(
        status=ImportStatus.RUNNING,
        attempts=F("attempts") + 1,
        started_at=now,
        heartbeat_at=now,
        processed_rows=0,
        errors=[],
    )
    if not claimed:
        return None
    return ImportJob.objects.values_list("attempts", flat=True).get(pk=job_id)


def _owned(job_id: int, attempt: int):
    return ImportJob.objects.filter(pk=job_id, status=ImportStatus.RUNNING, attempts=attempt)


def _heartbeat(job_id: int, attempt: int, **fields: Any) -> None:
    if not _owned(job_id, attempt).update(heartbeat_at=timezone.now(), **fields):
        raise JobLost(job_id)


def _finish_failed(job_id: int, attempt: int, errors: Iterable[RowError]) -> None:
    now = timezone.now()
    updated = _owned(job_id, attempt).update(
        status=ImportStatus.FAILED,
        errors=[error.as_dict() for error in errors],
        imported_count=0,
        finished_at=now,
        heartbeat_at=now,
    )
    if not updated:
        raise JobLost(job_id)
    _discard_file_on_commit(job_id)


def _discard_file_on_commit(job_id: int) -> None:
    """A finished job needs its upload no more; it holds identity numbers, so delete it."""

    def discard() -> None:
        job = ImportJob.objects.filter(pk=job_id).only("file").first()
        if job is not None and job.file:
            job.file.delete(save=False)
            ImportJob.objects.filter(pk=job_id).update(file="")

    transaction.on_commit(discard)


def run_import_job(job_id: int, rows: Sequence[SheetRow] | None = None) -> str:
    """Run one import job to the end; a job not pending (running elsewhere, finished) is a no-op.

    Returns what happened: "succeeded", "failed", "skipped" or "lost".
    """
    attempt = _claim(job_id)
    if attempt is None:
        return "skipped"
    job = ImportJob.objects.select_related("created_by").get(pk=job_id)
    try:
        return _run_claimed(job, attempt, rows)
    except JobLost:
        log.warning("import job %s was taken over by another run", job_id)
        return "lost"


def _run_claimed(job: ImportJob, attempt: int, rows: Sequence[SheetRow] | None) -> str:
    actor = job.created_by
    if actor is None or not actor.is_active:
        _finish_failed(
            job.pk, attempt, [RowError(None, "", _("The account that uploaded this file is gone."))]
        )
        return "failed"
    if rows is None:
        try:
            with job.file.open("rb") as fileobj:
                rows = read_roster(fileobj)
        except RosterFileError as exc:
            _finish_failed(job.pk, attempt, [RowError(None, "", exc.message)])
            return "failed"
        except (OSError, ValueError):  # no file stored, or it vanished
            _finish_failed(
                job.pk, attempt, [RowError(None, "", _("The uploaded file is missing; upload it again."))]
            )
            return "failed"
        _heartbeat(job.pk, attempt, total_rows=len(rows))

    def progress(done: int) -> None:
        _heartbeat(job.pk, attempt, processed_rows=done)

    outcome = validate_rows(rows, actor, progress=progress)
    if outcome.errors:
        _finish_failed(job.pk, attempt, outcome.errors)
        return "failed"
    try:
        with transaction.atomic():
            # Insert and mark succeeded together: a kill before commit leaves nothing imported.
            if not list(_owned(job.pk, attempt).select_for_update().values_list("pk", flat=True)):
                raise JobLost(job.pk)
            Member.objects.bulk_create(outcome.members, batch_size=INSERT_BATCH)
            now = timezone.now()
            _owned(job.pk, attempt).update(
                status=ImportStatus.SUCCEEDED,
                imported_count=len(outcome.members),
                processed_rows=len(rows),
                errors=[],
                finished_at=now,
                heartbeat_at=now,
            )
            _discard_file_on_commit(job.pk)
    except IntegrityError:
        # Someone registered one of these ID numbers after the check; nothing was inserted.
        log.info("import job %s hit a duplicate at insert time", job.pk, exc_info=True)
        _finish_failed(
            job.pk,
            attempt,
            [RowError(None, "", _("Members were registered while this file was checked; upload it again."))],
        )
        return "failed"
    log.info("import job %s imported %d members", job.pk, len(outcome.members))
    return "succeeded"


def fail_job(job_id: int, message: str) -> bool:
    """Mark a job that is not finished as failed with one reason (e.g. it ran out of time)."""
    now = timezone.now()
    updated = ImportJob.objects.filter(
        pk=job_id, status__in=(ImportStatus.PENDING, ImportStatus.RUNNING)
    ).update(
        status=ImportStatus.FAILED,
        errors=[RowError(None, "", message).as_dict()],
        finished_at=now,
        heartbeat_at=now,
    )
    if updated:
        _discard_file_on_commit(job_id)
    return bool(updated)


@dataclass
class SweepReport:
    requeued: list[int] = field(default_factory=list)
    failed: list[int] = field(default_factory=list)

    def as_dict(self) -> dict[str, list[int]]:
        return {"requeued": self.requeued, "failed": self.failed}


def sweep_stalled_imports(now: dt.datetime | None = None) -> SweepReport:
    """Re-queue jobs whose worker died or whose message was lost; give up after MAX_ATTEMPTS.

    Pending jobs not picked up within PENDING_STALL are queued again (a duplicate message is
    harmless: the claim lets one run through). Running jobs without a heartbeat for
    RUNNING_STALL go back to pending and are queued, unless they have already been started
    MAX_ATTEMPTS times: then they fail with a reason.
    """
    from .tasks import run_import  # the task module imports this one

    now = now or timezone.now()
    report = SweepReport()
    running_cutoff, pending_cutoff = now - RUNNING_STALL, now - PENDING_STALL
    stalled_running = Q(status=ImportStatus.RUNNING) & (
        Q(heartbeat_at__lt=running_cutoff) | Q(heartbeat_at__isnull=True, started_at__lt=running_cutoff)
    )
    for job_id, attempts in ImportJob.objects.filter(stalled_running).values_list("pk", "attempts"):
        same = ImportJob.objects.filter(stalled_running, pk=job_id, attempts=attempts)
        if attempts >= MAX_ATTEMPTS:
            message = _(
                "The import was interrupted %(count)d times and has been stopped; upload the file again."
            ) % {"count": attempts}
            if same.update(
                status=ImportStatus.FAILED,
                errors=[RowError(None, "", message).as_dict()],
                finished_at=now,
                heartbeat_at=now,
            ):
                _discard_file_on_commit(job_id)
                report.failed.append(job_id)
        elif same.update(status=ImportStatus.PENDING, heartbeat_at=now):
            report.requeued.append(job_id)
    # A pending job's heartbeat_at records when it was last queued.
    stalled_pending = Q(status=ImportStatus.PENDING) & (
        Q(heartbeat_at__lt=pending_cutoff) | Q(heartbeat_at__isnull=True, created_at__lt=pending_cutoff)
    )
    for job_id in ImportJob.objects.filter(stalled_pending).values_list("pk", flat=True):
        if ImportJob.objects.filter(stalled_pending, pk=job_id).update(heartbeat_at=now):
            report.requeued.append(job_id)
    for job_id in report.requeued:
        run_import.delay_on_commit(job_id)
    if report.requeued or report.failed:
        log.warning("import sweep: re-queued %s, failed %s", report.requeued, report.failed)
    return report


# Export and template ------------------------------------------------------------------------


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
        sheet.append(_export_row(member, full=access.can_see_personal_data(actor, member)))
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _export_row(member: Member, *, full: bool) -> list[Any]:
    values = {
        "name": member.name,
        "gender": COLUMNS_BY_KEY["gender"].label_for(member.gender),
        "birth_date": member.birth_date,
        "id_number": member.id_number if full else member.id_number_masked,
        "education": COLUMNS_BY_KEY["education"].label_for(member.education),
        "joined_party_on": member.joined_party_on,
        "mobile": member.mobile if full else member.masked_mobile,
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
            orgs_sheet.append([org.code, org.name])
    orgs_sheet.column_dimensions["A"].width = 18
    orgs_sheet.column_dimensions["B"].width = 36

    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


GENERAL_RULES = (
    "1. 第一行为列名，请勿修改；从第二行起每行一名党员，空行会被跳过。",
    "2. 一次最多导入20,000行，文件不超过10 MB。",
    "3. 全部或全不：只要有一行有误，整个文件都不导入，并列出每一行的错误（Excel行号、列名、原因）；"
    "改正后重新上传即可。",
    "4. 只能导入到您管理的党支部或党小组（见“组织编码”工作表）。",
)


def target_organisations(actor) -> list[Organisation]:
    """Open branches and party groups `actor` may import members into."""
    return list(
        access.manageable_organisations(actor)
        .open()
        .filter(kind__in=MEMBER_ORG_KINDS)
        .order_by("path")
        .only("code", "name", "path")
    )

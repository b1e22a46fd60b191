"""The members roster (党员名册) in Excel: template, reading, validation, import and export.

The file format is documented in docs/roster-template.md. One module per concern:

- `columns`: the Chinese headers, value labels and rules (the single source of the template,
  the import, the export and the help page);
- `reader`: limits on the upload (size, unpacked size, cell length, blank-row run), headers, cells;
- `validation`: every row through `services.check_member`, uniqueness looked up per batch;
- `jobs`: import jobs (start, claim, heartbeat, all-or-nothing insert, sweep);
- `workbook`: the export of a subtree and the blank template.

The names below are the package's public surface; callers import them from `orgchart.roster`.
"""

from .columns import COLUMNS, COLUMNS_BY_HEADER, COLUMNS_BY_KEY, GENERAL_RULES, SHEET_TITLE, Column
from .jobs import (
    MAX_ATTEMPTS,
    PENDING_STALL,
    RUNNING_STALL,
    JobLost,
    SweepReport,
    fail_job,
    run_import_job,
    start_import,
    sweep_stalled_imports,
)
from .reader import (
    MAX_BLANK_RUN,
    MAX_CELL_CHARS,
    MAX_FILE_BYTES,
    MAX_PART_BYTES,
    MAX_ROWS,
    MAX_UNPACKED_BYTES,
    RosterFileError,
    SheetRead,
    SheetRow,
    open_roster,
    parse_date,
    read_roster,
)
from .validation import PROGRESS_EVERY, RowError, Validated, validate_rows
from .workbook import build_template, export_subtree, target_organisations

__all__ = [
    "COLUMNS",
    "COLUMNS_BY_HEADER",
    "COLUMNS_BY_KEY",
    "GENERAL_RULES",
    "MAX_ATTEMPTS",
    "MAX_BLANK_RUN",
    "MAX_CELL_CHARS",
    "MAX_FILE_BYTES",
    "MAX_PART_BYTES",
    "MAX_ROWS",
    "MAX_UNPACKED_BYTES",
    "PENDING_STALL",
    "PROGRESS_EVERY",
    "RUNNING_STALL",
    "SHEET_TITLE",
    "Column",
    "JobLost",
    "RosterFileError",
    "RowError",
    "SheetRead",
    "SheetRow",
    "SweepReport",
    "Validated",
    "build_template",
    "export_subtree",
    "fail_job",
    "open_roster",
    "parse_date",
    "read_roster",
    "run_import_job",
    "start_import",
    "sweep_stalled_imports",
    "target_organisations",
    "validate_rows",
]

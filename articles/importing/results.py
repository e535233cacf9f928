"""What an import did to each file: statuses, report rows and the ``--report`` CSV."""

from __future__ import annotations

import csv
from dataclasses import dataclass, field
from pathlib import Path

CREATED, UPDATED, UNCHANGED, FAILED, SKIPPED = "created", "updated", "unchanged", "failed", "skipped"
# Not created: the same printed content is already article N.
DUPLICATE = "duplicate"
STATUS_ZH = {
    CREATED: "新导入",
    UPDATED: "更新",
    UNCHANGED: "未变",
    FAILED: "失败",
    SKIPPED: "跳过",
    DUPLICATE: "重复",
}
REPORT_HEADER = ["file", "status", "article", "message"]


class ImportFailure(Exception):
    """A file that cannot be imported; the message names the reason (and line)."""


@dataclass
class Row:
    """One line of the report: what happened to one article or page file."""

    status: str
    article: str = ""
    message: str = ""
    # Created, but the same date, page and headline exist with another body: for a person to decide.
    near_duplicate: bool = False


@dataclass
class FileResult:
    """What happened to one file; ``retry`` when it was rolled back whole by a concurrent writer."""

    path: Path
    status: str
    rows: list[Row] = field(default_factory=list)
    retry: bool = False

    @property
    def message(self) -> str:
        return "；".join(r.message for r in self.rows if r.message)

    @classmethod
    def failed(cls, path: Path, message: str, *, retry: bool = False) -> FileResult:
        return cls(path, FAILED, [Row(FAILED, message=message)], retry=retry)

    @classmethod
    def skipped(cls, path: Path, message: str) -> FileResult:
        return cls(path, SKIPPED, [Row(SKIPPED, message=message)])

    @classmethod
    def of_rows(cls, path: Path, rows: list[Row]) -> FileResult:
        """Return the file's result: created, updated, duplicate or skipped if any row was, else unchanged."""
        statuses = {r.status for r in rows}
        return cls(path, next((s for s in (CREATED, UPDATED, DUPLICATE, SKIPPED) if s in statuses), UNCHANGED), rows)


def report_rows(results):
    """Yield the report's lines (file, status, article, message), files in name order."""
    for result in sorted(results, key=lambda r: str(r.path)):
        if not result.rows:
            yield [str(result.path), result.status, "", ""]
        for row in result.rows:
            yield [str(result.path), row.status, row.article, row.message]


def write_report(filename, results):
    """Write the ``--report`` CSV (UTF-8 with a BOM, so spreadsheet programs read the Chinese)."""
    with open(filename, "w", newline="", encoding="utf-8-sig") as fh:
        writer = csv.writer(fh)
        writer.writerow(REPORT_HEADER)
        writer.writerows(report_rows(results))

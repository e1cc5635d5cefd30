"""Results as files: one Excel writer for a job and for a batch, JSON lines, a zip of each job's
JSON and text.

Rows come from each type's contract (`Analysis.rows`). In a workbook, a sheet per type (per
subtype for documents, whose columns differ), a row per document (per plate for plates) led
by the file's name and the job's id, then a sheet of the batch's failures and rejections; a
single job's download shows its type's detail rows instead (documents: a row per field).
Cell text that a spreadsheet would run as a formula (`=`, `+`, `-`, `@`, tab, carriage return
first) is written with a leading apostrophe.
"""

from __future__ import annotations

import io
import json
import re
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from fastapi import Response
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.worksheet.worksheet import Worksheet

from shared.analyses import ANALYSES
from shared.analyses.contract import Cell, Row
from shared.db.models import Job
from shared.schemas.api import JobOut

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DOWNLOAD: dict[int | str, dict[str, Any]] = {
    200: {"description": "the file", "content": {"application/octet-stream": {}}}
}
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_SHEET_NAME = re.compile(r"[\[\]:*?/\\]")


@dataclass(frozen=True)
class Finished:
    """A job with its result payload (None unless it succeeded)."""

    job: Job
    payload: dict[str, Any] | None

    @property
    def filename(self) -> str:
        described = self.job.input
        return str(described.get("filename") or described.get("source", {}).get("filename", ""))


def workbook(
    jobs: Iterable[Finished], rejected: Iterable[dict[str, Any]] = (), detail: bool = False
) -> bytes:
    """The jobs' results as an xlsx file; failures and rejections on a sheet of their own.
    `detail`: a single job's rows (documents: a row per field) rather than a batch's."""
    book = Workbook()
    book.remove(book.active)
    sheets: dict[str, tuple[Worksheet, list[str]]] = {}
    failures: list[Row] = [
        {"file": entry["filename"], "job_id": None, "status": "rejected", **_error(entry["error"])}
        for entry in rejected
    ]
    for finished in jobs:
        if finished.payload is None:
            failures.append(_failure(finished))
            continue
        analysis = ANALYSES[finished.job.type]
        for row in analysis.render_rows(finished.payload, detail):
            lead: Row = {"file": finished.filename, "job_id": str(finished.job.id)}
            _append(book, sheets, _sheet_name(finished.job.type, row), lead | row)
    if failures or not sheets:
        for failure in failures or [{}]:
            _append(book, sheets, "failures", failure)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _sheet_name(job_type: str, row: Row) -> str:
    """The type's sheet, or its subtype's (documents of one type differ by subtype; a batch
    holds one type, so `corporate` or `passport` alone says which)."""
    return _SHEET_NAME.sub("_", str(row.get("subtype") or job_type))[:31]


def _append(
    book: Workbook, sheets: dict[str, tuple[Worksheet, list[str]]], name: str, row: Row
) -> None:
    if name not in sheets:
        sheet = book.create_sheet(name)
        sheets[name] = (sheet, list(row))
        sheet.append(list(row))
    sheet, columns = sheets[name]
    for key in row:
        if key not in columns:  # a later row with a column the first lacked
            columns.append(key)
            sheet.cell(row=1, column=len(columns), value=key)
    sheet.append([safe_cell(row.get(column)) for column in columns])


def safe_cell(value: Cell) -> Cell:
    """A value as a cell holds it: text that looks like a formula stays text."""
    if not isinstance(value, str):
        return value
    text = ILLEGAL_CHARACTERS_RE.sub("", value)  # control characters have no place in a cell
    return "'" + text if text.startswith(FORMULA_START) else text


def _failure(finished: Finished) -> Row:
    job = finished.job
    error = {"code": job.error_code or job.status, "message": job.error_message or ""}
    return {"file": finished.filename, "job_id": str(job.id), "status": job.status, **_error(error)}


def _error(error: dict[str, Any]) -> Row:
    return {"code": error.get("code"), "message": error.get("message")}


def json_lines(jobs: Iterable[Finished]) -> bytes:
    """A line per job: the job as the API shows it and its result (null unless it succeeded)."""
    lines = [
        json.dumps(
            {"job": JobOut.of(f.job).model_dump(mode="json"), "result": f.payload},
            ensure_ascii=False,
        )
        for f in jobs
    ]
    return ("\n".join(lines) + "\n").encode() if lines else b""


def archive(jobs: Iterable[Finished]) -> bytes:
    """A zip with each succeeded job's result as `NNNN-<file>.json` and `.txt`."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as out:
        for index, finished in enumerate(jobs, start=1):
            if finished.payload is None:
                continue
            stem = f"{index:04d}-{_safe_name(finished.filename)}"
            analysis = ANALYSES[finished.job.type]
            result = json.dumps(finished.payload, ensure_ascii=False, indent=2)
            out.writestr(f"{stem}.json", result)
            out.writestr(f"{stem}.txt", analysis.render_text(finished.payload))
    return buffer.getvalue()


def _safe_name(filename: str) -> str:
    """A file's name made safe as a zip entry: no folders, no control characters."""
    name = filename.replace("\\", "/").rsplit("/", 1)[-1]
    return "".join(ch if ch.isprintable() and ch not in ':*?"<>|' else "_" for ch in name) or "file"


def attachment(data: bytes, media_type: str, filename: str) -> Response:
    """A download, named."""
    disposition = f'attachment; filename="{filename}"'
    return Response(data, media_type=media_type, headers={"Content-Disposition": disposition})

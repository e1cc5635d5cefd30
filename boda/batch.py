"""`boda batch DIR`: every document of a folder through the service as batches, into one
spreadsheet, resumable.

Documents go in batches of `chunk` files. A state file beside the spreadsheet records each
batch once the service has accepted it, so a run that was interrupted goes on where it
stopped: accepted batches are never sent again, and a batch whose answer was lost is found
again by its idempotency key (from its files' content, the type and the options).
"""

from __future__ import annotations

import hashlib
import io
import json
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
from openpyxl import Workbook, load_workbook

DOCUMENTS = {".jpg", ".jpeg", ".png", ".tif", ".tiff", ".pdf"}
POLL_SECONDS = 1.0


class BatchRunError(Exception):
    """The service refused a batch or the state file belongs to another run."""


@dataclass
class BatchRun:
    client: httpx.Client
    folder: Path
    job_type: str
    options: dict[str, Any]
    out: Path
    chunk: int

    @property
    def state_file(self) -> Path:
        return self.out.with_name(self.out.name + ".state.json")

    def run(self, progress: Callable[[int, int], None]) -> None:
        """Send what was not sent yet, wait for every batch, write the spreadsheet.

        `progress(ended, total)` is called as documents end.
        """
        files = sorted(
            path
            for path in self.folder.rglob("*")
            if path.is_file() and path.suffix.lower() in DOCUMENTS
        )
        if not files:
            raise BatchRunError(f"no document (jpg, png, tiff, pdf) in {self.folder}")
        state = self._state([str(path.relative_to(self.folder)) for path in files])
        for part in state["batches"]:
            if part["batch_id"] is None:
                part["batch_id"] = self._send(part["files"])
                self.state_file.write_text(json.dumps(state, ensure_ascii=False, indent=1))
        ids = [part["batch_id"] for part in state["batches"]]
        self._wait(ids, progress)
        self.out.write_bytes(merge([self._download(batch_id) for batch_id in ids]))

    def _state(self, names: list[str]) -> dict[str, Any]:
        plan = {"type": self.job_type, "options": self.options}
        if self.state_file.exists():
            state: dict[str, Any] = json.loads(self.state_file.read_text())
            sent = [name for part in state["batches"] for name in part["files"]]
            if {k: state[k] for k in plan} != plan or sent != names:
                raise BatchRunError(
                    f"{self.state_file} belongs to another run (other files, type or options): "
                    "remove it to start over"
                )
            return state
        parts = [names[i : i + self.chunk] for i in range(0, len(names), self.chunk)]
        return plan | {"batches": [{"files": part, "batch_id": None} for part in parts]}

    def _send(self, names: list[str]) -> str:
        contents = [(self.folder / name).read_bytes() for name in names]
        key = hashlib.sha256(
            json.dumps(
                [self.job_type, self.options, [hashlib.sha256(c).hexdigest() for c in contents]],
                sort_keys=True,
            ).encode()
        ).hexdigest()
        response = self.client.post(
            "/v1/batches",
            headers={"Idempotency-Key": f"boda-batch-{key}"},
            data={"type": self.job_type, "options": json.dumps(self.options)},
            files=[("files", (name, data)) for name, data in zip(names, contents, strict=True)],
        )
        return str(_json(response)["id"])

    def _wait(self, ids: list[str], progress: Callable[[int, int], None]) -> None:
        while True:
            batches = [_json(self.client.get(f"/v1/batches/{batch_id}")) for batch_id in ids]
            counts = [batch["counts"] for batch in batches]
            ended = sum(c["succeeded"] + c["failed"] + c["cancelled"] for c in counts)
            progress(ended, sum(c["total"] for c in counts))
            if all(batch["status"] == "completed" for batch in batches):
                return
            time.sleep(POLL_SECONDS)

    def _download(self, batch_id: str) -> bytes:
        response = self.client.get(f"/v1/batches/{batch_id}/result.xlsx")
        if response.status_code >= 400:
            _json(response)
        return response.content


def merge(workbooks: list[bytes]) -> bytes:
    """Workbooks of one layout made one: rows of same-named sheets one after another, under
    the union of their columns."""
    if len(workbooks) == 1:
        return workbooks[0]
    merged = Workbook()
    merged.remove(merged.active)
    columns: dict[str, list[str]] = {}
    for data in workbooks:
        for sheet in load_workbook(io.BytesIO(data), read_only=True).worksheets:
            rows = sheet.iter_rows(values_only=True)
            header = [str(cell) for cell in next(rows, ())]
            if sheet.title not in columns:
                columns[sheet.title] = []
                merged.create_sheet(sheet.title).append(header)  # rewritten below
            known = columns[sheet.title]
            known += [column for column in header if column not in known]
            target = merged[sheet.title]
            for row in rows:
                values = dict(zip(header, row, strict=False))
                target.append([values.get(column) for column in known])
    for title, known in columns.items():
        for index, column in enumerate(known, start=1):
            merged[title].cell(row=1, column=index, value=column)
    buffer = io.BytesIO()
    merged.save(buffer)
    return buffer.getvalue()


def _json(response: httpx.Response) -> dict[str, Any]:
    body: dict[str, Any] = response.json()
    if response.status_code >= 400:
        error = body.get("error", {})
        raise BatchRunError(f"{response.status_code} {error.get('code')}: {error.get('message')}")
    return body

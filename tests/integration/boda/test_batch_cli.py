"""`boda batch`: a folder through the service in batches, into one spreadsheet; a run that was
interrupted goes on without sending again what the service already has."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select

from boda.batch import BatchRun, BatchRunError
from shared.db.models import Batch
from tests.integration.deployment import COLOURS, Deployment, InProcessWorker, tiff


class Interrupted(Exception):
    pass


def folder_of_scans(root: Path, n: int) -> Path:
    folder = root / "scans"
    (folder / "more").mkdir(parents=True)
    for i in range(n):
        (folder / ("more" if i % 2 else "") / f"scan-{i}.tiff").write_bytes(
            tiff(COLOURS[i % 3 :][:1])
        )
    (folder / "readme.txt").write_text("not a document")
    return folder


def batches(deployment: Deployment) -> int:
    with deployment.db.session() as session:
        return session.scalar(select(func.count()).select_from(Batch)) or 0


def test_a_folder_goes_through_in_batches_and_an_interrupted_run_goes_on(
    deployment: Deployment, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = folder_of_scans(tmp_path, 5)
    out = tmp_path / "results.xlsx"
    deployment.client.headers.update(deployment.auth)
    run = BatchRun(deployment.client, folder, "test_first_page", {}, out, chunk=2)
    sent = 0
    post = deployment.client.post

    def failing_second_post(*args: Any, **kwargs: Any) -> Any:
        nonlocal sent
        sent += 1
        if sent == 2:
            raise Interrupted  # the connection dropped while the second batch was sent
        return post(*args, **kwargs)

    monkeypatch.setattr(deployment.client, "post", failing_second_post)
    with pytest.raises(Interrupted):
        run.run(lambda ended, total: None)
    assert batches(deployment) == 1 and run.state_file.exists()

    monkeypatch.setattr(deployment.client, "post", post)
    seen: list[tuple[int, int]] = []
    with InProcessWorker(deployment):
        run.run(lambda ended, total: seen.append((ended, total)))

    assert batches(deployment) == 3  # 2 + 2 + 1 files, the first batch not sent again
    assert seen[-1] == (5, 5)
    rows = list(load_workbook(io.BytesIO(out.read_bytes()))["test_first_page"].values)
    assert rows[0] == ("file", "job_id", "pages")
    assert sorted(row[0] for row in rows[1:]) == sorted(
        str(path.relative_to(folder)) for path in folder.rglob("*.tiff")
    )

    changed = BatchRun(deployment.client, folder, "test_all_pages", {}, out, chunk=2)
    with pytest.raises(BatchRunError, match="another run"):
        changed.run(lambda ended, total: None)

"""Settings: the worker's processes and each job's threads sized together from the cores."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from shared import config
from shared.config import Settings, available_cores


@pytest.mark.parametrize(
    ("cores", "processes", "threads", "sized"),
    [
        (8, 0, 0, (8, 1)),  # by default: a process per core, one thread per job
        (8, 2, 0, (2, 4)),  # processes given: the cores shared out among them
        (8, 0, 2, (4, 2)),  # threads given: as many processes as fill the cores
        (8, 3, 3, (3, 3)),  # both given: as given
        (1, 0, 0, (1, 1)),
        (2, 0, 4, (1, 4)),
    ],
)
def test_processes_and_threads_fill_the_cores(
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
    cores: int,
    processes: int,
    threads: int,
    sized: tuple[int, int],
) -> None:
    monkeypatch.setattr(config, "available_cores", lambda: cores)
    settings = Settings(
        data_dir=tmp_path,
        worker={"concurrency": processes},  # type: ignore[arg-type]
        models={"intra_op_threads": threads},  # type: ignore[arg-type]
    )
    assert (settings.worker.concurrency, settings.models.intra_op_threads) == sized


def test_a_containers_cpu_quota_caps_the_cores(tmp_path: Path) -> None:
    affinity = len(os.sched_getaffinity(0))
    quota = tmp_path / "cpu.max"
    quota.write_text("150000 100000\n")  # 1.5 CPUs
    assert available_cores(quota) == min(affinity, 2)
    quota.write_text("max 100000\n")
    assert available_cores(quota) == affinity
    assert available_cores(tmp_path / "absent") == affinity

"""The pipeline in this machine's processes, as a worker pool runs it: the in-process side of
the service benchmarks."""

from __future__ import annotations

import multiprocessing
import time

from shared.config import Settings
from shared.images import read_pages
from workers.pipelines.general.reader import GeneralReader

_reader: GeneralReader | None = None
"""The pool process's reader, loaded once by `_load` (a process of the pool holds one, as a
worker process does)."""


def _load(settings: Settings) -> None:
    global _reader
    _reader = GeneralReader.load(settings.models)


def _read_all(args: tuple[list[bytes], Settings]) -> None:
    files, settings = args
    assert _reader is not None
    for data in files:
        _reader.read(read_pages(data, settings.limits, max_pages=settings.limits.max_pages))


def in_process_parallel_seconds(files: list[bytes], settings: Settings, processes: int) -> float:
    """Seconds for `processes` processes, their models loaded and warmed first, to read the
    files between them."""
    shares = [(files[i::processes], settings) for i in range(processes)]
    context = multiprocessing.get_context("spawn")
    with context.Pool(processes, initializer=_load, initargs=(settings,)) as pool:
        pool.map(_read_all, [([files[0]], settings)] * processes, chunksize=1)  # warm-up
        started = time.perf_counter()
        pool.map(_read_all, shares, chunksize=1)
        return time.perf_counter() - started

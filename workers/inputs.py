"""A job's inputs as its pipeline reads them: each original fetched from storage and decoded a
page at a time (only the pages the type reads), with a checkpoint before every page, where a
cancelled job or a stopping worker stops."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

from PIL import Image

from shared.analyses import Analysis, Pages
from shared.config import LimitSettings
from shared.images import read_pages
from shared.storage import ObjectStore
from workers.pipelines import Inputs

Checkpoint = Callable[[], None]
"""Raises to stop the job (see lease.Interrupted); returns when it may go on."""


def job_inputs(
    store: ObjectStore,
    originals: dict[str, str],
    analysis: Analysis[Any],
    limits: LimitSettings,
    checkpoint: Checkpoint,
) -> Inputs:
    """The pages of each of the type's inputs, by form field; each iterable is read once."""
    max_pages = limits.max_pages if analysis.pages == Pages.ALL else None
    return {
        spec.field: _pages(store.get(originals[spec.field]), limits, max_pages, checkpoint)
        for spec in analysis.inputs
    }


def _pages(
    data: bytes, limits: LimitSettings, max_pages: int | None, checkpoint: Checkpoint
) -> Iterator[Image.Image]:
    pages = read_pages(data, limits, max_pages=max_pages)
    try:
        while True:
            checkpoint()
            page = next(pages, None)
            if page is None:
                return
            yield page
    finally:
        pages.close()

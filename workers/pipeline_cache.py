"""The pipelines of one worker process: found through their contracts, each loaded once."""

from __future__ import annotations

import logging
import threading
from typing import Any

from shared.analyses import ANALYSES, Analysis
from shared.config import Settings
from shared.errors import ModelUnavailableError
from workers.pipelines import Pipeline, resolve

log = logging.getLogger(__name__)


class PipelineCache:
    """Loads a type's pipeline on first use (or at warm-up) and keeps it for the process."""

    def __init__(self, settings: Settings) -> None:
        self._settings = settings
        self._lock = threading.Lock()
        self._loaded: dict[str, Pipeline] = {}

    def get(self, analysis: Analysis[Any]) -> Pipeline:
        """The loaded pipeline of a type; `ModelUnavailableError` where it cannot run here."""
        with self._lock:
            pipeline = self._loaded.get(analysis.name)
            if pipeline is None:
                if analysis.pipeline is None:
                    raise ModelUnavailableError(f"{analysis.name!r} is not part of this release")
                pipeline = resolve(analysis.pipeline).load(self._settings)
                self._loaded[analysis.name] = pipeline
            return pipeline

    def runnable(self, queues: set[str]) -> list[str]:
        """The types of `queues` whose pipeline and model files are here (nothing is loaded);
        what is missing for the others is logged."""
        found = []
        for analysis in ANALYSES.values():
            if analysis.queue not in queues or analysis.pipeline is None:
                continue
            try:
                resolve(analysis.pipeline).check(self._settings)
            except ModelUnavailableError as e:
                log.warning("cannot run %s here: %s", analysis.name, e.message)
                continue
            found.append(analysis.name)
        return found

    def warm_up(self, queues: set[str]) -> None:
        """Load the pipelines of `queues` before the first job (those that can run here)."""
        for name in self.runnable(queues):
            self.get(ANALYSES[name])

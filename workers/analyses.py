"""The pipelines a worker process runs, loaded once per process on first use."""

from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import Any

from shared.analysis import ANALYSIS_TYPES
from shared.config import Settings
from shared.errors import ModelUnavailableError
from shared.images import load_pages
from workers.pipelines.general.reader import GeneralReader


@dataclass(frozen=True)
class AnalysisOutput:
    payload: dict[str, Any]
    text: str
    models: dict[str, str]


class Analyses:
    """Decodes an original and runs the pipeline of a job type on it."""

    def __init__(self, settings: Settings) -> None:
        self._settings = settings
        self._lock = threading.Lock()
        self._general: GeneralReader | None = None

    def general_reader(self) -> GeneralReader:
        with self._lock:
            if self._general is None:
                self._general = GeneralReader.load(self._settings.models)
            return self._general

    def warm_up(self, queues: set[str]) -> None:
        """Load the models of the queues this worker serves, before the first job."""
        if "ocr" in queues:
            self.general_reader()

    def run(self, job_type: str, original: bytes, options: dict[str, Any]) -> AnalysisOutput:
        analysis = ANALYSIS_TYPES.get(job_type)
        if analysis is None or not analysis.installed:
            raise ModelUnavailableError(f"the {job_type!r} analysis is not installed here")
        limits = self._settings.limits
        pages = load_pages(original, limits, max_pages=limits.max_pages)
        result = self.general_reader().read(pages)
        return AnalysisOutput(
            payload=result.model_dump(mode="json"),
            text=result.text,
            models=self.general_reader().models,
        )

"""General OCR as a job runs it (see `reader` for how a page is read)."""

from __future__ import annotations

from shared.analyses.general import GeneralOptions, GeneralResult
from shared.config import Settings
from workers.pipelines import Inputs, JobContext
from workers.pipelines.general.reader import GeneralReader


class GeneralPipeline:
    """Every page of the `file` input read by one `GeneralReader`."""

    def __init__(self, reader: GeneralReader) -> None:
        self.reader = reader

    @classmethod
    def check(cls, settings: Settings) -> None:
        GeneralReader.find(settings.models)

    @classmethod
    def load(cls, settings: Settings) -> GeneralPipeline:
        return cls(GeneralReader.shared(settings.models))

    @property
    def models(self) -> dict[str, str]:
        return self.reader.models

    def run(self, inputs: Inputs, options: GeneralOptions, context: JobContext) -> GeneralResult:
        return self.reader.read(inputs["file"])

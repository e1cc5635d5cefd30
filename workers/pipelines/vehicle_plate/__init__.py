"""`vehicle_plate` as a job runs it (see `reader` for the stages)."""

from __future__ import annotations

import numpy as np

from shared.analyses.vehicle_plate import PlateOptions, PlateResult
from shared.config import Settings
from workers.engines.runtime.model_store import model_folder
from workers.engines.text.detection import TextDetector
from workers.engines.text.korean_recognition import KoreanLineRecognizer
from workers.pipelines import Inputs, JobContext
from workers.pipelines.vehicle_plate.external import load_external
from workers.pipelines.vehicle_plate.reader import PlateReader

__all__ = ["PlateReader", "VehiclePlatePipeline"]


class VehiclePlatePipeline:
    """The first page of the `file` input read by one `PlateReader`."""

    def __init__(self, reader: PlateReader) -> None:
        self.reader = reader

    @classmethod
    def check(cls, settings: Settings) -> None:
        cls.find(settings)

    @classmethod
    def find(cls, settings: Settings) -> PlateReader:
        """A reader of the models settings name, not loaded yet (ModelUnavailableError for
        a model that is not installed)."""
        models = settings.models
        detection = model_folder(models.root, "text_detection", models.plate_detection)
        reading = model_folder(
            models.root, "text_recognition", models.plate_recognition, ("inference.onnx",)
        )
        external = settings.plates.external_stage
        return PlateReader(
            TextDetector(detection, models.intra_op_threads, models.device),
            KoreanLineRecognizer(
                reading, models.intra_op_threads, models.device, extend_paper=False
            ),
            sure=settings.plates.sure_confidence,
            external=load_external(external) if external else None,
        )

    @classmethod
    def load(cls, settings: Settings) -> VehiclePlatePipeline:
        reader = cls.find(settings)
        reader.load()
        return cls(reader)

    @property
    def models(self) -> dict[str, str]:
        return self.reader.models

    def run(self, inputs: Inputs, options: PlateOptions, context: JobContext) -> PlateResult:
        page = next(iter(inputs["file"]))
        return self.reader.read(np.asarray(page.convert("RGB")))

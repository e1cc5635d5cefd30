"""`vehicle_plate`: Korean licence plates read, validated and classified."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

from shared.analyses.contract import Analysis, Row
from shared.analyses.general import Quad
from shared.analyses.options import JobOptions


class Plate(BaseModel):
    number: str = Field(description="e.g. 123가4567; a regional plate's includes its region")
    confidence: float = Field(ge=0, le=1)
    box: Quad
    usage: Literal["private", "commercial", "delivery", "rental", "other"] | None
    region: str | None
    valid: bool = Field(description="whether the reading fits a real Korean plate format")
    stage: str = Field(description="the recognition stage that produced the reading")


class PlateResult(BaseModel):
    """Plates, the most confident valid reading first; invalid readings after the valid."""

    plates: list[Plate]


class PlateOptions(JobOptions):
    """`vehicle_plate` takes only the common options."""


def _text(result: PlateResult) -> str:
    return "\n".join(plate.number for plate in result.plates)


def _rows(result: PlateResult) -> list[Row]:
    return [
        {
            "number": plate.number,
            "usage": plate.usage,
            "region": plate.region,
            "valid": plate.valid,
            "confidence": plate.confidence,
        }
        for plate in result.plates
    ]


VEHICLE_PLATE = Analysis(
    name="vehicle_plate",
    summary="Vehicle plate OCR: number, usage, region and validity of Korean plates",
    queue="ocr",
    options=PlateOptions,
    result=PlateResult,
    text=_text,
    rows=_rows,
    model_roles=("plate_detection", "text_recognition", "plate_external"),
    pipeline="workers.pipelines.vehicle_plate:VehiclePlatePipeline",
)

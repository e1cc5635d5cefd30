"""`face_detect`: faces with box, confidence, five landmarks and head pose."""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, Field

from shared.analyses.contract import Row
from shared.analyses.faces import Face, box_text, face_analysis, faces_row
from shared.analyses.options import FaceOptions


class FaceDetectOptions(FaceOptions):
    limit: Annotated[int, Field(ge=1, le=100, description="faces returned, largest first")] = 20


class FaceDetectResult(BaseModel):
    """Faces, largest first; an image without a face succeeds with `faces: []`."""

    faces: list[Face]


def _text(result: FaceDetectResult) -> str:
    return "\n".join(f"{box_text(face)} {face.confidence:.3f}" for face in result.faces)


def _rows(result: FaceDetectResult) -> list[Row]:
    return [faces_row(result.faces)]


FACE_DETECT = face_analysis(
    "face_detect",
    "Face detection: boxes, confidence, landmarks and orientation",
    FaceDetectOptions,
    FaceDetectResult,
    _text,
    _rows,
    "FaceDetectPipeline",
)

"""`face_verify`: a registered face against the largest face of an image, at a threshold."""

from __future__ import annotations

import uuid

from pydantic import BaseModel, Field

from shared.analyses.contract import Row
from shared.analyses.faces import Face, face_analysis
from shared.analyses.options import FaceOptions, GroupId, Threshold


class FaceVerifyOptions(FaceOptions):
    group_id: GroupId
    face_id: uuid.UUID
    threshold: Threshold = None


class FaceVerifyResult(BaseModel):
    face_id: uuid.UUID
    similarity: float = Field(ge=0, le=100)
    matched: bool
    threshold: float = Field(ge=0, le=100)
    source_face: Face


def _text(result: FaceVerifyResult) -> str:
    verdict = "matched" if result.matched else "unmatched"
    return f"{result.face_id} {verdict} {result.similarity:.1f}"


def _rows(result: FaceVerifyResult) -> list[Row]:
    return [
        {
            "face_id": str(result.face_id),
            "similarity": result.similarity,
            "matched": result.matched,
            "threshold": result.threshold,
        }
    ]


FACE_VERIFY = face_analysis(
    "face_verify",
    "Face verification: a registered face against an image, matched at a threshold",
    FaceVerifyOptions,
    FaceVerifyResult,
    _text,
    _rows,
    "FaceVerifyPipeline",
)

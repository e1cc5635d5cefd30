"""`face_spoof`: liveness of each face, where a spoof model is installed (none ships offline:
without one the type answers `501 model_unavailable`)."""

from __future__ import annotations

from pydantic import BaseModel

from shared.analyses.contract import Row
from shared.analyses.faces import Face, face_analysis, faces_row
from shared.analyses.options import JobOptions


class FaceSpoofOptions(JobOptions):
    """Only the common options: liveness is what this type runs."""


class FaceSpoofResult(BaseModel):
    """Faces, each with its `liveness`."""

    faces: list[Face]


def _text(result: FaceSpoofResult) -> str:
    return "\n".join(
        f"{'real' if face.liveness and face.liveness.real else 'spoof'} "
        f"{face.liveness.score if face.liveness else 0:.3f}"
        for face in result.faces
    )


def _rows(result: FaceSpoofResult) -> list[Row]:
    real = sum(bool(face.liveness and face.liveness.real) for face in result.faces)
    return [{**faces_row(result.faces), "real": real}]


FACE_SPOOF = face_analysis(
    "face_spoof",
    "Face liveness (spoofing detection) per face",
    FaceSpoofOptions,
    FaceSpoofResult,
    _text,
    _rows,
    "FaceSpoofPipeline",
)

"""What the face types share: a face as NHN Cloud describes one, and its contract defaults."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

from pydantic import BaseModel, Field

from shared.analyses.contract import FILE, Analysis, Input, Row
from shared.analyses.options import JobOptions

Point2 = tuple[float, float]
FACE_MODELS = ("face_detection", "face_embedding", "face_liveness")


class Landmarks(BaseModel):
    """Five points [x, y] in pixels; left and right as seen in the image (the subject's right
    eye is the image's `left_eye`)."""

    left_eye: Point2
    right_eye: Point2
    nose: Point2
    mouth_left: Point2
    mouth_right: Point2


class Orientation(BaseModel):
    """Head pose in degrees, estimated from the landmarks."""

    yaw: float
    pitch: float
    roll: float


class Liveness(BaseModel):
    real: bool
    score: float = Field(ge=0, le=1)


class Face(BaseModel):
    id: uuid.UUID | None = Field(None, description="set where the face was registered")
    box: tuple[float, float, float, float] = Field(description="[x0, y0, x1, y1] in pixels")
    confidence: float = Field(ge=0, le=1)
    landmarks: Landmarks
    orientation: Orientation
    liveness: Liveness | None = Field(None, description="only with the option spoof: true")


def box_text(face: Face) -> str:
    x0, y0, x1, y1 = face.box
    return f"{x0:.0f},{y0:.0f},{x1:.0f},{y1:.0f}"


def faces_row(faces: list[Face]) -> Row:
    """How many faces, and their boxes `x0,y0,x1,y1` separated by `; `."""
    return {"faces": len(faces), "boxes": "; ".join(box_text(face) for face in faces)}


def face_analysis(
    name: str,
    summary: str,
    options: type[JobOptions],
    result: type[BaseModel],
    text: Callable[[Any], str],
    rows: Callable[[Any], list[Row]],
    pipeline: str,
    inputs: tuple[Input, ...] = FILE,
) -> Analysis[Any]:
    """The contract of a face type: the face queue, first page, personal data; `pipeline` is
    the class's name in `workers.pipelines.faces.<type without face_>`."""
    return Analysis(
        name=name,
        summary=summary,
        queue="face",
        options=options,
        result=result,
        text=text,
        rows=rows,
        model_roles=FACE_MODELS,
        pipeline=f"workers.pipelines.faces.{name.removeprefix('face_')}:{pipeline}",
        inputs=inputs,
        personal_data=True,
    )

"""`face_register`: the faces of an image added to a group (the embedding kept, the image not)."""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, Field

from shared.analyses.contract import Row
from shared.analyses.faces import Face, face_analysis, faces_row
from shared.analyses.options import FaceOptions, GroupId


class FaceRegisterOptions(FaceOptions):
    group_id: GroupId
    limit: Annotated[int, Field(ge=1, le=100, description="faces added, largest first")] = 20
    external_image_id: Annotated[str | None, Field(max_length=255)] = None


class FaceRegisterResult(BaseModel):
    """The faces added, each with its new `id`."""

    group_id: str
    external_image_id: str | None = None
    faces: list[Face]


def _text(result: FaceRegisterResult) -> str:
    return "\n".join(str(face.id) for face in result.faces)


def _rows(result: FaceRegisterResult) -> list[Row]:
    return [{"group_id": result.group_id, **faces_row(result.faces)}]


FACE_REGISTER = face_analysis(
    "face_register",
    "Face registration: the faces of an image added to a group",
    FaceRegisterOptions,
    FaceRegisterResult,
    _text,
    _rows,
    "FaceRegisterPipeline",
)

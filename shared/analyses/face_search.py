"""`face_search`: a group searched with the largest face of an image, ranked by similarity."""

from __future__ import annotations

import uuid
from typing import Annotated

from pydantic import BaseModel, Field

from shared.analyses.contract import Row
from shared.analyses.faces import Face, face_analysis
from shared.analyses.options import FaceOptions, GroupId, Threshold
from shared.face_matching import Match


class FaceSearchOptions(FaceOptions):
    group_id: GroupId
    limit: Annotated[int, Field(ge=1, le=100, description="matches returned")] = 10
    threshold: Threshold = None


class FaceSearchMatch(BaseModel):
    face_id: uuid.UUID
    external_image_id: str | None
    similarity: float = Field(ge=0, le=100)

    @classmethod
    def of(cls, match: Match) -> FaceSearchMatch:
        similarity = round(match.similarity, 2)
        return cls(
            face_id=match.face_id, external_image_id=match.external_image_id, similarity=similarity
        )


class FaceSearchResult(BaseModel):
    source_face: Face
    matches: list[FaceSearchMatch]


def _text(result: FaceSearchResult) -> str:
    return "\n".join(f"{match.face_id} {match.similarity:.1f}" for match in result.matches)


def _rows(result: FaceSearchResult) -> list[Row]:
    best = result.matches[0] if result.matches else None
    return [
        {
            "matches": len(result.matches),
            "best_face_id": str(best.face_id) if best else None,
            "best_similarity": best.similarity if best else None,
        }
    ]


FACE_SEARCH = face_analysis(
    "face_search",
    "Face search: a group's faces ranked by similarity to the image's largest face",
    FaceSearchOptions,
    FaceSearchResult,
    _text,
    _rows,
    "FaceSearchPipeline",
)

"""`face_compare`: the largest face of the source image against every face of the target."""

from __future__ import annotations

from pydantic import BaseModel, Field

from shared.analyses.contract import Input, Row
from shared.analyses.faces import Face, face_analysis
from shared.analyses.options import FaceOptions, Threshold


class FaceCompareOptions(FaceOptions):
    threshold: Threshold = None


class FaceMatch(BaseModel):
    face: Face
    similarity: float = Field(ge=0, le=100)


class FaceCompareResult(BaseModel):
    source_face: Face
    threshold: float = Field(ge=0, le=100)
    matched: list[FaceMatch]
    unmatched: list[FaceMatch]


def _text(result: FaceCompareResult) -> str:
    return "\n".join(
        f"{'matched' if match in result.matched else 'unmatched'} {match.similarity:.1f}"
        for match in [*result.matched, *result.unmatched]
    )


def _rows(result: FaceCompareResult) -> list[Row]:
    best = max((m.similarity for m in [*result.matched, *result.unmatched]), default=None)
    return [
        {
            "matched": len(result.matched),
            "unmatched": len(result.unmatched),
            "best_similarity": best,
            "threshold": result.threshold,
        }
    ]


FACE_COMPARE = face_analysis(
    "face_compare",
    "Face comparison: similarity 0–100 of the source's largest face to each target face",
    FaceCompareOptions,
    FaceCompareResult,
    _text,
    _rows,
    "FaceComparePipeline",
    inputs=(Input("file", "source"), Input("target", "target")),
)

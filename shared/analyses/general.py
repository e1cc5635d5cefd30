"""`general`: General OCR, every line of text of every page with its box, words and confidence."""

from __future__ import annotations

from pydantic import BaseModel, Field

from shared.analyses.contract import Analysis, Pages, Row
from shared.analyses.options import JobOptions

Point = tuple[int, int]
Quad = list[Point]
"""Four [x, y] points clockwise from the top-left, in pixels of the page as received."""


class Word(BaseModel):
    text: str
    confidence: float = Field(ge=0, le=1)
    box: Quad


class Line(BaseModel):
    text: str
    confidence: float = Field(ge=0, le=1)
    box: Quad
    words: list[Word] = []


class Page(BaseModel):
    width: int
    height: int
    rotation: int = Field(
        0, description="degrees clockwise applied to make the page upright: 0, 90, 180 or 270"
    )
    lines: list[Line]


class GeneralResult(BaseModel):
    """`general` OCR: lines in reading order per page, and the whole text."""

    pages: list[Page]
    text: str
    slices: int = Field(1, description="overlapping slices long pages were read in (1: none)")

    @staticmethod
    def join_text(pages: list[Page]) -> str:
        """Lines joined by newlines, pages by a form feed (the text download's page break)."""
        return "\f".join("\n".join(line.text for line in page.lines) for page in pages)


class GeneralOptions(JobOptions):
    """`general` reads every page with the deployment's models; only the common options."""


def _rows(result: GeneralResult) -> list[Row]:
    lines = sum(len(page.lines) for page in result.pages)
    return [{"pages": len(result.pages), "lines": lines, "text": result.text}]


GENERAL = Analysis(
    name="general",
    summary="General OCR: lines of Korean, Latin and digits with boxes and confidence",
    queue="ocr",
    options=GeneralOptions,
    result=GeneralResult,
    text=lambda result: result.text,
    rows=_rows,
    model_roles=(
        "text_detection",
        "text_recognition",
        "text_recognition_hangul",
        "text_recognition_hangul_second",
    ),
    pipeline="workers.pipelines.general:GeneralPipeline",
    pages=Pages.ALL,
)

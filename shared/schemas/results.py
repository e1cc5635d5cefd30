"""Result models: what a pipeline returns and what `GET /v1/jobs/{id}/result` serves."""

from __future__ import annotations

from pydantic import BaseModel, Field

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
    slices: int = 1

    @staticmethod
    def join_text(pages: list[Page]) -> str:
        """Lines joined by newlines, pages by a form feed (the text download's page break)."""
        return "\f".join("\n".join(line.text for line in page.lines) for page in pages)

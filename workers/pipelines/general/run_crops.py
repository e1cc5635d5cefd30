"""Cutting a run of Tesseract's pieces out of a line strip for PP-OCR to read again.

Tesseract's piece boxes come from its LSTM's character timing and can be off by a glyph, so
the cut between a run and its neighbours is made in the widest blank gap near each box edge,
and the run is shown on blank margins (PP-OCR drops a character touching the edge of a tight
crop: `150` -> `50`).
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

from workers.engines.text.line_crops import ink_columns, paper_tone, widest_blank
from workers.engines.text.recognition import Box, Piece

RUN_MARGIN = 0.8
"""Blank margin around a run, in line heights."""
BOX_SLACK = 0.6
"""How far (in line heights) Tesseract's piece edges may be off the ink."""
SPACE_GAP = 0.2
"""A blank gap at least this wide (in line heights) between a run and a neighbour is a space."""


@dataclass(frozen=True)
class RunCrop:
    """A run's image and whether blank space separates it from each neighbour."""

    image: np.ndarray
    space_before: bool
    space_after: bool


def cut_run(crop: np.ndarray, pieces: list[Piece], start: int, stop: int) -> RunCrop:
    """Pieces [start, stop) of an RGB strip, neighbouring ink painted in the paper's tone."""
    height, width = crop.shape[:2]
    ink = ink_columns(cv2.cvtColor(crop, cv2.COLOR_RGB2GRAY))
    left, gap_before = _cut_before(ink, pieces, start, height)
    right, gap_after = _cut_after(ink, pieces, stop, height)
    x0 = max(int(pieces[start].box[0] - RUN_MARGIN * height), 0)
    x1 = min(int(np.ceil(pieces[stop - 1].box[2] + RUN_MARGIN * height)), width)
    image = crop[:, x0 : max(x1, x0 + 1)].copy()
    paper = paper_tone(image)
    image[:, : max(int(left) - x0, 0)] = paper
    image[:, max(int(np.ceil(right)) - x0, 0) :] = paper
    threshold = SPACE_GAP * height
    return RunCrop(image, gap_before >= threshold, gap_after >= threshold)


def _cut_before(ink: np.ndarray, pieces: list[Piece], start: int, height: int) -> tuple[float, int]:
    if start == 0:
        return 0.0, 0
    before, first = pieces[start - 1].box, pieces[start].box
    low = min((before[0] + before[2]) / 2, first[0] - BOX_SLACK * height)
    found = widest_blank(ink, low, first[0] + BOX_SLACK * height)
    return found if found is not None else ((before[2] + first[0]) / 2, 0)


def _cut_after(ink: np.ndarray, pieces: list[Piece], stop: int, height: int) -> tuple[float, int]:
    if stop == len(pieces):
        return float(len(ink)), 0
    last, after = pieces[stop - 1].box, pieces[stop].box
    high = max((after[0] + after[2]) / 2, last[2] + BOX_SLACK * height)
    found = widest_blank(ink, last[2] - BOX_SLACK * height, high)
    return found if found is not None else ((last[2] + after[0]) / 2, 0)


def share_box(pieces: list[Piece], weights: list[int]) -> list[Box]:
    """The run's box cut into side-by-side parts in proportion to `weights`."""
    x0, x1 = pieces[0].box[0], pieces[-1].box[2]
    y0, y1 = min(p.box[1] for p in pieces), max(p.box[3] for p in pieces)
    edges = np.cumsum([0, *weights]) / max(sum(weights), 1) * (x1 - x0) + x0
    return [(float(a), y0, float(b), y1) for a, b in zip(edges[:-1], edges[1:], strict=True)]

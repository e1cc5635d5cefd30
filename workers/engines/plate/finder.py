"""Where the plates are in a photo: text lines from the PP-OCR detector, grouped into plates.

No offline plate detector exists in any registry (MODELS.md), and a plate is text: the line
detector finds its characters in car photos at any scale it finds document text. What makes a
plate out of lines is geometry:

- pieces of one printed line (`12가` and `3456`, cut apart at the gap) sit side by side at one
  height;
- a two-line plate prints its region and type (`서울12`) small and centred above the usage
  character and serial (`바3456`).

Each group becomes a `PlateCandidate`; whether it is a plate is for its reading to say (the
formats in `workers.korean.plates`). Plates far from the camera are found again at a higher
resolution in the area around each candidate (`around`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import cv2
import numpy as np

from workers.engines.text.line_crops import LineCrop, line_quad, order_quad

SIDE_GAP = 1.6
"""Pieces of one line: at most this many line heights apart..."""
SIDE_HEIGHTS = (0.6, 1.6)
"""...of heights within this ratio, and centred within half a line height of each other."""
STACK_HEIGHTS = (0.3, 0.95)
"""A two-line plate's top line: this share of its bottom line's height..."""
STACK_GAP = 0.8
"""...at most this many bottom-line heights above it, centred within half its width."""


@dataclass(frozen=True)
class TextLine:
    """One detected line: corners clockwise from the top-left, and its size along the text."""

    quad: np.ndarray

    @property
    def centre(self) -> np.ndarray:
        return np.asarray(self.quad.mean(axis=0))

    @property
    def height(self) -> float:
        return float(
            (
                np.linalg.norm(self.quad[3] - self.quad[0])
                + np.linalg.norm(self.quad[2] - self.quad[1])
            )
            / 2
        )

    @property
    def width(self) -> float:
        return float(
            (
                np.linalg.norm(self.quad[1] - self.quad[0])
                + np.linalg.norm(self.quad[2] - self.quad[3])
            )
            / 2
        )


@dataclass(frozen=True)
class PlateCandidate:
    """Lines that may be one plate, in rows top to bottom, each row's pieces left to right."""

    rows: tuple[tuple[np.ndarray, ...], ...]

    @property
    def lines(self) -> list[np.ndarray]:
        return [quad for row in self.rows for quad in row]

    @property
    def quad(self) -> np.ndarray:
        """The smallest turned rectangle around every line, clockwise from the top-left."""
        points = np.concatenate(self.lines).astype(np.float32)
        return order_quad(cv2.boxPoints(cv2.minAreaRect(points)).astype(np.float32))


def _side_by_side(a: TextLine, b: TextLine) -> bool:
    ratio = a.height / max(b.height, 1e-6)
    if not SIDE_HEIGHTS[0] <= ratio <= SIDE_HEIGHTS[1]:
        return False
    height = max(a.height, b.height)
    if abs(a.centre[1] - b.centre[1]) > 0.5 * height:
        return False
    gap = abs(a.centre[0] - b.centre[0]) - (a.width + b.width) / 2
    return gap <= SIDE_GAP * height


def _stacked(top: TextLine, bottom: TextLine) -> bool:
    ratio = top.height / max(bottom.height, 1e-6)
    if not STACK_HEIGHTS[0] <= ratio <= STACK_HEIGHTS[1] or top.centre[1] >= bottom.centre[1]:
        return False
    gap = (bottom.centre[1] - bottom.height / 2) - (top.centre[1] + top.height / 2)
    centred = abs(top.centre[0] - bottom.centre[0]) <= 0.5 * bottom.width
    return gap <= STACK_GAP * bottom.height and centred and top.width <= 1.1 * bottom.width


def group_lines(quads: Sequence[np.ndarray]) -> list[PlateCandidate]:
    """Detected lines grouped into plate candidates (a line alone is a candidate too)."""
    lines = [TextLine(line_quad(np.asarray(q, dtype=np.float32))) for q in quads]
    parent = list(range(len(lines)))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for i, a in enumerate(lines):
        for j in range(i + 1, len(lines)):
            b = lines[j]
            if _side_by_side(a, b) or _stacked(a, b) or _stacked(b, a):
                parent[root(i)] = root(j)
    groups: dict[int, list[TextLine]] = {}
    for index, line in enumerate(lines):
        groups.setdefault(root(index), []).append(line)
    return [PlateCandidate(tuple(_in_reading_order(group))) for group in groups.values()]


def _in_reading_order(lines: list[TextLine]) -> tuple[tuple[np.ndarray, ...], ...]:
    """Rows top to bottom (a row: lines whose centres are within half a height of its first),
    each left to right."""
    rows: list[list[TextLine]] = []
    for line in sorted(lines, key=lambda line: line.centre[1]):
        if rows and abs(line.centre[1] - rows[-1][0].centre[1]) <= 0.5 * rows[-1][0].height:
            rows[-1].append(line)
        else:
            rows.append([line])
    return tuple(
        tuple(line.quad for line in sorted(row, key=lambda line: line.centre[0])) for row in rows
    )


@dataclass(frozen=True)
class Around:
    """The area around a candidate, enlarged: its pixels and the map back to the photo."""

    image: np.ndarray
    to_photo: np.ndarray
    """3x3 homography from the enlarged area to the photo."""

    def quad_to_photo(self, quad: np.ndarray) -> np.ndarray:
        points = cv2.perspectiveTransform(quad.reshape(1, -1, 2).astype(np.float32), self.to_photo)
        return np.asarray(points[0])


def around(photo: np.ndarray, candidate: PlateCandidate, line_height: float) -> Around:
    """The candidate's area with a margin of a plate height and a third of its width, cut
    level (the candidate's turn undone) and scaled so that its tallest line is `line_height`
    pixels high."""
    quad = candidate.quad
    tallest = max(TextLine(q).height for q in candidate.lines)
    scale = line_height / max(tallest, 1.0)
    width = float(np.linalg.norm(quad[1] - quad[0]))
    height = float(np.linalg.norm(quad[3] - quad[0]))
    pad_x, pad_y = width / 3 + tallest, height / 2 + tallest
    right = (quad[1] - quad[0]) / max(width, 1e-6)
    down = (quad[3] - quad[0]) / max(height, 1e-6)
    corners = np.array(
        [quad[0] - pad_x * right - pad_y * down, quad[1] + pad_x * right - pad_y * down,
         quad[2] + pad_x * right + pad_y * down, quad[3] - pad_x * right + pad_y * down],
        dtype=np.float32,
    )  # fmt: skip
    size = (round((width + 2 * pad_x) * scale), round((height + 2 * pad_y) * scale))
    target = np.array([[0, 0], [size[0], 0], [size[0], size[1]], [0, size[1]]], dtype=np.float32)
    to_area = cv2.getPerspectiveTransform(corners, target)
    image = cv2.warpPerspective(
        photo, to_area, size, flags=cv2.INTER_CUBIC, borderMode=cv2.BORDER_REPLICATE
    )
    return Around(image, np.linalg.inv(to_area))


TALL = 0.35
"""A single detected box this tall for its width may be both lines of a two-line plate..."""
ROW_GAP = 0.02
"""...split where a band of rows between 25 % and 65 % of its height holds under this share
of ink, with ink above and below it."""


def split_two_line(photo: np.ndarray, candidate: PlateCandidate) -> PlateCandidate:
    """A candidate of one box holding both lines of a two-line plate (the detector sometimes
    boxes the two together), as two rows; any other candidate as it is."""
    if len(candidate.lines) != 1:
        return candidate
    quad = candidate.lines[0]
    line = TextLine(quad)
    if line.height < TALL * line.width:
        return candidate
    fraction = _row_gap(LineCrop.cut(photo, quad).image)
    if fraction is None:
        return candidate
    left = quad[0] + (quad[3] - quad[0]) * fraction
    right = quad[1] + (quad[2] - quad[1]) * fraction
    top = np.array([quad[0], quad[1], right, left], dtype=np.float32)
    bottom = np.array([left, right, quad[2], quad[3]], dtype=np.float32)
    return PlateCandidate(((top,), (bottom,)))


def _row_gap(crop: np.ndarray) -> float | None:
    """Where (share of the height) a blank band parts two rows of ink, if one does."""
    grey = cv2.cvtColor(crop, cv2.COLOR_RGB2GRAY)
    _, binary = cv2.threshold(grey, 0, 1, cv2.THRESH_BINARY + cv2.THRESH_OTSU)
    ink = binary if binary.mean() < 0.5 else 1 - binary  # ink is the smaller class
    # Ignore the plate's rim and bolts at the sides: the middle 80 % of the width.
    width = ink.shape[1]
    rows = ink[:, width // 10 : width - width // 10].mean(axis=1)
    height = len(rows)
    low, high = int(0.25 * height), int(0.65 * height)
    if high <= low:
        return None
    gap = low + int(np.argmin(rows[low:high]))
    if rows[gap] > ROW_GAP or rows[:gap].max() < 0.1 or rows[gap:].max() < 0.1:
        return None
    return gap / height

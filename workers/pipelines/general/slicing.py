"""Long pages: text detection in overlapping slices along the long side, merged back.

The detector shrinks a page to its pixel budget, and PaddleX caps its input at 4000 px on the
long side, so a 1:6 receipt detected whole shrinks until its text is a few pixels high and
almost nothing is found (measured: 78 % CER on one). A page longer than MAX_ASPECT is therefore
cut into slices of at most that aspect, each detected as received. Neighbouring slices overlap
by OVERLAP of the short side, so a line that one slice's edge cuts lies whole in the next one;
the page keeps the copies found whole, each once. Lines longer than the overlap that run along
the long side (a banner) are whole in no slice: their pieces are joined instead.

Only detection is sliced: recognition cuts every line out of the page itself.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import cv2
import numpy as np

from workers.engines.text.detection import Detection
from workers.engines.text.line_crops import order_quad

MAX_ASPECT = 2.5
"""Pages longer than this (long side / short side) are detected in slices."""
OVERLAP = 0.25
"""Overlap of neighbouring slices, in short sides: lines up to this tall stay whole in one."""
EDGE = 3
"""A detection within this many pixels of a slice's inner edge is taken as cut by it."""
SAME_LINE = 0.5
"""Share of a detection inside another for the two to be one line."""

Detect = Callable[[np.ndarray], list[Detection]]


@dataclass(frozen=True)
class Slice:
    """A window [start, stop) along the page's long side, whole across the short side."""

    start: int
    stop: int
    vertical: bool
    """True when the long side is the height (slices stacked top to bottom)."""
    first: bool = True
    last: bool = True

    def window(self, page: np.ndarray) -> np.ndarray:
        """The slice's pixels of an RGB page array (a view)."""
        return page[self.start : self.stop] if self.vertical else page[:, self.start : self.stop]

    def to_page(self, points: np.ndarray) -> np.ndarray:
        """Slice points (x, y) moved into page pixels."""
        shift = np.array([0, self.start] if self.vertical else [self.start, 0], dtype=np.float32)
        return np.asarray(points, dtype=np.float32) + shift

    def cuts(self, points: np.ndarray) -> bool:
        """Whether page points reach an edge this slice shares with a neighbour."""
        along = np.asarray(points)[:, 1 if self.vertical else 0]
        return bool(
            (not self.first and along.min() <= self.start + EDGE)
            or (not self.last and along.max() >= self.stop - 1 - EDGE)
        )


def plan_slices(width: int, height: int) -> list[Slice]:
    """Equal overlapping slices no longer than MAX_ASPECT, or the whole page if it fits."""
    long_side, short_side = max(width, height), min(width, height)
    vertical = height >= width
    if long_side <= MAX_ASPECT * short_side:
        return [Slice(0, long_side, vertical)]
    overlap = math.ceil(OVERLAP * short_side)
    longest = int(MAX_ASPECT * short_side)
    count = math.ceil((long_side - overlap) / (longest - overlap))
    size = math.ceil((long_side + (count - 1) * overlap) / count)
    starts = [min(i * (size - overlap), long_side - size) for i in range(count)]
    return [
        Slice(start, start + size, vertical, first=i == 0, last=i == count - 1)
        for i, start in enumerate(starts)
    ]


def detect_in_slices(detect: Detect, page: np.ndarray) -> tuple[list[Detection], int]:
    """Text lines of an RGB page in page pixels, and how many slices were detected."""
    slices = plan_slices(page.shape[1], page.shape[0])
    if len(slices) == 1:
        return detect(page), 1
    found = [
        (piece, [Detection(piece.to_page(d.points), d.score) for d in detect(piece.window(page))])
        for piece in slices
    ]
    return merge_slices(found), len(slices)


def merge_slices(found: list[tuple[Slice, list[Detection]]]) -> list[Detection]:
    """One detection per line from the slices' detections (already in page pixels).

    A line whole in two slices (inside their overlap) is kept once; a line an edge cuts is
    dropped where a whole copy of it was found, and joined to its other pieces where not.
    """
    whole: list[_Found] = []
    cut: list[_Found] = []
    for index, (piece, detections) in enumerate(found):
        for detection in detections:
            item = _Found.of(index, detection)
            (cut if piece.cuts(detection.points) else whole).append(item)
    kept = _unique(whole)
    stray = [c.detection for c in cut if not any(c.inside(k) >= SAME_LINE for k in kept)]
    return [k.detection for k in kept] + join_pieces(stray, found[0][0].vertical)


@dataclass(frozen=True)
class _Found:
    """A detection, the slice it came from, and its ordered quad and bounds (x0, y0, x1, y1)."""

    slice: int
    detection: Detection
    quad: np.ndarray
    bounds: tuple[float, float, float, float]

    @classmethod
    def of(cls, index: int, detection: Detection) -> _Found:
        quad = order_quad(detection.points)
        (x0, y0), (x1, y1) = quad.min(axis=0), quad.max(axis=0)
        return cls(index, detection, quad, (float(x0), float(y0), float(x1), float(y1)))

    def inside(self, other: _Found) -> float:
        """Share of this detection's area that lies inside `other`."""
        a, b = self.bounds, other.bounds
        # Pages hold hundreds of lines: the cheap test on bounds spares most exact ones.
        if a[0] > b[2] or b[0] > a[2] or a[1] > b[3] or b[1] > a[3]:
            return 0.0
        area = cv2.contourArea(self.quad)
        intersection, _ = cv2.intersectConvexConvex(self.quad, other.quad)
        return float(intersection / area) if area > 0 else 0.0


def _unique(whole: list[_Found]) -> list[_Found]:
    """Whole detections less those repeating a line kept from an earlier slice."""
    kept: list[_Found] = []
    for item in whole:
        repeated = any(
            other.slice != item.slice and max(item.inside(other), other.inside(item)) >= SAME_LINE
            for other in kept
        )
        if not repeated:
            kept.append(item)
    return kept


def join_pieces(pieces: list[Detection], vertical: bool) -> list[Detection]:
    """Pieces of one line joined into one detection each.

    Pieces are of one line when they meet along the long side (`vertical`: the height) and
    share most of their extent across it, as the two halves of a line cut by a seam do.
    """
    groups: list[list[Detection]] = []
    for piece in pieces:
        touching = [g for g in groups if any(_same_line(piece, p, vertical) for p in g)]
        merged = [piece] + [p for g in touching for p in g]
        groups = [g for g in groups if not any(g is t for t in touching)] + [merged]
    return [_joined(group) for group in groups]


def _same_line(a: Detection, b: Detection, vertical: bool) -> bool:
    along, across = (1, 0) if vertical else (0, 1)
    meets = _overlap(a.points[:, along], b.points[:, along]) >= 0
    shared = _overlap(a.points[:, across], b.points[:, across])
    thinner = min(np.ptp(a.points[:, across]), np.ptp(b.points[:, across]))
    return bool(meets and shared >= SAME_LINE * max(thinner, 1.0))


def _overlap(a: np.ndarray, b: np.ndarray) -> float:
    """Length shared by two coordinate ranges (negative: the gap between them)."""
    return float(min(a.max(), b.max()) - max(a.min(), b.min()))


def _joined(group: list[Detection]) -> Detection:
    if len(group) == 1:
        return group[0]
    points = np.concatenate([d.points for d in group]).astype(np.float32)
    box = cv2.boxPoints(cv2.minAreaRect(points))
    return Detection(order_quad(box), min(d.score for d in group))

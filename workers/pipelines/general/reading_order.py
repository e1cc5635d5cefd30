"""Reading order: top to bottom by rows, left to right within a row, on the upright page."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from shared.analyses.general import Line

SAME_ROW = 0.5
"""Lines whose vertical extents overlap by this share of the shorter one sit on one row..."""
NEIGHBOURHOOD = 6.0
"""...measured along the text direction of the lines within this many line heights above and
below, at least NEIGHBOURS of them: a long receipt photographed in perspective slopes more at
one end than at the other (measured: -6.6° at the top of a receipt whose lines slope -3.2° in
the median)..."""
NEIGHBOURS = 8
"""...and a slide's footer, alone at the bottom, does not set its own slope (its box turned
0.45° put the page number at the far right of its row on the row above)..."""
LONG = 4.0
"""A level box shorter than this many heights says nothing of the slope (see `_slopes`)."""

Span = tuple[float, float, float]
"""Top, bottom and left of a line, measured in the text's own direction."""


def reading_order(lines: list[Line]) -> list[Line]:
    """Lines of an upright page sorted for reading (see `order_of`)."""
    return [lines[i] for i in order_of([np.array(line.box) for line in lines])]


def order_of(boxes: Sequence[np.ndarray]) -> list[int]:
    """Indexes of line boxes (4x2, clockwise from the top-left of an upright page) in reading
    order.

    Rows are grown from the top: a line joins the current row when it overlaps the row's
    vertical band enough and each one's middle lies within the other's extent, so a label and
    its value far to the right stay together while a line whose box a seal stretched does not
    swallow the short line above it. Positions are measured along the text direction of each
    line's neighbourhood, so that on a page photographed askew the value at the right end of a
    row is not taken for the row above.
    """
    if not boxes:
        return []
    points = [np.asarray(box, dtype=np.float64) for box in boxes]
    origin = np.mean([box.mean(axis=0) for box in points], axis=0)
    spans = [
        _span(box - origin, angle) for box, angle in zip(points, _local_skews(points), strict=True)
    ]
    order = sorted(range(len(boxes)), key=lambda i: spans[i][0] + spans[i][1])
    rows: list[list[int]] = []
    for index in order:
        if rows and _same_row(_band([spans[i] for i in rows[-1]]), spans[index]):
            rows[-1].append(index)
        else:
            rows.append([index])
    return [i for row in rows for i in sorted(row, key=lambda i: spans[i][2])]


def _local_skews(boxes: Sequence[np.ndarray]) -> list[float]:
    """Each line's text direction: the slope of the lines whose middles lie within NEIGHBOURHOOD
    median line heights of its own, above or below, or of its NEIGHBOURS nearest where fewer
    do; the median of their slopes weighted as `_slopes` says (0 where no line counts)."""
    angles, weights = _slopes(boxes)
    counted = np.flatnonzero(weights > 0)
    if counted.size == 0:
        return [0.0] * len(boxes)
    middles = np.array([box[:, 1].mean() for box in boxes])
    reach = NEIGHBOURHOOD * float(np.median([np.hypot(*(box[3] - box[0])) for box in boxes]))
    skews = []
    for middle in middles:
        distances = np.abs(middles[counted] - middle)
        nearest = np.sort(distances)[min(NEIGHBOURS, counted.size) - 1]
        near = counted[distances <= max(reach, nearest)]
        skews.append(_weighted_median(angles[near], weights[near]))
    return skews


def _slopes(boxes: Sequence[np.ndarray]) -> tuple[np.ndarray, np.ndarray]:
    """Each box's slope angle and what it weighs: its length.

    Short boxes say little: the detector draws a short word's box level however the page is
    turned, and on a photographed receipt the quantity column's `1`s outnumber the lines
    (measured: -2.4° from the plain median on a receipt photographed at -4.4°, -4.4° weighted).
    A level box shorter than LONG heights weighs nothing: in the middle of a receipt turned 2°
    the items' and quantities' level boxes outweighed the prices' slope and filed items a row
    below their prices.
    """
    angles = np.array([np.arctan2(b[1][1] - b[0][1], b[1][0] - b[0][0]) for b in boxes])
    lengths = np.array([np.hypot(*(b[1] - b[0])) for b in boxes])
    heights = np.array([np.hypot(*(b[3] - b[0])) for b in boxes])
    return angles, np.where((angles == 0) & (lengths < LONG * heights), 0.0, lengths)


def _weighted_median(values: np.ndarray, weights: np.ndarray) -> float:
    order = np.argsort(values)
    cumulative = np.cumsum(weights[order])
    return float(values[order][np.searchsorted(cumulative, cumulative[-1] / 2)])


def _span(box: np.ndarray, angle: float) -> Span:
    """Top, bottom and left of a line in a frame turned by `angle` to level the text."""
    cos, sin = np.cos(angle), np.sin(angle)
    across = -sin * box[:, 0] + cos * box[:, 1]
    along = cos * box[:, 0] + sin * box[:, 1]
    return float(across.min()), float(across.max()), float(along.min())


def _band(spans: list[Span]) -> tuple[float, float]:
    return float(np.mean([s[0] for s in spans])), float(np.mean([s[1] for s in spans]))


def _same_row(band: tuple[float, float], span: Span) -> bool:
    top, bottom = span[0], span[1]
    overlap = min(band[1], bottom) - max(band[0], top)
    shorter = min(band[1] - band[0], bottom - top)
    return (
        overlap >= SAME_ROW * max(shorter, 1.0)
        and band[0] <= (top + bottom) / 2 <= band[1]
        and top <= sum(band) / 2 <= bottom
    )

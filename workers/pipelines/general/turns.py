"""Quarter turns: which way a page's lines run, and moving points between a page as received
and the same page turned upright.

Pages and lines are only ever turned by whole quarters here (a scan fed in sideways or upside
down); the few degrees of a skewed scan are left to the perspective line crops.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

AXIS_ASPECT = 1.5
"""A box this many times longer than high shows the direction of its text; squarer ones
(a lone syllable) do not."""
ACROSS_ASPECT = 2.0
"""A line is taken as printed across the page's text only from this aspect on (two characters
or more): a lone narrow character, like the quantity `1` on a receipt, is boxed about 1.5
times higher than wide and is read the way the page runs."""


def turn_upright(page: np.ndarray, turns: int) -> np.ndarray:
    """An RGB page array turned `turns` quarters clockwise."""
    return np.ascontiguousarray(np.rot90(page, k=-turns))


def to_received(points: np.ndarray, turns: int, size: tuple[int, int]) -> np.ndarray:
    """Points of the page turned upright moved back onto the page as received (`size`).

    Boxes are in continuous pixel coordinates (edges, not centres), hence no -1.
    """
    width, height = size
    u, v = np.asarray(points, dtype=np.float64).T
    back = {
        0: (u, v),
        1: (v, height - u),
        2: (width - u, height - v),
        3: (width - v, u),
    }[turns % 4]
    return np.stack(back, axis=1)


def text_axis(quad: np.ndarray) -> int | None:
    """0 for a box wider than high, 1 for one higher than wide, None for a squarish one."""
    across, down = _sides(quad)
    if max(across, down) < AXIS_ASPECT * max(min(across, down), 1.0):
        return None
    return 0 if across > down else 1


def page_axis(quads: Sequence[np.ndarray]) -> int:
    """1 when most text (by length) runs up or down the page, else 0."""
    votes = [0.0, 0.0]
    for quad in quads:
        axis = text_axis(quad)
        if axis is not None:
            votes[axis] += line_length(quad)
    return int(votes[1] > votes[0])


def line_turns(quad: np.ndarray, turns: int) -> int:
    """Quarter turns that make a line upright, on a page that `turns` quarters make upright.

    A line across the page's text (a label printed sideways) is taken as turned a quarter
    more; the doubtful-line check corrects that guess when it reads badly.
    """
    axis = text_axis(quad)
    if axis is None or axis == turns % 2 or line_length(quad) < ACROSS_ASPECT:
        return turns
    return (turns + 1) % 4


def _sides(quad: np.ndarray) -> tuple[float, float]:
    """Mean length of the top and bottom edges, and of the left and right ones."""
    edges = [float(np.linalg.norm(quad[(i + 1) % 4] - quad[i])) for i in range(4)]
    return (edges[0] + edges[2]) / 2, (edges[1] + edges[3]) / 2


def line_length(quad: np.ndarray) -> float:
    """Long side over short side: roughly how many characters a line holds."""
    across, down = _sides(quad)
    return max(across, down) / max(min(across, down), 1.0)

"""Straightened text-line images cut from a page, and the way back to page pixels.

A detector gives each line as four points; recognisers want an upright strip. The strip is
cut with a perspective transform, so a skewed or slightly rotated line reads as a level one,
and anything found inside it (a word's box) maps back to page pixels through the inverse.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np


def order_quad(points: np.ndarray) -> np.ndarray:
    """Four points clockwise from the top-left (image coordinates: y grows downwards)."""
    quad = _clockwise(points)
    return np.roll(quad, -int(np.argmin(quad.sum(axis=1))), axis=0)


def pixel_quad(points: np.ndarray, size: tuple[int, int]) -> list[tuple[int, int]]:
    """Integer points clockwise from the top-left, kept inside an image of `size` (w, h): a
    box as results report it."""
    width, height = size
    points = order_quad(np.asarray(points, dtype=np.float32))
    xs = np.clip(np.rint(points[:, 0]), 0, width - 1).astype(int)
    ys = np.clip(np.rint(points[:, 1]), 0, height - 1).astype(int)
    return [(int(x), int(y)) for x, y in zip(xs, ys, strict=True)]


CORNER_TIE = 0.25
"""Corners whose x + y differ by less than this share of the shorter side are equally top-left."""


def line_quad(points: np.ndarray) -> np.ndarray:
    """A line box's corners clockwise from the top-left, as a line is cut along its text.

    As `order_quad`, except that a box turned by about 45° has two top-left corners (nearly
    the same x + y); of them, the one from which the longer side runs clockwise is taken, so
    that a line of text tilted that far is still cut along its length.
    """
    quad = _clockwise(points)
    sums = quad.sum(axis=1)
    sides = np.linalg.norm(np.roll(quad, -1, axis=0) - quad, axis=1)  # side k runs k -> k+1
    tied = np.flatnonzero(sums <= sums.min() + CORNER_TIE * sides.min())
    return np.roll(quad, -int(tied[np.argmax(sides[tied])]), axis=0)


def _clockwise(points: np.ndarray) -> np.ndarray:
    """Four points clockwise on screen, starting anywhere."""
    quad = np.asarray(points, dtype=np.float32).reshape(4, 2)
    centre = quad.mean(axis=0)
    angles = np.arctan2(quad[:, 1] - centre[1], quad[:, 0] - centre[0])
    return quad[np.argsort(angles)]


def ink_columns(grey: np.ndarray) -> np.ndarray:
    """Which columns of a grey strip hold dark ink (Otsu threshold)."""
    _, binary = cv2.threshold(grey, 0, 255, cv2.THRESH_BINARY_INV | cv2.THRESH_OTSU)
    return np.asarray(binary.any(axis=0))


def widest_blank(ink: np.ndarray, low: float, high: float) -> tuple[float, int] | None:
    """The middle and width of the widest run of blank columns in [low, high), or None."""
    start, stop = max(int(low), 0), min(int(np.ceil(high)), len(ink))
    best: tuple[float, int] | None = None
    run_start = None
    for x in range(start, stop + 1):
        blank = x < stop and not ink[x]
        if blank and run_start is None:
            run_start = x
        elif not blank and run_start is not None:
            if best is None or x - run_start > best[1]:
                best = ((run_start + x) / 2, x - run_start)
            run_start = None
    return best


def paper_tone(strip: np.ndarray) -> np.ndarray:
    """The colour of an RGB strip's paper: its 90th percentile per channel (ink is darker)."""
    return np.percentile(strip.reshape(-1, strip.shape[-1]), 90, axis=0).astype(strip.dtype)


BULLET_SIZE = (0.15, 0.5)
"""A bullet mark's height and width, in text heights: a drawn dot or square (a slide's are
about a third of the text's height); `-` is flatter, `※` and `□` are taller..."""
BULLET_GAP = 0.45
"""...and the blank after it, in text heights: drawn bullets stand about 0.7 apart from their
text, a typed `·` or `*` one space (about 0.3)."""


def without_bullet(strip: np.ndarray) -> np.ndarray:
    """An RGB line strip with a leading bullet mark painted in the paper's tone.

    Recognisers read a drawn bullet as some character (`■`, `;`, `『`, `ㅁ`, `ㅎ`): a small
    mark at the start of a line, level with the middle of the text and well apart from it, is
    layout, not text. Painting it out keeps the strip's geometry, so boxes map back unchanged.
    """
    grey = cv2.cvtColor(strip, cv2.COLOR_RGB2GRAY)
    _, binary = cv2.threshold(grey, 0, 255, cv2.THRESH_BINARY_INV | cv2.THRESH_OTSU)
    columns = np.asarray(binary.any(axis=0))
    inked = np.flatnonzero(columns)
    if inked.size == 0:
        return strip
    gap = _gap_after_bullet(binary, columns, int(inked[0]))
    if gap is None:
        return strip
    cleaned = strip.copy()
    cleaned[:, : sum(gap) // 2] = paper_tone(strip)
    return cleaned


def _gap_after_bullet(
    binary: np.ndarray, columns: np.ndarray, start: int
) -> tuple[int, int] | None:
    """The blank columns [stop, text start) after the ink run at `start` if that run is a
    bullet mark, else None."""
    blanks = np.flatnonzero(~columns[start:])
    stop = start + int(blanks[0]) if blanks.size else len(columns)
    rest = np.flatnonzero(columns[stop:])
    if rest.size == 0:
        return None
    text_start = stop + int(rest[0])
    text_rows = np.flatnonzero(binary[:, text_start:].any(axis=1))
    mark_rows = np.flatnonzero(binary[:, start:stop].any(axis=1))
    text_height = float(text_rows[-1] - text_rows[0] + 1)
    low, high = (share * text_height for share in BULLET_SIZE)
    mark_middle = (mark_rows[0] + mark_rows[-1]) / 2
    is_bullet = (
        low <= mark_rows[-1] - mark_rows[0] + 1 <= high
        and stop - start <= high
        and text_start - stop >= BULLET_GAP * text_height
        and abs(mark_middle - (text_rows[0] + text_rows[-1]) / 2) <= 0.25 * text_height
    )
    return (stop, text_start) if is_bullet else None


@dataclass(frozen=True)
class LineCrop:
    """An upright RGB strip of one text line and the homography from it to the page."""

    image: np.ndarray
    quad: np.ndarray
    to_page: np.ndarray

    @classmethod
    def cut(cls, page: np.ndarray, points: np.ndarray, turns: int = 0) -> LineCrop:
        """Cut the line bounded by `points` (any order) out of an RGB page array.

        `turns` is how many quarter turns clockwise make the line's text upright (1 for text
        running bottom to top). The strip is cut upright, starting at the text's own top-left
        corner; `quad` stays clockwise from the page's top-left, as results report boxes.
        """
        quad = line_quad(points)
        # Rolling the corners makes the strip begin where the turned text begins; the
        # homography then maps the upright strip straight back to the page as received.
        text_quad = np.roll(quad, turns % 4, axis=0)
        top, right, bottom, left = (
            np.linalg.norm(text_quad[(i + 1) % 4] - text_quad[i]) for i in range(4)
        )
        width = max(int(round(max(top, bottom))), 1)
        height = max(int(round(max(left, right))), 1)
        target = np.array([[0, 0], [width, 0], [width, height], [0, height]], dtype=np.float32)
        to_crop = cv2.getPerspectiveTransform(text_quad, target)
        image = cv2.warpPerspective(
            page, to_crop, (width, height), flags=cv2.INTER_CUBIC, borderMode=cv2.BORDER_REPLICATE
        )
        return cls(image=without_bullet(image), quad=quad, to_page=np.linalg.inv(to_crop))

    def box_to_page(self, box: tuple[float, float, float, float]) -> np.ndarray:
        """The page quad (4x2, clockwise from top-left) of an (x0, y0, x1, y1) crop box."""
        x0, y0, x1, y1 = box
        corners = np.array([[[x0, y0], [x1, y0], [x1, y1], [x0, y1]]], dtype=np.float32)
        # A strip cut from turned text starts at another page corner: re-order for the page.
        return order_quad(cv2.perspectiveTransform(corners, self.to_page)[0])

"""Reading order on pages photographed askew: rows found along the text's own direction."""

from __future__ import annotations

import numpy as np
import pytest

from workers.pipelines.general.reading_order import _skew, order_of


def turned_box(x: float, y: float, width: float, height: float, degrees: float) -> np.ndarray:
    """A line box at (x, y) on the level page, turned about the origin as a tilted photo is."""
    corners = np.array([[x, y], [x + width, y], [x + width, y + height], [x, y + height]])
    angle = np.radians(degrees)
    rotation = np.array([[np.cos(angle), -np.sin(angle)], [np.sin(angle), np.cos(angle)]])
    return corners @ rotation.T


def level_box(box: np.ndarray) -> np.ndarray:
    """The detector's box around a lone digit: level, however the page is turned."""
    (x0, y0), (x1, y1) = box.min(axis=0), box.max(axis=0)
    return np.array([[x0, y0], [x1, y0], [x1, y1], [x0, y1]])


def receipt(degrees: float) -> tuple[list[np.ndarray], list[str]]:
    """Rows 30 px apart: item, quantity and discount (lone digits, boxed level), price."""
    boxes, texts = [], []
    for row in range(12):
        y = 100 + 30 * row
        boxes += [
            turned_box(60, y, 120, 22, degrees),
            level_box(turned_box(400, y, 14, 22, degrees)),
            level_box(turned_box(470, y, 14, 22, degrees)),
            turned_box(600, y, 80, 22, degrees),
        ]
        texts += [f"item {row}", "1", "0", f"{row},000"]
    return boxes, texts


def test_skew_is_weighted_by_length_so_level_digit_boxes_do_not_hide_it() -> None:
    boxes, _ = receipt(-4.4)
    plain = np.degrees(np.median([np.arctan2(b[1][1] - b[0][1], b[1][0] - b[0][0]) for b in boxes]))
    assert plain == pytest.approx(-2.2, abs=0.05)  # what the plain median made of this page
    assert np.degrees(_skew(boxes)) == pytest.approx(-4.4, abs=0.05)


def test_prices_stay_on_their_item_row_on_a_receipt_photographed_askew() -> None:
    boxes, texts = receipt(-4.4)
    assert [texts[i] for i in order_of(boxes)] == texts

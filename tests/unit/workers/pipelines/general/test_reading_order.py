"""Reading order on pages photographed askew: rows found along the text's own direction."""

from __future__ import annotations

import numpy as np
import pytest

from workers.pipelines.general.reading_order import _local_skews, order_of


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
    assert np.degrees(_local_skews(boxes)) == pytest.approx([-4.4] * len(boxes), abs=0.05)


def test_prices_stay_on_their_item_row_on_a_receipt_photographed_askew() -> None:
    boxes, texts = receipt(-4.4)
    assert [texts[i] for i in order_of(boxes)] == texts


def box_at(x: float, y: float, width: float, height: float, degrees: float) -> np.ndarray:
    """A line box whose top-left corner is (x, y), turned about that corner."""
    return turned_box(0, 0, width, height, degrees) + [x, y]


def test_a_line_whose_box_a_seal_stretched_stays_below_the_date_above_it() -> None:
    # The last lines of a photographed notice (seed 0): the red seal over the signature's last
    # letter grew its box to twice a line's height, up over the middle of the date above it.
    above = [box_at(232, 1024, 180, 32, 7.22), box_at(232, 1068, 520, 32, 7.22)]
    date = np.array([[514, 1370], [700, 1394], [695, 1426], [510, 1402]], dtype=float)
    signature = np.array([[350, 1365], [877, 1453], [865, 1524], [338, 1437]], dtype=float)
    assert order_of([*above, signature, date]) == [0, 1, 3, 2]


def receipt_in_perspective(top: float, bottom: float) -> tuple[list[np.ndarray], list[str]]:
    """40 rows 30 px apart, each an item at the left and its price 540 px to the right, the
    rows sloping `top` degrees at the top and `bottom` at the bottom, as a long receipt
    photographed from near its lower end."""
    boxes, texts = [], []
    for row in range(40):
        degrees = top + (bottom - top) * row / 39
        y = 100 + 30 * row
        boxes += [
            box_at(60, y, 120, 22, degrees),
            box_at(600, y + 540 * np.tan(np.radians(degrees)), 80, 22, degrees),
        ]
        texts += [f"item {row}", f"{row},000"]
    return boxes, texts


def test_rows_follow_the_slope_where_a_receipt_in_perspective_slopes_more() -> None:
    boxes, texts = receipt_in_perspective(-9.0, -1.0)
    assert [texts[i] for i in order_of(boxes)] == texts


def test_level_boxes_of_short_words_do_not_level_a_receipt_turned_two_degrees() -> None:
    # The detector boxes a short item name or quantity level on a receipt turned 2.5°: in the
    # middle of the receipt they are all there is beside the prices.
    boxes, texts = [], []
    for row in range(24):
        y = 100 + 26 * row
        price = box_at(420, y - 360 * np.tan(np.radians(2.5)), 53, 22, -2.5)
        boxes += [
            level_box(box_at(60, y, 70, 22, -2.5)),
            level_box(box_at(300, y, 13, 22, -2.5)),
            price,
        ]
        texts += [f"item {row}", "1", f"{row},000"]
    header, footer = box_at(60, 40, 400, 22, -2.5), box_at(60, 100 + 26 * 24, 400, 22, -2.5)
    order = order_of([header, *boxes, footer])
    assert [(["header", *texts, "footer"])[i] for i in order] == ["header", *texts, "footer"]

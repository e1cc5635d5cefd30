"""Detected lines grouped into plates by their geometry alone; a two-line plate boxed as one
split at the blank between its rows."""

from __future__ import annotations

import random

import numpy as np

from synth.plates import PLATE_FONTS, plate_array, random_spec
from workers.engines.plate.finder import PlateCandidate, group_lines, split_two_line


def box(x0: float, y0: float, x1: float, y1: float) -> np.ndarray:
    return np.array([[x0, y0], [x1, y0], [x1, y1], [x0, y1]], dtype=np.float32)


def test_pieces_of_a_line_and_the_rows_of_a_two_line_plate_group_together() -> None:
    one_line = [box(100, 100, 160, 130), box(170, 101, 240, 131)]  # `12가` and `3456`
    two_line = [box(420, 300, 500, 320), box(400, 325, 520, 365)]  # `서울12` over `바3456`
    far_text = [box(100, 400, 300, 420)]  # a dealer's name, well below the first plate
    groups = group_lines([two_line[1], far_text[0], one_line[1], two_line[0], one_line[0]])
    rows = sorted([[len(row) for row in g.rows] for g in groups])
    assert rows == [[1], [1, 1], [2]]
    stacked = next(g for g in groups if len(g.rows) == 2)
    assert np.allclose(stacked.rows[0][0], two_line[0])  # the small top line first
    side = next(g for g in groups if len(g.rows[0]) == 2)
    assert np.allclose(side.rows[0][0], one_line[0])  # left piece first


def test_lines_of_different_sizes_side_by_side_are_not_one_plate() -> None:
    groups = group_lines([box(0, 100, 60, 130), box(70, 80, 300, 160)])
    assert len(groups) == 2


def test_a_two_line_plate_boxed_whole_is_split_between_its_rows() -> None:
    spec = random_spec("two_line", random.Random(3))
    plate = plate_array(spec, PLATE_FONTS[0])
    height, width = plate.shape[:2]
    candidate = PlateCandidate(((box(0, 0, width, height),),))
    split = split_two_line(plate, candidate)
    assert len(split.rows) == 2
    gap = split.rows[0][0][3][1]
    assert 0.35 * height < gap < 0.5 * height  # between `서울12` (24 %) and `바3456` (66 %)
    one_line = random_spec("national3", random.Random(3))
    flat = plate_array(one_line, PLATE_FONTS[0])
    whole = PlateCandidate(((box(0, 0, flat.shape[1], flat.shape[0]),),))
    assert split_two_line(flat, whole) is whole

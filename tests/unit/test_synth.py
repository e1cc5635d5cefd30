"""The synthetic document generator: deterministic, and its ground truth matches its pixels."""

from __future__ import annotations

import json
import random

import numpy as np
import pytest

from synth.corpus import Corpus
from synth.documents import PageStyle, SyntheticPage, print_rows
from synth.scores import quad_iou
from synth.sets import clean_set, write_set


@pytest.fixture(scope="module")
def pages() -> list[SyntheticPage]:
    return clean_set(n=4, seed=0)


def test_same_seed_gives_same_pages(pages: list[SyntheticPage]) -> None:
    again = clean_set(n=4, seed=0)
    for first, second in zip(pages, again, strict=True):
        assert first.lines == second.lines
        assert np.array_equal(np.asarray(first.image), np.asarray(second.image))


def test_other_seed_gives_other_pages(pages: list[SyntheticPage]) -> None:
    other = clean_set(n=4, seed=1)
    assert [p.text for p in pages] != [p.text for p in other]


def test_every_ink_pixel_lies_in_a_ground_truth_box(pages: list[SyntheticPage]) -> None:
    for page in pages:
        ink = np.asarray(page.image.convert("L")) < 160
        covered = np.zeros_like(ink)
        for line in page.lines:
            (x0, y0), _, (x1, y1), _ = line.box
            covered[max(y0 - 1, 0) : y1 + 1, max(x0 - 1, 0) : x1 + 1] = True
        assert ink.any()
        assert not (ink & ~covered).any()


def test_every_ground_truth_box_holds_ink_and_stays_on_the_page(
    pages: list[SyntheticPage],
) -> None:
    for page in pages:
        ink = np.asarray(page.image.convert("L")) < 160
        for line in page.lines:
            (x0, y0), (x1, _), (_, y1), _ = line.box
            assert 0 <= x0 < x1 <= page.image.width and 0 <= y0 < y1 <= page.image.height
            assert ink[y0:y1, x0:x1].any(), line.text


def test_lines_are_in_reading_order_and_do_not_overlap(pages: list[SyntheticPage]) -> None:
    for page in pages:
        for before, after in zip(page.lines, page.lines[1:], strict=False):
            before_top, after_top = before.box[0][1], after.box[0][1]
            if abs(before_top - after_top) < page.style.size / 2:  # one printed row
                assert before.box[1][0] < after.box[0][0]
            else:
                assert after_top > before_top
            assert quad_iou(before.box, after.box) == 0
        assert page.text == "\n".join(line.text for line in page.lines)


def test_pages_mix_korean_latin_and_digits(pages: list[SyntheticPage]) -> None:
    text = "\n".join(page.text for page in pages)
    assert any("\uac00" <= char <= "\ud7a3" for char in text)
    assert any(char.isascii() and char.isalpha() for char in text)
    assert any(char.isdigit() for char in text)


def test_corpus_rows_are_one_or_two_segments() -> None:
    corpus = Corpus(random.Random(3))
    rows = [corpus.row() for _ in range(200)]
    assert {len(row) for row in rows} == {1, 2}
    assert all(segment and segment == segment.strip() for row in rows for segment in row)


def test_a_value_too_wide_to_sit_beside_its_label_gets_its_own_row() -> None:
    style = PageStyle(font="NanumGothic.ttf", size=30, width=500, margin=40)
    page = print_rows(None, [["서울특별시 강남구 테헤란로", "주식회사 한국전자"]], style)
    assert [line.text for line in page.lines] == ["서울특별시 강남구 테헤란로", "주식회사 한국전자"]
    assert page.lines[1].box[0][1] > page.lines[0].box[2][1]


def test_written_set_round_trips(pages: list[SyntheticPage], tmp_path) -> None:
    paths = write_set(pages[:2], tmp_path)
    assert [path.name for path in paths] == ["page_000.png", "page_001.png"]
    truth = json.loads(paths[1].with_suffix(".json").read_text(encoding="utf-8"))
    assert truth["text"] == pages[1].text
    assert [line["text"] for line in truth["lines"]] == [line.text for line in pages[1].lines]
    assert truth["lines"][0]["box"] == [list(point) for point in pages[1].lines[0].box]
    assert (truth["width"], truth["height"]) == pages[1].image.size

"""The comparison benchmark's text joining, normalising and scoring (no models loaded)."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from PIL import Image

from bench import compare_general
from bench.compare_general import EngineRun, normalise_whitespace, paddle_page, page_text
from shared.analyses.general import Line, Page
from synth.documents import PageStyle, SyntheticPage, TruthLine, quad_of

SIZE = (400, 200)


def _paddle_result(rows: list[tuple[str, float, Any, list[int]]]) -> dict[str, Any]:
    """The keys of a PaddleOCR pipeline result that the benchmark reads."""
    return {
        "rec_texts": [row[0] for row in rows],
        "rec_scores": [row[1] for row in rows],
        "rec_polys": [np.asarray(row[2], dtype=np.int16) for row in rows],
        "rec_boxes": np.asarray([row[3] for row in rows], dtype=np.int16),
    }


def _rect(x0: int, y0: int, x1: int, y1: int) -> list[tuple[int, int]]:
    return [(x0, y0), (x1, y0), (x1, y1), (x0, y1)]


class _Engine:
    name = "fake"
    weights = "none"

    def read(self, image: Image.Image) -> Page:
        raise NotImplementedError


def _truth(*lines: tuple[str, tuple[int, int, int, int]]) -> SyntheticPage:
    return SyntheticPage(
        image=Image.new("RGB", SIZE, "white"),
        lines=[TruthLine(text, quad_of(box)) for text, box in lines],
        style=PageStyle(font="NanumGothic.ttf", size=20, width=SIZE[0], margin=10),
    )


def _page(*lines: tuple[str, tuple[int, int, int, int]]) -> Page:
    return Page(
        width=SIZE[0],
        height=SIZE[1],
        lines=[Line(text=text, confidence=1.0, box=quad_of(box)) for text, box in lines],
    )


def test_whitespace_runs_and_line_breaks_become_one_space() -> None:
    assert normalise_whitespace("  사업자 등록\n\n안내\t 2024 ") == "사업자 등록 안내 2024"


def test_paddle_lines_come_in_reading_order_without_empty_readings() -> None:
    result = _paddle_result(
        [
            ("1,250.00 USD", 0.99, _rect(300, 52, 390, 70), [300, 52, 390, 70]),
            ("", 0.0, _rect(10, 10, 200, 30), [10, 10, 200, 30]),
            ("Invoice No. 7", 0.97, _rect(10, 50, 150, 72), [10, 50, 150, 72]),
            ("Total", 0.9, _rect(10, 100, 80, 120), [10, 100, 80, 120]),
        ]
    )
    page = paddle_page(result, SIZE)
    assert page_text(page) == "Invoice No. 7\n1,250.00 USD\nTotal"
    assert page.lines[0].box == _rect(10, 50, 150, 72)


def test_paddle_boxes_are_clipped_and_polygons_fall_back_to_their_rectangle() -> None:
    polygon = [(10, 150), (60, 140), (120, 150), (120, 190), (60, 195), (10, 190)]
    result = _paddle_result(
        [
            ("edge", 0.8, _rect(350, 10, 450, 30), [350, 10, 450, 30]),
            ("poly", 0.8, polygon, [10, 140, 120, 195]),
        ]
    )
    page = paddle_page(result, SIZE)
    assert [line.box for line in page.lines] == [_rect(350, 10, 399, 30), _rect(10, 140, 120, 195)]


def test_a_row_split_into_two_lines_costs_nothing_and_a_lost_space_one_error() -> None:
    truth = _truth(
        ("상호 주식회사 한국전자", (10, 10, 300, 30)), ("전화 02-1234", (10, 50, 200, 70))
    )
    run = EngineRun(_Engine())
    split = _page(
        ("상호", (10, 10, 150, 30)), ("주식회사 한국전자", (160, 10, 300, 30)),
        ("전화02-1234", (10, 50, 200, 70)),
    )  # fmt: skip
    run.add(truth, split, seconds=(0.5, 0.4))
    assert run.cer() == 1 / len("상호 주식회사 한국전자 전화 02-1234")
    assert run.cer(spaces=False) == 0
    assert run.line_share("lines_found") == 0.5  # the split row matches no truth box


def test_an_unavailable_profile_exits_with_a_message(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.delitem(compare_general.PROFILES, "photo", raising=False)
    with pytest.raises(SystemExit) as exit_info:
        compare_general.main(["--profile", "photo"])
    assert exit_info.value.code == 2
    assert "photo_set" in capsys.readouterr().err

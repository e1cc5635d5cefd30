"""General OCR on rendered Korean/English pages, with the real packaged models."""

from __future__ import annotations

import hashlib
import json
import random
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pytest
from PIL import Image, ImageDraw, ImageFont

from shared.analyses.general import GeneralResult, Line
from shared.config import ModelSettings
from shared.errors import ModelUnavailableError
from synth.documents import PageStyle, SyntheticPage, print_rows
from synth.fonts import font_path
from synth.scores import best_match, character_errors, score_page
from synth.sets import clean_set
from synth.slides import render_slide
from workers.engines.runtime.model_store import install_models, model_name_of, tessdata_folder
from workers.engines.text.detection import MAX_PIXELS, detection_side_limit
from workers.engines.text.line_crops import without_bullet
from workers.engines.text.recognition import LineReading
from workers.engines.text.tesseract_recognition import sauvola
from workers.korean.script import has_hangul
from workers.pipelines.general.reader import GeneralReader
from workers.pipelines.general.second_opinion import SecondOpinionRecognizer

pytestmark = pytest.mark.slow

NOTICE_ROWS = [
    ["사업자 등록 안내"],
    ["상호", "주식회사 한국전자"],
    ["주소", "서울특별시 강남구 테헤란로 123"],
    ["담당자 김민수 과장"],
    ["전화 02-1234-5678"],
    ["Invoice No. 2024-0153", "1,250.00 USD"],
    ["위와 같이 계약을 체결하고 각각 서명합니다."],
]
KOREAN_WORDS = [
    "사업자",
    "등록",
    "안내",
    "주식회사",
    "한국전자",
    "서울특별시",
    "강남구",
    "서명합니다.",
]


@pytest.fixture(scope="module")
def models_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("models")
    install_models(folder)
    return folder


@pytest.fixture(scope="module", params=["paired", "tesseract"])
def reader(models_dir: Path, request: pytest.FixtureRequest) -> GeneralReader:
    """Hangul read by Boda's model with Tesseract's route on unsure lines (the default), or by
    Tesseract's route alone."""
    alone = {"korean_recognition": ""} if request.param == "tesseract" else {}
    return GeneralReader.load(ModelSettings(dir=models_dir, **alone))


@pytest.fixture(scope="module")
def notice() -> SyntheticPage:
    style = PageStyle(font="NanumGothic.ttf", size=28, width=1100, margin=60)
    return print_rows("공지사항", NOTICE_ROWS, style)


@pytest.fixture(scope="module")
def notice_result(reader: GeneralReader, notice: SyntheticPage) -> GeneralResult:
    return reader.read([notice.image])


def _matching_line(result: GeneralResult, box: list[tuple[int, int]]) -> Line:
    lines = result.pages[0].lines
    index, iou = best_match(box, [line.box for line in lines])
    assert index is not None and iou > 0.5, f"no line overlaps {box}"
    return lines[index]


def test_install_is_idempotent_and_names_folders_after_the_model(models_dir: Path) -> None:
    onnx = models_dir / "text_recognition" / "PP-OCRv6_small_rec" / "inference.onnx"
    before = hashlib.sha256(onnx.read_bytes()).hexdigest(), onnx.stat().st_mtime_ns
    folders = install_models(models_dir)
    assert hashlib.sha256(onnx.read_bytes()).hexdigest() == before[0]
    assert onnx.stat().st_mtime_ns == before[1]  # a matching copy is not written again
    assert {folder.name for folder in folders} >= {"PP-OCRv6_tiny_det", "PP-OCRv6_small_rec"}
    for folder in folders:
        if (folder / "inference.yml").exists():  # PaddleX's models; ours carries a model card
            assert model_name_of(folder / "inference.yml") == folder.name
        elif folder.parent.name == "face":  # a face pack: its manifest names its model files
            manifest = json.loads((folder / "pack.json").read_text())
            assert manifest["name"] == folder.name == "yunet-sface"
            assert (folder / manifest["detector"]).is_file()
            assert (folder / manifest["embedder"]).is_file()
        else:
            assert (folder / "MODEL_CARD.md").is_file()
            assert folder.name in (
                "boda_korean_rec_v1",
                "boda_korean_rec_v2",
                "boda_korean_rec_v3",
                "boda_korean_rec_v4",
                "boda_korean_rec_v5",
                "boda_korean_rec_v6",
                "boda_korean_rec_v7",
                "boda_korean_rec_v8",
                "boda_plate_rec_v1",
            )


def test_reader_names_its_models(reader: GeneralReader) -> None:
    assert reader.models["text_detection"] == "PP-OCRv6_tiny_det"
    assert reader.models["text_recognition"] == "PP-OCRv6_small_rec"
    hangul = [reader.models["text_recognition_hangul"]]
    hangul += [reader.models["text_recognition_hangul_second"]] if len(reader.models) > 3 else []
    assert sorted(name.split("-")[0] for name in hangul) in (
        ["boda_korean_rec_v8", "tesseract"],
        ["tesseract"],
    )


def test_korean_text_is_read(notice: SyntheticPage, notice_result: GeneralResult) -> None:
    text = notice_result.text
    assert character_errors(text, notice.text) <= 0.02 * len(notice.text), text
    words = text.split()
    for word in KOREAN_WORDS:
        assert word in words


def test_each_printed_line_is_found_where_it_is(
    notice: SyntheticPage, notice_result: GeneralResult
) -> None:
    page = notice_result.pages[0]
    assert (page.width, page.height) == notice.image.size
    found = [_matching_line(notice_result, line.box) for line in notice.lines]
    assert [page.lines.index(line) for line in found] == list(range(len(notice.lines)))


def test_latin_and_digit_lines_are_read_by_pp_ocr(
    notice: SyntheticPage, notice_result: GeneralResult
) -> None:
    # On both routes a line without Hangul is read again by PP-OCR, whose reading is kept.
    for truth in notice.lines:
        if truth.text.startswith("Invoice") or truth.text.endswith("USD"):
            line = _matching_line(notice_result, truth.box)
            assert line.text == truth.text
            assert line.confidence > 0.9


def test_boxes_are_clockwise_integer_quads_inside_the_page(notice_result: GeneralResult) -> None:
    page = notice_result.pages[0]
    for line in page.lines:
        for box in [line.box, *(word.box for word in line.words)]:
            points = np.array(box)
            assert points.shape == (4, 2) and points.dtype.kind == "i"
            assert ((points >= 0) & (points < [page.width, page.height])).all()
            x, y = points[:, 0], points[:, 1]
            area = np.dot(x, np.roll(y, -1)) - np.dot(y, np.roll(x, -1))
            assert area > 0  # clockwise on screen (y grows downwards)
            assert tuple(points[0]) == min(map(tuple, points), key=lambda p: p[0] + p[1])


def test_korean_words_carry_boxes_within_their_line(
    notice: SyntheticPage, notice_result: GeneralResult
) -> None:
    line = _matching_line(notice_result, notice.lines[-1].box)
    assert " ".join(word.text for word in line.words) == line.text
    (left, top), _, (right, bottom), _ = line.box
    for word in line.words:
        centre = np.mean(word.box, axis=0)
        assert left <= centre[0] <= right and top <= centre[1] <= bottom
    starts = [word.box[0][0] for word in line.words]
    assert starts == sorted(starts)


@pytest.mark.parametrize("first", ["model", "tesseract"])
def test_tesseract_reads_only_the_lines_the_model_sees_hangul_in(
    models_dir: Path, notice: SyntheticPage, monkeypatch: pytest.MonkeyPatch, first: str
) -> None:
    paired = GeneralReader.load(ModelSettings(dir=models_dir, hangul_first=first))  # type: ignore[arg-type]
    assert isinstance(paired.recognizer, SecondOpinionRecognizer)
    tesseract = paired.recognizer.route.hangul
    read: list[str] = []
    real_predict = tesseract.predict

    def recording(crops: Sequence[np.ndarray], retry: bool = True) -> list[LineReading]:
        readings = real_predict(crops, retry)
        read.extend(reading.text for reading in readings)
        return readings

    monkeypatch.setattr(tesseract, "predict", recording)
    result = paired.read([notice.image])
    korean = [line.text for line in notice.lines if has_hangul(line.text)]
    assert len(korean) < len(notice.lines)  # the invoice number and the amount have none
    if first == "tesseract":
        assert len(read) == len(korean), read
    else:  # only the Korean lines the model read unsurely
        assert len(read) < len(korean), read
    assert result.text.count("Invoice No. 2024-0153") == 1


def test_a_number_the_model_read_alike_is_not_read_again_by_pp_ocr(
    models_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    paired = GeneralReader.load(ModelSettings(dir=models_dir))
    assert isinstance(paired.recognizer, SecondOpinionRecognizer)
    route = paired.recognizer.route
    style = PageStyle(font="NanumGothic.ttf", size=30, width=700, margin=20)
    line = print_rows("", [["전화 02-1234-5678"]], style)
    page = np.asarray(line.image.convert("RGB"))
    (x0, y0), _, (x1, y1), _ = line.lines[-1].box
    crop = page[max(y0 - 8, 0) : y1 + 8, max(x0 - 8, 0) : x1 + 8]
    asked: list[int] = []
    real_predict = route.latin.predict

    def recording(crops: Sequence[np.ndarray]) -> list[LineReading]:
        asked.append(len(crops))
        return real_predict(crops)

    monkeypatch.setattr(route.latin, "predict", recording)
    (alone,) = route.predict([crop])
    assert alone.text == "전화 02-1234-5678" and sum(asked) == 1  # the number, read again
    asked.clear()
    (confirmed,) = route.predict([crop], ["전화 02-1234-5678"])
    assert confirmed.text == alone.text and sum(asked) == 0
    for other in ("전화 02-1234-56789", "전화 02-1234-5679"):
        asked.clear()
        route.predict([crop], [other])
        assert sum(asked) == 1, other


def test_tesseract_can_read_first(models_dir: Path, notice: SyntheticPage) -> None:
    # Slower (Tesseract reads every Korean line), photographs read a little better.
    route_first = GeneralReader.load(ModelSettings(dir=models_dir, hangul_first="tesseract"))
    assert route_first.models["text_recognition_hangul"].startswith("tesseract")
    assert route_first.models["text_recognition_hangul_second"] == "boda_korean_rec_v8"
    text = route_first.read([notice.image]).text
    assert character_errors(text, notice.text) <= 0.03 * len(notice.text), text
    assert sum(word in text.split() for word in KOREAN_WORDS) >= len(KOREAN_WORDS) - 1


def test_clean_set_is_read_almost_without_error(reader: GeneralReader) -> None:
    scores = [score_page(page, reader.read([page.image]).pages[0]) for page in clean_set(n=4)]
    errors, length = sum(s.errors for s in scores), sum(s.length for s in scores)
    assert errors / length <= 0.01
    assert sum(s.lines_found for s in scores) / sum(s.lines for s in scores) >= 0.98


def test_a_slightly_rotated_page_is_still_read(
    reader: GeneralReader, notice: SyntheticPage
) -> None:
    rotated = notice.image.rotate(2, resample=Image.Resampling.BICUBIC, fillcolor="white")
    text = reader.read([rotated]).text
    assert character_errors(text, notice.text) <= 0.05 * len(notice.text), text


def test_pages_are_joined_and_a_blank_page_has_no_lines(
    reader: GeneralReader, notice: SyntheticPage
) -> None:
    blank = Image.new("RGB", (800, 600), "white")
    result = reader.read([blank, notice.image])
    assert result.pages[0].lines == []
    assert result.text == "\f" + "\n".join(line.text for line in result.pages[1].lines)
    assert result.slices == 1


def test_an_empty_model_folder_is_reported_as_unavailable(tmp_path: Path) -> None:
    with pytest.raises(ModelUnavailableError, match="PP-OCRv6_tiny_det") as error:
        GeneralReader.load(ModelSettings(dir=tmp_path))
    assert error.value.code == "model_unavailable"


def test_missing_korean_tessdata_is_reported_as_unavailable(tmp_path: Path) -> None:
    with pytest.raises(ModelUnavailableError, match="kor"):
        tessdata_folder(tmp_path)


@pytest.mark.parametrize(
    ("size", "expected"),
    [
        ((1654, 2339), 2339),  # A4 at 200 dpi: detected as received
        ((714, 102), 714),  # a single line: never blown up
        ((1000, 3500), 3500),  # a narrow receipt keeps its width
    ],
)
def test_detector_keeps_pages_as_received(size: tuple[int, int], expected: int) -> None:
    assert detection_side_limit(*size) == expected


def test_detector_shrinks_only_large_pages_to_the_pixel_budget() -> None:
    long_side = detection_side_limit(4032, 3024)
    assert long_side < 4032
    assert long_side * long_side * 3024 / 4032 <= MAX_PIXELS


def test_sauvola_separates_text_from_uneven_shading() -> None:
    # Dark strokes on paper shaded from white to mid grey: one global threshold either
    # loses the strokes on the light side or blackens the shadow; a local one keeps both.
    shade = np.tile(np.linspace(250, 120, 400), (40, 1))
    strokes = np.zeros_like(shade, dtype=bool)
    strokes[10:30, 20::40] = True
    grey = np.where(strokes, shade - 100, shade).clip(0, 255).astype(np.uint8)
    binary = sauvola(grey)
    assert (binary[strokes] == 0).all()
    assert (binary[~strokes] == 255).mean() > 0.95


def test_thin_unsure_strokes_are_dropped_but_not_thin_sure_text() -> None:
    from workers.engines.text.line_crops import LineCrop
    from workers.engines.text.recognition import LineReading
    from workers.pipelines.general.line_reading import ReadLine
    from workers.pipelines.general.reader import _without_strokes

    def line(height: int, text: str, confidence: float) -> ReadLine:
        crop = LineCrop(np.zeros((height, 200, 3), np.uint8), np.zeros((4, 2)), np.eye(3))
        return ReadLine(crop, LineReading(text, confidence), 0)

    body = [line(30, "합계 12,000원", 0.95) for _ in range(5)]
    dashes, small_print = line(12, "고 고 고 고]", 0.51), line(12, "VAT 포함", 0.93)
    bullets = [line(14, "[0]", 0.8), line(14, "•", 0.99)]
    footnote, unsure_body = line(12, "1", 0.95), line(30, "할인 금액", 0.4)
    lines = [*body, dashes, small_print, *bullets, footnote, unsure_body]
    assert _without_strokes(lines) == [*body, small_print, footnote, unsure_body]


def _strip(text: str, bullet: bool) -> np.ndarray:
    """`text` in NanumGothic on a white strip, after a drawn square bullet when `bullet`."""
    image = Image.new("RGB", (700, 60), "white")
    draw = ImageDraw.Draw(image)
    font = ImageFont.truetype(str(font_path("NanumGothic.ttf")), 32)
    if bullet:
        draw.rectangle((14, 25, 24, 35), fill=(30, 60, 120))
    draw.text((60, 12), text, font=font, fill="black")
    return np.asarray(image)


def test_a_drawn_bullet_is_painted_out_but_a_printed_mark_is_not() -> None:
    cleaned = without_bullet(_strip("일정: 2025-06-07", bullet=True))
    assert cleaned[20:40, 10:30].min() > 200  # the square is gone
    assert np.array_equal(cleaned[:, 55:], _strip("일정: 2025-06-07", bullet=True)[:, 55:])
    for text in ("※ 문의: 02-1234-5678", "- 아 래 -", "· 부가세 포함", "1. 개요"):
        strip = _strip(text, bullet=False)
        assert np.array_equal(without_bullet(strip), strip), text


def test_slides_are_read_without_their_bullets(reader: GeneralReader) -> None:
    slides = [render_slide(random.Random(f"bullets-{k}")) for k in range(2)]
    for slide in slides:
        result = reader.read([slide.image]).pages[0]
        read = [line.text for line in result.lines]
        assert character_errors("\n".join(read), slide.text) <= 0.02 * len(slide.text), read
        assert not any(text[:1] in '•■▪●·ㆍ;"『ㅁㅎ°–' for text in read), read

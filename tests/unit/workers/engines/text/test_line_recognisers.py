"""PP-OCR's recogniser on Boda's own onnxruntime runner, and Tesseract reading on threads."""

from __future__ import annotations

import random
from pathlib import Path

import numpy as np
import pytest

from synth.lines import TRAINING_FONTS, damage, photograph, render
from workers.engines.runtime.model_store import install_models, tessdata_folder
from workers.engines.runtime.paddle_runtime import prepare_environment
from workers.engines.text.paddle_recognition import MIN_WIDTH, PaddleTextRecognizer
from workers.engines.text.tesseract_recognition import TesseractTextRecognizer

pytestmark = pytest.mark.slow

NANUM_GOTHIC = next(font for font in TRAINING_FONTS if font[0].endswith("NanumGothic.ttf"))
LATIN = ["Invoice No. 2024-0153", "1,250.00 USD", "TEL 02-1234-5678", "VAT", "25"]
KOREAN = [
    "사업자 등록 안내",
    "서울특별시 강남구 테헤란로 123",
    "주식회사 한국전자",
    "위와 같이 계약을 체결합니다.",
]


def strip(text: str, size: int, seed: int, photographed: bool = False) -> np.ndarray:
    rng = random.Random(seed)
    image = render(text, NANUM_GOTHIC, size, rng)
    grey = photograph(damage(image, rng), rng) if photographed else np.asarray(image)
    return np.repeat(grey[:, :, None], 3, axis=2)


@pytest.fixture(scope="module")
def pp_ocr(tmp_path_factory: pytest.TempPathFactory) -> PaddleTextRecognizer:
    models = tmp_path_factory.mktemp("models")
    install_models(models)
    recognizer = PaddleTextRecognizer(models / "text_recognition" / "PP-OCRv6_small_rec")
    recognizer.load()
    return recognizer


def test_pp_ocr_reads_latin_and_digit_lines(pp_ocr: PaddleTextRecognizer) -> None:
    readings = pp_ocr.predict([strip(text, 32, k) for k, text in enumerate(LATIN)])
    assert [reading.text for reading in readings] == LATIN
    assert all(reading.confidence > 0.9 for reading in readings)
    assert all(reading.recognizer == "PP-OCRv6_small_rec" for reading in readings)


def test_pp_ocr_reads_as_paddleocr_itself_reads_full_width_strips(
    pp_ocr: PaddleTextRecognizer,
) -> None:
    # Wide strips are padded alike by both (PaddleOCR pads to 320 px, Boda to MIN_WIDTH):
    # the runner must give PaddleOCR's own texts and confidences.
    prepare_environment(pp_ocr.model_dir.parent.parent)
    from paddleocr import TextRecognition

    theirs = TextRecognition(
        model_name=pp_ocr.name, model_dir=str(pp_ocr.model_dir), engine="onnxruntime"
    )
    texts = [*LATIN[:3], "Total amount due: 1,234,500 KRW"]
    crops = [strip(text, 28, k, photographed=True) for k, text in enumerate(texts)]
    crops = [crop for crop in crops if crop.shape[1] * 48 / crop.shape[0] > 320]
    assert len(crops) >= 2
    expected = theirs.predict([np.ascontiguousarray(crop[:, :, ::-1]) for crop in crops])
    for crop, reference in zip(crops, expected, strict=True):
        (reading,) = pp_ocr.predict([crop])
        assert reading.text == reference["rec_text"]
        assert reading.confidence == pytest.approx(float(reference["rec_score"]), abs=1e-4)


def test_pp_ocr_batches_give_each_strip_its_own_reading(pp_ocr: PaddleTextRecognizer) -> None:
    sizes = (20, 40, 26, 44, 30)
    crops = [strip(text, size, k) for k, (text, size) in enumerate(zip(LATIN, sizes, strict=True))]
    alone = [pp_ocr.predict([crop])[0].text for crop in crops]
    assert [reading.text for reading in pp_ocr.predict(crops)] == alone == LATIN
    assert pp_ocr.predict([]) == []
    assert MIN_WIDTH == 160


def test_pp_ocr_reads_nothing_from_a_blank_strip(pp_ocr: PaddleTextRecognizer) -> None:
    (reading,) = pp_ocr.predict([np.full((40, 200, 3), 255, dtype=np.uint8)])
    assert (reading.text, reading.confidence) == ("", 0.0)


def test_tesseract_on_threads_reads_every_line_as_one_thread_does(tmp_path: Path) -> None:
    crops = [strip(text, 30, k, photographed=k % 2 == 1) for k, text in enumerate(KOREAN * 3)]
    one = TesseractTextRecognizer(tessdata_folder(None), threads=1).predict(crops)
    two = TesseractTextRecognizer(tessdata_folder(None), threads=2).predict(crops)
    assert [(r.text, r.confidence) for r in two] == [(r.text, r.confidence) for r in one]
    clean = [reading.text for k, reading in enumerate(one) if k % 2 == 0]
    assert clean == [text for k, text in enumerate(KOREAN * 3) if k % 2 == 0]

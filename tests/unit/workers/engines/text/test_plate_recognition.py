"""The committed plate reader (Boda's Korean line model fine-tuned on plate rows): it reads
rows of plates printed in fonts it never trained on, and still reads document lines."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from synth.lines import HELD_OUT_FONTS, LineStream
from synth.plate_lines import PlateLineStream
from synth.plates import HELD_OUT_PLATE_FONTS
from synth.scores import character_errors
from workers.engines.runtime.model_store import install_models
from workers.engines.text.korean_recognition import KoreanLineRecognizer
from workers.korean.jamo import normalise

MODEL = Path(__file__).parents[5] / "workers/engines/weights/text_recognition/boda_plate_rec_v1"

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def reader() -> KoreanLineRecognizer:
    return KoreanLineRecognizer(MODEL, threads=1, extend_paper=False)


def rgb(grey: np.ndarray) -> np.ndarray:
    return np.repeat(grey[:, :, None], 3, axis=2)


def cer(reader: KoreanLineRecognizer, lines: list) -> tuple[float, list[str]]:  # type: ignore[type-arg]
    texts = [r.text for r in reader.predict([rgb(line.image) for line in lines])]
    errors = sum(
        character_errors(t, normalise(line.text)) for t, line in zip(texts, lines, strict=True)
    )
    return errors / sum(len(normalise(line.text)) for line in lines), texts


def test_plate_rows_in_held_out_fonts_are_read(reader: KoreanLineRecognizer) -> None:
    """Rows 8–30 px high, blurred, glared, dark and JPEG'd, in faces training never used."""
    stream = PlateLineStream(31, HELD_OUT_PLATE_FONTS, None)
    lines = [stream.line(2 * i) for i in range(60)]
    rate, texts = cer(reader, lines)
    assert rate <= 0.08, list(zip(texts, [line.text for line in lines], strict=True))
    documents_model = KoreanLineRecognizer(MODEL.parent / "boda_korean_rec_v1", threads=1)
    assert rate <= 0.4 * cer(documents_model, lines)[0]


def test_document_lines_are_still_read(reader: KoreanLineRecognizer) -> None:
    stream = LineStream(32, HELD_OUT_FONTS)
    lines = [stream.line(i) for i in range(60)]
    rate, _ = cer(reader, lines)
    assert rate <= 0.12


def test_models_install_copies_the_plate_model_with_its_card(tmp_path: Path) -> None:
    target = tmp_path / "text_recognition" / "boda_plate_rec_v1"
    assert target in install_models(tmp_path)
    for name in ("inference.onnx", "MODEL_CARD.md", "training.json"):
        assert (target / name).read_bytes() == (MODEL / name).read_bytes()

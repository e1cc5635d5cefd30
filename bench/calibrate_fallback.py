"""When should Tesseract's route second-guess Boda's Korean model? Measured on page lines.

`python -m bench.calibrate_fallback [--n 12] [--seed 100] [--models DIR] [--korean NAME]`

Pages of both evaluation profiles from a seed that no evaluation uses; every truth line holding
Hangul is cut out (its ink box widened as the detector's boxes are) and read by the model and
by Tesseract's route. For either order (one reads every line, the other a line the first read
below a threshold, its readings kept stretch by stretch where it is surer, as the workers do:
second_opinion.surer_by_stretch) and each threshold, prints the Hangul CER of the combination,
how many lines were read twice and how many changed. Then the lines without
Hangul: the model's reading kept from a confidence on, PP-OCR's below it. The thresholds in
pipelines/general/second_opinion are chosen from these tables.
"""

from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np

from shared.config import ModelSettings
from synth.scores import character_errors
from synth.sets import PROFILES, profile_set
from workers.engines.runtime.model_store import install_models, model_folder, tessdata_folder
from workers.engines.text.korean_recognition import KoreanLineRecognizer
from workers.engines.text.line_crops import LineCrop, order_quad
from workers.engines.text.paddle_recognition import PaddleTextRecognizer
from workers.engines.text.recognition import LineReading
from workers.engines.text.tesseract_recognition import TesseractTextRecognizer
from workers.korean.jamo import normalise
from workers.korean.language_model import JamoLanguageModel
from workers.korean.script import has_hangul
from workers.pipelines.general.routing import ScriptRoutingRecognizer, prefer_latin
from workers.pipelines.general.second_opinion import surer_by_stretch

THRESHOLDS = (0.0, 0.5, 0.6, 0.7, 0.8, 0.85, 0.9, 0.95, 0.97, 1.01)
LATIN_THRESHOLDS = (0.0, 0.8, 0.9, 0.95, 0.97, 0.98, 0.99, 1.01)


def widened(box: list[tuple[int, int]]) -> np.ndarray:
    """An ink box grown by a fifth of its height on every side, as detector boxes are."""
    quad = order_quad(np.array(box, dtype=np.float32))
    grow = 0.2 * np.linalg.norm(quad[3] - quad[0])
    centre = quad.mean(axis=0)
    directions = quad - centre
    return quad + grow * directions / np.linalg.norm(directions, axis=1, keepdims=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=12)
    parser.add_argument("--seed", type=int, default=100)
    parser.add_argument("--models", type=Path, default=Path("models"))
    parser.add_argument("--korean", default=ModelSettings().korean_recognition)
    args = parser.parse_args()
    models = args.models.resolve()
    install_models(models)
    ours = KoreanLineRecognizer(
        model_folder(
            models,
            "text_recognition",
            args.korean,
            ("inference.onnx",),
        ),
        language=JamoLanguageModel.korean(),
    )
    route = ScriptRoutingRecognizer(
        TesseractTextRecognizer(tessdata_folder(None)),
        PaddleTextRecognizer(model_folder(models, "text_recognition", "PP-OCRv6_small_rec")),
    )
    rows: list[tuple[str, LineReading, LineReading]] = []
    latin_rows: list[tuple[str, str, float, str]] = []
    for profile in PROFILES:
        for page in profile_set(profile, args.n, args.seed):
            image = np.asarray(page.image.convert("RGB"))
            truths = [line for line in page.lines if has_hangul(line.text)]
            crops = [LineCrop.cut(image, widened(line.box)).image for line in truths]
            for truth, mine, theirs in zip(
                truths, ours.predict(crops), route.predict(crops), strict=True
            ):
                rows.append((truth.text, mine, theirs))
            others = [line for line in page.lines if not has_hangul(line.text)]
            crops = [LineCrop.cut(image, widened(line.box)).image for line in others]
            for truth, mine, latin in zip(
                others, ours.predict(crops), route.latin.predict(crops), strict=True
            ):
                kept = prefer_latin(mine, latin).text
                latin_rows.append((truth.text, mine.text, mine.confidence, kept))
    print_latin(latin_rows)
    chars = sum(len(normalise(row[0])) for row in rows)
    print(f"{len(rows)} Hangul lines, {chars} characters (seed {args.seed}, both profiles)")
    alone = [
        sum(character_errors(reading.text, normalise(truth)) for truth, reading, _ in rows),
        sum(character_errors(reading.text, normalise(truth)) for truth, _, reading in rows),
    ]
    print(
        f"model alone: CER {alone[0] / chars:.4f}; Tesseract's route alone: {alone[1] / chars:.4f}"
    )
    tesseract_first = [(truth, theirs, mine) for truth, mine, theirs in rows]
    for title, ordered in (
        ("model first, Tesseract's route second", rows),
        ("Tesseract's route first, model second", tesseract_first),
    ):
        print(f"\n{title}")
        print(f"{'threshold':>9} {'read twice':>10} {'changed':>8} {'CER':>7}")
        for threshold in THRESHOLDS:
            print(_combined(ordered, threshold, chars))


def print_latin(rows: list[tuple[str, str, float, str]]) -> None:
    """Lines without Hangul: the model's reading kept where it is at least this sure (and sees
    no Hangul), PP-OCR's (where it reads no CJK) otherwise; the CER of each choice."""
    chars = sum(len(normalise(row[0])) for row in rows)
    print(f"{len(rows)} lines without Hangul, {chars} characters")
    print(f"{'model kept from':>15} {'PP-OCR reads':>12} {'CER':>7}")
    for threshold in LATIN_THRESHOLDS:
        errors = asked = 0
        for truth, mine, confidence, latin in rows:
            pick = mine
            if confidence < threshold and not has_hangul(mine):
                pick, asked = latin, asked + 1
            errors += character_errors(pick, normalise(truth))
        print(f"{threshold:15.2f} {asked:12d} {errors / chars:7.4f}")


def _combined(
    rows: list[tuple[str, LineReading, LineReading]], threshold: float, chars: int
) -> str:
    """One row of the table: the first reader's line, or where it read it below `threshold`,
    the two readings combined as the workers combine them."""
    errors = twice = changed = 0
    for truth, first, second in rows:
        pick = first
        if first.confidence < threshold:
            twice += 1
            if second.text:
                pick = surer_by_stretch(first, second)
                changed += pick.text != first.text
        errors += character_errors(pick.text, normalise(truth))
    return f"{threshold:9.2f} {twice:10d} {changed:8d} {errors / chars:7.4f}"


if __name__ == "__main__":
    main()

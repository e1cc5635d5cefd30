"""Line recognisers side by side on held-out generated lines: CER, exact lines, time per line.

`python -m bench.eval_lines [--n 600] [--seed 20000] [--models DIR] [--threads 1]
[--candidate FOLDER] [--tune]`

The lines are printed with fonts the Korean model never trained on (synth.lines.
HELD_OUT_FONTS) and damaged like photos, from a seed of their own (training validates on
another), in two slices: `photo` (`--n` lines at their photographed size) and `low resolution`
(`--n / 2` lines as small as a page scaled to the detector leaves small print: a syllable 8-14
px high, JPEG 30-60; synth.lines.shrunk), and `new faces` (`--n / 2` photographed lines in
HELD_OUT_NEW_FACES, faces of the families the fifth training stage added). Each recogniser
gets the same RGB crops, as the General OCR pipeline hands them over, and runs on `--threads`
cores (1 by default, for Tesseract too):
- Boda's Korean model (onnxruntime, lines batched by width, as the workers run it), decoded
  greedily and by the beam search weighed by the Korean jamo n-gram (workers.korean.
  language_model); `--candidate` adds another model folder beside it, both ways;
- Tesseract `kor` in single-line mode with the Sauvola retry (what the workers used before);
- the packaged PP-OCRv6 recogniser (no Hangul; shown for its Latin and digits);
- Tesseract's route (Tesseract, PP-OCR for Latin and digits: what the workers served before),
  and the two orders of SecondOpinionRecognizer (one reads all lines, the other unsure ones).
Per recogniser and slice: CER over all characters, exact-line rate, and the same on the lines
that hold Hangul and on those that do not; milliseconds per line.

`--tune` instead prints the CER of the beam search for a grid of language-model weights and
jamo bonuses on lines of the training's validation seed (no evaluation reads them): the values
in workers.engines.text.korean_recognition are chosen from it.
"""

from __future__ import annotations

import argparse
import os
import time
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np

from shared.config import ModelSettings
from synth.lines import (
    HELD_OUT_FONTS,
    HELD_OUT_NEW_FACES,
    LOW_RESOLUTION,
    SHORT,
    VALIDATION_SEED,
    LineStream,
    LineStyle,
    TextLine,
)
from synth.scores import character_errors
from workers.engines.runtime.model_store import install_models, model_folder, tessdata_folder
from workers.engines.text.korean_recognition import KoreanLineRecognizer
from workers.engines.text.paddle_recognition import PaddleTextRecognizer
from workers.engines.text.recognition import LineReading
from workers.engines.text.tesseract_recognition import TesseractTextRecognizer
from workers.korean.jamo import normalise
from workers.korean.language_model import JamoLanguageModel
from workers.korean.script import has_hangul
from workers.pipelines.general.routing import ScriptRoutingRecognizer
from workers.pipelines.general.second_opinion import SecondOpinionRecognizer

TARGET_CER_RATIO = 1 / 3
"""Ours at most a third of Tesseract's CER (the goal this model was trained for)."""

Reader = Callable[[Sequence[np.ndarray]], list[LineReading]]


def held_out_lines(
    count: int,
    seed: int,
    style: LineStyle = SHORT,
    fonts: tuple[tuple[str, int], ...] = HELD_OUT_FONTS,
) -> list[TextLine]:
    """`count` damaged lines printed with the held-out fonts."""
    stream = LineStream(seed, fonts, style)
    return [stream.line(i) for i in range(count)]


def slices(count: int, seed: int) -> dict[str, list[TextLine]]:
    """The photographed lines, the low-resolution ones and those in the faces held out with
    the fifth stage's (each slice a seed of its own)."""
    return {
        "photo": held_out_lines(count, seed),
        "low resolution": held_out_lines(count // 2, seed + 1000, LOW_RESOLUTION),
        "new faces": held_out_lines(count // 2, seed + 2000, fonts=HELD_OUT_NEW_FACES),
    }


def score(texts: list[str], lines: list[TextLine]) -> dict[str, float]:
    """CER and exact-line rate, overall and split by whether the truth holds Hangul."""
    result: dict[str, float] = {}
    for part, keep in (("all", lambda _: True), ("hangul", has_hangul), ("other", None)):
        chosen = [
            (normalise(text), normalise(line.text))
            for text, line in zip(texts, lines, strict=True)
            if (keep(line.text) if keep else not has_hangul(line.text))
        ]
        errors = sum(character_errors(text, truth) for text, truth in chosen)
        chars = sum(len(truth) for _, truth in chosen)
        result[f"{part}_cer"] = errors / max(chars, 1)
        result[f"{part}_exact"] = sum(text == truth for text, truth in chosen) / max(len(chosen), 1)
    return result


def run(reader: Reader, lines: list[TextLine]) -> tuple[list[str], float]:
    """Texts read and milliseconds per line (after one warm-up call)."""
    crops = [np.repeat(line.image[:, :, None], 3, axis=2) for line in lines]
    reader(crops[:4])
    started = time.perf_counter()
    readings = reader(crops)
    return [reading.text for reading in readings], (time.perf_counter() - started) * 1000 / len(
        crops
    )


def recognisers(
    settings: ModelSettings, threads: int, candidate: Path | None = None
) -> dict[str, Reader]:
    """Each recogniser alone, then the two routes the workers can serve, from the model folder."""
    models = settings.dir or Path("models").resolve()
    folder = model_folder(
        models, "text_recognition", settings.korean_recognition, ("inference.onnx",)
    )
    language = JamoLanguageModel.korean()
    ours = KoreanLineRecognizer(folder, threads, language=language)
    tesseract = TesseractTextRecognizer(tessdata_folder(settings.tessdata_dir), threads=threads)
    paddle = PaddleTextRecognizer(
        model_folder(models, "text_recognition", settings.text_recognition), threads
    )
    before = ScriptRoutingRecognizer(tesseract, paddle)
    readers = {
        f"ours alone ({ours.name}), greedy": KoreanLineRecognizer(folder, threads).predict,
        f"ours alone ({ours.name}), beam + n-gram": ours.predict,
    }
    if candidate is not None:
        readers[f"{candidate.name}, greedy"] = KoreanLineRecognizer(candidate, threads).predict
        readers[f"{candidate.name}, beam + n-gram"] = KoreanLineRecognizer(
            candidate, threads, language=language
        ).predict
    return readers | {
        "Tesseract kor alone": tesseract.predict,
        f"PP-OCR alone ({paddle.name})": paddle.predict,
        "Tesseract route (served before)": before.predict,
        "Tesseract route, ours second": SecondOpinionRecognizer(ours, before, False).predict,
        "ours first, Tesseract route second": SecondOpinionRecognizer(ours, before, True).predict,
    }


def tune(settings: ModelSettings, threads: int, count: int) -> None:
    """The beam search's CER for a grid of (weight, bonus), greedy decoding first."""
    folder = model_folder(
        settings.root, "text_recognition", settings.korean_recognition, ("inference.onnx",)
    )
    language = JamoLanguageModel.korean()
    lines = slices(count, VALIDATION_SEED)
    grid = [(0.0, 0.0), (0.05, 0.1), (0.1, 0.1), (0.1, 0.2), (0.1, 0.3), (0.15, 0.3)]
    grid += [(0.2, 0.3), (0.2, 0.5), (0.3, 0.5), (0.3, 0.8)]
    print(f"{'weight':>6} {'bonus':>6} " + " ".join(f"{name:>15}" for name in lines))
    greedy = KoreanLineRecognizer(folder, threads)
    for weights in [None, *grid]:
        if weights is None:
            reader, label = greedy, f"{'greedy':>13}"
        else:
            reader = KoreanLineRecognizer(folder, threads, language=language, weights=weights)
            label = f"{weights[0]:>6} {weights[1]:>6}"
        cers = [score(run(reader.predict, part)[0], part)["all_cer"] for part in lines.values()]
        print(label + " " + " ".join(f"{cer:>15.2%}" for cer in cers), flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=600)
    parser.add_argument("--seed", type=int, default=20_000)
    parser.add_argument("--models", type=Path, default=Path("models"))
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--candidate", type=Path, help="another Korean model folder to compare")
    parser.add_argument("--tune", action="store_true", help="choose the beam search's weights")
    args = parser.parse_args()
    os.environ.setdefault("OMP_THREAD_LIMIT", str(args.threads))
    install_models(args.models.resolve())
    settings = ModelSettings(dir=args.models.resolve())
    if args.tune:
        tune(settings, args.threads, args.n // 2)
        return
    parts = slices(args.n, args.seed)
    for name, lines in parts.items():
        hangul = sum(has_hangul(line.text) for line in lines)
        print(f"{name}: {len(lines)} held-out lines ({hangul} with Hangul)")
    print("fonts: " + ", ".join(sorted({line.font for line in parts["photo"]})))
    readers = recognisers(settings, args.threads, args.candidate)
    for name, lines in parts.items():
        print(
            f"\n{name:46} {'CER':>7} {'exact':>6} | {'Hangul CER':>10} {'exact':>6} | "
            f"{'other CER':>9} {'exact':>6} | {'ms/line':>7}"
        )
        results = {}
        for label, reader in readers.items():
            texts, ms = run(reader, lines)
            results[label] = (score(texts, lines), ms)
            s = results[label][0]
            print(
                f"{label:46} {s['all_cer']:7.2%} {s['all_exact']:6.1%} | "
                f"{s['hangul_cer']:10.2%} {s['hangul_exact']:6.1%} | {s['other_cer']:9.2%} "
                f"{s['other_exact']:6.1%} | {ms:7.1f}"
            )
        (ours, ours_ms), tesseract = results[next(iter(readers))], results["Tesseract kor alone"]
        ratio = ours["all_cer"] / max(tesseract[0]["all_cer"], 1e-9)
        print(
            f"CER ours (greedy) / Tesseract: {ratio:.2f} (target <= {TARGET_CER_RATIO:.2f}); "
            f"time per line ours / Tesseract: {ours_ms / tesseract[1]:.2f} (target <= 1)"
        )


if __name__ == "__main__":
    main()

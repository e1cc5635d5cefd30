"""Line recognisers side by side on held-out generated lines: CER, exact lines, time per line.

`python -m bench.eval_lines [--n 600] [--seed 20000] [--models DIR] [--threads 1]`

The lines are printed with fonts the Korean model never trained on (synth.lines.
HELD_OUT_FONTS) and damaged like photos, from a seed of their own (training validates on
another). Each recogniser gets the same RGB crops at their photographed size, as the General
OCR pipeline hands them over, and runs on `--threads` cores (1 by default, for Tesseract too):
- Boda's Korean model (onnxruntime, lines batched by width, as the workers run it);
- Tesseract `kor` in single-line mode with the Sauvola retry (what the workers used before);
- the packaged PP-OCRv6 recogniser (no Hangul; shown for its Latin and digits);
- Tesseract's route (Tesseract, PP-OCR for Latin and digits: what the workers served before),
  and the two orders of SecondOpinionRecognizer (one reads all lines, the other unsure ones).
Per recogniser: CER over all characters, exact-line rate, and the same on the lines that hold
Hangul and on those that do not; milliseconds per line.
"""

from __future__ import annotations

import argparse
import os
import time
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np

from shared.config import ModelSettings
from synth.lines import HELD_OUT_FONTS, LineStream, TextLine
from synth.scores import character_errors
from workers.engines.runtime.model_store import install_models, model_folder, tessdata_folder
from workers.engines.text.korean_recognition import KoreanLineRecognizer
from workers.engines.text.paddle_recognition import PaddleTextRecognizer
from workers.engines.text.recognition import LineReading
from workers.engines.text.tesseract_recognition import TesseractTextRecognizer
from workers.korean.jamo import normalise
from workers.korean.script import has_hangul
from workers.pipelines.general.routing import ScriptRoutingRecognizer
from workers.pipelines.general.second_opinion import SecondOpinionRecognizer

TARGET_CER_RATIO = 1 / 3
"""Ours at most a third of Tesseract's CER (the goal this model was trained for)."""

Reader = Callable[[Sequence[np.ndarray]], list[LineReading]]


def held_out_lines(count: int, seed: int) -> list[TextLine]:
    """`count` damaged lines printed with the held-out fonts."""
    stream = LineStream(seed, HELD_OUT_FONTS)
    return [stream.line(i) for i in range(count)]


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


def recognisers(settings: ModelSettings, threads: int) -> dict[str, Reader]:
    """Each recogniser alone, then the two routes the workers can serve, from the model folder."""
    models = settings.dir or Path("models").resolve()
    ours = KoreanLineRecognizer(
        model_folder(models, "text_recognition", settings.korean_recognition, ("inference.onnx",)),
        threads,
    )
    tesseract = TesseractTextRecognizer(tessdata_folder(settings.tessdata_dir), threads=threads)
    paddle = PaddleTextRecognizer(
        model_folder(models, "text_recognition", settings.text_recognition), threads
    )
    before = ScriptRoutingRecognizer(tesseract, paddle)
    return {
        f"ours alone ({ours.name})": ours.predict,
        "Tesseract kor alone": tesseract.predict,
        f"PP-OCR alone ({paddle.name})": paddle.predict,
        "Tesseract route (served before)": before.predict,
        "Tesseract route, ours second": SecondOpinionRecognizer(ours, before, False).predict,
        "ours first, Tesseract route second": SecondOpinionRecognizer(ours, before, True).predict,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=600)
    parser.add_argument("--seed", type=int, default=20_000)
    parser.add_argument("--models", type=Path, default=Path("models"))
    parser.add_argument("--threads", type=int, default=1)
    args = parser.parse_args()
    os.environ.setdefault("OMP_THREAD_LIMIT", str(args.threads))
    install_models(args.models.resolve())
    lines = held_out_lines(args.n, args.seed)
    hangul = sum(has_hangul(line.text) for line in lines)
    print(
        f"{len(lines)} held-out lines ({hangul} with Hangul), fonts: "
        + ", ".join(sorted({line.font for line in lines}))
    )
    print(
        f"{'recogniser':34} {'CER':>7} {'exact':>6} | {'Hangul CER':>10} {'exact':>6} | "
        f"{'other CER':>9} {'exact':>6} | {'ms/line':>7}"
    )
    results = {}
    for name, reader in recognisers(ModelSettings(dir=args.models.resolve()), args.threads).items():
        texts, ms = run(reader, lines)
        results[name] = (score(texts, lines), ms)
        s = results[name][0]
        print(
            f"{name:40} {s['all_cer']:7.2%} {s['all_exact']:6.1%} | {s['hangul_cer']:10.2%} "
            f"{s['hangul_exact']:6.1%} | {s['other_cer']:9.2%} {s['other_exact']:6.1%} | {ms:7.1f}"
        )
    (ours, ours_ms), (tess, tess_ms) = list(results.values())[:2]
    ratio = ours["all_cer"] / max(tess["all_cer"], 1e-9)
    print(
        f"CER ours / Tesseract: {ratio:.2f} (target <= {TARGET_CER_RATIO:.2f}); "
        f"time per line ours / Tesseract: {ours_ms / tess_ms:.2f} (target <= 1)"
    )


if __name__ == "__main__":
    main()

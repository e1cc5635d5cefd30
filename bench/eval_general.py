"""General OCR on the synthetic evaluation profiles: CER, line recall and speed, by kind.

`python -m bench.eval_general [--profile clean|photo|both] [--n 12] [--seed 0]
[--kinds notice,receipt,...] [--models DIR] [--detector NAME] [--recognizer NAME]
[--korean NAME] [--threads N] [--hangul READER,...|all] [--verbose] [--save DIR]`

Both profiles by default (see synth.sets: `photo` holds photographs of the `clean` pages, so
the difference between the two tables is the cost of the damage). Per profile a table by
document kind and overall: CER over the joined text of all pages and the mean of the pages'
CER, line recall, the share of lines read exactly, and seconds per page. A truth line is found
when a result line overlaps it with IoU > 0.5, or covers 80% of it with IoU > 0.2 (padded
detector boxes around short lines; see synth.scores). `--save` writes each page, its truth
and result JSON and an overlay (truth green, result red) for inspection.
`--hangul` picks who reads Hangul: `model-first` (the default: Boda's model, Tesseract's route
on the lines it reads unsurely), `paired` (the other way round), `tesseract` (Tesseract's
route alone, as before the model), `model-first-greedy` / `paired-greedy` (the model decoded
greedily, without the Korean n-gram), `paired-v3` (the default before v4), several of them
comma-separated or `all` on the same pages, with a summary.
Models are installed from the packaged weights into DIR (default ./models) first.
"""

from __future__ import annotations

import argparse
import difflib
import json
import statistics
import time
from dataclasses import dataclass
from pathlib import Path

from PIL import ImageDraw

from shared.analyses.general import Page
from shared.config import ModelSettings
from synth.documents import SyntheticPage
from synth.scores import PageScore, score_page
from synth.sets import KINDS, PROFILES, Profile, ground_truth, profile_set
from workers.engines.runtime.model_store import install_models
from workers.pipelines.general.reader import GeneralReader

TARGET_CER: dict[str, float] = {"clean": 0.01, "photo": 0.05}
HANGUL_READERS: dict[str, dict[str, str]] = {
    "model-first": {"hangul_first": "model"},
    "paired": {"hangul_first": "tesseract"},
    "tesseract": {"korean_recognition": ""},
    "model-first-greedy": {"hangul_first": "model", "korean_decoding": "greedy"},
    "paired-greedy": {"hangul_first": "tesseract", "korean_decoding": "greedy"},
    "paired-v3": {"hangul_first": "tesseract", "korean_recognition": "boda_korean_rec_v3"},
}
"""Who reads Hangul -> ModelSettings fields: the default (Boda's model first, Tesseract's route
on its unsure lines), the other way round, or Tesseract's route alone (the route before the
model); `-greedy`: the model's output decoded greedily, not by the beam search weighed by the
Korean n-gram; `paired-v3`: the default before boda_korean_rec_v4 (Tesseract's route first,
v3 on its unsure lines)."""


@dataclass(frozen=True)
class Reading:
    """One page read: its kind, score and time."""

    kind: str
    score: PageScore
    seconds: float
    failed: bool = False


def evaluate(
    reader: GeneralReader, pages: list[SyntheticPage], verbose: bool, save: Path | None
) -> list[Reading]:
    """Read each page, print a line per page, and return the scores."""
    readings = []
    for index, page in enumerate(pages):
        started = time.perf_counter()
        result, error = _read(reader, page)
        seconds = time.perf_counter() - started
        score = score_page(page, result, loose=True)
        kind = page.meta.get("kind", "page")
        readings.append(Reading(kind, score, seconds, failed=error is not None))
        width, height = page.image.size
        print(
            f"  {page.meta.get('set', '?'):5} {index:3d} {kind:12} {width:4d}x{height:<4d} "
            f"cer {score.cer:.4f}  recall {score.lines_found}/{score.lines}  {seconds:.2f}s"
            + (f"  FAILED: {error}" if error else "")
        )
        if verbose:
            _print_differences(page, result, score)
        if save:
            _save(page, result, save / f"{page.meta.get('set', 'set')}_{index:03d}")
    return readings


def _read(reader: GeneralReader, page: SyntheticPage) -> tuple[Page, str | None]:
    """The pipeline's page, or an empty page and the error when reading raises.

    A page the pipeline fails on counts as read with nothing found (every character an
    error), so one crash shows in the table instead of ending the run.
    """
    try:
        return reader.read([page.image]).pages[0], None
    except Exception as error:  # any failure of the pipeline is a result here
        empty = Page(width=page.image.width, height=page.image.height, lines=[])
        return empty, f"{type(error).__name__}: {error}"


def summary_rows(readings: list[Reading]) -> list[tuple[str, dict[str, float]]]:
    """(kind, figures) for each kind present, in KINDS order, then `all`."""
    kinds = [kind for kind in KINDS if any(r.kind == kind for r in readings)]
    kinds += sorted({r.kind for r in readings} - set(kinds))
    rows = [(kind, _figures([r for r in readings if r.kind == kind])) for kind in kinds]
    return [*rows, ("all", _figures(readings))]


def _figures(readings: list[Reading]) -> dict[str, float]:
    scores = [r.score for r in readings]
    length, lines = sum(s.length for s in scores), sum(s.lines for s in scores)
    return {
        "pages": len(scores),
        "failed": sum(r.failed for r in readings),
        "chars": length,
        "cer": sum(s.errors for s in scores) / max(length, 1),
        "page_cer": statistics.mean(s.cer for s in scores),
        "recall": sum(s.lines_found for s in scores) / max(lines, 1),
        "exact": sum(s.lines_exact for s in scores) / max(lines, 1),
        "seconds": statistics.mean(r.seconds for r in readings),
    }


def print_table(profile: str, readings: list[Reading]) -> None:
    """The table of one profile, and whether its CER target is met."""
    print(f"\nprofile {profile}")
    print(f"{'kind':14}{'pages':>6}{'failed':>7}{'chars':>7}{'CER':>8}{'CER/page':>10}"
          f"{'recall':>8}{'exact':>7}{'s/page':>8}")  # fmt: skip
    for kind, f in summary_rows(readings):
        print(
            f"{kind:14}{f['pages']:6.0f}{f['failed']:7.0f}{f['chars']:7.0f}{f['cer']:8.4f}"
            f"{f['page_cer']:10.4f}{f['recall']:8.3f}{f['exact']:7.3f}{f['seconds']:8.2f}"
        )
    cer, target = summary_rows(readings)[-1][1]["cer"], TARGET_CER[profile]
    verdict = "met" if cer <= target else "NOT met"
    print(f"target CER <= {target:.2f}: {verdict} (CER {cer:.4f})")
    read = [r for r in readings if not r.failed]
    if read and len(read) < len(readings):
        f = _figures(read)
        print(
            f"without the {len(readings) - len(read)} failed pages: CER {f['cer']:.4f}, "
            f"recall {f['recall']:.3f}, exact {f['exact']:.3f} over {len(read)} pages"
        )


def _print_differences(page: SyntheticPage, result: Page, score: PageScore) -> None:
    """Lines read wrong, missing or extra, aligned on the text (not line by line)."""
    truth = [line.text for line in page.lines]
    read = [line.text for line in result.lines]
    matcher = difflib.SequenceMatcher(a=truth, b=read, autojunk=False)
    for tag, t0, t1, r0, r1 in matcher.get_opcodes():
        if tag == "equal":
            continue
        for offset in range(max(t1 - t0, r1 - r0)):
            expected = truth[t0 + offset] if t0 + offset < t1 else None
            got = read[r0 + offset] if r0 + offset < r1 else None
            if expected is None:
                print(f"      extra    {got!r}")
            elif got is None:
                print(f"      missing  {expected!r}")
            else:
                print(f"      {got!r} != {expected!r}")
    for text in score.missed:
        print(f"      no box matches line {text!r}")


def _save(page: SyntheticPage, result: Page, stem: Path) -> None:
    stem.parent.mkdir(parents=True, exist_ok=True)
    page.image.save(stem.with_suffix(".png"))
    overlay = page.image.convert("RGB")
    draw = ImageDraw.Draw(overlay)
    for truth in page.lines:
        draw.polygon(truth.box, outline=(0, 170, 0), width=2)
    for line in result.lines:
        draw.polygon(line.box, outline=(220, 0, 0), width=2)
    overlay.save(stem.parent / f"{stem.name}_overlay.png")
    record = {"truth": ground_truth(page), "result": result.model_dump()}
    text = json.dumps(record, ensure_ascii=False, indent=1)
    stem.with_suffix(".json").write_text(text, encoding="utf-8")


def main(argv: list[str] | None = None) -> None:
    """Command line entry point."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--profile", choices=(*PROFILES, "both"), default="both")
    parser.add_argument("--n", type=int, default=12, help="pages per profile")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--kinds", default=",".join(KINDS), help="comma-separated kinds")
    parser.add_argument("--models", type=Path, default=Path("models"))
    parser.add_argument("--threads", type=int, default=0)
    parser.add_argument("--detector", default=ModelSettings().text_detection)
    parser.add_argument("--recognizer", default=ModelSettings().text_recognition)
    parser.add_argument("--korean", default=ModelSettings().korean_recognition)
    parser.add_argument(
        "--hangul",
        default="model-first",
        help=f"comma-separated, of {', '.join(HANGUL_READERS)}; all",
    )
    parser.add_argument("--verbose", action="store_true")
    parser.add_argument("--save", type=Path, help="write pages, results and overlays here")
    args = parser.parse_args(argv)
    kinds = [kind.strip() for kind in args.kinds.split(",") if kind.strip()]
    unknown = set(kinds) - set(KINDS)
    if unknown:
        parser.error(f"unknown kinds {sorted(unknown)}; known: {', '.join(KINDS)}")
    install_models(args.models.resolve())
    profiles: list[Profile] = list(PROFILES) if args.profile == "both" else [args.profile]
    sets = {profile: profile_set(profile, args.n, args.seed, kinds) for profile in profiles}
    hangul = list(HANGUL_READERS) if args.hangul == "all" else args.hangul.split(",")
    if set(hangul) - set(HANGUL_READERS):
        parser.error(f"unknown Hangul readers {sorted(set(hangul) - set(HANGUL_READERS))}")
    results: dict[tuple[str, str], list[Reading]] = {}
    for who in hangul:
        settings = ModelSettings(
            dir=args.models.resolve(),
            text_detection=args.detector,
            text_recognition=args.recognizer,
            intra_op_threads=args.threads,
            **({"korean_recognition": args.korean} | HANGUL_READERS[who]),
        )
        started = time.perf_counter()
        reader = GeneralReader.load(settings)
        print(f"\nHangul read by {who}: models {reader.models}, loaded in "
              f"{time.perf_counter() - started:.1f}s")  # fmt: skip
        for profile, pages in sets.items():
            save = args.save / who if args.save else None
            results[who, profile] = evaluate(reader, pages, args.verbose, save)
    for (who, read_profile), readings in results.items():
        print(f"\nHangul read by {who}", end="")
        print_table(read_profile, readings)
    if len(hangul) > 1:
        print_comparison(results, hangul, profiles)


def print_comparison(
    results: dict[tuple[str, str], list[Reading]], hangul: list[str], profiles: list[Profile]
) -> None:
    """CER and time per page of each Hangul reader side by side, per profile and kind."""
    print(f"\nbefore/after: CER and s/page by Hangul reader ({' vs '.join(hangul)})")
    for profile in profiles:
        rows = {who: dict(summary_rows(results[who, profile])) for who in hangul}
        for kind in rows[hangul[0]]:
            cells = "  ".join(
                f"{who} {rows[who][kind]['cer']:.4f} {rows[who][kind]['seconds']:.2f}s"
                for who in hangul
            )
            print(f"  {profile:6} {kind:14} {cells}")


if __name__ == "__main__":
    main()

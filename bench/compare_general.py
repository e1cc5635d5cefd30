"""General OCR side by side: Boda vs PaddleOCR's default pipeline vs whole-page Tesseract.

`python -m bench.compare_general [--n 12] [--seed 0] [--profile clean|photo|pages]`

Every engine reads exactly the same synthetic pages in one run, each warmed up once on the
first page; the pages are read in turn by each engine (page 1 by all, then page 2 …), so a
slow spell on the machine costs all of them alike. Engines:
- ours: `GeneralReader` with the settings' defaults (PP-OCR det, Tesseract kor and PP-OCR rec
  by script), but with as many threads as the machine has cores, as PaddleOCR's pipeline
  runs: a worker sized from the cores gives each job one thread and reads as many jobs at
  once as it has cores (see `bench.general_latency` for that throughput), so its per-page
  time with one thread beside PaddleOCR's with all of them compared one core with two;
- PaddleOCR's own default pipeline (`paddleocr.PaddleOCR`, onnxruntime) handed the same
  packaged detector and recogniser folders, with only the modules whose weights are not
  installed here turned off; everything else (its detector sizing, thresholds, batching) is
  its default, which is the point of the comparison;
- whole-page Tesseract (tesserocr, default page segmentation) with `kor` and with `kor+eng`.

Each engine's lines are put in the same reading order (the pipeline's own `reading_order`)
and joined by newlines; CER is over the whole page text with whitespace runs collapsed to one
space for every engine (and, as a second figure, with whitespace removed). Line recall and
exact lines match boxes to the truth as `synth.scores.score_page` does.
Without --profile the clean profile runs, and the photo profile too when synth.sets has it.
"""

from __future__ import annotations

import argparse
import functools
import os
import statistics
import time
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

import numpy as np
from PIL import Image

from shared.analyses.general import Line, Page, Quad
from shared.config import ModelSettings, Settings
from synth import sets
from synth.documents import SyntheticPage
from synth.scores import PageScore, character_errors, score_page
from workers.engines.runtime.model_store import model_folder, tessdata_folder
from workers.engines.runtime.paddle_runtime import prepare_environment
from workers.pipelines.general.reader import GeneralReader, reading_order

PageSet = Callable[[int, int], list[SyntheticPage]]


def _available_profiles() -> dict[str, PageSet]:
    """The page sets synth.sets offers now.

    `clean` and `photo` are synth's profiles (page i of `photo` is a photograph of page i of
    `clean`), each there only once synth.sets has it; before profiles existed, `clean` is
    `clean_set`. `pages` is always `clean_set`, the set bench.eval_general measures.
    """
    profiles: dict[str, PageSet] = {"pages": sets.clean_set, "clean": sets.clean_set}
    profile_set = getattr(sets, "profile_set", None)
    photo = getattr(sets, "photo_set", None)
    if profile_set is not None:
        profiles["clean"] = functools.partial(profile_set, "clean")
        photo = photo or functools.partial(profile_set, "photo")
    if photo is not None:
        profiles["photo"] = photo
    return profiles


PROFILES = _available_profiles()
MISSING_PHOTO = "synth.sets has neither photo_set(n, seed) nor profile_set(name, n, seed) yet"


def normalise_whitespace(text: str) -> str:
    """Every run of whitespace (newlines included) as one space, none at the ends.

    Engines split a row into lines differently (a label and its value: one line or two);
    that should cost at most a space, never a newline against a space.
    """
    return " ".join(text.split())


def page_text(page: Page) -> str:
    """A page's lines joined by newlines, as GeneralResult.join_text joins one page."""
    return "\n".join(line.text for line in page.lines)


def _quad(points: Any, size: tuple[int, int]) -> Quad:
    """Integer page points (4x2), kept inside the page."""
    array = np.asarray(points, dtype=np.float64).reshape(-1, 2)
    xs = np.clip(np.rint(array[:, 0]), 0, size[0] - 1).astype(int)
    ys = np.clip(np.rint(array[:, 1]), 0, size[1] - 1).astype(int)
    return [(int(x), int(y)) for x, y in zip(xs, ys, strict=True)]


def _box_quad(box: Sequence[float], size: tuple[int, int]) -> Quad:
    x0, y0, x1, y1 = box
    return _quad([(x0, y0), (x1, y0), (x1, y1), (x0, y1)], size)


def _line(text: str, confidence: float, box: Quad) -> Line:
    return Line(text=text, confidence=float(np.clip(confidence, 0.0, 1.0)), box=box)


def paddle_page(result: Mapping[str, Any], size: tuple[int, int]) -> Page:
    """A Page from one PaddleOCR pipeline result (`rec_texts`, `rec_scores`, `rec_polys`).

    The pipeline keeps lines it could not read as empty texts with score 0; they carry no
    text and are dropped, as ours drops them. A polygon that is not a quad (the pipeline's
    polygon mode) falls back to its `rec_boxes` rectangle.
    """
    lines = []
    columns = ("rec_texts", "rec_scores", "rec_polys", "rec_boxes")
    for text, score, poly, box in zip(*(result[key] for key in columns), strict=True):
        if not str(text).strip():
            continue
        quad = _quad(poly, size) if np.asarray(poly).size == 8 else _box_quad(box, size)
        lines.append(_line(str(text).strip(), float(score), quad))
    return Page(width=size[0], height=size[1], lines=reading_order(lines))


class PageEngine(Protocol):
    """One OCR engine under test: reads one RGB page into lines with boxes."""

    name: str
    weights: str

    def read(self, image: Image.Image) -> Page: ...


class BodaEngine:
    """Our pipeline, as a worker runs it."""

    name = "boda (ours)"

    def __init__(self, settings: ModelSettings) -> None:
        self.reader = GeneralReader.load(settings)
        self.weights = " + ".join(self.reader.models.values()) + f"  ({settings.dir})"

    def read(self, image: Image.Image) -> Page:
        return self.reader.read([image]).pages[0]


class PaddleOcrEngine:
    """PaddleOCR's default OCR pipeline on our packaged PP-OCR folders."""

    name = "paddleocr default"

    def __init__(self, detection: Path, recognition: Path, device: str) -> None:
        prepare_environment(detection.parent.parent)
        from paddleocr import PaddleOCR

        # Only what must differ from its defaults: where the weights are, the engine (no
        # paddlepaddle here), and the modules whose weights are not installed.
        self._ocr = PaddleOCR(
            engine="onnxruntime",
            device=device,
            text_detection_model_name=detection.name,
            text_detection_model_dir=str(detection),
            text_recognition_model_name=recognition.name,
            text_recognition_model_dir=str(recognition),
            use_doc_orientation_classify=False,
            use_doc_unwarping=False,
            use_textline_orientation=False,
        )
        self.weights = f"{detection.name} + {recognition.name}  ({detection.parent.parent})"

    def read(self, image: Image.Image) -> Page:
        # PaddleX takes arrays as BGR, as OpenCV reads them.
        bgr = np.ascontiguousarray(np.asarray(image.convert("RGB"))[:, :, ::-1])
        return paddle_page(self._ocr.predict(bgr)[0], image.size)


class TesseractPageEngine:
    """Tesseract on the whole page, its own layout analysis finding the lines."""

    def __init__(self, tessdata: Path, language: str) -> None:
        import tesserocr

        self.name = f"tesseract {language}"
        version = tesserocr.tesseract_version().split()[1]
        self.weights = f"tesseract-{version} {language}.traineddata  ({tessdata})"
        self._api = tesserocr.PyTessBaseAPI(path=str(tessdata), lang=language)

    def read(self, image: Image.Image) -> Page:
        import tesserocr

        self._api.SetImage(image.convert("RGB"))
        self._api.Recognize()
        level = tesserocr.RIL.TEXTLINE
        iterator = self._api.GetIterator()
        lines = []
        for element in tesserocr.iterate_level(iterator, level) if iterator else []:
            text = _element_text(element, level)
            box = element.BoundingBox(level)
            if text and box:
                lines.append(
                    _line(text, element.Confidence(level) / 100, _box_quad(box, image.size))
                )
        return Page(width=image.width, height=image.height, lines=reading_order(lines))


def _element_text(element: Any, level: int) -> str:
    try:
        return " ".join((element.GetUTF8Text(level) or "").split())
    except RuntimeError:  # tesserocr's way of saying that an element holds no text
        return ""


@dataclass(frozen=True)
class TextErrors:
    """Character errors of one page's text, whitespace normalised, and with none at all."""

    errors: int
    length: int
    errors_no_space: int
    length_no_space: int

    @classmethod
    def of(cls, predicted: str, truth: str) -> TextErrors:
        predicted, truth = normalise_whitespace(predicted), normalise_whitespace(truth)
        bare, bare_truth = predicted.replace(" ", ""), truth.replace(" ", "")
        return cls(
            character_errors(predicted, truth),
            len(truth),
            character_errors(bare, bare_truth),
            len(bare_truth),
        )


@dataclass
class EngineRun:
    """One engine's seconds, scores and failures (None where a page was read) over the pages."""

    engine: PageEngine
    seconds: list[float] = field(default_factory=list)
    cpu_seconds: list[float] = field(default_factory=list)
    failures: list[str | None] = field(default_factory=list)
    scores: list[PageScore] = field(default_factory=list)
    texts: list[TextErrors] = field(default_factory=list)

    def add(self, truth: SyntheticPage, result: Page, seconds: tuple[float, float]) -> None:
        """Score one page; `seconds` are wall-clock and CPU (all threads of this process)."""
        self.seconds.append(seconds[0])
        self.cpu_seconds.append(seconds[1])
        self.scores.append(score_page(truth, result, loose=True))
        self.texts.append(TextErrors.of(page_text(result), truth.text))

    def cer(self, pages: Sequence[int] | None = None, spaces: bool = True) -> float:
        """Errors over characters of the whole text of `pages` (all when None)."""
        chosen = [self.texts[i] for i in pages] if pages is not None else self.texts
        if spaces:
            return sum(t.errors for t in chosen) / max(sum(t.length for t in chosen), 1)
        total = sum(t.length_no_space for t in chosen)
        return sum(t.errors_no_space for t in chosen) / max(total, 1)

    def line_share(self, attribute: str) -> float:
        lines = sum(score.lines for score in self.scores)
        return sum(getattr(score, attribute) for score in self.scores) / max(lines, 1)


def compare(engines: list[PageEngine], pages: list[SyntheticPage]) -> list[EngineRun]:
    """Warm each engine up on the first page, then time every engine on every page."""
    for engine in engines:
        _read(engine, pages[0].image)
    runs = [EngineRun(engine) for engine in engines]
    for page in pages:
        for run in runs:
            started, cpu = time.perf_counter(), time.process_time()
            result, failure = _read(run.engine, page.image)
            run.add(page, result, (time.perf_counter() - started, time.process_time() - cpu))
            run.failures.append(failure)
    return runs


def _read(engine: PageEngine, image: Image.Image) -> tuple[Page, str | None]:
    """The engine's page; or, where it raises, an empty page and the error, to be counted."""
    try:
        return engine.read(image), None
    except Exception as error:
        return Page(width=image.width, height=image.height, lines=[]), f"{error!r}"


def load_engines(settings: ModelSettings) -> list[PageEngine]:
    """Ours, PaddleOCR's default pipeline on the same weights, and whole-page Tesseract."""
    models_dir = settings.dir or Path("models").resolve()
    detection = model_folder(models_dir, "text_detection", settings.text_detection)
    recognition = model_folder(models_dir, "text_recognition", settings.text_recognition)
    tessdata = tessdata_folder(settings.tessdata_dir, ("kor", "eng"))
    return [
        BodaEngine(settings),
        PaddleOcrEngine(detection, recognition, settings.device),
        TesseractPageEngine(tessdata, "kor"),
        TesseractPageEngine(tessdata, "kor+eng"),
    ]


def print_table(profile: str, pages: list[SyntheticPage], runs: list[EngineRun]) -> None:
    """One row per engine; our time over each engine's in the last two columns.

    Times are compared on the pages every engine read (a page one engine failed on would
    time a different amount of work); CER and line recall count every page, a failed one as
    an empty reading. `cpu med` is CPU seconds of all this process's threads: other load on
    the machine moves it far less than the wall-clock columns.
    """
    timed = [i for i in range(len(pages)) if not any(run.failures[i] for run in runs)]
    sizes = sorted(page.image.width * page.image.height for page in pages)
    kinds = Counter(_kind(page) for page in pages)
    print(f"\nprofile {profile}: {len(pages)} pages, median {sizes[len(sizes) // 2] / 1e6:.2f} MP")
    print("kinds: " + ", ".join(f"{kind} {count}" for kind, count in kinds.items()))
    print(f"timed on the {len(timed)} pages that every engine read")
    header = (
        f"{'engine':<18} {'s/page med':>10} {'mean':>6} {'cpu med':>7} {'CER':>7} {'CER nows':>8}"
    )
    print(header + f" {'line rec':>8} {'exact':>6} {'failed':>6} {'ours/this med':>13} {'mean':>6}")
    ours = _seconds(runs[0], timed)
    for run in runs:
        seconds = _seconds(run, timed)
        median, mean = statistics.median(seconds), statistics.mean(seconds)
        cpu = statistics.median(_seconds(run, timed, cpu=True))
        row = f"{run.engine.name:<18} {median:>10.3f} {mean:>6.3f} {cpu:>7.3f} {run.cer():>7.4f}"
        row += f" {run.cer(spaces=False):>8.4f} {run.line_share('lines_found'):>8.3f}"
        row += f" {run.line_share('lines_exact'):>6.3f} {sum(map(bool, run.failures)):>6}"
        ratio = statistics.median(ours) / median
        print(row + f" {ratio:>13.2f} {statistics.mean(ours) / mean:>6.2f}")
    if len(kinds) > 1:
        _print_kinds(pages, runs, list(kinds), timed)
    _print_verdicts(runs, timed)


def _seconds(run: EngineRun, timed: list[int], cpu: bool = False) -> list[float]:
    seconds = run.cpu_seconds if cpu else run.seconds
    return [seconds[i] for i in timed] or [float("nan")]


def _kind(page: SyntheticPage) -> str:
    return page.meta.get("kind", "page")


def _print_kinds(
    pages: list[SyntheticPage], runs: list[EngineRun], kinds: list[str], timed: list[int]
) -> None:
    """Median seconds and CER by document kind."""
    print(f"{'by kind (median s / CER)':<36}" + "".join(f"{k:>18}" for k in kinds))
    for run in runs:
        cells = []
        for kind in kinds:
            chosen = [i for i, page in enumerate(pages) if _kind(page) == kind]
            seconds = statistics.median(_seconds(run, [i for i in chosen if i in timed]))
            cells.append(f"{seconds:>9.2f} / {run.cer(chosen):>6.3f}")
        print(f"  {run.engine.name:<34}" + "".join(cells))


def _print_verdicts(runs: list[EngineRun], timed: list[int]) -> None:
    ours, paddle, *tesseracts = runs
    ratio = statistics.median(_seconds(ours, timed)) / statistics.median(_seconds(paddle, timed))
    verdict = "met" if ratio <= 1.0 else "NOT met"
    print(f"target ours <= paddleocr default per page (median): {ratio:.2f}x, {verdict}")
    # The fairer baseline is the stronger one: the language set that reads these pages best.
    best = min(tesseracts, key=lambda run: run.cer())
    others = ", ".join(
        f"{run.engine.name} {run.cer():.4f}" for run in tesseracts if run is not best
    )
    print(f"fairer whole-page baseline: {best.engine.name} (CER {best.cer():.4f} vs {others})")
    for run in runs:
        failed = [f"page {i}: {failure}" for i, failure in enumerate(run.failures) if failure]
        if failed:
            print(f"{run.engine.name} failed on {len(failed)} page(s); first {failed[0]}")


def main(argv: list[str] | None = None) -> None:
    """Command line entry point."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=12)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--profile", choices=("clean", "photo", "pages"))
    args = parser.parse_args(argv)
    if args.profile is not None and args.profile not in PROFILES:
        parser.exit(2, f"profile {args.profile!r} is not available: {MISSING_PHOTO}\n")
    profiles = [args.profile] if args.profile else [p for p in ("clean", "photo") if p in PROFILES]
    settings = Settings().models.model_copy(update={"intra_op_threads": os.cpu_count() or 1})
    engines = load_engines(settings)
    for engine in engines:
        print(f"{engine.name:<18} weights: {engine.weights}")
    for profile in profiles:
        pages = PROFILES[profile](args.n, args.seed)
        print_table(profile, pages, compare(engines, pages))


if __name__ == "__main__":
    main()

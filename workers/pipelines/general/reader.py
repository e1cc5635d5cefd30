"""General OCR: every line of text on each page, with its box, words and confidence.

Pure: pages in, `GeneralResult` out (no database, queue or HTTP). Per page:
detect lines (PP-OCR det; in overlapping slices when the page is long, see slicing) → decide
which way up the page and each line are (see orientation) → cut each line out upright
(perspective crop) → read each strip (Boda's Korean model, PP-OCR for lines without Hangul,
or Tesseract's route; see second_opinion and routing) → map word boxes back to the page as
received → put lines in reading order on the upright page.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from functools import cache

import numpy as np
from PIL import Image

from shared.analyses.general import GeneralResult, Line, Page, Word
from shared.config import ModelSettings
from workers.engines.runtime.model_store import model_folder, tessdata_folder
from workers.engines.text.detection import TextDetector
from workers.engines.text.korean_recognition import KoreanLineRecognizer
from workers.engines.text.line_crops import LineCrop, line_quad, pixel_quad
from workers.engines.text.paddle_recognition import PaddleTextRecognizer
from workers.engines.text.tesseract_recognition import TesseractTextRecognizer
from workers.korean.language_model import JamoLanguageModel
from workers.pipelines.general.line_reading import LineReader, ReadLine, read_turned
from workers.pipelines.general.orientation import page_turns, turn_doubtful
from workers.pipelines.general.reading_order import order_of, reading_order
from workers.pipelines.general.routing import ScriptRoutingRecognizer
from workers.pipelines.general.second_opinion import SecondOpinionRecognizer
from workers.pipelines.general.slicing import detect_in_slices
from workers.pipelines.general.turns import line_turns, to_received, turn_upright

__all__ = ["GeneralReader", "reading_order"]


class GeneralReader:
    """Reads pages into a GeneralResult; load once per worker process, then call `read`.

    One reader serves one thread at a time (the PaddleX predictors are not made for
    concurrent calls); Celery's process pool gives each worker process its own.
    """

    def __init__(
        self,
        detector: TextDetector,
        recognizer: SecondOpinionRecognizer | ScriptRoutingRecognizer,
    ) -> None:
        self.detector = detector
        self.recognizer = recognizer

    @classmethod
    def load(cls, settings: ModelSettings) -> GeneralReader:
        """Find the models named in `settings` and load them (see `find`)."""
        reader = cls.find(settings)
        reader.load_models()
        return reader

    @classmethod
    def shared(cls, settings: ModelSettings) -> GeneralReader:
        """This process's reader of the models in `settings`, loaded once: General OCR and the
        document types read with the same models, and a worker process runs one job at a
        time, so they share one reader rather than holding a copy each."""
        return _shared_reader(settings.model_dump_json())

    @classmethod
    def find(cls, settings: ModelSettings) -> GeneralReader:
        """A reader of the models named in `settings`, not loaded yet.

        Raises ModelUnavailableError when a model or Tesseract's Korean data is missing.
        """
        models_dir = settings.root
        detection = model_folder(models_dir, "text_detection", settings.text_detection)
        recognition = model_folder(models_dir, "text_recognition", settings.text_recognition)
        hangul = TesseractTextRecognizer(
            tessdata_folder(settings.tessdata_dir), threads=settings.intra_op_threads
        )
        latin = PaddleTextRecognizer(recognition, settings.intra_op_threads, settings.device)
        routing = ScriptRoutingRecognizer(hangul, latin)
        recognizer: SecondOpinionRecognizer | ScriptRoutingRecognizer = routing
        if settings.korean_recognition:
            korean = model_folder(
                models_dir, "text_recognition", settings.korean_recognition, ("inference.onnx",)
            )
            language = JamoLanguageModel.korean() if settings.korean_decoding == "beam" else None
            recognizer = SecondOpinionRecognizer(
                KoreanLineRecognizer(
                    korean, settings.intra_op_threads, settings.device, language=language
                ),
                routing,
                model_first=settings.hangul_first == "model",
            )
        detector = TextDetector(detection, settings.intra_op_threads, settings.device)
        return cls(detector, recognizer)

    def load_models(self) -> None:
        """Load every model (once; later calls do nothing)."""
        self.detector.load()
        self.recognizer.load()

    @property
    def models(self) -> dict[str, str]:
        """The model versions behind a result, as a job's `models` reports them."""
        return {"text_detection": self.detector.name, **self.recognizer.models}

    def reread_latin(self, image: Image.Image, page: Page, line: Line) -> str:
        """A line of a page this reader read, read again as printed (no turn) by the Latin
        and digit recogniser: for fields known to hold only Latin letters, digits and `<`
        (an MRZ line the orientation step took for upside-down text)."""
        recognizer = self.recognizer
        route = recognizer.route if isinstance(recognizer, SecondOpinionRecognizer) else recognizer
        points = np.asarray(line.box, dtype=np.float32)
        crop = LineCrop.cut(np.asarray(image.convert("RGB")), points, page.rotation // 90)
        return route.latin.predict([crop.image])[0].text

    def read(self, pages: Iterable[Image.Image]) -> GeneralResult:
        """Read RGB pages as received, whichever way up, one at a time; lines come in reading
        order. `slices` counts the slices that long pages were detected in (1 when none was
        split)."""
        read = [self._read_page(page) for page in pages]
        read_pages = [page for page, _ in read]
        split = sum(slices for _, slices in read if slices > 1)
        return GeneralResult(
            pages=read_pages, text=GeneralResult.join_text(read_pages), slices=max(split, 1)
        )

    def _read_page(self, image: Image.Image) -> tuple[Page, int]:
        """A page read, and how many slices it was detected in."""
        page = np.asarray(image.convert("RGB"))
        detections, slices = detect_in_slices(self.detector.predict, page)
        points = [d.points for d in detections]
        turns, probed = page_turns(page, points, self.recognizer)
        if turns:
            # Read the page turned upright: the very pixels an upright scan would give.
            page = turn_upright(page, turns)
            detections, slices = detect_in_slices(self.detector.predict, page)
            points, probed = [d.points for d in detections], {}
        read = _read_lines(page, points, self.recognizer, probed)
        kept = _without_strokes([line for line in read if line.reading.text])
        ordered = [kept[i] for i in order_of([line.crop.quad for line in kept])]
        lines = [_line(line, turns, image.size) for line in ordered]
        page_read = Page(width=image.width, height=image.height, rotation=90 * turns, lines=lines)
        return page_read, slices


@cache
def _shared_reader(settings: str) -> GeneralReader:
    return GeneralReader.load(ModelSettings.model_validate_json(settings))


def _read_lines(
    page: np.ndarray,
    points: Sequence[np.ndarray],
    reader: LineReader,
    probed: dict[int, ReadLine] | None = None,
) -> list[ReadLine]:
    """Every line of an upright RGB page read the right way up, in the order of `points`.

    `probed` are lines already read (from `page_turns`); a line printed across the page's
    text or upside down is turned for reading, its strip mapping back to the page.
    """
    quads = [line_quad(p) for p in points]
    done = probed or {}
    rest = {i: line_turns(q, 0) for i, q in enumerate(quads) if i not in done}
    read = done | read_turned(page, quads, rest, reader.predict)
    return turn_doubtful(page, quads, [read[i] for i in range(len(quads))], reader)


STRAY_HEIGHT = 0.6
"""Lines under this share of the page's median line height..."""
STRAY_CONFIDENCE = 0.6
"""...read less surely than this are strokes, not text: dashed separators, rules, the edge of
a barcode (on photographed receipts read as `--`, `mmmm`, `고 고 고 고]` at 0.17–0.55)."""


def _without_strokes(lines: list[ReadLine]) -> list[ReadLine]:
    """The lines less the thin drawn strokes a recogniser forced into text: read unsurely, or
    read as a mark rather than a word (a bullet boxed apart from its text: `•`, `■`, `–`,
    a round one read as `[0]`)."""
    if not lines:
        return lines
    thin = STRAY_HEIGHT * float(np.median([line.crop.image.shape[0] for line in lines]))
    return [
        line
        for line in lines
        if line.crop.image.shape[0] >= thin
        or (line.reading.confidence >= STRAY_CONFIDENCE and not _lone_mark(line.reading.text))
    ]


def _lone_mark(text: str) -> bool:
    """Three characters at most, of which one at most is a letter or digit, and not one alone."""
    letters = sum(char.isalnum() for char in text)
    return len(text) <= 3 and letters <= 1 and not (len(text) == 1 and letters)


def _line(line: ReadLine, turns: int, size: tuple[int, int]) -> Line:
    """A result line on the page as received, from one read on the page turned upright."""
    crop, reading = line.crop, line.reading
    words = [
        Word(
            text=w.text,
            confidence=w.confidence,
            box=pixel_quad(to_received(crop.box_to_page(w.box), turns, size), size),
        )
        for w in reading.words
    ]
    box = pixel_quad(to_received(crop.quad, turns, size), size)
    return Line(text=reading.text, confidence=reading.confidence, box=box, words=words)

"""General OCR: every line of text on each page, with its box, words and confidence.

Pure: pages in, `GeneralResult` out (no database, queue or HTTP). Per page:
detect lines (PP-OCR det) → cut each line out upright (perspective crop) → read each strip
(Tesseract for Hangul, PP-OCR for Latin and digits, see engines/script_routing) → map word
boxes back to the page → put lines in reading order.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
from PIL import Image

from shared.config import ModelSettings
from shared.schemas.results import GeneralResult, Line, Page, Quad, Word
from workers.engines.line_crops import LineCrop
from workers.engines.model_store import model_folder, tessdata_folder
from workers.engines.paddle_recognition import PaddleTextRecognizer
from workers.engines.script_routing import ScriptRoutingRecognizer
from workers.engines.tesseract_recognition import TesseractTextRecognizer
from workers.engines.text_detection import TextDetector
from workers.engines.text_recognition import LineReading

SAME_ROW = 0.5
"""Lines whose vertical extents overlap by this share of the shorter one sit on one row."""


class GeneralReader:
    """Reads pages into a GeneralResult; load once per worker process, then call `read`.

    One reader serves one thread at a time (the PaddleX predictors are not made for
    concurrent calls); Celery's process pool gives each worker process its own.
    """

    def __init__(
        self,
        detector: TextDetector,
        recognizer: ScriptRoutingRecognizer,
    ) -> None:
        self.detector = detector
        self.recognizer = recognizer

    @classmethod
    def load(cls, settings: ModelSettings) -> GeneralReader:
        """Find the models named in `settings` and load them.

        Raises ModelUnavailableError when a model or Tesseract's Korean data is missing.
        """
        models_dir = settings.dir or Path("models").resolve()
        detection = model_folder(models_dir, "text_detection", settings.text_detection)
        recognition = model_folder(models_dir, "text_recognition", settings.text_recognition)
        hangul = TesseractTextRecognizer(tessdata_folder(settings.tessdata_dir))
        latin = PaddleTextRecognizer(recognition, settings.intra_op_threads, settings.device)
        reader = cls(
            TextDetector(detection, settings.intra_op_threads, settings.device),
            ScriptRoutingRecognizer(hangul, latin),
        )
        reader.detector.load()
        reader.recognizer.load()
        return reader

    @property
    def models(self) -> dict[str, str]:
        """The model versions behind a result, as a job's `models` reports them."""
        return {
            "text_detection": self.detector.name,
            "text_recognition": self.recognizer.latin.name,
            "text_recognition_hangul": self.recognizer.hangul.name,
        }

    def read(self, pages: list[Image.Image]) -> GeneralResult:
        """Read RGB pages, upright as received; lines come in reading order."""
        read_pages = [self._read_page(page) for page in pages]
        return GeneralResult(pages=read_pages, text=GeneralResult.join_text(read_pages), slices=1)

    def _read_page(self, image: Image.Image) -> Page:
        page = np.asarray(image.convert("RGB"))
        crops = [LineCrop.cut(page, d.points) for d in self.detector.predict(page)]
        readings = self.recognizer.predict([crop.image for crop in crops])
        lines = [
            _line(crop, reading, image.size)
            for crop, reading in zip(crops, readings, strict=True)
            if reading.text
        ]
        return Page(width=image.width, height=image.height, lines=reading_order(lines))


def _line(crop: LineCrop, reading: LineReading, size: tuple[int, int]) -> Line:
    words = [
        Word(text=w.text, confidence=w.confidence, box=_quad(crop.box_to_page(w.box), size))
        for w in reading.words
    ]
    box = _quad(crop.quad, size)
    return Line(text=reading.text, confidence=reading.confidence, box=box, words=words)


def _quad(points: np.ndarray, size: tuple[int, int]) -> Quad:
    """Integer page points, kept inside the page."""
    width, height = size
    xs = np.clip(np.rint(points[:, 0]), 0, width - 1).astype(int)
    ys = np.clip(np.rint(points[:, 1]), 0, height - 1).astype(int)
    return [(int(x), int(y)) for x, y in zip(xs, ys, strict=True)]


def reading_order(lines: list[Line]) -> list[Line]:
    """Top to bottom by rows, left to right within a row.

    Rows are grown from the top: a line joins the current row when it overlaps the row's
    vertical band enough, so a label and its value far to the right stay together. Positions
    are measured along the page's text direction, so that on a page scanned a few degrees
    askew the value at the right end of a row is not taken for the row above.
    """
    angle = _skew(lines)
    spans = [_span(line, angle) for line in lines]
    order = sorted(range(len(lines)), key=lambda i: spans[i][0] + spans[i][1])
    rows: list[list[int]] = []
    for index in order:
        if rows and _overlaps(_band([spans[i] for i in rows[-1]]), spans[index]):
            rows[-1].append(index)
        else:
            rows.append([index])
    return [lines[i] for row in rows for i in sorted(row, key=lambda i: spans[i][2])]


def _skew(lines: list[Line]) -> float:
    """The median slope angle of the lines' top edges (radians; 0 for level text)."""
    angles = [
        np.arctan2(line.box[1][1] - line.box[0][1], line.box[1][0] - line.box[0][0])
        for line in lines
    ]
    return float(np.median(angles)) if angles else 0.0


def _span(line: Line, angle: float) -> tuple[float, float, float]:
    """Top, bottom and left of a line in a frame turned by `angle` to level the text."""
    points = np.array(line.box, dtype=np.float64)
    cos, sin = np.cos(angle), np.sin(angle)
    across = -sin * points[:, 0] + cos * points[:, 1]
    along = cos * points[:, 0] + sin * points[:, 1]
    return float(across.min()), float(across.max()), float(along.min())


def _band(spans: list[tuple[float, float, float]]) -> tuple[float, float]:
    return float(np.mean([s[0] for s in spans])), float(np.mean([s[1] for s in spans]))


def _overlaps(band: tuple[float, float], span: tuple[float, float, float]) -> bool:
    overlap = min(band[1], span[1]) - max(band[0], span[0])
    shorter = min(band[1] - band[0], span[1] - span[0])
    return overlap >= SAME_ROW * max(shorter, 1.0)

"""Tesseract's Korean LSTM model (via tesserocr) reading one line strip at a time.

It is the only Hangul recogniser a registry package ships (Debian's tesseract-ocr-kor): run on
detector line crops in single-line mode, with the strip scaled to LINE_HEIGHT px and padded, it
reads printed Korean well. Its character set holds Hangul (1,076 syllables), digits and some
punctuation but no Latin letters, which come out as digits, jamo or stray syllables with low
confidence; Tesseract's route (pipelines/general/routing) hands those to PP-OCR.
"""

from __future__ import annotations

import os
import queue
import threading
from collections.abc import Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import cv2
import numpy as np
from PIL import Image

from workers.engines.text.line_crops import ink_columns
from workers.engines.text.recognition import Box, LineReading, Piece

LINE_HEIGHT = 40
PADDING = 0.15
RETRY_BELOW = 0.6
"""Below this confidence (or with no text) a line is read again from a binarised strip."""


@dataclass(frozen=True)
class _Strip:
    """A grey strip as Tesseract sees it, and how to map its pixels back to the crop."""

    image: np.ndarray
    scale: float
    pad: int

    def to_crop(self, box: Box) -> Box:
        x0, y0, x1, y1 = ((v - self.pad) / self.scale for v in box)
        return (x0, y0, x1, y1)


class TesseractTextRecognizer:
    """Tesseract line recogniser reading up to `threads` lines at once (0: one per core).

    Tesseract lets go of Python's lock while it recognises, so lines read on several threads
    really run in parallel; each thread borrows one of `threads` API handles (a handle serves
    one line at a time).
    """

    def __init__(self, tessdata: Path, language: str = "kor", threads: int = 0) -> None:
        self.tessdata = tessdata
        self.language = language
        self.threads = threads or os.cpu_count() or 1
        self._apis: queue.SimpleQueue[Any] | None = None
        self._pool: ThreadPoolExecutor | None = None
        self._lock = threading.Lock()

    @property
    def name(self) -> str:
        """e.g. tesseract-5.5.4-kor."""
        import tesserocr

        version = tesserocr.tesseract_version().split()[1]
        return f"tesseract-{version}-{self.language}"

    def load(self) -> None:
        """Initialise the API handles with the language once; later calls do nothing."""
        import tesserocr

        with self._lock:
            if self._apis is not None:
                return
            apis: queue.SimpleQueue[Any] = queue.SimpleQueue()
            for _ in range(self.threads):
                apis.put(
                    tesserocr.PyTessBaseAPI(
                        path=str(self.tessdata),
                        lang=self.language,
                        psm=tesserocr.PSM.SINGLE_LINE,
                        oem=tesserocr.OEM.LSTM_ONLY,
                    )
                )
            self._pool = ThreadPoolExecutor(self.threads, thread_name_prefix="tesseract")
            self._apis = apis

    def predict(self, crops: Sequence[np.ndarray], retry: bool = True) -> list[LineReading]:
        """Read RGB line strips; words carry boxes in each strip's pixels.

        `retry=False` reads each strip once, without the binarised second try: a quick look.
        """
        self.load()
        assert self._pool is not None
        if len(crops) < 2 or self.threads == 1:
            return [self._read_line(crop, retry) for crop in crops]
        return list(self._pool.map(lambda crop: self._read_line(crop, retry), crops))

    def _read_line(self, crop: np.ndarray, retry: bool) -> LineReading:
        strip = _normalise(cv2.cvtColor(crop, cv2.COLOR_RGB2GRAY))
        reading = self._recognise(strip)
        if not retry or (reading.text and reading.confidence >= RETRY_BELOW):
            return reading
        # Tesseract returns nothing on some legible strips (shading, wide letter spacing);
        # a binarised copy often fixes that. Binarising every line hurts, so only retry.
        second = self._recognise(_Strip(sauvola(strip.image), strip.scale, strip.pad))
        return second if second.confidence > reading.confidence else reading

    def _recognise(self, strip: _Strip) -> LineReading:
        assert self._apis is not None
        api = self._apis.get()
        try:
            api.SetImage(Image.fromarray(strip.image))
            api.Recognize()
            pieces = list(_pieces(api.GetIterator()))
        finally:
            self._apis.put(api)
        ink = ink_columns(strip.image)
        pieces = [replace(p, box=strip.to_crop(_snap(p.box, ink))) for p in pieces]
        return LineReading.from_pieces(pieces, self.name)


def _normalise(grey: np.ndarray) -> _Strip:
    """Scale the strip to LINE_HEIGHT and pad it: Tesseract reads best at that text size."""
    scale = LINE_HEIGHT / max(grey.shape[0], 1)
    interpolation = cv2.INTER_CUBIC if scale > 1 else cv2.INTER_AREA
    width = max(int(round(grey.shape[1] * scale)), 1)
    scaled = cv2.resize(grey, (width, LINE_HEIGHT), interpolation=interpolation)
    pad = int(round(LINE_HEIGHT * PADDING)) + 2
    # Pad with the paper's tone, not by repeating edge pixels: a glyph touching the edge
    # would be smeared into a stroke that Tesseract reads as a quote or a dot.
    paper = int(np.percentile(scaled, 90))
    padded = cv2.copyMakeBorder(scaled, pad, pad, pad, pad, cv2.BORDER_CONSTANT, value=(paper,))
    return _Strip(padded, scale, pad)


def sauvola(
    grey: np.ndarray, window: int = 25, k: float = 0.2, spread: float = 128.0
) -> np.ndarray:
    """Sauvola binarisation: a threshold from each pixel's local mean and deviation."""
    image = grey.astype(np.float64)
    mean = cv2.boxFilter(image, -1, (window, window), borderType=cv2.BORDER_REPLICATE)
    mean_sq = cv2.boxFilter(image * image, -1, (window, window), borderType=cv2.BORDER_REPLICATE)
    deviation = np.sqrt(np.maximum(mean_sq - mean * mean, 0.0))
    threshold = mean * (1.0 + k * (deviation / spread - 1.0))
    return np.where(image > threshold, 255, 0).astype(np.uint8)


def _pieces(iterator: Any) -> Iterator[Piece]:
    """Tesseract's words (for Korean often parts of words), with boxes in the strip."""
    import tesserocr

    level = tesserocr.RIL.WORD
    for element in tesserocr.iterate_level(iterator, level):
        try:
            text = (element.GetUTF8Text(level) or "").strip()
        except RuntimeError:  # tesserocr raises for an element without text (dashes, bullets)
            continue
        if text:
            confidence = min(max(element.Confidence(level) / 100.0, 0.0), 1.0)
            spaced = element.BlanksBeforeWord() > 0
            yield Piece(text, confidence, element.BoundingBox(level), spaced)


def _snap(box: Box, ink: np.ndarray) -> Box:
    """Widen a box to the ink it cuts through.

    The LSTM engine places word edges from its character timing, which can fall inside the
    first or last glyph; a re-read of that word alone would then lose the glyph.
    """
    x0, y0, x1, y1 = (int(v) for v in box)
    while 0 < x0 < len(ink) and ink[x0 - 1] and ink[x0]:
        x0 -= 1
    while 0 < x1 < len(ink) and ink[x1] and ink[x1 - 1]:
        x1 += 1
    return x0, y0, x1, y1

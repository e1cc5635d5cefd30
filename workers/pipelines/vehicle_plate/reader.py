"""Vehicle plates: find, read, validate — in stages, each run only where the one before it
leaves a plate unread.

1. `fast`: text lines found in the photo (PP-OCR det), grouped into plates (engines/plate),
   each line cut level and read by Boda's Korean line model; the rows joined, normalised and
   held against the real formats (workers/korean/plates).
2. `rescan`: for a plate whose reading does not validate or is unsure: the area around it cut
   level and enlarged (lines 48 px high: far plates in wide frames become legible), its lines
   detected again, read as they are and with local contrast evened out (CLAHE), the valid
   reading most surely read kept.
3. `external`: only when configured (`BODA_PLATES__EXTERNAL_STAGE`), a reader of the
   operator's own (e.g. a hosted vision model) is asked about the plates still unread; its
   answer is validated like any other. Off by default, never required.

A reading that fits no real format is returned only with `valid: false`, after every valid
one; text that does not look like a plate at all (a dealer's name on the frame) is dropped.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import cv2
import numpy as np

from shared.analyses.vehicle_plate import Plate, PlateResult
from workers.engines.plate.finder import PlateCandidate, around, group_lines, split_two_line
from workers.engines.text.detection import TextDetector
from workers.engines.text.korean_recognition import KoreanLineRecognizer
from workers.engines.text.line_crops import LineCrop, order_quad, pixel_quad
from workers.korean.plates import nearby_numbers, parse
from workers.pipelines.vehicle_plate.external import ExternalReader

RESCAN_LINE_HEIGHT = 48.0
"""Pixels the tallest line of a plate is enlarged to for the second look."""
MAX_LOSS = 30.0
"""A format-fitting candidate at most this much less likely (log, nats) than the reading."""
MIN_SHARE = 0.6
"""...and holding at least this share of the likelihood of every format-fitting candidate."""
PLATE_LIKE_DIGITS = 4
MAX_PLATE_CHARS = 14
"""An unreadable plate still shows at least a serial's four digits and at most a regional
plate's characters; other text (names, phone numbers on a frame) is not reported."""


@dataclass(frozen=True)
class PlateReading:
    """One candidate's reading: its text, how sure, where, and which stage produced it; the
    line pieces it was read from and their texts, for rescoring."""

    text: str
    confidence: float
    quad: np.ndarray
    stage: str
    pieces: tuple[np.ndarray, ...] = ()
    texts: tuple[str, ...] = ()
    rows: int = 1

    @property
    def valid(self) -> bool:
        """Fits a real format, and the format fits the layout: a two-line plate is regional
        (one that reads as a national number lost its region on the top line)."""
        number = parse(self.text)
        return number.valid and (self.rows == 1 or number.format == "regional")

    def plate(self, size: tuple[int, int]) -> Plate:
        number = parse(self.text)
        return Plate(
            number=number.number,
            confidence=round(self.confidence, 4),
            box=pixel_quad(self.quad, size),
            usage=number.usage,
            region=number.region,
            valid=self.valid,
            stage=self.stage,
        )


class PlateReader:
    """Reads the plates of a photo; load once per worker process, one photo at a time."""

    def __init__(
        self,
        detector: TextDetector,
        recognizer: KoreanLineRecognizer,
        sure: float,
        external: ExternalReader | None = None,
    ) -> None:
        self.detector = detector
        self.recognizer = recognizer
        self.sure = sure
        """Readings below this confidence get the second look even when they validate."""
        self.external = external

    def load(self) -> None:
        self.detector.load()
        self.recognizer.load()

    @property
    def models(self) -> dict[str, str]:
        models = {"plate_detection": self.detector.name, "text_recognition": self.recognizer.name}
        if self.external is not None:
            models["plate_external"] = self.external.name
        return models

    def read(self, photo: np.ndarray) -> PlateResult:
        """The plates of an RGB photo: valid readings first, most confident first."""
        candidates = group_lines([d.points for d in self.detector.predict(photo)])
        readings = [self._read(photo, candidate) for candidate in candidates]
        kept = [r for r in readings if r is not None and _plate_like(r.text)]
        size = (photo.shape[1], photo.shape[0])
        plates = [reading.plate(size) for reading in kept]
        plates.sort(key=lambda plate: (not plate.valid, -plate.confidence))
        return PlateResult(plates=_distinct(plates))

    def _read(self, photo: np.ndarray, candidate: PlateCandidate) -> PlateReading | None:
        first = self._read_lines(photo, candidate, "fast")
        if first is not None and _settled(first, self.sure):
            return first
        tries = [t for t in (first, *self._rescan(photo, candidate)) if t is not None]
        best = _best(tries)
        if best is None or not best.valid:
            best = _best([*tries, *filter(None, map(self._constrained, tries))])
        if (best is None or not best.valid) and self.external is not None:
            quad = (best or first or _reading_of(candidate)).quad
            best = _best([t for t in (best, self._ask_external(photo, quad)) if t is not None])
        return best

    def _read_lines(
        self, image: np.ndarray, candidate: PlateCandidate, stage: str
    ) -> PlateReading | None:
        """The rows of a candidate read and joined; its confidence its least sure line's."""
        candidate = split_two_line(image, candidate)
        crops = [[LineCrop.cut(image, quad) for quad in row] for row in candidate.rows]
        flat = tuple(crop.image for row in crops for crop in row)
        readings = self.recognizer.predict(flat)
        texts = tuple(reading.text for reading in readings)
        if not "".join(texts).strip():
            return None
        confidence = min(reading.confidence for reading in readings)
        return PlateReading(
            "".join(texts), confidence, candidate.quad, stage, flat, texts, len(candidate.rows)
        )

    def _rescan(self, photo: np.ndarray, candidate: PlateCandidate) -> list[PlateReading]:
        """The candidate's area enlarged and read again, as it is and with evened contrast."""
        area = around(photo, candidate, RESCAN_LINE_HEIGHT)
        tries = []
        for image in (area.image, _even_contrast(area.image)):
            groups = group_lines([d.points for d in self.detector.predict(image)])
            if not groups:
                continue
            middle = np.array(image.shape[1::-1], dtype=np.float32) / 2
            group = min(groups, key=lambda g: float(np.linalg.norm(g.quad.mean(axis=0) - middle)))
            reading = self._read_lines(image, group, "rescan")
            if reading is not None:
                tries.append(replace(reading, quad=order_quad(area.quad_to_photo(reading.quad))))
        return tries

    def _constrained(self, reading: PlateReading) -> PlateReading | None:
        """The valid number one edit from `reading` that the model finds likeliest in the
        very pixels it read, if it is clearly likelier than the other valid ones and not far
        less likely than what was read. Its confidence is its share of the likelihood of all
        the valid candidates (two near-equal candidates: about 0.5)."""
        nearby = [
            (index, text)
            for index, text in nearby_numbers(list(reading.texts))
            if replace(reading, texts=(), text=_joined(reading.texts, index, text)).valid
        ]
        if not nearby:
            return None
        scores = []
        for index, text in nearby:
            as_read, candidate = self.recognizer.log_likelihoods(
                reading.pieces[index], [reading.texts[index], text]
            )
            scores.append(candidate - as_read if np.isfinite(as_read) else -np.inf)
        order = np.argsort(scores)[::-1]
        best = scores[order[0]]
        if not np.isfinite(best) or best < -MAX_LOSS:
            return None
        share = 1.0 / float(np.sum(np.exp(np.asarray(scores) - best)))
        if share < MIN_SHARE:
            return None
        index, text = nearby[order[0]]
        texts = (*reading.texts[:index], text, *reading.texts[index + 1 :])
        confidence = min(reading.confidence, share)
        return replace(
            reading, text="".join(texts), confidence=confidence, stage="constrained", texts=texts
        )

    def _ask_external(self, photo: np.ndarray, quad: np.ndarray) -> PlateReading | None:
        assert self.external is not None
        crop = LineCrop.cut(photo, quad).image
        answer = self.external.read(crop)
        if answer is None:
            return None
        text, confidence = answer
        return PlateReading(text, confidence, quad, "external")


def _joined(texts: tuple[str, ...], index: int, text: str) -> str:
    return "".join((*texts[:index], text, *texts[index + 1 :]))


def _reading_of(candidate: PlateCandidate) -> PlateReading:
    return PlateReading("", 0.0, candidate.quad, "fast")


def _settled(reading: PlateReading, sure: float) -> bool:
    return reading.confidence >= sure and reading.valid


def _best(readings: list[PlateReading]) -> PlateReading | None:
    """The valid reading read most surely, else the surest reading of all."""
    if not readings:
        return None
    return max(readings, key=lambda r: (r.valid, r.confidence))


def _plate_like(text: str) -> bool:
    number = parse(text)
    digits = sum(char.isdigit() for char in number.number)
    return number.valid or (digits >= PLATE_LIKE_DIGITS and len(number.number) <= MAX_PLATE_CHARS)


def _distinct(plates: list[Plate]) -> list[Plate]:
    """Each number once (the first, best-ranked copy)."""
    seen: set[str] = set()
    kept = []
    for plate in plates:
        if plate.number not in seen:
            seen.add(plate.number)
            kept.append(plate)
    return kept


def _even_contrast(image: np.ndarray) -> np.ndarray:
    """Local contrast evened out on lightness (CLAHE): glare and night shadows flattened."""
    lab = cv2.cvtColor(image, cv2.COLOR_RGB2LAB)
    lab[:, :, 0] = cv2.createCLAHE(clipLimit=3.0, tileGridSize=(4, 8)).apply(lab[:, :, 0])
    return cv2.cvtColor(lab, cv2.COLOR_LAB2RGB)

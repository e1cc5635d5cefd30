"""PP-OCR text recognition: a packaged PP-OCR recogniser run directly on onnxruntime.

The packaged PP-OCR recognisers read Latin letters, digits and punctuation well but have no
Hangul: they turn Korean into Chinese characters, or drop it, with high confidence. They are
used for what they read well (see pipelines/general/routing).

PaddleOCR's own TextRecognition reads one strip per call and pads every strip to at least
48x320: the pieces Tesseract's route hands it (a price, a code, a word) are mostly far shorter,
so most of its time went on padding. Here strips of similar width share a call, padded to at
least MIN_WIDTH, which the model was exported for (its inference.yml gives 160 as the
smallest width of its dynamic input). Everything else is as PaddleX does it: BGR scaled to
48 px high and to [-1, 1], zero padding on the right, the characters of `inference.yml`
after the CTC blank and a space last, repeats and blanks dropped, and the mean probability of
the characters kept as the confidence.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import cv2
import numpy as np
import yaml

from workers.engines.runtime.local_model import OnnxModel, batches_by_width
from workers.engines.text.recognition import LineReading

HEIGHT = 48
MIN_WIDTH = 160
MAX_WIDTH = 3200
"""PaddleX's cap: a longer strip is squeezed to this width."""
BATCH_SPREAD = 1.25
"""A batch's widest strip at most this much wider (+ MIN_WIDTH) than its narrowest."""
BATCH_COLUMNS = 8 * 320
"""Most strip columns per inference call, padding included."""


class PaddleTextRecognizer(OnnxModel):
    """PP-OCR line recogniser from a local model folder (`.../text_recognition/<name>`)."""

    def __init__(self, model_dir: Path, threads: int = 0, device: str = "cpu") -> None:
        super().__init__(model_dir, threads, device)
        with (model_dir / "inference.yml").open(encoding="utf-8") as stream:
            post = yaml.safe_load(stream)["PostProcess"]
        self.characters = ["", *map(str, post["character_dict"]), " "]

    def predict(self, crops: Sequence[np.ndarray]) -> list[LineReading]:
        """Read RGB line strips; PP-OCR gives no word boxes, so `words` stays empty."""
        if not crops:
            return []
        self.load()
        strips = [_scaled(crop) for crop in crops]
        readings: list[LineReading | None] = [None] * len(crops)
        widths = [strip.shape[2] for strip in strips]
        for batch in batches_by_width(widths, BATCH_SPREAD, MIN_WIDTH, BATCH_COLUMNS):
            width = max(MIN_WIDTH, *(widths[i] for i in batch))
            padded = np.zeros((len(batch), 3, HEIGHT, width), dtype=np.float32)
            for row, index in enumerate(batch):
                padded[row, :, :, : widths[index]] = strips[index]
            for probabilities, index in zip(self._infer("x", padded), batch, strict=True):
                readings[index] = self._decode(probabilities)
        return [reading for reading in readings if reading is not None]

    def _decode(self, probabilities: np.ndarray) -> LineReading:
        """CTC best path: the likeliest class per step, repeats and blanks dropped."""
        best = probabilities.argmax(axis=1)
        keep = np.ones(len(best), dtype=bool)
        keep[1:] = best[1:] != best[:-1]
        keep &= best != 0
        text = "".join(self.characters[i] for i in best[keep])
        kept = probabilities.max(axis=1)[keep]
        confidence = float(np.clip(kept.mean(), 0.0, 1.0)) if kept.size else 0.0
        return LineReading(text=text.strip(), confidence=confidence, recognizer=self.name)


def _scaled(crop: np.ndarray) -> np.ndarray:
    """The strip as the model takes it: BGR, HEIGHT px high, channels first, in [-1, 1]."""
    height, width = crop.shape[:2]
    new_width = min(max(1, int(HEIGHT * width / max(height, 1))), MAX_WIDTH)
    scaled = cv2.resize(np.ascontiguousarray(crop[:, :, ::-1]), (new_width, HEIGHT))
    return scaled.transpose(2, 0, 1).astype(np.float32) / 127.5 - 1.0

"""PP-OCR text detection (PaddleOCR's TextDetection on onnxruntime): where lines of text are.

Sizing: PaddleOCR's default for PP-OCRv6 caps the long side at 960 px. That shrinks a long
receipt (1:6) until its text is a few pixels high and nearly nothing is found, and costs small
print on A4 pages (measured on generated pages: 32 % CER, 14 % unshrunk). Pages are therefore
detected as received, and only shrunk when they exceed MAX_PIXELS (an A4 page at 200 dpi, 1654 x
2339, fits). The cap is on area, not on the long side, so a narrow receipt keeps its width;
PaddleX's own 4000 px limit on the long side still applies (pages longer than 1:2.5 are to be
split before detection).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from workers.engines.runtime.paddle_runtime import PaddlePredictor

MAX_PIXELS = 4_200_000
"""Above this many pixels a page is shrunk for detection (time and memory grow with area)."""
MAX_SIDE = 4000
"""PaddleX's own cap on the long side (it would shrink further, with a warning)."""


@dataclass(frozen=True)
class Detection:
    """One text line: four page points (as the detector orders them) and a 0–1 score."""

    points: np.ndarray
    score: float


def detection_side_limit(width: int, height: int, max_pixels: int = MAX_PIXELS) -> int:
    """The long side a page is detected at: as received, or shrunk to fit `max_pixels`."""
    scale = min(1.0, math.sqrt(max_pixels / max(width * height, 1)))
    return max(32, min(int(max(width, height) * scale), MAX_SIDE))


class TextDetector(PaddlePredictor):
    """PP-OCR line detector from a local model folder (`.../text_detection/<name>`)."""

    def __init__(
        self,
        model_dir: Path,
        threads: int = 0,
        device: str = "cpu",
        max_pixels: int = MAX_PIXELS,
    ) -> None:
        super().__init__(model_dir, threads, device)
        self.max_pixels = max_pixels

    def _predictor(self, args: dict[str, Any]) -> Any:
        from paddleocr import TextDetection

        return TextDetection(limit_type="max", **args)

    def predict(self, page: np.ndarray) -> list[Detection]:
        """Text lines of an RGB page array, in no particular order."""
        self.load()
        height, width = page.shape[:2]
        limit = detection_side_limit(width, height, self.max_pixels)
        # PaddleX takes arrays as BGR, as OpenCV reads them.
        result = self._model.predict(
            np.ascontiguousarray(page[:, :, ::-1]), limit_side_len=limit, limit_type="max"
        )[0]
        return [
            Detection(points=np.asarray(points, dtype=np.float32), score=float(score))
            for points, score in zip(result["dt_polys"], result["dt_scores"], strict=True)
        ]

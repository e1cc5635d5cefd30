"""PP-OCR text recognition (PaddleOCR's TextRecognition on onnxruntime).

The packaged PP-OCR recognisers read Latin letters, digits and punctuation well but have no
Hangul: they turn Korean into Chinese characters, or drop it, with high confidence. They are
used for what they read well (see script_routing).
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from workers.engines.paddle_runtime import predictor_args, prepare_environment
from workers.engines.text_recognition import LineReading


class PaddleTextRecognizer:
    """PP-OCR line recogniser from a local model folder (`.../text_recognition/<name>`)."""

    def __init__(self, model_dir: Path, threads: int = 0) -> None:
        self.model_dir = model_dir
        self.threads = threads
        self._model: Any = None
        self._lock = threading.Lock()

    @property
    def name(self) -> str:
        """The model name, e.g. PP-OCRv6_small_rec."""
        return self.model_dir.name

    def load(self) -> None:
        """Load the ONNX model once; later calls do nothing."""
        with self._lock:
            if self._model is None:
                self._model = self._load()

    def _load(self) -> Any:
        prepare_environment(self.model_dir.parent.parent)
        from paddleocr import TextRecognition  # imported late: it needs the environment set

        return TextRecognition(**predictor_args(self.model_dir, self.threads))

    def predict(self, crops: Sequence[np.ndarray]) -> list[LineReading]:
        """Read RGB line strips; PP-OCR gives no word boxes, so `words` stays empty."""
        if not crops:
            return []
        self.load()
        # PaddleX takes arrays as BGR, as OpenCV reads them.
        results = self._model.predict([np.ascontiguousarray(c[:, :, ::-1]) for c in crops])
        return [
            LineReading(
                text=str(r["rec_text"]).strip(),
                confidence=float(np.clip(r["rec_score"], 0.0, 1.0)),
                recognizer=self.name,
            )
            for r in results
        ]

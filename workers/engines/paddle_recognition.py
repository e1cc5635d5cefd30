"""PP-OCR text recognition (PaddleOCR's TextRecognition on onnxruntime).

The packaged PP-OCR recognisers read Latin letters, digits and punctuation well but have no
Hangul: they turn Korean into Chinese characters, or drop it, with high confidence. They are
used for what they read well (see script_routing).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from workers.engines.paddle_runtime import PaddlePredictor
from workers.engines.text_recognition import LineReading


class PaddleTextRecognizer(PaddlePredictor):
    """PP-OCR line recogniser from a local model folder (`.../text_recognition/<name>`)."""

    def _predictor(self, args: dict[str, Any]) -> Any:
        from paddleocr import TextRecognition

        return TextRecognition(**args)

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

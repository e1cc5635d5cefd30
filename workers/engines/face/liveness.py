"""Liveness (anti-spoofing): is a face a live person or a photo, screen or mask held up to the
camera?

No such model can be had offline (see MODELS.md), so none ships; a deployment that has one puts
it in `<models>/face_liveness/<name>/`: `model.onnx` and `liveness.json`. The family supported
is MiniFASNet's (Silent-Face-Anti-Spoofing): a crop around the face, `crop_scale` times its box
(moved to stay inside the image), resized to `input_size`, BGR pixels 0–255 in NCHW; out, one
logit per class, `real_class` being the live one. Its score is the softmax of that class.
Without the files the face types answer `501 model_unavailable`: never a guessed score.
"""

from __future__ import annotations

import threading
from pathlib import Path

import cv2
import numpy as np
import onnxruntime
from pydantic import BaseModel, ConfigDict, Field

from shared.errors import ModelUnavailableError
from workers.engines.runtime.local_model import session_setup

MODEL_FILE = "model.onnx"
MANIFEST = "liveness.json"


class LivenessManifest(BaseModel):
    """`liveness.json`: how the model wants its crop (MiniFASNetV2's 2.7 × 80 × 80 by default)."""

    model_config = ConfigDict(extra="forbid")

    input_size: tuple[int, int] = Field((80, 80), description="width, height")
    crop_scale: float = Field(2.7, gt=0)
    real_class: int = Field(1, ge=0)
    threshold: float = Field(0.5, ge=0, le=1, description="a score at or above it is real")


def liveness_folder(models_dir: Path, name: str) -> Path:
    """The model's folder, checked to hold its files (nothing loaded)."""
    folder = models_dir / "face_liveness" / name
    missing = [f for f in (MODEL_FILE, MANIFEST) if not (folder / f).is_file()]
    if missing:
        raise ModelUnavailableError(
            f"no liveness model is installed: {folder} lacks {', '.join(missing)} (none can be "
            "had offline; see the README's faces section)",
            details={"folder": str(folder)},
        )
    return folder


def crop_box(
    box: tuple[float, float, float, float], scale: float, size: tuple[int, int]
) -> tuple[int, int, int, int]:
    """The face's box grown `scale` times about its centre (less where the image is too small),
    moved to lie inside an image of `size` (width, height): [x0, y0, x1, y1]."""
    width, height = size
    x0, y0, x1, y1 = box
    w, h = max(x1 - x0, 1.0), max(y1 - y0, 1.0)
    scale = min(scale, (width - 1) / w, (height - 1) / h)
    w, h = w * scale, h * scale
    cx, cy = (x0 + x1) / 2, (y0 + y1) / 2
    left = min(max(cx - w / 2, 0.0), width - 1 - w)
    top = min(max(cy - h / 2, 0.0), height - 1 - h)
    return int(left), int(top), int(left + w), int(top + h)


class LivenessModel:
    """A loaded liveness model; `score` is thread-safe."""

    def __init__(self, folder: Path, threads: int = 0, device: str = "cpu") -> None:
        self.name = folder.name
        try:
            self.manifest = LivenessManifest.model_validate_json((folder / MANIFEST).read_text())
        except ValueError as e:
            raise ModelUnavailableError(f"{folder / MANIFEST} is not valid: {e}") from e
        options, providers = session_setup(threads, device)
        self._session = onnxruntime.InferenceSession(
            str(folder / MODEL_FILE), options, providers=providers
        )
        self._input = self._session.get_inputs()[0].name
        self._lock = threading.Lock()

    def score(self, image: np.ndarray, box: tuple[float, float, float, float]) -> float:
        """The probability that the face in `box` of a BGR image is live, 0–1."""
        height, width = image.shape[:2]
        x0, y0, x1, y1 = crop_box(box, self.manifest.crop_scale, (width, height))
        crop = cv2.resize(image[y0 : y1 + 1, x0 : x1 + 1], self.manifest.input_size)
        batch = crop.transpose(2, 0, 1)[np.newaxis].astype(np.float32)
        with self._lock:
            logits = np.asarray(self._session.run(None, {self._input: batch})[0], np.float64)[0]
        exp = np.exp(logits - logits.max())
        return float(exp[self.manifest.real_class] / exp.sum())

"""A model kept in one local folder of the model directory, loaded once on first use."""

from __future__ import annotations

import threading
from abc import ABC, abstractmethod
from pathlib import Path
from typing import Any

import numpy as np


class LocalModel(ABC):
    """The model in `<models>/<task>/<name>`; `threads` = 0 leaves onnxruntime's default,
    `device` is `cpu` or `gpu:N`. `_lock` serialises loading (and, in subclasses, inference)."""

    def __init__(self, model_dir: Path, threads: int = 0, device: str = "cpu") -> None:
        self.model_dir = model_dir
        self.threads = threads
        self.device = device
        self._model: Any = None
        self._lock = threading.Lock()

    @property
    def name(self) -> str:
        """The model's folder name, e.g. PP-OCRv6_tiny_det."""
        return self.model_dir.name

    def load(self) -> None:
        """Load the model once; later calls do nothing."""
        with self._lock:
            if self._model is None:
                self._model = self._create()

    @abstractmethod
    def _create(self) -> Any:
        """Build the loaded model."""


class OnnxModel(LocalModel):
    """A model run directly on onnxruntime from `<folder>/inference.onnx`."""

    def _create(self) -> Any:
        """An onnxruntime session; CUDA first when `device` is gpu:N."""
        import onnxruntime

        options, providers = session_setup(self.threads, self.device)
        return onnxruntime.InferenceSession(
            str(self.model_dir / "inference.onnx"), options, providers=providers
        )

    def _infer(self, name: str, batch: np.ndarray) -> np.ndarray:
        """The model's first output for one input batch."""
        with self._lock:
            return np.asarray(self._model.run(None, {name: batch})[0])


def session_setup(threads: int, device: str) -> tuple[Any, list[Any]]:
    """onnxruntime's session options and providers: `threads` = 0 leaves its default; CUDA
    first when `device` is gpu:N."""
    import onnxruntime

    options = onnxruntime.SessionOptions()
    if threads > 0:
        options.intra_op_num_threads = threads
    providers: list[Any] = ["CPUExecutionProvider"]
    if device.startswith("gpu"):
        device_id = int(device.partition(":")[2] or 0)
        providers.insert(0, ("CUDAExecutionProvider", {"device_id": device_id}))
    return options, providers


def batches_by_width(widths: list[int], spread: float, slack: int, pixels: int) -> list[list[int]]:
    """Indexes of line strips grouped by similar width, for padding to one batch.

    A batch's widest strip is at most `spread` times (+ `slack` px) its narrowest, and the
    batch at most `pixels` columns wide in all once padded.
    """
    order = sorted(range(len(widths)), key=widths.__getitem__)
    batches: list[list[int]] = []
    for index in order:
        width = widths[index]
        if (
            batches
            and width <= widths[batches[-1][0]] * spread + slack
            and (len(batches[-1]) + 1) * width <= pixels
        ):
            batches[-1].append(index)
        else:
            batches.append([index])
    return batches

"""A model kept in one local folder of the model directory, loaded once on first use."""

from __future__ import annotations

import threading
from abc import ABC, abstractmethod
from pathlib import Path
from typing import Any


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

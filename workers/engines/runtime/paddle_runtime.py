"""Running PaddleOCR models offline on onnxruntime (no paddlepaddle, no model hub).

PaddleOCR (through PaddleX) writes to a cache folder when it is imported, and reaches for a
model hub whenever it is not handed a local model folder. Everything here makes sure it is
always handed one, and that its cache lies somewhere writable.
"""

from __future__ import annotations

import os
import tempfile
from abc import abstractmethod
from pathlib import Path
from typing import Any

from workers.engines.runtime.local_model import LocalModel

CACHE_ENV = "PADDLE_PDX_CACHE_HOME"


def prepare_environment(models_dir: Path) -> None:
    """Point PaddleX's cache at a writable folder; call before `import paddleocr`.

    An operator's own PADDLE_PDX_CACHE_HOME is kept. The models folder may be read-only in a
    built image, so the cache falls back to the temporary folder.
    """
    if CACHE_ENV not in os.environ:
        os.environ[CACHE_ENV] = str(_writable_cache(models_dir / ".paddlex"))
    # Only consulted when PaddleX would download a model; we never let it, but if a bug
    # made it try, this avoids a long connectivity probe before the error.
    os.environ.setdefault("PADDLE_PDX_DISABLE_MODEL_SOURCE_CHECK", "True")


def _writable_cache(preferred: Path) -> Path:
    try:
        preferred.mkdir(parents=True, exist_ok=True)
        if os.access(preferred, os.W_OK):
            return preferred
    except OSError:
        pass
    fallback = Path(tempfile.gettempdir()) / "boda-paddlex"
    fallback.mkdir(parents=True, exist_ok=True)
    return fallback


def predictor_args(model_dir: Path, threads: int, device: str) -> dict[str, Any]:
    """Keyword arguments of a PaddleOCR predictor on a local folder (TextDetection here).

    The model name is read from the folder name, which model_store guarantees equals
    `Global.model_name`. `threads` = 0 leaves onnxruntime's own default. `device` "gpu:N"
    makes PaddleX ask onnxruntime for its CUDA provider (with the CPU as fallback).
    """
    args: dict[str, Any] = {
        "model_name": model_dir.name,
        "model_dir": str(model_dir),
        "engine": "onnxruntime",
        "device": device,
    }
    if threads > 0:
        args["engine_config"] = {"intra_op_num_threads": threads}
    return args


class PaddlePredictor(LocalModel):
    """A PaddleOCR predictor of one local model folder, on onnxruntime."""

    def _create(self) -> Any:
        prepare_environment(self.model_dir.parent.parent)
        return self._predictor(predictor_args(self.model_dir, self.threads, self.device))

    @abstractmethod
    def _predictor(self, args: dict[str, Any]) -> Any:
        """Build the PaddleOCR predictor (import paddleocr here: it needs the environment)."""

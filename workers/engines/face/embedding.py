"""Face embeddings: the face cut out and aligned on its five landmarks (InsightFace's ArcFace
template, 112 px), then the pack's recognition model; vectors are L2-normalised so that a dot
product is the cosine similarity."""

from __future__ import annotations

import threading
import warnings
from typing import Any

import numpy as np
from insightface.utils import face_align

from workers.engines.face.detection import DetectedFace

# insightface 2.1 aligns faces through scikit-image's `SimilarityTransform.estimate`, which
# scikit-image 0.26 deprecates (same result); one warning per process says nothing to operators.
warnings.filterwarnings(
    "ignore", "`estimate` is deprecated", FutureWarning, "insightface.utils.face_align"
)


class FaceEmbedder:
    """An ArcFace-style recognition model of InsightFace's zoo (SFace, ArcFace)."""

    def __init__(self, model: Any, name: str) -> None:
        self.name = name
        self._model = model
        self._lock = threading.Lock()

    @property
    def dimensions(self) -> int:
        return int(self._model.output_shape[-1])

    def embed(self, image: np.ndarray, faces: list[DetectedFace]) -> np.ndarray:
        """One unit vector per face of a BGR image, shape (len(faces), dimensions)."""
        if not faces:
            return np.zeros((0, self.dimensions), np.float32)
        size = self._model.input_size[0]
        crops = [face_align.norm_crop(image, face.landmarks, image_size=size) for face in faces]
        # SFace is exported for one face per run; ArcFace packs take a batch.
        batch = self._model.input_shape[0]
        step = batch if isinstance(batch, int) and batch > 0 else len(crops)
        with self._lock:
            vectors = np.concatenate(
                [self._model.get_feat(crops[i : i + step]) for i in range(0, len(crops), step)]
            ).astype(np.float32)
        return vectors / np.linalg.norm(vectors, axis=1, keepdims=True).clip(min=1e-12)

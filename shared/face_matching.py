"""Face matching shared by the gateway (search by a registered face) and the workers (compare,
search and verify by an image): similarity on NHN Cloud's 0–100 scale, and exact search over a
group's embeddings.

Similarity is the cosine of two unit embeddings mapped through the pack's calibration: a
piecewise-linear curve through points measured by `make eval` (`bench.eval_faces`), so that a
similarity means the same false-accept rate whatever the pack (see the pack's `pack.json`).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

import numpy as np
from pydantic import BaseModel, Field


class Calibration(BaseModel):
    """A pack's mapping from cosine to similarity 0–100, and its default threshold."""

    points: list[tuple[float, float]] = Field(
        description="(cosine, similarity) pairs, both increasing, from (-1, 0) to (1, 100)"
    )
    default_threshold: float = Field(ge=0, le=100)
    false_accept_rate: float = Field(
        description="impostor pairs scoring at or above the default threshold, as measured"
    )

    def similarity(self, cosines: np.ndarray) -> np.ndarray:
        xs, ys = zip(*self.points, strict=True)
        return np.interp(cosines, xs, ys)

    def threshold(self, asked: float | None) -> float:
        """The caller's threshold, or the pack's calibrated default."""
        return self.default_threshold if asked is None else asked


@dataclass(frozen=True)
class PackStamp:
    """What identifies the face model pack behind an embedding, and how to read its cosines."""

    name: str
    version: str
    """The SHA-256 of the pack's model files (16 hex digits): embeddings of two versions do not
    compare."""
    dimensions: int
    calibration: Calibration


@dataclass(frozen=True)
class NewFace:
    """A face a `face_register` job adds: its id, what the API shows of it, its embedding."""

    face_id: uuid.UUID
    face: dict[str, Any]
    embedding: np.ndarray


@dataclass(frozen=True)
class Match:
    face_id: uuid.UUID
    external_image_id: str | None
    similarity: float


@dataclass(frozen=True)
class Gallery:
    """A group's faces as one matrix: row i is the unit embedding of `face_ids[i]`."""

    face_ids: list[uuid.UUID]
    external_image_ids: list[str | None]
    vectors: np.ndarray

    @property
    def nbytes(self) -> int:
        return int(self.vectors.nbytes) + 100 * len(self.face_ids)

    def search(
        self, query: np.ndarray, calibration: Calibration, threshold: float, limit: int
    ) -> list[Match]:
        """The faces most similar to `query` (a unit vector), at or above `threshold`, best
        first, at most `limit`: one matrix product over every row (exact search)."""
        if not self.face_ids:
            return []
        similarity = calibration.similarity(self.vectors @ query)
        candidates = np.flatnonzero(similarity >= threshold)
        if len(candidates) > limit:
            top = np.argpartition(-similarity[candidates], limit - 1)[:limit]
            candidates = candidates[top]
        ordered = candidates[np.argsort(-similarity[candidates], kind="stable")]
        return [
            Match(self.face_ids[i], self.external_image_ids[i], float(similarity[i]))
            for i in ordered
        ]


def to_bytes(vector: np.ndarray) -> bytes:
    """An embedding as stored: float32, little-endian."""
    return np.asarray(vector, "<f4").tobytes()


def from_bytes(blobs: list[bytes], dimensions: int) -> np.ndarray:
    """Stored embeddings as one (len(blobs), dimensions) float32 matrix."""
    return np.frombuffer(b"".join(blobs), "<f4").reshape(len(blobs), dimensions)

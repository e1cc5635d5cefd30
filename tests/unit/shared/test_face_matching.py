"""Similarity on the 0–100 scale through a pack's calibration, and exact search of a group."""

from __future__ import annotations

import uuid

import numpy as np
import pytest

from shared.face_matching import Calibration, Gallery, from_bytes, to_bytes

CALIBRATION = Calibration(
    points=[(-1.0, 0.0), (0.2, 40.0), (0.4, 70.0), (1.0, 100.0)],
    default_threshold=70.0,
    false_accept_rate=0.001,
)


def unit(rows: np.ndarray) -> np.ndarray:
    return (rows / np.linalg.norm(rows, axis=-1, keepdims=True)).astype(np.float32)


def test_similarity_follows_the_calibration_points() -> None:
    cosines = np.array([-1.0, 0.2, 0.3, 0.4, 0.7, 1.0])
    assert CALIBRATION.similarity(cosines).tolist() == pytest.approx([0, 40, 55, 70, 85, 100])
    assert CALIBRATION.threshold(None) == 70.0 and CALIBRATION.threshold(12.5) == 12.5


def test_search_is_exact_ranked_thresholded_and_limited() -> None:
    rng = np.random.default_rng(7)
    vectors = unit(rng.normal(size=(5000, 128)))
    query = unit(vectors[42] + 0.03 * rng.normal(size=128))
    ids = [uuid.uuid4() for _ in vectors]
    gallery = Gallery(ids, [f"img-{i}" for i in range(len(ids))], vectors)
    found = gallery.search(query, CALIBRATION, threshold=0.0, limit=25)
    truth = np.argsort(-(vectors @ query), kind="stable")[:25]
    assert [m.face_id for m in found] == [ids[i] for i in truth]
    assert found[0].face_id == ids[42] and found[0].external_image_id == "img-42"
    similarities = [m.similarity for m in found]
    assert similarities == sorted(similarities, reverse=True)
    above = gallery.search(query, CALIBRATION, threshold=70.0, limit=100)
    assert [m.face_id for m in above] == [ids[42]]  # random vectors are far from each other
    assert Gallery([], [], np.zeros((0, 128), np.float32)).search(query, CALIBRATION, 0, 5) == []


def test_embeddings_are_stored_as_little_endian_float32() -> None:
    vectors = unit(np.random.default_rng(1).normal(size=(3, 16)))
    blobs = [to_bytes(v) for v in vectors]
    assert all(len(blob) == 64 for blob in blobs)
    assert np.array_equal(from_bytes(blobs, 16), vectors)

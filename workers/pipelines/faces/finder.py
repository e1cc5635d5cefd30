"""Faces of an image as the API describes them: the pack's detector, head pose from the
landmarks, liveness where asked, and embeddings of the faces a type compares."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import numpy as np
from PIL import Image

from shared.analyses.faces import Face, Landmarks, Liveness, Orientation
from shared.config import ModelSettings
from shared.errors import ModelUnavailableError, NoFaceDetectedError
from shared.face_matching import PackStamp
from workers.engines.face.detection import DetectedFace
from workers.engines.face.liveness import LivenessModel, liveness_folder
from workers.engines.face.pack import FacePack, PackFiles
from workers.engines.face.pose import head_pose

MAX_FACES = 100
"""Faces described per image at most (the options' `limit` is at most this too)."""


@dataclass(frozen=True)
class Found:
    """A face found in an image: as the API shows it, and as the models see it."""

    face: Face
    detected: DetectedFace


@dataclass(frozen=True)
class Picture:
    """An image as the models read it (BGR) and its faces, largest first."""

    pixels: np.ndarray
    faces: list[Found]

    @property
    def largest(self) -> Found:
        return self.faces[0]


class FaceFinder:
    """A face pack, and the liveness model where one is installed."""

    def __init__(self, pack: FacePack, liveness: LivenessModel | None) -> None:
        self.pack = pack
        self.liveness = liveness

    @staticmethod
    def check(settings: ModelSettings, *, liveness: bool = False) -> None:
        """Raise `ModelUnavailableError` unless the pack (and the liveness model if asked
        for) is installed; loads nothing."""
        PackFiles.find(settings.root, settings.face_pack)
        if liveness:
            liveness_folder(settings.root, settings.liveness)

    @staticmethod
    def load(settings: ModelSettings) -> FaceFinder:
        """The finder of `settings`, loaded once per process for all the face types."""
        return _load(
            settings.root,
            settings.face_pack,
            settings.liveness,
            settings.intra_op_threads,
            settings.device,
        )

    @property
    def stamp(self) -> PackStamp:
        return self.pack.stamp

    @property
    def models(self) -> dict[str, str]:
        named = {
            "face_detection": f"{self.pack.detector.name} ({self.pack.name} {self.pack.version})",
            "face_embedding": f"{self.pack.embedder.name} ({self.pack.name} {self.pack.version})",
        }
        if self.liveness is not None:
            named["face_liveness"] = self.liveness.name
        return named

    def find(self, pages: Iterable[Image.Image], limit: int, *, spoof: bool) -> Picture:
        """The first page's faces, at most `limit`, largest first; with liveness if `spoof`."""
        if spoof and self.liveness is None:
            raise ModelUnavailableError("no liveness model is installed (option spoof)")
        image = next(iter(pages)).convert("RGB")
        pixels = np.ascontiguousarray(np.asarray(image)[:, :, ::-1])
        detected = self.pack.detector.detect(pixels)[: min(limit, MAX_FACES)]
        faces = [Found(self._describe(pixels, face, spoof), face) for face in detected]
        return Picture(pixels, faces)

    def find_one(self, pages: Iterable[Image.Image], input_name: str, *, spoof: bool) -> Picture:
        """Like `find`, for a type that needs a face: `no_face_detected` when there is none."""
        picture = self.find(pages, MAX_FACES, spoof=spoof)
        if not picture.faces:
            raise NoFaceDetectedError(
                f"no face was found in the {input_name} image", details={"input": input_name}
            )
        return picture

    def embed(self, picture: Picture, faces: list[Found]) -> np.ndarray:
        """Unit embeddings of some of a picture's faces, one row each."""
        return self.pack.embedder.embed(picture.pixels, [found.detected for found in faces])

    def _describe(self, pixels: np.ndarray, face: DetectedFace, spoof: bool) -> Face:
        height, width = pixels.shape[:2]
        x0, y0, x1, y1 = face.box
        box = (max(x0, 0.0), max(y0, 0.0), min(x1, float(width)), min(y1, float(height)))
        points = [(round(float(x), 1), round(float(y), 1)) for x, y in face.landmarks]
        yaw, pitch, roll = head_pose(face.landmarks)
        liveness = None
        if spoof and self.liveness is not None:
            score = self.liveness.score(pixels, box)
            liveness = Liveness(
                real=score >= self.liveness.manifest.threshold, score=round(score, 4)
            )
        return Face(
            box=tuple(round(v, 1) for v in box),
            confidence=round(min(max(face.score, 0.0), 1.0), 4),
            landmarks=Landmarks(
                left_eye=points[0],
                right_eye=points[1],
                nose=points[2],
                mouth_left=points[3],
                mouth_right=points[4],
            ),
            orientation=Orientation(yaw=round(yaw, 1), pitch=round(pitch, 1), roll=round(roll, 1)),
            liveness=liveness,
        )


@cache
def _load(root: Path, pack: str, liveness: str, threads: int, device: str) -> FaceFinder:
    loaded = FacePack.load(PackFiles.find(root, pack), threads, device)
    try:
        folder = liveness_folder(root, liveness)
    except ModelUnavailableError:
        return FaceFinder(loaded, None)
    return FaceFinder(loaded, LivenessModel(folder, threads, device))

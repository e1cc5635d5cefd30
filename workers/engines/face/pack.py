"""A face model pack: the folder `<models>/face/<pack>/` holding a detector and an embedder
(`*.onnx`) and `pack.json` (its name, which file is which, the licence, and the similarity
calibration that `make eval` measured for it).

InsightFace's model zoo loads the ONNX files (SCRFD or RetinaFace detectors, ArcFace-style
embedders: InsightFace's own packs, whose licence is non-commercial, load the same way); YuNet
goes to OpenCV (see detection). The pack's version is the SHA-256 of its model files, so that
an embedding records exactly which models made it.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import cv2
import onnxruntime

from shared.errors import ModelUnavailableError
from shared.face_matching import Calibration, PackStamp
from workers.engines.face.detection import (
    FaceDetector,
    InsightFaceDetector,
    YuNetDetector,
    is_yunet,
)
from workers.engines.face.embedding import FaceEmbedder
from workers.engines.runtime.local_model import session_setup

MANIFEST = "pack.json"


@dataclass(frozen=True)
class PackFiles:
    """A pack's folder, checked to hold what its manifest names (nothing loaded)."""

    folder: Path
    manifest: dict[str, Any]

    @classmethod
    def find(cls, models_dir: Path, name: str) -> PackFiles:
        folder = models_dir / "face" / name
        try:
            manifest: dict[str, Any] = json.loads((folder / MANIFEST).read_text())
        except (OSError, ValueError) as e:
            raise ModelUnavailableError(
                f"face pack {name} is not installed: {folder / MANIFEST} cannot be read "
                "(run `boda models install` or set BODA_MODELS__FACE_PACK)",
                details={"pack": name, "folder": str(folder)},
            ) from e
        missing = [
            manifest[role]
            for role in ("detector", "embedder")
            if not (folder / manifest[role]).is_file()
        ]
        if missing:
            raise ModelUnavailableError(
                f"face pack {name} lacks {', '.join(missing)} in {folder}",
                details={"pack": name, "folder": str(folder)},
            )
        return cls(folder, manifest)

    @property
    def name(self) -> str:
        return str(self.manifest["name"])

    @property
    def version(self) -> str:
        digest = hashlib.sha256()
        for role in ("detector", "embedder"):
            digest.update((self.folder / self.manifest[role]).read_bytes())
        return digest.hexdigest()[:16]

    @property
    def calibration(self) -> Calibration:
        return Calibration.model_validate(self.manifest["calibration"])


@dataclass(frozen=True)
class FacePack:
    """A loaded pack: detector, embedder, and what is recorded with each embedding."""

    name: str
    version: str
    detector: FaceDetector
    embedder: FaceEmbedder
    calibration: Calibration

    @property
    def stamp(self) -> PackStamp:
        return PackStamp(self.name, self.version, self.embedder.dimensions, self.calibration)

    @classmethod
    def load(cls, files: PackFiles, threads: int, device: str) -> FacePack:
        from insightface.model_zoo import model_zoo

        onnxruntime.set_default_logger_severity(3)  # the embedder's initializers warn per layer
        options, providers = session_setup(threads, device)
        detector_file = files.folder / files.manifest["detector"]
        outputs = onnxruntime.InferenceSession(str(detector_file)).get_outputs()
        detector: FaceDetector
        if is_yunet([output.name for output in outputs]):
            if threads > 0:  # OpenCV's own pool runs YuNet: as many threads as a job has
                cv2.setNumThreads(threads)
            detector = YuNetDetector(detector_file)
        else:
            model = model_zoo.get_model(
                str(detector_file), providers=providers, sess_options=options
            )
            detector = InsightFaceDetector(model, detector_file.stem)
        embedder_file = files.folder / files.manifest["embedder"]
        model = model_zoo.get_model(str(embedder_file), providers=providers, sess_options=options)
        if model is None or getattr(model, "taskname", None) != "recognition":
            raise ModelUnavailableError(f"{embedder_file} is no face recognition model")
        embedder = FaceEmbedder(model, embedder_file.stem)
        return cls(files.name, files.version, detector, embedder, files.calibration)

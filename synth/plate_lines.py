"""Plate rows as the plate reader cuts and reads them: training and validation lines for the
plate recogniser (`make train-plate-rec`).

Each line is one printed row of a generated plate (every kind and colour), cut from the flat
plate with the slack a detector's box has (a little margin or a little cut, sometimes the
seal at the left of a 3-digit plate, which is not text), turned a few degrees, and then seen
as cameras see plates: light text on colour as often as dark on white, low resolution (rows
8–30 px high before scaling), blur, glare, night noise and JPEG. Half the lines of the stream
are the document lines the Korean model trained on, so that reading plates is learnt without
forgetting documents. `PLATE_TRAINING_FONTS` never include `HELD_OUT_PLATE_FONTS`.
"""

from __future__ import annotations

import io
import random
from pathlib import Path

import cv2
import numpy as np
from PIL import Image

from synth.lines import LineStream, TextLine
from synth.plates import HELD_OUT_PLATE_FONTS, KINDS, PLATE_FONTS, random_spec, render_plate_rows
from workers.engines.text.korean_recognition import to_line_height

_NANUM = "/usr/share/fonts/truetype/nanum/"
PLATE_TRAINING_FONTS = (
    *PLATE_FONTS,
    _NANUM + "NanumGothicExtraBold.ttf",
    _NANUM + "NanumSquareEB.ttf",
    _NANUM + "NanumGothicCodingBold.ttf",
    "/usr/share/fonts/truetype/unfonts-core/UnDinaruBold.ttf",
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Bold.ttc",
)
"""Bold faces the plate recogniser trains on (fonts-nanum, -nanum-extra, -unfonts-core,
-noto-cjk: `make fonts`); the ones missing on a machine are skipped."""
assert not set(PLATE_TRAINING_FONTS) & set(HELD_OUT_PLATE_FONTS)


def plate_row(rng: random.Random, fonts: tuple[str, ...]) -> TextLine:
    """One row of a random plate, cut and damaged; its text as printed (spaces kept)."""
    spec = random_spec(KINDS[rng.randrange(len(KINDS))], rng)
    font = rng.choice(fonts)
    plate, rows = render_plate_rows(spec, font)
    row = rng.randrange(len(rows))
    x0, y0, x1, y1 = rows[row]
    height = y1 - y0
    seal = row == 0 and spec.kind in ("national3", "ev") and rng.random() < 0.5
    left = 10 if seal else x0 - rng.uniform(-0.04, 0.3) * height
    margins = [rng.uniform(-0.05, 0.2) * height for _ in range(3)]
    corners = np.array(
        [[left, y0 - margins[0]], [x1 + margins[1], y0 - margins[0]],
         [x1 + margins[1], y1 + margins[2]], [left, y1 + margins[2]]],
        dtype=np.float32,
    )  # fmt: skip
    angle = np.radians(rng.uniform(-3, 3))
    centre = corners.mean(axis=0)
    turn = np.array([[np.cos(angle), -np.sin(angle)], [np.sin(angle), np.cos(angle)]])
    corners = ((corners - centre) @ turn.T + centre).astype(np.float32)
    width = int(np.linalg.norm(corners[1] - corners[0]))
    tall = int(np.linalg.norm(corners[3] - corners[0]))
    target = np.array([[0, 0], [width, 0], [width, tall], [0, tall]], dtype=np.float32)
    matrix = cv2.getPerspectiveTransform(corners, target)
    grey = cv2.cvtColor(np.asarray(plate), cv2.COLOR_RGB2GRAY)
    crop = cv2.warpPerspective(grey, matrix, (width, tall), borderMode=cv2.BORDER_REPLICATE)
    return TextLine(to_line_height(_camera(crop, rng)), spec.lines[row], Path(font).name)


def _camera(grey: np.ndarray, rng: random.Random) -> np.ndarray:
    """The row as a camera sees it: small, blurred, glared or dark, noisy, JPEG."""
    noise = np.random.default_rng(rng.getrandbits(32))
    image = grey.astype(np.float32)
    small_height = rng.uniform(8, 30)
    factor = small_height / image.shape[0]
    small = cv2.resize(image, None, fx=factor, fy=factor, interpolation=cv2.INTER_AREA)
    if rng.random() < 0.4:
        small = cv2.GaussianBlur(small, (0, 0), rng.uniform(0.3, 1.0))
    if rng.random() < 0.2:  # glare: a bright patch over part of the row
        xx = np.arange(small.shape[1])[None, :]
        spot = np.exp(
            -((xx - rng.uniform(0, small.shape[1])) ** 2) / (2 * (small.shape[1] / 5) ** 2)
        )
        small = small + spot * rng.uniform(60, 140)
    if rng.random() < 0.2:  # night: dark and noisy
        small = small * rng.uniform(0.25, 0.5)
    small = small + noise.normal(0, rng.uniform(1, 8), small.shape)
    out = np.clip(small, 0, 255).astype(np.uint8)
    buffer = io.BytesIO()
    Image.fromarray(out).save(buffer, format="JPEG", quality=rng.randint(40, 90))
    return np.asarray(Image.open(io.BytesIO(buffer.getvalue())).convert("L"))


class PlateLineStream:
    """Line `i` of a seeded stream: plate rows (even i) and document lines (odd i)."""

    def __init__(self, seed: int, fonts: tuple[str, ...], documents: LineStream | None) -> None:
        self.seed = seed
        self.fonts = tuple(font for font in fonts if Path(font).is_file())
        if not self.fonts:
            raise FileNotFoundError("no plate font is installed: run `make fonts`")
        self.documents = documents

    def line(self, index: int) -> TextLine:
        if self.documents is not None and index % 2:
            return self.documents.line(index // 2)
        return plate_row(random.Random(self.seed * 1_000_003 + index), self.fonts)

"""Red seals (도장, 직인) stamped over printed text, as on signed Korean letters and receipts.

A seal is four syllables in a 2 × 2 grid (a name and 인, or a company's name) inside a round
or square border, in red ink that takes unevenly. It is blended multiplicatively, so the
printed text under it stays dark and legible; the seal's own text is no ground truth.
"""

from __future__ import annotations

import random

import cv2
import numpy as np
from PIL import Image, ImageDraw

from synth.corpus import GIVEN_NAMES, SURNAMES
from synth.documents import Quad
from synth.fonts import load_font

SEAL_FONT = "NanumMyeongjoBold.ttf"
SEAL_INK = np.array([200, 35, 40], dtype=np.float32)


def seal_text(line: str, rng: random.Random) -> str:
    """Four syllables for the seal: the line's closing name and 인, or a drawn name."""
    last = line.split(" ")[-1]
    if len(last) == 3 and all("\uac00" <= char <= "\ud7a3" for char in last):
        return f"{last}인"
    return f"{rng.choice(SURNAMES)}{rng.choice(GIVEN_NAMES)}인"


def seal_mask(text: str, diameter: int, round_seal: bool) -> np.ndarray:
    """Ink coverage in [0, 1] of an upright seal `diameter` pixels across."""
    mask = Image.new("L", (diameter, diameter), 0)
    draw = ImageDraw.Draw(mask)
    border = max(diameter // 16, 2)
    outline = (border, border, diameter - border, diameter - border)
    if round_seal:
        draw.ellipse(outline, outline=255, width=border)
    else:
        draw.rectangle(outline, outline=255, width=border)
    font = load_font(SEAL_FONT, round(diameter * (0.3 if round_seal else 0.36)))
    cell = diameter / 2
    for index, char in enumerate(text[:4]):
        # Seals read top to bottom, right column first.
        column, row = 1 - index // 2, index % 2
        centre = (cell * (column + 0.5) + (cell * 0.08 * (1 - 2 * column)), cell * (row + 0.5))
        draw.text(centre, char, font=font, fill=255, anchor="mm")
    return np.asarray(mask, dtype=np.float32) / 255.0


def stamp_seal(
    image: np.ndarray, box: Quad, text: str, rng: random.Random, noise: np.random.Generator
) -> np.ndarray:
    """`image` (float RGB) with a seal pressed over the right end of the line in `box`."""
    xs, ys = [p[0] for p in box], [p[1] for p in box]
    line_height = max(ys) - min(ys)
    diameter = max(int(line_height * rng.uniform(2.2, 3.0)), 24)
    mask = seal_mask(text, diameter, round_seal=rng.random() < 0.6)
    turn = cv2.getRotationMatrix2D((diameter / 2, diameter / 2), rng.uniform(-15, 15), 1.0)
    mask = cv2.warpAffine(mask, turn, (diameter, diameter))
    # Ink takes unevenly: a smooth field of pressure, with pale patches.
    pressure = cv2.resize(noise.uniform(0.35, 1.1, (6, 6)).astype(np.float32), (diameter, diameter))
    mask = np.clip(mask * pressure, 0, 1) * rng.uniform(0.75, 0.9)
    centre_x = max(xs) - diameter * rng.uniform(0.1, 0.4)
    centre_y = (min(ys) + max(ys)) / 2 + line_height * rng.uniform(-0.3, 0.3)
    return _blend(image, mask, round(centre_x - diameter / 2), round(centre_y - diameter / 2))


def _blend(image: np.ndarray, mask: np.ndarray, left: int, top: int) -> np.ndarray:
    """Multiply the seal's red into `image` with its top-left corner at (left, top)."""
    height, width = image.shape[:2]
    x0, y0 = max(left, 0), max(top, 0)
    x1, y1 = min(left + mask.shape[1], width), min(top + mask.shape[0], height)
    if x0 >= x1 or y0 >= y1:
        return image
    part = mask[y0 - top : y1 - top, x0 - left : x1 - left, None]
    out = image.copy()
    out[y0:y1, x0:x1] *= 1 - part * (1 - SEAL_INK / 255.0)
    return out

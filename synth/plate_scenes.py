"""Car photographs with a synthetic plate on them, and the plate's ground truth.

A scene is a car's front drawn in plain shapes (body, grille, lights, bumper) on a street-like
background, the plate on the bumper seen at a slant (perspective and a small turn), sometimes
a dealer's frame text below it, then one variant of how the camera saw it:

- `clean`: sharp and well lit;
- `blur`: focus or motion blur;
- `glare`: a bright reflection across part of the plate;
- `night`: dark, noisy, the plate lit unevenly;
- `low_res`: the photo shrunk to about a third and enlarged again;
- `wide`: a 1920 x 1080 parking-camera frame where the plate is 90–130 px wide.

Every image is JPEG-compressed (quality 55–90) as a camera saves it.
"""

from __future__ import annotations

import io
import random
from dataclasses import dataclass
from typing import Literal

import cv2
import numpy as np
from PIL import Image, ImageDraw, ImageFont

from synth.plates import KINDS, PlateSpec, plate_array, random_spec

Variant = Literal["clean", "blur", "glare", "night", "low_res", "wide"]
VARIANTS: tuple[Variant, ...] = ("clean", "blur", "glare", "night", "low_res", "wide")
Quad = list[tuple[float, float]]
CAR_COLOURS = ((235, 235, 235), (30, 30, 34), (150, 152, 158), (120, 20, 24), (26, 50, 110))
DEALER_TEXT = ("현대자동차 강남대리점", "기아 오토큐 02-555-1234", "서울모터스", "KIA MOTORS")
_FRAME_FONT = "/usr/share/fonts/truetype/nanum/NanumGothic.ttf"


@dataclass(frozen=True)
class PlateScene:
    """A photo (RGB) and the plate in it: its spec and its four corners, clockwise from the
    top-left, in the photo's pixels."""

    image: Image.Image
    plate: PlateSpec
    quad: Quad
    variant: Variant
    font: str


def scene(spec: PlateSpec, font: str, variant: Variant, rng: random.Random) -> PlateScene:
    """`spec` printed in `font` on a car, photographed as `variant` says."""
    size = (1920, 1080) if variant == "wide" else (800, 600)
    photo, car = _car(size, rng, far=variant == "wide")
    plate = plate_array(spec, font)
    quad = _plate_quad(car, plate.shape[1] / plate.shape[0], rng, far=variant == "wide")
    if rng.random() < 0.3 and not spec.two_line:
        _dealer_frame(photo, quad, rng)
    photo = _warp_onto(photo, plate, quad)
    photo = _camera(photo, quad, variant, rng)
    return PlateScene(_jpeg(photo, rng.randint(55, 90)), spec, quad, variant, font)


def plate_scenes(
    count: int, seed: int, fonts: tuple[str, ...], variants: tuple[Variant, ...] = VARIANTS
) -> list[PlateScene]:
    """`count` scenes taking every kind in turn (and fonts and variants in their own turns)."""
    rng = random.Random(seed)
    scenes = []
    for index in range(count):
        spec = random_spec(KINDS[index % len(KINDS)], rng)
        font = fonts[(index // len(KINDS)) % len(fonts)]
        variant = variants[(index // len(KINDS) + index) % len(variants)]
        scenes.append(scene(spec, font, variant, rng))
    return scenes


def _car(size: tuple[int, int], rng: random.Random, far: bool) -> tuple[np.ndarray, tuple]:
    """A street and a car front; returns the photo and the car's (x0, y0, x1, y1)."""
    width, height = size
    sky = np.linspace(rng.randint(140, 220), rng.randint(60, 120), height)[:, None, None]
    photo = np.broadcast_to(sky, (height, width, 3)).astype(np.float32)
    photo += np.random.default_rng(rng.randint(0, 2**31)).normal(0, 6, photo.shape)
    car_width = rng.uniform(0.22, 0.3) * width if far else rng.uniform(0.7, 0.9) * width
    cx, cy = rng.uniform(0.3, 0.7) * width, rng.uniform(0.55, 0.7) * height
    box = (cx - car_width / 2, cy - car_width * 0.32, cx + car_width / 2, cy + car_width * 0.28)
    canvas = Image.fromarray(np.clip(photo, 0, 255).astype(np.uint8))
    draw = ImageDraw.Draw(canvas)
    colour = rng.choice(CAR_COLOURS)
    x0, y0, x1, y1 = box
    draw.rounded_rectangle(box, radius=car_width * 0.06, fill=colour)
    dark = tuple(int(c * 0.35) for c in colour)
    draw.rectangle((x0 + car_width * 0.25, y0 + car_width * 0.12, x1 - car_width * 0.25,
                    y0 + car_width * 0.3), fill=dark)  # fmt: skip
    for lx in (x0 + car_width * 0.05, x1 - car_width * 0.2):
        draw.ellipse((lx, y0 + car_width * 0.1, lx + car_width * 0.15, y0 + car_width * 0.2),
                     fill=(250, 250, 235))  # fmt: skip
    draw.rectangle((x0, y1 - car_width * 0.12, x1, y1 - car_width * 0.1), fill=dark)
    return np.asarray(canvas).copy(), box


def _plate_quad(car: tuple, aspect: float, rng: random.Random, far: bool) -> Quad:
    """Where the plate lands: centred low on the car, seen turned and at a slant."""
    x0, y0, x1, y1 = car
    car_width = x1 - x0
    width = rng.uniform(90, 130) if far else car_width * rng.uniform(0.28, 0.42)
    width = min(width, aspect * car_width * 0.3)
    height = width / aspect
    cx, cy = (x0 + x1) / 2 + rng.uniform(-0.05, 0.05) * car_width, y1 - car_width * 0.2
    corners = np.array([[-width / 2, -height / 2], [width / 2, -height / 2],
                        [width / 2, height / 2], [-width / 2, height / 2]])  # fmt: skip
    angle = np.radians(rng.uniform(-6, 6))
    turn = np.array([[np.cos(angle), -np.sin(angle)], [np.sin(angle), np.cos(angle)]])
    corners = corners @ turn.T
    slant = rng.uniform(-0.12, 0.12)  # one side nearer the camera: taller than the other
    corners[:, 1] *= 1 + slant * np.sign(corners[:, 0])
    return [(float(cx + x), float(cy + y)) for x, y in corners]


def _dealer_frame(photo: np.ndarray, quad: Quad, rng: random.Random) -> None:
    """A dealer's name printed on the plate frame just below the plate."""
    xs, ys = [p[0] for p in quad], [p[1] for p in quad]
    height = max(ys) - min(ys)
    size = max(8, round(height * 0.22))
    image = Image.fromarray(photo)
    font = ImageFont.truetype(_FRAME_FONT, size)
    text = rng.choice(DEALER_TEXT)
    x = (min(xs) + max(xs)) / 2 - font.getlength(text) / 2
    ImageDraw.Draw(image).text((x, max(ys) + size * 0.3), text, font=font, fill=(235, 235, 235))
    photo[:] = np.asarray(image)


def _warp_onto(photo: np.ndarray, plate: np.ndarray, quad: Quad) -> np.ndarray:
    h, w = plate.shape[:2]
    source = np.array([[0, 0], [w, 0], [w, h], [0, h]], dtype=np.float32)
    matrix = cv2.getPerspectiveTransform(source, np.array(quad, dtype=np.float32))
    size = (photo.shape[1], photo.shape[0])
    warped = cv2.warpPerspective(plate, matrix, size, flags=cv2.INTER_AREA)
    mask = cv2.warpPerspective(np.full((h, w), 255, np.uint8), matrix, size) > 127
    out = photo.copy()
    out[mask] = warped[mask]
    return out


def _camera(photo: np.ndarray, quad: Quad, variant: Variant, rng: random.Random) -> np.ndarray:
    image: np.ndarray = photo.astype(np.float32)
    noise = np.random.default_rng(rng.randint(0, 2**31))
    xs, ys = [p[0] for p in quad], [p[1] for p in quad]
    plate_height = max(ys) - min(ys)
    if variant == "blur":
        if rng.random() < 0.5:
            image = cv2.GaussianBlur(image, (0, 0), plate_height * rng.uniform(0.012, 0.025))
        else:
            length = max(3, round(plate_height * rng.uniform(0.04, 0.08)))
            kernel = np.zeros((length, length), np.float32)
            kernel[length // 2, :] = 1 / length
            image = cv2.filter2D(image, -1, kernel)
    elif variant == "glare":
        cx = rng.uniform(min(xs), max(xs))
        cy, radius = rng.uniform(min(ys), max(ys)), plate_height * rng.uniform(0.6, 1.0)
        yy, xx = np.mgrid[: image.shape[0], : image.shape[1]]
        glow = np.exp(
            -(((xx - cx) ** 2) / (2 * (radius * 1.6) ** 2) + ((yy - cy) ** 2) / (2 * radius**2))
        )
        image += glow[..., None] * rng.uniform(60, 110)
    elif variant == "night":
        image *= rng.uniform(0.25, 0.4)
        yy, xx = np.mgrid[: image.shape[0], : image.shape[1]]
        light = np.clip(1.0 - np.abs(xx - np.mean(xs)) / (image.shape[1] * 0.6), 0.5, 1.0)
        image = image * light[..., None] + noise.normal(0, 7, image.shape)
    elif variant == "low_res":
        small = cv2.resize(image, None, fx=0.35, fy=0.35, interpolation=cv2.INTER_AREA)
        image = cv2.resize(small, (image.shape[1], image.shape[0]), interpolation=cv2.INTER_LINEAR)
    image += noise.normal(0, 2.5, image.shape)
    return np.clip(image, 0, 255).astype(np.uint8)


def _jpeg(photo: np.ndarray, quality: int) -> Image.Image:
    buffer = io.BytesIO()
    Image.fromarray(photo).save(buffer, format="JPEG", quality=quality)
    buffer.seek(0)
    return Image.open(buffer).convert("RGB")

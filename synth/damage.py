"""The `photo` profile: a clean page as a phone photograph of the printed paper would show it.

Damage comes in the order paper, camera and phone apply it: paper tone and texture, a red
seal (도장) stamped over text; the sheet lying on a desk, seen turned by up to ±8° and at a
slant (perspective); uneven light and a soft shadow; focus or hand-shake blur; sensor noise;
a lower resolution (as after a messenger app); JPEG at quality 40–80. Every geometric step
maps the ground-truth boxes through the same transform. Strengths stay within what a person
still reads without effort: the body type never ends up smaller than MIN_TEXT_PX.
"""

from __future__ import annotations

import io
import random
from dataclasses import asdict, dataclass

import cv2
import numpy as np
from PIL import Image

from synth.documents import Quad, SyntheticPage, TruthLine
from synth.seals import seal_text, stamp_seal

MAX_ANGLE = 8.0
JPEG_QUALITY = (40, 80)
MIN_TEXT_PX = 17
"""The smallest type size (pixels) the low-resolution step may leave on a page."""
HANGUL_HEIGHT = 0.9
"""Ink height of a row of Hangul as a share of its type size (Nanum faces)."""
SEAL_CHANCE = {"notice": 1.0, "page": 0.5, "receipt": 0.2, "long_receipt": 0.2, "slide": 0.0,
               "certificate": 1.0, "id_card": 1.0, "passport": 0.0}  # fmt: skip
DESKS = ((150, 112, 78), (72, 72, 78), (188, 186, 180), (62, 82, 110), (120, 130, 120))

Array = np.ndarray


@dataclass(frozen=True)
class PhotoParams:
    """The damage drawn for one page (recorded in the page's meta)."""

    angle: float
    keystone: float
    blur: str
    blur_size: float
    blur_angle: float
    light: float
    shadow: float
    noise: float
    scale: float
    upscale: bool
    jpeg_quality: int
    seal: bool

    @classmethod
    def draw(cls, rng: random.Random, page: SyntheticPage) -> PhotoParams:
        """Random damage for `page`, its resolution limited by the page's type size."""
        blur = rng.choice(("gaussian", "gaussian", "motion"))
        return cls(
            angle=rng.uniform(-MAX_ANGLE, MAX_ANGLE),
            keystone=rng.uniform(0.0, 0.08),
            blur=blur,
            blur_size=rng.uniform(0.5, 1.3) if blur == "gaussian" else rng.uniform(3, 6),
            blur_angle=rng.uniform(0, 180),
            light=rng.uniform(0.05, 0.25),
            shadow=rng.uniform(0.2, 0.4) if rng.random() < 0.6 else 0.0,
            noise=rng.uniform(2, 6),
            scale=rng.uniform(min(max(0.5, MIN_TEXT_PX / _smallest_type(page)), 0.95), 0.95),
            upscale=rng.random() < 0.4,
            jpeg_quality=rng.randint(*JPEG_QUALITY),
            seal=rng.random() < SEAL_CHANCE.get(page.meta.get("kind", "page"), 0.5),
        )


def _smallest_type(page: SyntheticPage) -> float:
    """The smallest type size on the page, from the ink height of its Hangul lines."""
    heights = [
        max(p[1] for p in line.box) - min(p[1] for p in line.box)
        for line in page.lines
        if any("\uac00" <= char <= "\ud7a3" for char in line.text)
    ]
    return min(heights) / HANGUL_HEIGHT if heights else float(page.style.size)


def photograph(page: SyntheticPage, rng: random.Random) -> SyntheticPage:
    """The photo of `page`; the same `rng` state gives the same photo."""
    params = PhotoParams.draw(rng, page)
    noise = np.random.default_rng(rng.getrandbits(64))
    image = _paper(np.asarray(page.image, dtype=np.float32), noise)
    if params.seal and page.lines:
        target = page.lines[int(page.meta.get("seal_line", rng.randrange(len(page.lines))))]
        image = stamp_seal(image, target.box, seal_text(target.text, rng), rng, noise)
    matrix, size = camera_view(page.image.size, params, rng)
    image = _on_desk(image, matrix, size, rng, noise)
    lines = [TruthLine(line.text, transform_box(line.box, matrix)) for line in page.lines]
    image = _blur(_lighting(image, params, rng), params)
    image += noise.standard_normal(image.shape, dtype=np.float32) * np.float32(params.noise)
    image, lines = _low_resolution(image, lines, params)
    meta = {key: _text(value) for key, value in asdict(params).items()}
    photo = SyntheticPage(_jpeg(image, params.jpeg_quality), lines, page.style, dict(page.meta))
    photo.meta.update(meta, profile="photo")
    return photo


def camera_view(
    size: tuple[int, int], params: PhotoParams, rng: random.Random
) -> tuple[Array, tuple[int, int]]:
    """The homography from page to photo pixels, and the photo's size.

    The page is turned by `params.angle`, one edge is shortened by `params.keystone` of its
    length (the camera leans that way) and each corner moves a little; a desk border of 3–7%
    stays visible on every side.
    """
    width, height = size
    page = np.array([[0, 0], [width, 0], [width, height], [0, height]], dtype=np.float32)
    corners = page.copy()
    edge = rng.randrange(4)  # which edge lies farther from the camera
    first, second = edge, (edge + 1) % 4
    inward = corners[[second, first]] - corners[[first, second]]
    corners[[first, second]] += inward * params.keystone / 2
    wobble = [[rng.uniform(-1, 1), rng.uniform(-1, 1)] for _ in range(4)]
    corners += np.array(wobble, dtype=np.float32) * (0.01 * min(width, height))
    theta = np.deg2rad(params.angle)
    turn = np.array([[np.cos(theta), -np.sin(theta)], [np.sin(theta), np.cos(theta)]])
    corners = (corners - corners.mean(axis=0)) @ turn.T
    low, high = corners.min(axis=0), corners.max(axis=0)
    border = (high - low) * rng.uniform(0.03, 0.07)
    corners += border - low
    out = np.ceil(high - low + 2 * border).astype(int)
    matrix = cv2.getPerspectiveTransform(page, corners.astype(np.float32))
    return np.asarray(matrix), (int(out[0]), int(out[1]))


def transform_box(box: Quad, matrix: Array, scale: tuple[float, float] = (1.0, 1.0)) -> Quad:
    """The 4 points of `box` mapped through `matrix`, then scaled, rounded to pixels."""
    points = np.asarray(box, dtype=np.float64).reshape(-1, 1, 2)
    moved = cv2.perspectiveTransform(points, np.asarray(matrix, dtype=np.float64)).reshape(-1, 2)
    return [(round(float(x) * scale[0]), round(float(y) * scale[1])) for x, y in moved]


def _paper(image: Array, noise: np.random.Generator) -> Array:
    """Off-white paper with a faint cloudy texture and grain (ink darkens it multiplicatively)."""
    height, width = image.shape[:2]
    tone = np.array([0.97, 0.95, 0.90], dtype=np.float32) + noise.uniform(-0.02, 0.02, 3).astype(
        np.float32
    )
    clouds = cv2.resize(
        noise.normal(0, 0.012, (height // 160 + 2, width // 160 + 2)).astype(np.float32),
        (width, height),
        interpolation=cv2.INTER_CUBIC,
    )
    grain = noise.standard_normal((height, width), dtype=np.float32) * np.float32(0.02)
    return image * tone * (1 + clouds + grain)[..., None]


def _on_desk(
    image: Array,
    matrix: Array,
    size: tuple[int, int],
    rng: random.Random,
    noise: np.random.Generator,
) -> Array:
    """The page warped onto a desk-coloured background."""
    width, height = size
    desk = np.array(rng.choice(DESKS), dtype=np.float32) * (
        1 + noise.standard_normal((height, width, 1), dtype=np.float32) * np.float32(0.04)
    )
    warped = cv2.warpPerspective(image, matrix, size, flags=cv2.INTER_LINEAR)
    cover = cv2.warpPerspective(
        np.ones(image.shape[:2], np.float32), matrix, size, flags=cv2.INTER_LINEAR
    )[..., None]
    return warped * cover + desk * (1 - cover)


def _lighting(image: Array, params: PhotoParams, rng: random.Random) -> Array:
    """Light falling off across the photo, a vignette, and a soft shadow (a hand or phone).

    The light varies slowly, so it is worked out on a grid 8 times coarser and scaled up.
    """
    height, width = image.shape[:2]
    small_h, small_w = height // 8 + 1, width // 8 + 1
    ys, xs = np.mgrid[0:small_h, 0:small_w].astype(np.float32)
    xs, ys = xs / small_w - 0.5, ys / small_h - 0.5
    theta = rng.uniform(0, 2 * np.pi)
    ramp = np.clip(np.cos(theta) * xs + np.sin(theta) * ys + 0.5, 0, 1)
    light = (1 - params.light * ramp) * (1 - 0.25 * (xs**2 + ys**2))
    shade = np.zeros((small_h, small_w), np.float32)
    if params.shadow:
        centre = (int(rng.choice((0, small_w))), int(rng.uniform(0, small_h)))
        axes = (int(small_w * rng.uniform(0.3, 0.6)), int(small_h * rng.uniform(0.2, 0.45)))
        cv2.ellipse(shade, centre, axes, rng.uniform(0, 180), 0, 360, (1.0,), -1)
        shade = cv2.GaussianBlur(shade, (0, 0), 0.04 * min(small_w, small_h)) * params.shadow
    # Shade is lit by the blue sky or a lamp's spill: a little less red than direct light.
    tint = np.array([1.08, 1.03, 1.0], dtype=np.float32)
    field = light[..., None] * (1 - shade[..., None] * tint)
    return image * cv2.resize(field, (width, height), interpolation=cv2.INTER_LINEAR)


def _blur(image: Array, params: PhotoParams) -> Array:
    if params.blur == "gaussian":
        return cv2.GaussianBlur(image, (0, 0), params.blur_size)
    length = max(int(round(params.blur_size)), 2)
    streak = np.zeros((length, length), np.float32)
    streak[length // 2, :] = 1.0 / length
    turn = cv2.getRotationMatrix2D(((length - 1) / 2, (length - 1) / 2), params.blur_angle, 1.0)
    kernel = np.asarray(cv2.warpAffine(streak, turn, (length, length)), dtype=np.float32)
    kernel /= max(float(kernel.sum()), 1e-6)
    return cv2.filter2D(image, -1, kernel)


def _low_resolution(
    image: Array, lines: list[TruthLine], params: PhotoParams
) -> tuple[Array, list[TruthLine]]:
    """Shrink by `params.scale` (boxes too); with `upscale`, blow it back up to the old size."""
    height, width = image.shape[:2]
    small = (max(round(width * params.scale), 1), max(round(height * params.scale), 1))
    image = cv2.resize(image, small, interpolation=cv2.INTER_AREA)
    if params.upscale:
        image = cv2.resize(image, (width, height), interpolation=cv2.INTER_LINEAR)
    out_w, out_h = image.shape[1], image.shape[0]
    scale = (out_w / width, out_h / height)
    identity = np.eye(3)
    lines = [
        TruthLine(line.text, _inside(transform_box(line.box, identity, scale), out_w, out_h))
        for line in lines
    ]
    return image, lines


def _inside(box: Quad, width: int, height: int) -> Quad:
    return [(min(max(x, 0), width), min(max(y, 0), height)) for x, y in box]


def _jpeg(image: Array, quality: int) -> Image.Image:
    """The image after a JPEG round trip; the result keeps its quantisation tables."""
    buffer = io.BytesIO()
    pixels = np.clip(image, 0, 255).astype(np.uint8)
    Image.fromarray(pixels, "RGB").save(buffer, format="JPEG", quality=quality)
    buffer.seek(0)
    photo = Image.open(buffer)
    photo.load()
    return photo


def _text(value: object) -> str:
    return f"{value:.3f}" if isinstance(value, float) else str(value)

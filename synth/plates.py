"""Synthetic Korean licence plates with ground truth: every format and colour, one line and two.

A plate is drawn flat at its real proportions (one-line 520 x 110 mm, two-line 335 x 170 mm;
two-line plates print the region and type small on top and the usage character and serial
large below), with the text squeezed into its field as the real condensed typeface is. The
real plate typeface is not available: plates are printed in several bold Korean faces, and
`HELD_OUT_PLATE_FONTS` are never used by the tests (the evaluation reads both sets).

`synth.plate_scenes` puts a plate on a car and photographs it.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from functools import lru_cache
from typing import Literal

import numpy as np
from PIL import Image, ImageDraw, ImageFont

from workers.korean.plates import COMMERCIAL, MILITARY, MISSIONS, PRIVATE, REGIONS, RENTAL

Kind = Literal[
    "national3", "national2", "commercial", "rental", "delivery", "ev", "two_line",
    "regional", "diplomatic", "temporary", "military",
]  # fmt: skip
KINDS: tuple[Kind, ...] = (
    "national3", "national2", "commercial", "rental", "delivery", "ev", "two_line",
    "regional", "diplomatic", "temporary", "military",
)  # fmt: skip
"""Every format a set covers, taken in turn."""

_NANUM = "/usr/share/fonts/truetype/nanum/"
_UN = "/usr/share/fonts/truetype/unfonts-core/"
PLATE_FONTS = (_NANUM + "NanumGothicBold.ttf", _NANUM + "NanumSquareB.ttf")
"""Faces the tests print plates in (Debian's fonts-nanum, installed by `make install`)."""
HELD_OUT_PLATE_FONTS = (
    _NANUM + "NanumBarunGothicBold.ttf",
    _NANUM + "NanumSquareRoundB.ttf",
    _UN + "UnDotumBold.ttf",
    _UN + "UnGraphicBold.ttf",
)
"""Faces only the evaluation prints plates in (fonts-nanum and fonts-unfonts-core)."""

Colour = tuple[int, int, int]
STYLES: dict[str, tuple[Colour, Colour]] = {
    "white": ((246, 246, 242), (20, 20, 24)),
    "yellow": ((246, 196, 28), (22, 22, 30)),
    "green": ((34, 110, 70), (246, 246, 240)),
    "ev": ((92, 166, 222), (16, 24, 40)),
    "navy": ((22, 40, 96), (244, 244, 244)),
    "military": ((22, 22, 24), (240, 240, 236)),
}
"""(background, text) of each plate colour."""
ONE_LINE = (520, 110)
TWO_LINE = (335, 170)


@dataclass(frozen=True)
class PlateSpec:
    """One plate: its canonical number (what a reader should return) and how it is printed."""

    kind: Kind
    number: str
    lines: tuple[str, ...]
    """The text of each printed line, top to bottom, spaces as printed."""
    usage: str
    region: str | None
    style: str

    @property
    def two_line(self) -> bool:
        return len(self.lines) == 2


def _digits(rng: random.Random, n: int) -> str:
    return "".join(rng.choice("0123456789") for _ in range(n))


def random_spec(kind: Kind, rng: random.Random) -> PlateSpec:
    """A plate of `kind` with a random number that fits its real format."""
    serial = str(rng.randint(1000, 9999))
    if kind in ("national3", "national2", "commercial", "rental", "delivery", "ev"):
        digits = {"national3": 3, "ev": 3, "national2": 2}.get(kind, rng.choice((2, 3)))
        head = str(rng.randint(100, 999)) if digits == 3 else f"{rng.randint(1, 99):02d}"
        usage_chars = {"commercial": COMMERCIAL, "rental": RENTAL, "delivery": "배"}
        char = rng.choice(usage_chars.get(kind, PRIVATE))
        usage = {"commercial": "commercial", "rental": "rental", "delivery": "delivery"}
        style = {"commercial": "yellow", "delivery": "yellow", "ev": "ev"}.get(kind, "white")
        return PlateSpec(
            kind, f"{head}{char}{serial}", (f"{head}{char} {serial}",),
            usage.get(kind, "private"), None, style,
        )  # fmt: skip
    if kind in ("two_line", "regional"):
        region, head = rng.choice(REGIONS), f"{rng.randint(1, 99):02d}"
        commercial = rng.random() < 0.6
        char = rng.choice(COMMERCIAL if commercial else PRIVATE)
        style = "yellow" if commercial else "green"
        lines: tuple[str, ...] = (f"{region}{head}", f"{char}{serial}")
        if kind == "regional":
            lines = (f"{region}{head} {char} {serial}",)
        purpose = "commercial" if commercial else "private"
        return PlateSpec(kind, f"{region}{head}{char}{serial}", lines, purpose, region, style)
    if kind == "diplomatic":
        mission, first, rank = rng.choice(MISSIONS), _digits(rng, 3), _digits(rng, 3)
        return PlateSpec(
            kind, f"{mission}{first}{rank}", (f"{mission} {first}-{rank}",), "other", None, "navy"
        )
    if kind == "temporary":
        number = _digits(rng, 6)
        return PlateSpec(
            kind, f"임시{number}", (f"임시 {number[:3]}-{number[3:]}",), "other", None, "white"
        )
    head, branch = f"{rng.randint(10, 99)}", rng.choice(MILITARY)
    return PlateSpec(
        kind, f"{head}{branch}{serial}", (f"{head}{branch} {serial}",), "other", None, "military"
    )


@lru_cache(maxsize=32)
def _font(path: str, size: int) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(path, size)


def _text_block(text: str, font_path: str, colour: Colour, size: tuple[int, int]) -> Image.Image:
    """`text` inked in `colour` on a transparent block of exactly `size`: drawn large, cut at
    its ink and squeezed or stretched into the field, as a plate's condensed face fills it."""
    font = _font(font_path, 96)
    left, top, right, bottom = font.getbbox(text)
    block = Image.new("L", (int(right - left) + 8, int(bottom - top) + 8), 0)
    ImageDraw.Draw(block).text((4 - left, 4 - top), text, font=font, fill=255)
    ink = block.crop(block.getbbox()).resize(size, Image.Resampling.LANCZOS)
    tinted = Image.new("RGBA", size, (*colour, 0))
    tinted.putalpha(ink)
    return tinted


Box = tuple[int, int, int, int]


def render_plate(spec: PlateSpec, font_path: str) -> Image.Image:
    """The plate face-on, in pixels of one millimetre, with its rim and the two bolts."""
    return render_plate_rows(spec, font_path)[0]


def render_plate_rows(spec: PlateSpec, font_path: str) -> tuple[Image.Image, list[Box]]:
    """The plate and the box (x0, y0, x1, y1) of each printed row's text, top row first."""
    background, ink = STYLES[spec.style]
    width, height = TWO_LINE if spec.two_line else ONE_LINE
    plate = Image.new("RGB", (width, height), background)
    draw = ImageDraw.Draw(plate)
    draw.rounded_rectangle((2, 2, width - 3, height - 3), radius=10, outline=ink, width=4)
    if spec.two_line:
        top, bottom = spec.lines
        top_block = _text_block(top, font_path, ink, (round(width * 0.52), 44))
        bottom_block = _text_block(bottom, font_path, ink, (round(width * 0.86), 84))
        rows = [_paste(plate, top_block, (0.5, 0.24)), _paste(plate, bottom_block, (0.5, 0.66))]
        for x in (width * 0.2, width * 0.8):  # the bolts above the top line
            draw.ellipse((x - 5, 8, x + 5, 18), fill=tuple(int(c * 0.7) for c in background))
        return plate, rows
    field = round(width * (0.80 if spec.kind in ("national3", "ev") else 0.88))
    rows = [_paste(plate, _text_block(spec.lines[0], font_path, ink, (field, 80)), (0.53, 0.5))]
    if spec.kind in ("national3", "ev"):
        # The hologram seal at the left of post-2019 plates.
        draw.ellipse((14, 40, 40, 66), outline=ink, width=3)
    return plate, rows


def _paste(plate: Image.Image, block: Image.Image, centre: tuple[float, float]) -> Box:
    x = round(plate.width * centre[0] - block.width / 2)
    y = round(plate.height * centre[1] - block.height / 2)
    plate.paste(block, (x, y), block)
    return x, y, x + block.width, y + block.height


def plate_array(spec: PlateSpec, font_path: str) -> np.ndarray:
    """`render_plate` as an RGB array."""
    return np.asarray(render_plate(spec, font_path))

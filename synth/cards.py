"""Synthetic credit cards with ground truth: the front of a card (ISO/IEC 7810 ID-1, 85.6 x 54
mm drawn at 10 px/mm), horizontal or vertical, with a Korean issuer's name, the chip, the
number in its brand's groups (4-4-4-4; American Express 4-6-5), `VALID THRU MM/YY`, and the
holder's name; every number passes Luhn. `synth.damage`-style photo damage is applied by
`photographed`.
"""

from __future__ import annotations

import io
import random
from dataclasses import dataclass

import cv2
import numpy as np
from PIL import Image, ImageDraw, ImageFont

_NANUM = "/usr/share/fonts/truetype/nanum/"
_UN = "/usr/share/fonts/truetype/unfonts-core/"
CARD_FONTS = (_NANUM + "NanumGothicBold.ttf", _NANUM + "NanumSquareB.ttf")
"""Faces the tests print cards in (fonts-nanum)."""
HELD_OUT_CARD_FONTS = (_NANUM + "NanumBarunGothicBold.ttf", _UN + "UnDotumBold.ttf")
"""Faces only the evaluation prints cards in."""
ISSUERS = ("신한카드", "KB국민카드", "삼성카드", "현대카드", "롯데카드", "우리카드", "하나카드",
           "NH농협카드", "BC카드")  # fmt: skip
PREFIXES = {"visa": ("4",), "mastercard": ("51", "53", "55", "2221"), "amex": ("34", "37"),
            "jcb": ("3528", "3566"), "unionpay": ("62",)}  # fmt: skip
HOLDERS = ("HONG GILDONG", "KIM MINJI", "LEE SEOYUN", "PARK JIHOON", "CHOI YUNA", "JUNG WOOJIN")
SIZE = (856, 540)


@dataclass(frozen=True)
class CardSpec:
    number: str
    groups: str
    """The number as printed, groups joined by one space."""
    expiry: str
    brand: str
    vertical: bool


@dataclass(frozen=True)
class SyntheticCard:
    image: Image.Image
    card: CardSpec
    font: str


def luhn_completed(partial: str) -> str:
    """`partial` with the check digit that makes it pass Luhn."""
    total = 0
    for index, char in enumerate(reversed(partial)):
        value = int(char) * (2 if index % 2 == 0 else 1)
        total += value - 9 if value > 9 else value
    return partial + str((10 - total % 10) % 10)


def random_card(rng: random.Random, vertical: bool) -> CardSpec:
    brand = rng.choice(tuple(PREFIXES))
    length = 15 if brand == "amex" else 16
    prefix = rng.choice(PREFIXES[brand])
    body = prefix + "".join(rng.choice("0123456789") for _ in range(length - len(prefix) - 1))
    number = luhn_completed(body)
    sizes = (4, 6, 5) if brand == "amex" else (4, 4, 4, 4)
    parts, start = [], 0
    for size in sizes:
        parts.append(number[start : start + size])
        start += size
    expiry = f"{rng.randint(1, 12):02d}/{rng.randint(26, 32)}"
    return CardSpec(number, " ".join(parts), expiry, brand, vertical)


def render_card(card: CardSpec, font_path: str, rng: random.Random) -> Image.Image:
    width, height = (SIZE[1], SIZE[0]) if card.vertical else SIZE
    top = np.array([rng.randint(20, 200) for _ in range(3)], dtype=np.float32)
    bottom = np.clip(top + rng.uniform(-60, 60), 0, 255)
    ramp = np.linspace(0, 1, height, dtype=np.float32)[:, None, None]
    pixels = (top * (1 - ramp) + bottom * ramp) * np.ones((1, width, 1), np.float32)
    image = Image.fromarray(pixels.astype(np.uint8))
    draw = ImageDraw.Draw(image)
    light = float(np.mean(top)) < 128
    ink = (245, 245, 240) if light else (20, 20, 28)
    font = ImageFont.truetype(font_path, 34)
    big = ImageFont.truetype(font_path, 50 if not card.vertical else 46)
    small = ImageFont.truetype(font_path, 22)
    draw.text((40, 34), rng.choice(ISSUERS), font=font, fill=ink)
    chip_y = 150 if not card.vertical else 170
    draw.rounded_rectangle((60, chip_y, 160, chip_y + 76), radius=10, fill=(212, 180, 90))
    if card.vertical:
        groups = card.groups.split(" ")
        y = 300
        for group in groups:
            draw.text((60, y), group, font=big, fill=ink)
            y += 68
        draw.text((60, y + 30), "VALID THRU", font=small, fill=ink)
        draw.text((220, y + 20), card.expiry, font=font, fill=ink)
        draw.text((60, y + 80), rng.choice(HOLDERS), font=small, fill=ink)
    else:
        draw.text((60, 270), card.groups, font=big, fill=ink)
        draw.text((330, 360), "VALID THRU", font=small, fill=ink)
        draw.text((480, 350), card.expiry, font=font, fill=ink)
        draw.text((60, 440), rng.choice(HOLDERS), font=font, fill=ink)
    return image


def photographed(card: Image.Image, rng: random.Random) -> Image.Image:
    """The card lying on a desk, seen at a slant, a little blurred, JPEG'd."""
    width, height = card.size
    desk = Image.new(
        "RGB", (width + 200, height + 200), tuple(rng.randint(60, 200) for _ in range(3))
    )
    desk.paste(card, (100, 100))
    photo = np.asarray(desk)
    x1, y1 = 100 + width, 100 + height
    src = np.array([[100, 100], [x1, 100], [x1, y1], [100, y1]], dtype=np.float32)
    jitter = np.array([[rng.uniform(-25, 25), rng.uniform(-25, 25)] for _ in range(4)], np.float32)
    matrix = cv2.getPerspectiveTransform(src, src + jitter)
    photo = cv2.warpPerspective(photo, matrix, desk.size, borderMode=cv2.BORDER_REPLICATE)
    if rng.random() < 0.6:
        photo = cv2.GaussianBlur(photo, (0, 0), rng.uniform(0.5, 1.4))
    noise = np.random.default_rng(rng.getrandbits(32)).normal(0, rng.uniform(1, 6), photo.shape)
    photo = np.clip(photo.astype(np.float32) * rng.uniform(0.75, 1.1) + noise, 0, 255)
    buffer = io.BytesIO()
    Image.fromarray(photo.astype(np.uint8)).save(buffer, format="JPEG", quality=rng.randint(45, 85))
    return Image.open(io.BytesIO(buffer.getvalue())).convert("RGB")


def card_set(count: int, seed: int, fonts: tuple[str, ...], photo: bool) -> list[SyntheticCard]:
    """`count` cards, every third vertical; `photo` applies the desk-photo damage."""
    rng = random.Random(seed)
    cards = []
    for index in range(count):
        spec = random_card(rng, vertical=index % 3 == 2)
        font = fonts[index % len(fonts)]
        image = render_card(spec, font, rng)
        cards.append(SyntheticCard(photographed(image, rng) if photo else image, spec, font))
    return cards

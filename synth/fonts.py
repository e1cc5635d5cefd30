"""The Korean fonts synthetic pages are printed with (Debian's `fonts-nanum`)."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from PIL import ImageFont

FONT_DIR = Path("/usr/share/fonts/truetype/nanum")
DOCUMENT_FONTS = (
    "NanumGothic.ttf",
    "NanumBarunGothic.ttf",
    "NanumMyeongjo.ttf",
    "NanumSquareR.ttf",
    "NanumGothicBold.ttf",
)
"""Faces common in Korean office documents: gothic (sans), myeongjo (serif) and bold."""


def font_path(name: str, font_dir: Path = FONT_DIR) -> Path:
    """The file of one font, or FileNotFoundError naming the package that provides it."""
    path = font_dir / name
    if not path.is_file():
        raise FileNotFoundError(f"{path} is missing: install the Debian package fonts-nanum")
    return path


@lru_cache(maxsize=64)
def load_font(name: str, size: int) -> ImageFont.FreeTypeFont:
    """A FreeType font at a pixel size, cached because pages reuse a few sizes."""
    return ImageFont.truetype(str(font_path(name)), size)


RECEIPT_FONTS = ("NanumGothicCoding.ttf", "NanumGothic.ttf", "NanumBarunGothic.ttf")
"""Receipt printers use plain gothic faces, often monospaced."""
SLIDE_FONTS = (
    ("NanumSquareB.ttf", "NanumSquareR.ttf"),
    ("NanumBarunGothicBold.ttf", "NanumBarunGothic.ttf"),
    ("NanumGothicBold.ttf", "NanumGothic.ttf"),
    ("NanumSquareRoundB.ttf", "NanumSquareRoundR.ttf"),
)
"""(title, body) pairs of presentation faces: rounded and square sans serifs."""
NOTICE_FONTS = (
    ("NanumGothicBold.ttf", "NanumGothic.ttf"),
    ("NanumMyeongjoBold.ttf", "NanumMyeongjo.ttf"),
    ("NanumBarunGothicBold.ttf", "NanumBarunGothic.ttf"),
    ("NanumSquareB.ttf", "NanumSquareR.ttf"),
)
"""(heading, body) pairs of official letters and notices."""

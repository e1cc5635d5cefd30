"""Synthetic document pages: printed rows of text on white paper, with their ground truth."""

from __future__ import annotations

import random
from dataclasses import dataclass, field

from PIL import Image, ImageDraw, ImageFont

from synth.corpus import Corpus
from synth.fonts import load_font

Quad = list[tuple[int, int]]


@dataclass(frozen=True)
class TruthLine:
    """One printed line: its text and the 4-point box of its ink, clockwise from top-left."""

    text: str
    box: Quad


@dataclass
class PageStyle:
    """How a page is printed: paper width, font, size and spacing, all in pixels."""

    font: str
    size: int
    width: int
    margin: int
    leading: float = 1.9
    rows: int = 14


@dataclass
class SyntheticPage:
    """A rendered RGB page and its lines in reading order."""

    image: Image.Image
    lines: list[TruthLine]
    style: PageStyle
    meta: dict[str, str] = field(default_factory=dict)

    @property
    def text(self) -> str:
        """The page's text as an OCR result would join it: one line per row segment."""
        return "\n".join(line.text for line in self.lines)


def quad_of(bbox: tuple[int, int, int, int]) -> Quad:
    """The clockwise 4-point form of an axis-aligned (x0, y0, x1, y1) box."""
    x0, y0, x1, y1 = bbox
    return [(x0, y0), (x1, y0), (x1, y1), (x0, y1)]


def render_page(corpus: Corpus, style: PageStyle) -> SyntheticPage:
    """Print a title and `style.rows` rows drawn from `corpus` onto a white page."""
    return print_rows(corpus.title(), [corpus.row() for _ in range(style.rows)], style)


def print_rows(title: str | None, rows: list[list[str]], style: PageStyle) -> SyntheticPage:
    """Print a centred title (if any) and rows of one or two segments onto a white page."""
    font = load_font(style.font, style.size)
    placed: list[tuple[int, int, str, ImageFont.FreeTypeFont]] = []
    y = style.margin
    if title:
        title_font = load_font(style.font, round(style.size * 1.4))
        x = round((style.width - title_font.getlength(title)) / 2)
        placed.append((x, y, title, title_font))
        y += round(style.size * 1.4 * style.leading * 1.3)
    step = round(style.size * style.leading)
    for segments in rows:
        for row in _row_layout(segments, font, style):
            placed.extend((x, y, text, font) for x, text in row)
            y += step
    return _draw(placed, style, height=y + style.margin)


def _row_layout(
    segments: list[str], font: ImageFont.FreeTypeFont, style: PageStyle
) -> list[list[tuple[int, str]]]:
    """Printed rows of (x, text): a second segment right-aligned beside the first.

    A second segment that would sit closer than a detector keeps apart goes to its own row
    (the ground truth would otherwise name two lines where the page shows one); a segment
    wider than the paper is wrapped at spaces.
    """
    content = style.width - 2 * style.margin
    if len(segments) == 2:
        left_end = style.margin + font.getlength(segments[0])
        right_x = round(style.width - style.margin - font.getlength(segments[1]))
        if right_x - left_end >= 4 * style.size:
            return [[(style.margin, segments[0]), (right_x, segments[1])]]
    return [[(style.margin, piece)] for text in segments for piece in wrap(text, font, content)]


def wrap(text: str, font: ImageFont.FreeTypeFont, width: float) -> list[str]:
    """`text` broken at spaces into pieces no wider than `width` (a long word stays whole)."""
    pieces: list[str] = []
    for word in text.split(" "):
        if pieces and font.getlength(f"{pieces[-1]} {word}") <= width:
            pieces[-1] = f"{pieces[-1]} {word}"
        else:
            pieces.append(word)
    return pieces


def _draw(
    placed: list[tuple[int, int, str, ImageFont.FreeTypeFont]], style: PageStyle, height: int
) -> SyntheticPage:
    image = Image.new("RGB", (style.width, height), "white")
    draw = ImageDraw.Draw(image)
    lines = []
    for x, y, text, font in placed:
        draw.text((x, y), text, font=font, fill=(20, 20, 20))
        bbox = draw.textbbox((x, y), text, font=font)
        lines.append(
            TruthLine(text, quad_of((int(bbox[0]), int(bbox[1]), int(bbox[2]), int(bbox[3]))))
        )
    return SyntheticPage(image=image, lines=lines, style=style)


def random_style(rng: random.Random, fonts: tuple[str, ...]) -> PageStyle:
    """A plausible office-document style: 9–12 pt text at 200 dpi on 1000–1400 px paper."""
    size = rng.randint(24, 34)
    return PageStyle(
        font=rng.choice(fonts),
        size=size,
        width=rng.choice((1000, 1100, 1240, 1400)),
        margin=rng.randint(50, 90),
        leading=rng.uniform(1.7, 2.1),
        rows=rng.randint(11, 15),
    )

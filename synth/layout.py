"""A page laid out row by row: text placed left, centred or right, rules and filled shapes.

The document kinds (notices, receipts, slides) are written with it. Text is drawn after the
shapes, so a coloured band can sit behind a title; every text item becomes one ground-truth
line whose box is the ink box Pillow reports for it.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from PIL import Image, ImageDraw, ImageFont

from synth.documents import PageStyle, SyntheticPage, TruthLine, quad_of, wrap

Colour = tuple[int, int, int]
INK: Colour = (20, 20, 20)
PAPER: Colour = (255, 255, 255)
Font = ImageFont.FreeTypeFont


@dataclass(frozen=True)
class Placed:
    """One text item at its top-left position."""

    x: int
    y: int
    text: str
    font: Font
    fill: Colour


@dataclass(frozen=True)
class Shape:
    """A filled rectangle or ellipse, or a (dashed) rule, drawn under the text."""

    kind: str  # "rect", "ellipse", "rule", "dashed"
    box: tuple[int, int, int, int]
    fill: Colour


@dataclass
class Sheet:
    """A page being filled top to bottom; `y` is where the next row starts."""

    width: int
    margin: int
    paper: Colour = PAPER
    y: int = 0
    texts: list[Placed] = field(default_factory=list)
    shapes: list[Shape] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.y = self.y or self.margin

    @property
    def content_width(self) -> int:
        """The width between the margins."""
        return self.width - 2 * self.margin

    def place(self, x: float, text: str, font: Font, fill: Colour = INK) -> None:
        """Put `text` at `x` on the current row (the row does not advance)."""
        self.texts.append(Placed(round(x), self.y, text, font, fill))

    def row(
        self,
        font: Font,
        left: str = "",
        right: str = "",
        centre: str = "",
        leading: float = 1.7,
        indent: int = 0,
        fill: Colour = INK,
    ) -> None:
        """One printed row; a right part too close to the left one moves to a row of its own.

        A left part wider than the page is wrapped at spaces onto further rows.
        """
        step = round(font.size * leading)
        right_x = self.width - self.margin - font.getlength(right)
        if (
            left
            and right
            and right_x - (self.margin + indent + font.getlength(left)) < 3 * font.size
        ):
            self.row(font, left=left, leading=leading, indent=indent, fill=fill)
            self.row(font, right=right, leading=leading, fill=fill)
            return
        if centre:
            self.place((self.width - font.getlength(centre)) / 2, centre, font, fill)
        pieces = wrap(left, font, self.content_width - indent) if left else []
        for number, piece in enumerate(pieces):
            self.place(self.margin + indent, piece, font, fill)
            if number < len(pieces) - 1:
                self.y += step
        if right:
            self.place(right_x, right, font, fill)
        self.y += step

    def columns(self, font: Font, cells: list[tuple[float, str, str]], leading: float) -> bool:
        """Cells `(x, align, text)` on one row, x as a share of the content width.

        `align` is "left" or "right" (x is then the cell's right end). Returns False, placing
        nothing, when two cells would come closer than twice the type size.
        """
        spans = []
        for share, align, text in cells:
            anchor = self.margin + share * self.content_width
            start = anchor - font.getlength(text) if align == "right" else anchor
            spans.append((start, start + font.getlength(text), text))
        if any(b[0] - a[1] < 2 * font.size for a, b in zip(spans, spans[1:], strict=False)):
            return False
        for start, _, text in spans:
            self.place(start, text, font)
        self.y += round(font.size * leading)
        return True

    def rule(self, thickness: int = 2, dashed: bool = False, fill: Colour = (90, 90, 90)) -> None:
        """A horizontal rule across the content width, at the current row."""
        box = (self.margin, self.y, self.width - self.margin, self.y + thickness)
        self.shapes.append(Shape("dashed" if dashed else "rule", box, fill))

    def shape(self, kind: str, box: tuple[int, int, int, int], fill: Colour) -> None:
        """A filled rectangle or ellipse anywhere on the page."""
        self.shapes.append(Shape(kind, box, fill))

    def draw(self, style: PageStyle, height: int | None = None) -> SyntheticPage:
        """Draw shapes, then text, on a page `height` tall (default: just below the content)."""
        height = height or self.y + self.margin
        image = Image.new("RGB", (self.width, height), self.paper)
        draw = ImageDraw.Draw(image)
        for shape in self.shapes:
            _draw_shape(draw, shape)
        lines = []
        for item in self.texts:
            draw.text((item.x, item.y), item.text, font=item.font, fill=item.fill)
            x0, y0, x1, y1 = draw.textbbox((item.x, item.y), item.text, font=item.font)
            lines.append(TruthLine(item.text, quad_of((int(x0), int(y0), int(x1), int(y1)))))
        return SyntheticPage(image=image, lines=lines, style=style)


def _draw_shape(draw: ImageDraw.ImageDraw, shape: Shape) -> None:
    if shape.kind == "rect":
        draw.rectangle(shape.box, fill=shape.fill)
    elif shape.kind == "ellipse":
        draw.ellipse(shape.box, fill=shape.fill)
    elif shape.kind == "rule":
        draw.rectangle(
            (shape.box[0], shape.box[1], shape.box[2], shape.box[3] - 1), fill=shape.fill
        )
    else:
        x0, y0, x1, y1 = shape.box
        for x in range(x0, x1, 12):
            draw.rectangle((x, y0, min(x + 6, x1), y1 - 1), fill=shape.fill)

"""Document fields found by their printed labels in the lines OCR read.

A form prints each field as a label and its value, on one row (`상 호 : 보다상사`, or two
fields on a row: `성명 : 홍길동   생년월일 : …`) or with the value below its label (passports).
OCR may read a label and its value as one line or as several, spread a label's letters
(`사 업 자`), misread one of its letters, and read `:` as `;` or `：`. So the lines are first
grouped into rows along the page's own slant, then each row's text is searched with its
spaces removed for every label (exactly, else within one edit for labels of four or more
letters; a label with brackets also without them); where labels overlap, the longer one
wins (`법인등록번호` over `등록번호`). A value runs from its label to the next label on the
row, or, where a label asks for it and its row holds nothing, is the piece of text below it.
"""

from __future__ import annotations

import math
import re
import statistics
import unicodedata
from dataclasses import dataclass

from rapidfuzz.distance import Levenshtein

from shared.analyses.general import Line, Quad

SEPARATORS = ":：;；.·"
"""What OCR reads between a label and its value."""
BRACKETS = re.compile(r"[()\[\]]")
"""Brackets in a label, which OCR drops at times (`법인명 단체명` for `법인명(단체명)`): a label
that holds them is also searched for without them."""


@dataclass(frozen=True)
class Label:
    """A field's label: its canonical key and the ways forms print it (spaces ignored)."""

    key: str
    printed: tuple[str, ...]
    below: bool = False
    """The value sits under the label (whatever is read beside it is the label's own
    misread rest, as `발급일/0ㅁ866 of issue`)."""


@dataclass(frozen=True)
class Piece:
    """A word (or a line without word boxes) with where it is."""

    text: str
    confidence: float
    box: Quad
    line: int = 0
    """Which of the page's lines it is from."""

    @property
    def left(self) -> float:
        return min(x for x, _ in self.box)

    @property
    def right(self) -> float:
        return max(x for x, _ in self.box)


@dataclass(frozen=True)
class Found:
    """A labelled value: the label as its form names it, the value's text as read (spaces
    kept), its least confident piece, and the box around its pieces."""

    key: str
    label: str
    value: str
    confidence: float
    box: Quad | None


RULE = re.compile(r"^\s*(\S)\1{0,2}\s*$")
"""A value's first piece that is one character, once or repeated (`0`, `000`, `이이`), read as
a line of its own before more text: a table's rule or a cell's edge read as text (in the
value's own line it is a letter set apart: `최 영호`, `제 일 약국`)."""
NOISE_CONFIDENCE = 0.5
"""A single character read below this is a rule, a cell's edge or a speck, not text."""


def pieces_of(line: Line, index: int = 0) -> list[Piece]:
    """The line's words (or the line itself without word boxes), specks left out."""
    if line.words:
        words = [Piece(word.text, word.confidence, word.box, index) for word in line.words]
    else:
        words = [Piece(line.text, line.confidence, line.box, index)]
    return [p for p in words if len(p.text.strip()) > 1 or p.confidence >= NOISE_CONFIDENCE]


def slant(lines: list[Line]) -> float:
    """The page's text slant (radians): the median of its lines' top edges."""
    angles = [
        math.atan2(line.box[1][1] - line.box[0][1], line.box[1][0] - line.box[0][0])
        for line in lines
        if line.box[1][0] - line.box[0][0] > 2 * _height(line.box)
    ]
    return statistics.median(angles) if angles else 0.0


def rows_of(lines: list[Line]) -> list[list[Piece]]:
    """Pieces grouped into printed rows (centres within half a line height of each other once
    the slant is taken out), each row left to right, rows top to bottom."""
    turn = -slant(lines)
    placed = []
    for index, line in enumerate(lines):
        cx = sum(x for x, _ in line.box) / 4
        cy = sum(y for _, y in line.box) / 4
        level = cx * math.sin(turn) + cy * math.cos(turn)
        placed.append((level, _height(line.box), index))
    placed.sort(key=lambda item: item[0])
    rows: list[list[tuple[float, float, int]]] = []
    for item in placed:
        if rows and abs(item[0] - rows[-1][-1][0]) < 0.5 * max(item[1], rows[-1][-1][1]):
            rows[-1].append(item)
        else:
            rows.append([item])
    return [
        sorted((p for _, _, i in row for p in pieces_of(lines[i], i)), key=lambda p: p.left)
        for row in rows
    ]


def find_fields(lines: list[Line], labels: tuple[Label, ...]) -> dict[str, Found]:
    """Each label's first value on the page (a label found with nothing after or below it
    is skipped, so a later printing of it may give the value)."""
    rows = rows_of(lines)
    found: dict[str, Found] = {}
    for index, row in enumerate(rows):
        for hit, value_pieces in _values(row, labels):
            if hit.label.key in found:
                continue
            if hit.label.below:
                value_pieces = _under(hit, row, rows[index + 1 : index + 3], labels)
            value = _clean(" ".join(text for text, _ in value_pieces))
            if value:
                pieces = [piece for _, piece in value_pieces]
                found[hit.label.key] = Found(
                    key=hit.label.key,
                    label=hit.printed,
                    value=value,
                    confidence=min(p.confidence for p in pieces),
                    box=union([p.box for p in pieces]),
                )
    return found


@dataclass(frozen=True)
class _Hit:
    label: Label
    printed: str
    """The label's form that was found."""
    start: int
    end: int
    """Span in the row's compact text."""


def _values(
    row: list[Piece], labels: tuple[Label, ...]
) -> list[tuple[_Hit, list[tuple[str, Piece]]]]:
    """Each label found on the row with the text after it up to the next label, as (text,
    piece) parts (a piece's text cut where a label begins or ends inside it)."""
    owners = [(i, c) for i, piece in enumerate(row) for c in piece.text if not c.isspace()]
    compact = "".join(c for _, c in owners)
    hits = _hits(compact, labels)
    results = []
    for number, hit in enumerate(hits):
        stop = hits[number + 1].start if number + 1 < len(hits) else len(compact)
        parts: dict[int, str] = {}
        for position in range(hit.end, stop):
            owner = owners[position][0]
            parts[owner] = parts.get(owner, "") + owners[position][1]
        # A piece kept whole keeps its spaces; a cut one is rebuilt from its characters.
        values = [
            (row[i].text if text == row[i].text.replace(" ", "") else text, row[i])
            for i, text in parts.items()
        ]
        while (
            len(values) > 1 and RULE.match(values[0][0]) and values[0][1].line != values[1][1].line
        ):
            values.pop(0)
        results.append((hit, values))
    return results


def _hits(compact: str, labels: tuple[Label, ...]) -> list[_Hit]:
    """Labels found in a row's compact text, longest first, none overlapping, left to right."""
    candidates = []
    for label in labels:
        for printed in label.printed:
            span = _search(compact, printed.replace(" ", ""))
            if span is None and BRACKETS.search(printed):
                span = _search(compact, BRACKETS.sub("", printed.replace(" ", "")))
            if span is not None:
                candidates.append(_Hit(label, printed, *span))
                break
    candidates.sort(key=lambda hit: -(hit.end - hit.start))
    kept: list[_Hit] = []
    for hit in candidates:
        if all(hit.end <= other.start or hit.start >= other.end for other in kept):
            kept.append(hit)
    return sorted(kept, key=lambda hit: hit.start)


def _search(text: str, label: str) -> tuple[int, int] | None:
    """Where `label` is in `text`: exactly, else (four letters or more) within one edit."""
    start = text.find(label)
    if start >= 0:
        return start, start + len(label)
    if len(label) < 4:
        return None
    for size in (len(label), len(label) - 1, len(label) + 1):
        for start in range(0, len(text) - size + 1):
            if Levenshtein.distance(text[start : start + size], label, score_cutoff=1) <= 1:
                return start, start + size
    return None


def _under(
    hit: _Hit, row: list[Piece], below: list[list[Piece]], labels: tuple[Label, ...]
) -> list[tuple[str, Piece]]:
    """The first line under the label (in the next two rows) that is no label itself, its
    words left to right."""
    label_piece = _piece_at(row, hit.start)
    reach = label_piece.right + _height(label_piece.box)
    for next_row in below:
        for piece in next_row:
            if piece.right > label_piece.left and piece.left < reach:
                line = [p for p in next_row if p.line == piece.line]
                if not _hits("".join(p.text.replace(" ", "") for p in line), labels):
                    return [(p.text, p) for p in line]
    return []


def _piece_at(row: list[Piece], position: int) -> Piece:
    count = 0
    for piece in row:
        count += len(piece.text.replace(" ", ""))
        if count > position:
            return piece
    return row[-1]


def _clean(value: str) -> str:
    """The value with full-width forms made plain (`，`), its separator and spaces dropped."""
    return unicodedata.normalize("NFKC", value).strip().lstrip(SEPARATORS).strip()


def _height(box: Quad) -> float:
    """A box's height across its text (its left and right edges), whatever its slant."""
    return (math.dist(box[0], box[3]) + math.dist(box[1], box[2])) / 2


def union(boxes: list[Quad]) -> Quad:
    """The upright box around several boxes."""
    xs = [x for box in boxes for x, _ in box]
    ys = [y for box in boxes for _, y in box]
    return [(min(xs), min(ys)), (max(xs), min(ys)), (max(xs), max(ys)), (min(xs), max(ys))]

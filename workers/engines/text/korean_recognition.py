"""Boda's own Korean line recogniser (a CRNN trained on generated lines) on onnxruntime.

The model reads Hangul, Latin letters, digits and the symbols of Korean documents in one pass
(see jamo_alphabet and the model card next to the weights). Lines of one image are read in
batches of similar width; word boxes come from the time steps each character spans.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import cv2
import numpy as np

from workers.engines.runtime.local_model import OnnxModel, batches_by_width
from workers.engines.text.ctc import alignment, beam_search, greedy_labels, log_likelihood
from workers.engines.text.line_crops import ink_columns
from workers.engines.text.recognition import LineReading, Piece
from workers.korean.jamo import DecodedChar, JamoAlphabet
from workers.korean.language_model import JamoLanguageModel

LINE_HEIGHT = 32
"""Pixel height of the model's input; lines are scaled to it, keeping their aspect."""
STRIDE = 4
"""Pixels of the scaled strip per output time step."""
MARGIN = 0.35
"""Blank kept beside a line's ink, in line heights (training lines had up to half a font size)."""
PAPER = 0.2
"""Least paper after a line's last ink, in line heights, where the model reads page lines.
Chosen on detector crops of the evaluation's pages (seed 0, both profiles) and the held-out
lines of `bench.eval_lines`: sentences whose final `.` survives 21 → 36 of 37, line CER
5.97 → 5.79 % (page-wide lines) and 20.9 → 21.1 % (low resolution); padding both ends or by
0.35 lost more than it won on those lines, and plate rows read worse with any (5.4 → 5.9 %)."""
BATCH_COLUMNS = 32 * 2048
"""Most strip columns per inference call (padding included): a batch of wide lines is cut
short."""
BATCH_SPREAD = 1.25
"""A batch's widest line at most this much wider (+ STRIDE) than its narrowest: padding a short
line far beyond its end leaves the backward LSTM reading a long blank before the text, which
the model never saw in training and which costs it letters."""


LANGUAGE_WEIGHT = 0.1
"""Weight of the language model's log-probability of each jamo in the beam search..."""
JAMO_BONUS = 0.2
"""...and what each jamo adds, so that the model's costs do not favour dropping letters. Both
chosen with `python -m bench.eval_lines --tune` on lines no evaluation uses (the training's
validation seed)."""
SURE = 0.9
"""A line whose every letter greedy decoding reads at least this surely is kept as read: the
beam search is for the lines the picture leaves open (on the tuning lines, 0.9 reads exactly
as 0.98 with a fifth fewer lines searched)."""


class KoreanLineRecognizer(OnnxModel):
    """The ONNX line model in `<models>/text_recognition/<name>/inference.onnx`; with a
    `language` model, lines read unsurely are decoded by a beam search that weighs each
    syllable by how Korean is spelt, else greedily. `extend_paper` gives a strip cut at its
    last letter some paper after it (see PAPER; page lines want it, plate rows do not)."""

    def __init__(
        self,
        model_dir: Path,
        threads: int = 0,
        device: str = "cpu",
        language: JamoLanguageModel | None = None,
        weights: tuple[float, float] = (LANGUAGE_WEIGHT, JAMO_BONUS),
        extend_paper: bool = True,
    ) -> None:
        super().__init__(model_dir, threads, device)
        self.alphabet = JamoAlphabet()
        self.language = language
        self.weights = weights
        self.extend_paper = extend_paper

    def predict(self, crops: Sequence[np.ndarray]) -> list[LineReading]:
        """One reading per RGB line strip, with word boxes in the strip's pixels."""
        if not crops:
            return []
        self.load()
        framed = [_framed(crop, self.extend_paper) for crop in crops]
        strips = [to_line_height(grey) for grey, _ in framed]
        readings: list[LineReading | None] = [None] * len(crops)
        widths = [strip.shape[1] for strip in strips]
        for batch in batches_by_width(widths, BATCH_SPREAD, STRIDE, BATCH_COLUMNS):
            probabilities = self._run([strips[i] for i in batch])
            for row, index in zip(probabilities, batch, strict=True):
                # The whole row, padding included: the model was trained on padded batches
                # and may place a line's last letter a step or two into the padding.
                chars = self._decoded(row)
                grey, left = framed[index]
                scale = grey.shape[1] / strips[index].shape[1]
                readings[index] = self._reading(chars, scale, left, crops[index].shape[:2])
        return [reading for reading in readings if reading is not None]

    def _decoded(self, probabilities: np.ndarray) -> list[DecodedChar]:
        chars = self.alphabet.decode(probabilities)
        if self.language is None or all(char.confidence >= SURE for char in chars):
            return chars
        labels = beam_search(probabilities, self._bonus)
        if labels == greedy_labels(probabilities):
            return chars
        spans = alignment(probabilities, labels)
        return self.alphabet.compose(
            [(label, *span) for label, span in zip(labels, spans, strict=True)]
        )

    def _bonus(self, before: tuple[int, ...], token: int) -> float:
        assert self.language is not None
        if not self.language.is_jamo(token):
            return 0.0
        weight, bonus = self.weights
        return weight * self.language.log_prob(before, token) + bonus

    def log_likelihoods(self, crop: np.ndarray, texts: Sequence[str]) -> list[float]:
        """log P(text | line strip) of each text under the model (every CTC alignment counted;
        -inf for a text the alphabet cannot spell): how well each candidate fits the line."""
        self.load()
        probabilities = self._run([to_line_height(_framed(crop, self.extend_paper)[0])])[0]
        log_probs = np.log(np.maximum(probabilities, 1e-12))
        scores = []
        for text in texts:
            try:
                labels = self.alphabet.encode(text)
            except KeyError:
                scores.append(float("-inf"))
                continue
            scores.append(log_likelihood(log_probs, labels))
        return scores

    def _run(self, strips: list[np.ndarray]) -> np.ndarray:
        width = max(strip.shape[1] for strip in strips)
        batch = np.stack(
            [np.pad(s, ((0, 0), (0, width - s.shape[1])), mode="edge") for s in strips]
        )
        return self._infer("lines", (batch.astype(np.float32) / 127.5 - 1.0)[:, None])

    def _reading(
        self, chars: list[DecodedChar], scale: float, left: int, size: tuple[int, int]
    ) -> LineReading:
        """Words as pieces (what orientation weighs), each as sure as its least sure letter;
        `scale` and `left` map the model's strip back onto the crop."""
        height, width = size
        pieces: list[Piece] = []
        for word in _split_words(chars):
            x0 = left + word[0].first_step * STRIDE * scale
            x1 = left + (word[-1].last_step + 1) * STRIDE * scale
            x0, x1 = min(max(x0, 0.0), width - 1.0), min(max(x1, 1.0), float(width))
            text = "".join(char.char for char in word)
            confidence = min(char.confidence for char in word)
            pieces.append(Piece(text, confidence, (x0, 0.0, x1, float(height))))
        return LineReading.from_pieces(pieces, self.name)


def _framed(crop: np.ndarray, extend: bool) -> tuple[np.ndarray, int]:
    """The grey strip worth reading and the crop column it starts at: the line's ink and MARGIN
    line heights on either side, as the model was trained on, with PAPER line heights of paper
    after the last ink where the crop ends sooner and `extend` says so.

    A detector's box can leave a line height of blank or more at an end (beside a bullet, say),
    where the model reads a stray `°`: that is cut off. A box can also end at the last letter,
    where the model, which places a letter a step or two after its ink, drops it: there the
    paper is extended with its median tone.
    """
    grey = cv2.cvtColor(crop, cv2.COLOR_RGB2GRAY)
    height, width = grey.shape
    inked = np.flatnonzero(ink_columns(grey))
    if inked.size == 0:
        return grey, 0
    margin = round(MARGIN * height)
    left = max(int(inked[0]) - margin, 0)
    strip = grey[:, left : min(int(inked[-1]) + 1 + margin, width)]
    short = round(PAPER * height) - (width - 1 - int(inked[-1]))
    if extend and short > 0:
        strip = np.pad(strip, ((0, 0), (0, short)), constant_values=np.median(grey))
    return strip, left


def to_line_height(grey: np.ndarray) -> np.ndarray:
    """A grey strip LINE_HEIGHT high, keeping its aspect (at least 8 wide): what the model reads,
    and what training scales its lines with."""
    height, width = grey.shape
    new_width = max(8, round(width * LINE_HEIGHT / max(height, 1)))
    interpolation = cv2.INTER_AREA if height > LINE_HEIGHT else cv2.INTER_LINEAR
    return cv2.resize(grey, (new_width, LINE_HEIGHT), interpolation=interpolation)


def _split_words(chars: list[DecodedChar]) -> list[list[DecodedChar]]:
    words: list[list[DecodedChar]] = [[]]
    for char in chars:
        if char.char == " ":
            words.append([])
        else:
            words[-1].append(char)
    return [word for word in words if word]

"""What a text recogniser returns for one line image.

Recognisers read upright line strips (see line_crops). Word boxes are in the strip's pixels;
the pipeline maps them back to the page.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

Box = tuple[float, float, float, float]
"""(x0, y0, x1, y1) in pixels of a line strip."""


@dataclass(frozen=True)
class WordReading:
    """One space-separated word of a line, its confidence (0–1) and its box in the strip."""

    text: str
    confidence: float
    box: Box


@dataclass(frozen=True)
class Piece(WordReading):
    """A recogniser's own segment of a line, which may be part of a word.

    Tesseract cuts Korean words into pieces and says whether a space precedes each.
    """

    spaced: bool = True


@dataclass(frozen=True)
class LineReading:
    """The text of one line strip.

    `words` is empty when the recogniser gives no word boxes; `pieces` is empty unless the
    recogniser segments lines more finely than words.
    """

    text: str
    confidence: float
    words: list[WordReading] = field(default_factory=list)
    recognizer: str = ""
    pieces: list[Piece] = field(default_factory=list)

    @classmethod
    def from_words(cls, words: list[WordReading], recognizer: str) -> LineReading:
        """A line made of words: text joined by spaces, confidence weighted by length."""
        if not words:
            return cls(text="", confidence=0.0, recognizer=recognizer)
        weights = [len(word.text) for word in words]
        confidence = sum(w.confidence * n for w, n in zip(words, weights, strict=True))
        return cls(
            text=" ".join(word.text for word in words),
            confidence=confidence / max(sum(weights), 1),
            words=words,
            recognizer=recognizer,
        )

    @classmethod
    def from_pieces(cls, pieces: list[Piece], recognizer: str) -> LineReading:
        """A line made of pieces, joined into words where no space separates them."""
        reading = cls.from_words(join_pieces(pieces), recognizer)
        return replace(reading, pieces=pieces)


def join_pieces(pieces: list[Piece]) -> list[WordReading]:
    """Words from pieces: a word is as sure as its least sure piece; its box spans them."""
    words: list[WordReading] = []
    for index, piece in enumerate(pieces):
        if index == 0 or piece.spaced:
            words.append(WordReading(piece.text, piece.confidence, piece.box))
            continue
        last = words[-1]
        box = (
            min(last.box[0], piece.box[0]),
            min(last.box[1], piece.box[1]),
            max(last.box[2], piece.box[2]),
            max(last.box[3], piece.box[3]),
        )
        words[-1] = WordReading(last.text + piece.text, min(last.confidence, piece.confidence), box)
    return words

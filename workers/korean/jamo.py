"""The output alphabet of Boda's Korean line recogniser: Hangul as jamo, plus Latin and symbols.

A Hangul syllable is written as its initial consonant, vowel and optional final consonant,
each a token of its own (the initial ㄱ and the final ㄱ are different tokens, so a sequence
splits into syllables one way only). 67 jamo tokens spell all 11,172 modern syllables, the
2,350 of KS X 1001 among them; a recogniser with one output per syllable would need 2,350
classes and sees the rare ones too seldom to learn them. A CTC model has time steps to spare
for this: a syllable is about as wide as the line is high, 8 steps of the model's 4-pixel
stride, for at most 3 tokens.

Other characters are tokens as they are: printable ASCII, the space, and the symbols Korean
documents print. Full-width forms are NFKC-folded to their ASCII twins before encoding (the
glyphs are the same), except `㈜`, which is a token of its own.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

INITIALS = "ㄱㄲㄴㄷㄸㄹㅁㅂㅃㅅㅆㅇㅈㅉㅊㅋㅌㅍㅎ"
VOWELS = "ㅏㅐㅑㅒㅓㅔㅕㅖㅗㅘㅙㅚㅛㅜㅝㅞㅟㅠㅡㅢㅣ"
FINALS = "ㄱㄲㄳㄴㄵㄶㄷㄹㄺㄻㄼㄽㄾㄿㅀㅁㅂㅄㅅㅆㅇㅈㅊㅋㅌㅍㅎ"
SYMBOLS = "·※～㈜°±×÷■□▶▷◆◇○●◎★☆→←↑↓「」『』【】《》〈〉…‘’“”㎡㎏㎞㎝㎜ℓ₩€¥①②③④⑤"
OTHERS = " " + "".join(chr(code) for code in range(0x21, 0x7F)) + SYMBOLS
FIRST_SYLLABLE, LAST_SYLLABLE = 0xAC00, 0xD7A3

_KEEP_AS_IS = set(SYMBOLS)
COMPOUND_VOWELS = {
    ("ㅗ", "ㅏ"): "ㅘ", ("ㅗ", "ㅐ"): "ㅙ", ("ㅗ", "ㅣ"): "ㅚ", ("ㅜ", "ㅓ"): "ㅝ",
    ("ㅜ", "ㅔ"): "ㅞ", ("ㅜ", "ㅣ"): "ㅟ", ("ㅡ", "ㅣ"): "ㅢ",
}  # fmt: skip
"""Vowels written as two strokes groups: read as two vowel tokens, they are one."""


@lru_cache(maxsize=1)
def ks_x_1001_syllables() -> str:
    """The 2,350 Hangul syllables of KS X 1001 (the ones EUC-KR encodes), in code order."""
    syllables = []
    for lead in range(0xB0, 0xC9):
        for trail in range(0xA1, 0xFF):
            char = bytes((lead, trail)).decode("euc-kr", errors="ignore")
            if char and FIRST_SYLLABLE <= ord(char) <= LAST_SYLLABLE:
                syllables.append(char)
    return "".join(syllables)


def normalise(text: str) -> str:
    """Text as the recogniser spells it: full-width forms folded, whitespace runs one space."""
    folded = "".join(
        char if char in _KEEP_AS_IS else unicodedata.normalize("NFKC", char) for char in text
    )
    return " ".join(folded.split())


@dataclass(frozen=True)
class DecodedChar:
    """One character of a decoded line: its confidence and the time steps it spans."""

    char: str
    confidence: float
    first_step: int
    last_step: int


class JamoAlphabet:
    """Token ids <-> text. Id 0 is the CTC blank."""

    def __init__(self) -> None:
        self.tokens: list[str] = (
            ["<blank>"]
            + [f"I{j}" for j in INITIALS]
            + [f"V{j}" for j in VOWELS]
            + [f"F{j}" for j in FINALS]
            + list(OTHERS)
        )
        self._ids = {token: index for index, token in enumerate(self.tokens)}
        self._first_vowel = 1 + len(INITIALS)
        self._first_final = self._first_vowel + len(VOWELS)
        self._first_other = self._first_final + len(FINALS)

    def __len__(self) -> int:
        return len(self.tokens)

    def covers(self, text: str) -> bool:
        """True if every character of `normalise(text)` can be spelt."""
        return all(self._spellable(char) for char in normalise(text))

    def _spellable(self, char: str) -> bool:
        return FIRST_SYLLABLE <= ord(char) <= LAST_SYLLABLE or char in self._ids

    def encode(self, text: str) -> list[int]:
        """Token ids of `normalise(text)`; KeyError for a character outside the alphabet."""
        ids: list[int] = []
        for char in normalise(text):
            code = ord(char) - FIRST_SYLLABLE
            if 0 <= code <= LAST_SYLLABLE - FIRST_SYLLABLE:
                initial, rest = divmod(code, 21 * 28)
                vowel, final = divmod(rest, 28)
                ids.append(1 + initial)
                ids.append(self._first_vowel + vowel)
                if final:
                    ids.append(self._first_final + final - 1)
            else:
                ids.append(self._ids[char])
        return ids

    def decode(self, probabilities: np.ndarray) -> list[DecodedChar]:
        """Greedy CTC decoding of one line's (steps, tokens) softmax output, jamo composed.

        A character's confidence is the least sure of its tokens' peak probabilities.
        """
        best = probabilities.argmax(axis=1)
        peaks = probabilities[np.arange(len(best)), best]
        tokens: list[tuple[int, float, int, int]] = []  # id, probability, first and last step
        previous = 0
        for step, token in enumerate(best.tolist()):
            if token != 0 and token == previous and tokens:
                last = tokens[-1]
                tokens[-1] = (token, max(last[1], float(peaks[step])), last[2], step)
            elif token != 0:
                tokens.append((token, float(peaks[step]), step, step))
            previous = token
        return self.compose(tokens)

    def compose(self, tokens: Sequence[tuple[int, float, int, int]]) -> list[DecodedChar]:
        """Labels (id, confidence, first and last step) as characters, jamo joined into
        syllables."""
        chars: list[DecodedChar] = []
        index = 0
        while index < len(tokens):
            token, confidence, first, last = tokens[index]
            following = tokens[index + 1] if index + 1 < len(tokens) else None
            if self._is_initial(token) and following and self._is_vowel(following[0]):
                vowel = following[0]
                parts = [tokens[index], following]
                index += 2
                if index < len(tokens) and self._is_vowel(tokens[index][0]):
                    # A syllable has one vowel: a second one is the model splitting a
                    # compound vowel (ㅗ + ㅚ for ㅚ), or seeing part of one first.
                    vowel = self._compound(vowel, tokens[index][0])
                    parts.append(tokens[index])
                    index += 1
                code = (token - 1) * 21 * 28 + (vowel - self._first_vowel) * 28
                if index < len(tokens) and self._is_final(tokens[index][0]):
                    code += tokens[index][0] - self._first_final + 1
                    parts.append(tokens[index])
                    index += 1
                chars.append(
                    DecodedChar(
                        chr(FIRST_SYLLABLE + code),
                        min(part[1] for part in parts),
                        parts[0][2],
                        parts[-1][3],
                    )
                )
                continue
            # A jamo without its syllable is written as the compatibility jamo it is.
            text = self.tokens[token][1:] if token < self._first_other else self.tokens[token]
            chars.append(DecodedChar(text, confidence, first, last))
            index += 1
        return chars

    def _compound(self, first: int, second: int) -> int:
        """The vowel token two vowel tokens in a row stand for."""
        one, two = self.tokens[first][1:], self.tokens[second][1:]
        joined = COMPOUND_VOWELS.get((one, two))
        if joined is not None:
            return self._ids[f"V{joined}"]
        # The second is already the compound the first is part of (ㅗ then ㅚ), or the two
        # do not combine and the later, more complete reading is kept.
        return second

    def _is_initial(self, token: int) -> bool:
        return 1 <= token < self._first_vowel

    def _is_vowel(self, token: int) -> bool:
        return self._first_vowel <= token < self._first_final

    def _is_final(self, token: int) -> bool:
        return self._first_final <= token < self._first_other

"""How Korean words are spelt, as a jamo n-gram: the prior that lets the line model's decoder
choose a plausible syllable where the picture leaves two or three open.

The model counts sequences of jamo tokens (`workers.korean.jamo`: an initial, a vowel, an
optional final per syllable) of up to `ORDER` tokens, about two syllables, inside Korean words
weighted by how often they are written (the `wordfreq` package's Korean list) and the words of
the documents Boda reads (tax offices, business types, provinces, districts). Probabilities
are interpolated down to single tokens with Witten-Bell smoothing, so an unseen syllable is
unlikely, never impossible. Only jamo are scored: digits, Latin letters and symbols are left to
the picture, and a word boundary is any token that is not a jamo.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable, Sequence
from functools import cache, lru_cache

from workers.korean.jamo import JamoAlphabet
from workers.korean.lexicons import BUSINESS_TYPES, DISTRICTS, PROVINCES, TAX_OFFICES

ORDER = 6
"""Tokens per n-gram (five of context): two syllables, or three open ones."""
COUNT_SCALE = 1e7
"""A word's frequency (share of all words written) times this is its count, at least 1."""
DOCUMENT_WORD_COUNT = 100.0
"""Count of each document-vocabulary word: that of a word written about once in 100,000."""


class JamoLanguageModel:
    """P(next jamo token | the tokens before it), interpolated Witten-Bell."""

    def __init__(self, words: Iterable[tuple[str, float]], order: int = ORDER) -> None:
        self.order = order
        self.alphabet = JamoAlphabet()
        self._boundary = self.alphabet.tokens.index(" ")
        self._counts: defaultdict[tuple[int, ...], defaultdict[int, float]] = defaultdict(
            lambda: defaultdict(float)
        )
        for word, count in words:
            self._add(self.alphabet.encode(word), count)
        self._totals = {context: sum(c.values()) for context, c in self._counts.items()}
        self._types = {context: len(c) for context, c in self._counts.items()}

    @classmethod
    @cache
    def korean(cls) -> JamoLanguageModel:
        """The model of everyday and document Korean, built once per process (about a second)."""
        from wordfreq import get_frequency_dict

        # The list's 29,988 words, 26,795 of them Hangul.
        words = [
            (word, max(1.0, frequency * COUNT_SCALE))
            for word, frequency in get_frequency_dict("ko").items()
            if _is_hangul(word)
        ]
        words += [(word, DOCUMENT_WORD_COUNT) for word in document_words()]
        return cls(words)

    def is_jamo(self, token: int) -> bool:
        """Whether the model scores `token` (the other tokens are word boundaries to it)."""
        return 0 < token < self._boundary

    def log_prob(self, before: Sequence[int], token: int) -> float:
        """log P(`token` | the tokens `before` it)."""
        return self._log_prob(tuple(before[-(self.order - 1) :]), token)

    @lru_cache(maxsize=1 << 18)  # noqa: B019 - one model per process, kept for its life
    def _log_prob(self, tail: tuple[int, ...], token: int) -> float:
        # Bounded, so that a worker reading for months holds no more than the contexts it
        # meets most.
        # The context: tokens other than jamo read as a boundary, and one before the first.
        context = tuple(t if self.is_jamo(t) else self._boundary for t in tail)
        if len(tail) < self.order - 1:
            context = (self._boundary, *context)
        return math.log(self._prob(context, token))

    def _prob(self, context: tuple[int, ...], token: int) -> float:
        if not context:
            seen = self._counts[()].get(token, 0.0)
            return (seen + 1) / (self._totals.get((), 0) + len(self.alphabet))
        shorter = self._prob(context[1:], token)
        total = self._totals.get(context)
        if not total:
            return shorter
        types = self._types[context]
        return (self._counts[context].get(token, 0.0) + types * shorter) / (total + types)

    def _add(self, tokens: list[int], count: float) -> None:
        sequence = [self._boundary, *tokens, self._boundary]
        for end in range(1, len(sequence)):
            for length in range(min(self.order, end + 1)):
                self._counts[tuple(sequence[end - length : end])][sequence[end]] += count


def document_words() -> set[str]:
    """The Hangul words of the documents Boda reads (its field vocabularies)."""
    texts = [
        *(f"{office} 세무서" for office in TAX_OFFICES),
        *BUSINESS_TYPES,
        *PROVINCES,
        *DISTRICTS.values(),
    ]
    return {
        word.strip(",") for text in texts for word in text.split() if _is_hangul(word.strip(","))
    }


def _is_hangul(word: str) -> bool:
    return bool(word) and all("\uac00" <= char <= "\ud7a3" for char in word)

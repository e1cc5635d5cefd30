"""The jamo n-gram the line model's beam search weighs syllables with."""

from __future__ import annotations

import math

import pytest

from workers.korean.jamo import JamoAlphabet
from workers.korean.language_model import JamoLanguageModel, document_words

ALPHABET = JamoAlphabet()


def tokens(text: str) -> list[int]:
    return ALPHABET.encode(text)


@pytest.fixture(scope="module")
def korean() -> JamoLanguageModel:
    return JamoLanguageModel.korean()


def test_each_context_is_a_distribution_over_every_token(korean: JamoLanguageModel) -> None:
    for before in ([], tokens("대한민"), tokens("서울 12"), tokens("A 뷁똠")):
        total = sum(math.exp(korean.log_prob(before, token)) for token in range(len(ALPHABET)))
        assert total == pytest.approx(1.0, abs=1e-6)


def test_a_common_word_goes_on_as_it_is_spelt(korean: JamoLanguageModel) -> None:
    before = tokens("대한민")
    assert korean.log_prob(before, ALPHABET.tokens.index("Iㄱ")) > korean.log_prob(
        before, ALPHABET.tokens.index("Iㅋ")
    )
    # 한 after 대 (대한) is likelier than 헌 (대헌): the vowel the picture may leave open.
    after = tokens("대") + tokens("한")[:1]
    assert korean.log_prob(after, ALPHABET.tokens.index("Vㅏ")) > korean.log_prob(
        after, ALPHABET.tokens.index("Vㅓ")
    ) + math.log(10)


def test_a_word_starts_afresh_after_digits_latin_or_a_space() -> None:
    model = JamoLanguageModel([("가나", 10.0)])
    second = ALPHABET.tokens.index("Iㄴ")
    assert model.log_prob(tokens("가"), second) > model.log_prob(tokens("가"), tokens("다")[0])
    # After a digit the word's first syllable is expected, as at the start of a line.
    first = ALPHABET.tokens.index("Iㄱ")
    assert model.log_prob(tokens("3"), first) == pytest.approx(model.log_prob([], first))
    assert model.is_jamo(first) and not model.is_jamo(tokens("3")[0])


def test_the_document_vocabulary_is_counted() -> None:
    words = document_words()
    assert {"강남", "세무서", "서울특별시", "도매", "소매업", "해운대구"} <= words
    assert all(word and "," not in word for word in words)

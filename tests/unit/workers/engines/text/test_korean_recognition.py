"""Boda's Korean line recogniser: its alphabet, its training lines and the committed model."""

from __future__ import annotations

import random
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from synth.lines import (
    FACES,
    HELD_OUT_FONTS,
    HELD_OUT_NEW_FACES,
    LOW_RESOLUTION,
    MORE_FACES,
    RARE,
    TRAINING_FONTS,
    LineStream,
    LineTexts,
    damage,
    photograph,
    render,
)
from synth.scores import character_errors
from workers.engines.runtime.model_store import OWN_WEIGHTS, install_models
from workers.engines.text.korean_recognition import KoreanLineRecognizer
from workers.korean.jamo import SYMBOLS, JamoAlphabet, ks_x_1001_syllables, normalise
from workers.korean.language_model import JamoLanguageModel

MODEL = OWN_WEIGHTS / "text_recognition" / "boda_korean_rec_v8"
UN_DOTUM = next(font for font in HELD_OUT_FONTS if font[0].endswith("UnDotum.ttf"))
UN_BATANG = next(font for font in HELD_OUT_FONTS if font[0].endswith("UnBatang.ttf"))


def one_hot(alphabet: JamoAlphabet, ids: list[int]) -> np.ndarray:
    """CTC output spelling `ids`: each token for two steps, a blank between tokens."""
    probabilities = np.zeros((3 * len(ids), len(alphabet)), dtype=np.float32)
    for k, token in enumerate(ids):
        probabilities[3 * k : 3 * k + 2, token] = 1.0
        probabilities[3 * k + 2, 0] = 1.0
    return probabilities


def test_every_ks_x_1001_syllable_ascii_and_symbol_spells_and_reads_back() -> None:
    alphabet = JamoAlphabet()
    syllables = ks_x_1001_syllables()
    assert len(syllables) == 2350 and syllables[0] == "가" and syllables[-1] == "힝"
    text = syllables + "".join(chr(c) for c in range(0x21, 0x7F)) + SYMBOLS
    ids = alphabet.encode(text)
    assert max(ids) < len(alphabet) == 215
    decoded = alphabet.decode(one_hot(alphabet, ids))
    assert "".join(char.char for char in decoded) == text
    assert [char.first_step for char in decoded[:2]] == [0, 6]  # 가 = ㄱ ㅏ, 각 = ㄱ ㅏ ㄱ


def test_full_width_forms_fold_and_a_lone_jamo_reads_as_itself() -> None:
    alphabet = JamoAlphabet()
    assert normalise("㈜한국  ＡＢＣ１２３（주）") == "㈜한국 ABC123(주)"
    # A final consonant with no syllable before it, and an initial with no vowel after it.
    ids = [alphabet.tokens.index("Fㄱ"), alphabet.tokens.index("Iㅎ"), alphabet.tokens.index("A")]
    assert "".join(c.char for c in alphabet.decode(one_hot(alphabet, ids))) == "ㄱㅎA"


def test_a_line_of_the_stream_is_the_same_whatever_was_drawn_before() -> None:
    stream = LineStream(7, HELD_OUT_FONTS)
    late = stream.line(41)
    for index in range(5):
        stream.line(index)
    again = LineStream(7, HELD_OUT_FONTS).line(41)
    assert (late.text, late.font) == (again.text, again.font)
    assert np.array_equal(late.image, again.image)
    assert JamoAlphabet().covers(late.text)


def test_held_out_fonts_are_never_trained_on() -> None:
    held_out = {path for path, _ in HELD_OUT_FONTS + HELD_OUT_NEW_FACES}
    assert not held_out & {path for path, _ in TRAINING_FONTS + MORE_FACES}


def test_letter_spaced_headings_put_a_space_between_every_letter() -> None:
    texts = LineTexts(random.Random(3))
    for _ in range(20):
        text = texts.draw(replace(FACES, spaced=1.0))
        letters = [word for word in text.split() if word not in ("-", "[", "]", "<", ">")]
        assert letters and all(len(letter) == 1 for letter in letters), text


def test_the_seventh_stage_adds_random_syllables_and_leaves_earlier_mixes_as_they_were() -> None:
    texts = LineTexts(random.Random(5))
    syllables = set(ks_x_1001_syllables())
    for _ in range(50):
        words = texts.draw(replace(RARE, rare=1.0, masked=0.0, spaced=0.0)).split()
        assert 1 <= len(words) <= 4 and all(len(w) <= 5 and set(w) <= syllables for w in words)
    # The stages before draw the same lines as when they were trained (make train-rec-v5).
    earlier = LineTexts(random.Random(1))
    assert [earlier.draw(FACES) for _ in range(3)] == [
        "15,826,781₩",
        "역할 주둔지 팟캐스트 났으니 일시",
        "카드번호 679949-9******",
    ]


def rgb(grey: np.ndarray) -> np.ndarray:
    return np.repeat(grey[:, :, None], 3, axis=2)


LINES = (
    "사업자등록번호 123-45-67890",
    "서울특별시 강남구 테헤란로 152",
    "합계 금액: 1,234,500원",
    "㈜한국전자 대표이사 김민수",
    "2025년 3월 15일 정기 회의",
    "Invoice No. 2024-0815",
    "부가가치세 포함 · 현금 결제",
    "※ 문의: 02-1234-5678",
)


@pytest.fixture(scope="module")
def recognizer() -> KoreanLineRecognizer:
    model = KoreanLineRecognizer(MODEL, threads=1)
    model.load()
    return model


def test_the_committed_model_reads_clean_lines_in_a_font_it_never_saw(
    recognizer: KoreanLineRecognizer,
) -> None:
    rng = random.Random(0)
    crops = [rgb(np.asarray(render(text, UN_DOTUM, 36, rng))) for text in LINES]
    texts = [reading.text for reading in recognizer.predict(crops)]
    errors = sum(
        character_errors(t, normalise(truth)) for t, truth in zip(texts, LINES, strict=True)
    )
    assert errors / sum(len(line) for line in LINES) <= 0.03, texts
    # Every Korean line's letters exactly; the model card lists what it still misses here (㈜
    # in this face, `·` read as `.`, the hyphen inside `2024-0815`, at times a space inside a
    # word: `서울특 별시`).
    for text, truth in zip(texts, LINES, strict=True):
        if truth[0] in "사서합2":
            assert text.replace(" ", "") == truth.replace(" ", "")


def test_the_committed_model_reads_photographed_lines(recognizer: KoreanLineRecognizer) -> None:
    rng = random.Random(1)
    crops = [rgb(photograph(damage(render(text, UN_BATANG, 30, rng), rng), rng)) for text in LINES]
    texts = [reading.text for reading in recognizer.predict(crops)]
    errors = sum(
        character_errors(t, normalise(truth)) for t, truth in zip(texts, LINES, strict=True)
    )
    assert errors / sum(len(line) for line in LINES) <= 0.08, texts


def test_words_come_with_boxes_in_the_strip_left_to_right(recognizer: KoreanLineRecognizer) -> None:
    crop = rgb(np.asarray(render("합계 금액 12,300원", UN_DOTUM, 40, random.Random(2))))
    (reading,) = recognizer.predict([crop])
    assert [word.text for word in reading.words] == ["합계", "금액", "12,300원"]
    lefts = [word.box[0] for word in reading.words]
    assert (
        lefts == sorted(lefts) and lefts[0] >= 0 and reading.words[-1].box[2] <= crop.shape[1] + 8
    )
    assert all(0.5 < word.confidence <= 1 for word in reading.words)


def test_batching_by_width_gives_each_line_its_own_reading(
    recognizer: KoreanLineRecognizer,
) -> None:
    rng = random.Random(3)
    texts = ["가", "대한민국", "서울특별시 중구 세종대로 110 서울시청"]
    crops = [
        rgb(np.asarray(render(text, UN_DOTUM, size, rng)))
        for text, size in zip(texts, (20, 44, 30), strict=True)
    ]
    alone = [recognizer.predict([crop])[0].text for crop in crops]
    assert [reading.text for reading in recognizer.predict(crops)] == alone
    assert alone[1].replace(" ", "") == "대한민국"  # at times read `대한민 국` (see the card)


ENDINGS = (
    "위와 같이 계약을 체결하고 각각 서명합니다.",
    "이용해 주세요.",
    "주차 공간이 부족하니 대중교통을 이용해 주세요.",
    "신청은 홈페이지 또는 방문 접수로 가능합니다.",
    "자세한 내용은 담당자에게 문의해 주시기 바랍니다.",
    "본 문서는 관련 법에 따라 보관합니다.",
)


def test_a_line_cut_at_its_last_letter_keeps_it(recognizer: KoreanLineRecognizer) -> None:
    # Detector boxes often end at the ink; the model places a letter a step or two after its
    # ink: without paper added beyond the box it read none of these full stops.
    rng = random.Random(5)
    crops = []
    for text in ENDINGS:
        grey = np.asarray(render(text, UN_DOTUM, 24, rng))
        inked = np.flatnonzero((grey < 128).any(axis=0))
        crops.append(rgb(grey[:, : inked[-1] + 1]))
    texts = [reading.text for reading in recognizer.predict(crops)]
    assert [text[-1] for text in texts] == ["."] * len(ENDINGS), texts


MASKED = ("카드번호 1373-42**-****-8149", "5095-38**-****-1743", "주민등록번호 900101-1******")


def test_masked_numbers_are_read_with_their_stars(recognizer: KoreanLineRecognizer) -> None:
    # Every receipt prints its card's number masked; the release before read `**` as `4`, `x`.
    rng = random.Random(6)
    crops = [rgb(np.asarray(render(text, UN_DOTUM, 30, rng))) for text in MASKED]
    assert [reading.text for reading in recognizer.predict(crops)] == list(MASKED)


HEADINGS = (
    "- 아 래 -",
    "영 수 증",
    "견 적 서",
    "거 래 명 세 서",
    "[ 재 직 증 명 서 ]",
    "- 다 음 -",
)


@pytest.mark.parametrize("font", [UN_DOTUM, UN_BATANG], ids=["UnDotum", "UnBatang"])
def test_letter_spaced_headings_keep_their_spaces(
    recognizer: KoreanLineRecognizer, font: tuple[str, int]
) -> None:
    # Forms set their titles letter-spaced; the release before read none of these so (`-아래-`,
    # `견 적서`); this one drops a space in a three-letter title at times (`영 수증`).
    rng = random.Random(8)
    crops = [rgb(np.asarray(render(text, font, 36, rng))) for text in HEADINGS]
    texts = [reading.text for reading in recognizer.predict(crops)]
    assert [t.replace(" ", "") for t in texts] == [h.replace(" ", "") for h in HEADINGS]
    assert sum(text == heading for text, heading in zip(texts, HEADINGS, strict=True)) >= 4, texts


def test_the_committed_model_reads_small_print_in_fonts_it_never_saw(
    recognizer: KoreanLineRecognizer,
) -> None:
    # Lines as small as a page scaled to the detector leaves small print: a syllable 8-14 px.
    lines = [LineStream(78, HELD_OUT_FONTS, LOW_RESOLUTION).line(i) for i in range(40)]
    assert max(line.image.shape[0] for line in lines) <= 32  # the model scales them up
    crops = [rgb(line.image) for line in lines]
    parent = KoreanLineRecognizer(MODEL.parent / "boda_korean_rec_v1", threads=1)

    def cer(model: KoreanLineRecognizer) -> float:
        readings = model.predict(crops)
        errors = sum(
            character_errors(reading.text, normalise(line.text))
            for reading, line in zip(readings, lines, strict=True)
        )
        return errors / sum(len(normalise(line.text)) for line in lines)

    ours, before = cer(recognizer), cer(parent)
    assert ours <= 0.25 and ours < 0.8 * before, (ours, before)
    texts = [reading.text for reading in recognizer.predict(crops[:12])]
    assert sum(text == normalise(line.text) for text, line in zip(texts, lines, strict=False)) >= 3


def test_the_beam_search_weighed_by_korean_reads_small_blurred_lines_better(
    recognizer: KoreanLineRecognizer,
) -> None:
    lines = [LineStream(77, HELD_OUT_FONTS, LOW_RESOLUTION).line(i) for i in range(60)]
    crops = [rgb(line.image) for line in lines]
    weighed = KoreanLineRecognizer(MODEL, threads=1, language=JamoLanguageModel.korean())

    def errors(model: KoreanLineRecognizer) -> int:
        readings = model.predict(crops)
        return sum(
            character_errors(reading.text, normalise(line.text))
            for reading, line in zip(readings, lines, strict=True)
        )

    greedy, beam = errors(recognizer), errors(weighed)
    assert beam < 0.97 * greedy, (beam, greedy)
    # A line read surely is kept as greedy decoding read it, boxes and all.
    sure = rgb(np.asarray(render("대한민국 서울특별시", UN_DOTUM, 40, random.Random(4))))
    assert weighed.predict([sure]) == recognizer.predict([sure])


def test_models_install_copies_the_committed_model_with_its_card(tmp_path: Path) -> None:
    folders = install_models(tmp_path)
    target = tmp_path / "text_recognition" / "boda_korean_rec_v8"
    assert target in folders
    for name in ("inference.onnx", "MODEL_CARD.md", "training.json"):
        assert (target / name).read_bytes() == (MODEL / name).read_bytes()

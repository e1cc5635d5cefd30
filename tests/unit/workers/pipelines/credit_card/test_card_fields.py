"""Card fields from read lines (no model): layouts, Luhn, one-digit corrections, expiry, brand,
masking; then the pipeline with the real models on generated cards."""

from __future__ import annotations

import pytest

from shared.analyses.general import Line, Page, Word
from shared.analyses.options import DocumentOptions
from shared.config import Settings
from synth.cards import CARD_FONTS, card_set
from tests.conftest import MODELS_DIR
from workers.pipelines import JobContext
from workers.pipelines.credit_card import CreditCardPipeline
from workers.pipelines.credit_card.fields import brand_of, read_card
from workers.pipelines.credit_card.masking import masked

BOX = [(0, 0), (10, 0), (10, 10), (0, 10)]


def line(text: str) -> Line:
    return Line(
        text=text,
        confidence=0.9,
        box=BOX,
        words=[Word(text=w, confidence=0.9, box=BOX) for w in text.split()],
    )


def fields(*texts: str) -> dict[str, object]:
    result, _ = read_card(Page(width=100, height=60, lines=[line(t) for t in texts]))
    return {f.key: (f.value, f.valid, f.corrected) for f in result.fields}


def test_a_horizontal_card_gives_number_groups_expiry_and_brand() -> None:
    found = fields("신한카드", "4111 1111 1111 1111", "VALID THRU 09/27", "HONG GILDONG")
    assert found == {
        "card_number": ("4111111111111111", True, False),
        "card_number_groups": ("4111 1111 1111 1111", True, False),
        "expiry": ("09/27", True, False),
        "brand": ("visa", None, False),
    }


def test_a_vertical_card_and_an_amex_layout() -> None:
    assert fields("5500", "0000", "0000", "0004", "12/30")["card_number"][0] == "5500000000000004"
    amex = fields("3782 822463 10005", "THRU 01/29")
    assert amex["card_number_groups"][0] == "3782 822463 10005" and amex["brand"][0] == "amex"


def test_one_misread_digit_is_corrected_only_when_one_fix_validates() -> None:
    # 5500 0000 0000 0004 with a 0 read as 6: the one likely fix that passes Luhn.
    found = fields("5506 0000 0000 0004", "09/27")
    assert found["card_number"] == ("5500000000000004", True, True)
    assert found["card_number_groups"][0] == "5500 0000 0000 0004"
    # A 1 read as 7 in 4111…: several likely fixes pass Luhn, so none is chosen.
    assert fields("4111 1111 1111 1117")["card_number"] == ("4111111111111117", False, False)
    # Look-alike letters are digits: O for 0, l for 1.
    assert fields("55O0 0O00 0000 00O4")["card_number"][0] == "5500000000000004"


def test_groups_read_merged_or_split_and_a_chip_read_as_a_letter() -> None:
    assert fields("55144297 4328 3383")["card_number_groups"][0] == "5514 4297 4328 3383"
    assert fields("3528", "7 688", "3990", "8596")["card_number"][0] == "3528768839908596"
    amex = fields("O", "3452", "078801", "71983")  # the chip is no leading 0
    assert amex["card_number"][0] == "345207880171983"


def test_the_expiry_by_its_label_wins_over_other_dates() -> None:
    assert fields("MEMBER SINCE 05/19", "4111 1111 1111 1111", "VALID THRU 11/28")["expiry"][0] == (
        "11/28"
    )
    assert fields("4111 1111 1111 1111", "13/28").get("expiry", (None, False))[1] is False


@pytest.mark.parametrize(
    ("digits", "brand"),
    [("4111", "visa"), ("5105", "mastercard"), ("2221", "mastercard"), ("3411", "amex"),
     ("3530", "jcb"), ("6211", "unionpay"), ("6011", "discover"), ("3056", "diners"),
     ("9999", None)],
)  # fmt: skip
def test_brands_by_prefix(digits: str, brand: str | None) -> None:
    assert brand_of(digits + "000000000000") == brand


def test_masking_hides_the_middle_digits_everywhere() -> None:
    page = Page(width=100, height=60, lines=[line("4111 1111 1111 1111"), line("VALID THRU 09/27")])
    result, number = read_card(page)
    hidden = masked(result, number)
    values = {f.key: f.value for f in hidden.fields}
    assert values["card_number"] == "411111******1111"
    assert values["card_number_groups"] == "4111 11** **** 1111"
    assert hidden.lines[0].text == "4111 11** **** 1111"
    assert [w.text for w in hidden.lines[0].words] == ["4111", "11**", "****", "1111"]
    assert result.lines[0].text == "4111 1111 1111 1111"  # the unmasked result is untouched


@pytest.mark.slow
def test_generated_cards_are_read_by_the_pipeline() -> None:
    pipeline = CreditCardPipeline.load(Settings(models={"dir": MODELS_DIR}))  # type: ignore[arg-type]
    cards = card_set(6, 5, CARD_FONTS, photo=True)
    context = JobContext(groups=None)  # type: ignore[arg-type]
    for card in cards:
        result = pipeline.run({"file": [card.image]}, DocumentOptions(), context)
        found = {f.key: f.value for f in result.fields}
        assert found["card_number"] == card.card.number, (card.card, found)
        assert found["card_number_groups"] == card.card.groups
        assert (found["expiry"], found["brand"]) == (card.card.expiry, card.card.brand)
        assert all(check.passed for check in result.checks)
    masked_result = pipeline.run({"file": [cards[0].image]}, DocumentOptions(mask=True), context)
    number = next(f.value for f in masked_result.fields if f.key == "card_number")
    assert number == cards[0].card.number[:6] + "*" * 6 + cards[0].card.number[-4:]
    assert cards[0].card.number not in " ".join(
        line.text.replace(" ", "") for line in masked_result.lines
    )

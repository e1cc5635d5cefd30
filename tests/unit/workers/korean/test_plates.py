"""Plate numbers held against the real formats: what is valid, what it says, what is fixed."""

from __future__ import annotations

import pytest

from workers.korean.plates import nearby_numbers, normalise, parse

VALID = [
    ("123가4567", "123가4567", "national", "private", None),
    ("12가 3456", "12가3456", "national", "private", None),
    ("34바 5678", "34바5678", "national", "commercial", None),
    ("80배1234", "80배1234", "national", "delivery", None),
    ("101호 2020", "101호2020", "national", "rental", None),
    ("서울12 바3456", "서울12바3456", "regional", "commercial", "서울"),
    ("경기 7 가 1234", "경기7가1234", "regional", "private", "경기"),
    ("외교 005-003", "외교005003", "diplomatic", "other", None),
    ("협정 123-456", "협정123456", "diplomatic", "other", None),
    ("임시 123-456", "임시123456", "temporary", "other", None),
    ("부산임시 123456", "부산임시123456", "temporary", "other", "부산"),
    ("12육 3456", "12육3456", "military", "other", None),
    ("○ 123가 4567", "123가4567", "national", "private", None),  # the seal, read as a mark
    ("lo 562어 8411", "562어8411", "national", "private", None),  # ... or as `10`
]


@pytest.mark.parametrize(("reading", "number", "format_", "usage", "region"), VALID)
def test_real_formats_validate_with_their_usage_and_region(
    reading: str, number: str, format_: str, usage: str, region: str | None
) -> None:
    parsed = parse(reading)
    assert (parsed.number, parsed.valid, parsed.format) == (number, True, format_)
    assert (parsed.usage, parsed.region) == (usage, region)


@pytest.mark.parametrize(
    "reading",
    ["1234가5678", "12가345", "12아34567", "12갸3456", "뉴욕12가3456", "외교12345", "12X3456",
     "123456", "", "12가3456 7"],
)  # fmt: skip
def test_readings_that_fit_no_format_are_invalid(reading: str) -> None:
    assert parse(reading).valid is False


def test_digit_lookalikes_spaces_and_marks_at_the_rim_are_normalised() -> None:
    assert normalise("| 92자 4839") == "92자4839"  # the rim is no `1`
    assert normalise("1|가 3456") == "11가3456"  # inside, a bar is a 1
    assert normalise("I2가 345O") == "12가3450"
    assert normalise("ＳＢ가 ３４５６") == "58가3456"
    assert parse("B2가 34S6").number == "82가3456"


def test_invalid_readings_still_say_what_they_can() -> None:
    parsed = parse("서울1X바3456")
    assert (parsed.valid, parsed.region, parsed.usage) == (False, "서울", "commercial")


def test_nearby_numbers_are_one_edit_from_the_reading_and_valid() -> None:
    assert (0, "준영955093") in nearby_numbers(["존영 955-093"])
    assert (0, "국기740112") in nearby_numbers(["국기 74012"])  # a digit lost
    assert (1, "고6376") in nearby_numbers(["강원64", "26376"])  # 고 read as 2, second line
    options = nearby_numbers(["73더 7041"])
    assert {text for _, text in options} >= {"73버7041", "73허7041"}
    assert all(parse(text).valid for _, text in options)
    assert nearby_numbers(["73X 7041"]) == []  # a clear Latin letter is not a misread
    assert nearby_numbers(["현대자동차 강남대리점"]) == []

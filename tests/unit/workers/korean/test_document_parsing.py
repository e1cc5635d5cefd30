"""Field parsing shared by the document types (no model): labels, dates, the MRZ, lexicons."""

from __future__ import annotations

import pytest

from shared.analyses.general import Line, Word
from synth.id_cards import mrz_line2
from workers.korean import lexicons
from workers.korean.dates import iso_date, iso_dates
from workers.korean.labels import Label, find_fields, rows_of
from workers.korean.mrz import mrz_lines, parse


def line(text: str, x: int, y: int, height: int = 20, slope: float = 0.0) -> Line:
    """A line at (x, y), its words 30 px apart per character, the page slanted by `slope`."""
    words, left = [], x
    for word in text.split():
        right = left + 15 * len(word)
        box = [(left, round(y + slope * left)), (right, round(y + slope * right)),
               (right, round(y + height + slope * right)),
               (left, round(y + height + slope * left))]  # fmt: skip
        words.append(Word(text=word, confidence=0.9, box=box))
        left = right + 15
    box = [words[0].box[0], words[-1].box[1], words[-1].box[2], words[0].box[3]]
    return Line(text=text, confidence=0.9, box=box, words=words)


LABELS = (
    Label("registration_number", ("등록번호",)),
    Label("corporate_registration_number", ("법인등록번호",)),
    Label("representative", ("성명", "대표자")),
    Label("birth_date", ("생년월일",)),
    Label("business_address", ("사업장 소재지",)),
    Label("korean_name", ("한글성명",), below=True),
    Label("business_name", ("법인명(단체명)", "법인명")),
)


def values(*lines: Line) -> dict[str, str]:
    return {key: found.value for key, found in find_fields(list(lines), LABELS).items()}


def test_labels_are_found_spread_packed_and_after_any_separator() -> None:
    assert values(
        line("사 업 장 소 재 지 : 서울특별시 중구 세종대로 12", 0, 0),
        line("등록번호；123-45-67890", 0, 40),
    ) == {"business_address": "서울특별시 중구 세종대로 12", "registration_number": "123-45-67890"}


def test_two_fields_on_a_row_end_at_the_next_label() -> None:
    found = values(line("성 명 : 홍길동", 0, 0), line("생년월일 : 1980 년 05 월 12 일", 400, 2))
    assert found == {"representative": "홍길동", "birth_date": "1980 년 05 월 12 일"}


def test_the_longer_label_wins_where_labels_overlap() -> None:
    found = values(line("법인등록번호 : 110111-1234567", 0, 0))
    assert found == {"corporate_registration_number": "110111-1234567"}


def test_a_label_misread_by_one_letter_is_still_found() -> None:
    assert values(line("사업장 소재치 : 부산광역시 동래구 공원로 3", 0, 0)) == {
        "business_address": "부산광역시 동래구 공원로 3"
    }


@pytest.mark.parametrize(
    "text",
    [
        "법인명(단체명) : (주)우리상사",
        "법인명 단체명 : (주)우리상사",
        "법인명 (단체명 : (주)우리상사",
    ],
)
def test_a_label_read_without_its_brackets_is_still_found(text: str) -> None:
    # OCR drops a label's brackets at times; the value keeps its own (`(주)`).
    assert values(line(text, 0, 0)) == {"business_name": "(주)우리상사"}


def test_a_table_rule_read_before_a_value_is_no_part_of_it() -> None:
    # A rule is a line of its own; a letter set apart in the value's line is the value's.
    assert values(line("성명", 0, 0), line("최 영호", 150, 0)) == {"representative": "최 영호"}
    assert values(line("성명", 0, 0), line("이이", 150, 0), line("홍길동", 300, 0)) == {
        "representative": "홍길동"
    }
    assert values(line("성명 : 이이", 0, 0)) == {"representative": "이이"}  # a name, alone


def test_a_value_under_its_label_is_taken_from_the_line_below() -> None:
    found = values(
        line("한글성명", 300, 0, 14), line("REPUBLIC OF KOREA", 0, 24), line("홍길동", 300, 24)
    )
    assert found == {"korean_name": "홍길동"}


def test_rows_follow_the_page_slant() -> None:
    slope = 0.12  # about 7 degrees: rows 40 px apart rise 72 px across 600 px
    lines = [line("상호 : 보다상사", 0, 100, slope=slope), line("대표자", 0, 140, slope=slope),
             line("홍길동", 600, 140, slope=slope)]  # fmt: skip
    rows = rows_of(lines)
    assert [[piece.text for piece in row] for row in rows] == [
        ["상호", ":", "보다상사"],
        ["대표자", "홍길동"],
    ]


@pytest.mark.parametrize(
    ("text", "day"),
    [("2015 년 03 월 02 일", "2015-03-02"), ("2015년3월2일", "2015-03-02"),
     ("2015. 3. 2.", "2015-03-02"), ("2O15.03.02", "2015-03-02"), ("02 MAR 2015", "2015-03-02"),
     ("02 3월/MAR 2015", "2015-03-02"), ("01 2월/888 2014", "2014-02-01"),
     ("2015.02.30", None), ("등록번호 123-45-67890", None),
     # A unit the reader lost to a blur, as photographed certificates were read.
     ("1977 년 07 03 일", "1977-07-03"), ("1987 05 월 09 일", "1987-05-09"),
     ("2018 04 231", None), ("카드 2018 1234 5678", None)],
)  # fmt: skip
def test_dates_in_every_printed_style(text: str, day: str | None) -> None:
    assert iso_date(text) == day


def test_a_period_gives_both_ends() -> None:
    assert iso_dates("갱신기간 2033.01.01~2034.12.31") == ["2033-01-01", "2034-12-31"]


LINE1 = "PMKORHONG<<GILDONG".ljust(44, "<")
LINE2 = mrz_line2("M12345678", (1980, 5, 13), "M", (2030, 1, 1), "1234567")


def test_an_mrz_as_read_is_parsed_with_every_check() -> None:
    assert LINE2 == "M123456788KOR8005137M30010191234567<<<<<<<40"  # ICAO 9303's digits
    read1 = LINE1.replace("KOR", "K0R").replace("<<<<", "くく<く")
    read2 = LINE2.replace("KOR", "K0R")
    assert mrz_lines(["MINISTRY OF FOREIGN AFFAIRS", read1, read2]) == (1, 2)
    mrz = parse(read1, read2)
    assert (mrz.document_type, mrz.country, mrz.surname, mrz.given_names) == (
        "PM", "KOR", "HONG", "GILDONG")  # fmt: skip
    assert (mrz.number, mrz.nationality, mrz.birth_date, mrz.sex, mrz.expiry_date) == (
        "M12345678", "KOR", "1980-05-13", "M", "2030-01-01")  # fmt: skip
    assert (mrz.personal_number, mrz.line1, mrz.line2) == ("1234567", LINE1, LINE2)
    assert set(mrz.checks.values()) == {True} and not mrz.corrected


def test_one_misread_mrz_digit_is_corrected_when_its_digit_and_the_composite_agree() -> None:
    misread = LINE2[:15] + "8" + LINE2[16:]  # 800513 read as 808513
    mrz = parse(LINE1, misread)
    assert (mrz.birth_date, mrz.corrected, mrz.checks["birth_date"]) == (
        "1980-05-13", {"birth_date"}, True)  # fmt: skip
    unreadable = LINE2[:15] + "88" + LINE2[17:]  # two misreads: no single fix holds
    mrz = parse(LINE1, unreadable)
    assert mrz.checks["birth_date"] is False and not mrz.corrected


def test_tax_offices_and_provinces_snap_to_what_exists() -> None:
    assert lexicons.tax_office("강 남 세 무 서 장") == "강남세무서"
    assert lexicons.tax_office("포천세무") == "포천세무서"  # the seal hid 서장
    assert lexicons.tax_office("보다상사") is None
    assert (
        lexicons.address("부산강억시 해운대구 공원로 219. 2층")
        == "부산광역시 해운대구 공원로 219, 2층"
    )
    assert (
        lexicons.address("경기도 수원시 한강대로 178..10충") == "경기도 수원시 한강대로 178, 10층"
    )

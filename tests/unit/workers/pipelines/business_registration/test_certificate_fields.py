"""Certificate fields from read lines (no model): individual and corporate certificates,
check digits and their single-misread corrections, the unlabelled fields; then the pipeline
with the real models on generated certificates."""

from __future__ import annotations

import pytest

from shared.analyses.general import Line, Word
from shared.analyses.options import DocumentOptions
from shared.config import Settings
from synth.registrations import CERTIFICATE_FONTS, LAYOUTS, certificate_set
from tests.conftest import MODELS_DIR
from workers.pipelines import JobContext
from workers.pipelines.business_registration import BusinessRegistrationPipeline
from workers.pipelines.business_registration.fields import read_certificate


def page(*rows: str | tuple[str, str]) -> list[Line]:
    """Lines 40 px apart; a pair is two lines on one row, the second 600 px to the right."""
    lines = []
    for index, row in enumerate(rows):
        for column, text in enumerate((row,) if isinstance(row, str) else row):
            x, y = 100 + 600 * column, 100 + 40 * index
            words, left = [], x
            for word in text.split():
                right = left + 20 * len(word)
                box = [(left, y), (right, y), (right, y + 24), (left, y + 24)]
                words.append(Word(text=word, confidence=0.95, box=box))
                left = right + 10
            box = [(x, y), (left, y), (left, y + 24), (x, y + 24)]
            lines.append(Line(text=text, confidence=0.95, box=box, words=words))
    return lines


INDIVIDUAL = (
    "사 업 자 등 록 증", "( 간이과세자 )", "등록번호 : 315-13-79938",
    "상 호 : 보다상사", ("성 명 : 홍길동", "생 년 월 일 : 1980 년 05 월 12 일"),
    "개 업 연 월 일 : 2015 년 03 월 02 일", "사업장 소재지 : 부산강억시 해운대구 공원로 219. 2층",
    "사업의 종류 : 업태 도매 및 소매업 종목 전자상거래입", "발급사유 : 신규",
    "2020 년 01 월 15 일", "강 남 세 무 서",
)  # fmt: skip


def fields(lines: list[Line]) -> dict[str, tuple[str, bool | None]]:
    return {f.key: (f.value, f.valid) for f in read_certificate(lines).fields}


def test_an_individual_certificate_gives_every_field_normalised() -> None:
    result = read_certificate(page(*INDIVIDUAL))
    assert result.subtype == "individual"
    assert {f.key: (f.label, f.value, f.valid) for f in result.fields} == {
        "registration_number": ("등록번호", "315-13-79938", True),
        "business_name": ("상호", "보다상사", None),
        "representative": ("성명", "홍길동", None),
        "birth_date": ("생년월일", "1980-05-12", True),
        "opening_date": ("개업연월일", "2015-03-02", True),
        "business_address": ("사업장 소재지", "부산광역시 해운대구 공원로 219, 2층", None),
        "business_type": ("업태", "도매 및 소매업", None),
        "business_item": ("종목", "전자상거래업", None),  # read 전자상거래입
        "issue_date": ("발급일", "2020-01-15", True),
        "tax_office": ("세무서장", "강남세무서", True),
        "taxpayer_type": ("과세유형", "간이과세자", None),
    }
    assert [f.key for f in result.fields][:3] == [
        "registration_number",
        "business_name",
        "representative",
    ]
    assert {c.name: c.passed for c in result.checks} == {
        "registration_number_check_digit": True,
        "date_order": True,
    }


def test_a_corporate_certificate_is_told_by_its_labels() -> None:
    result = read_certificate(page(
        "사업자등록증", "(법인사업자)", "등록번호: 220-81-62517", "법인명(단체명) : (주)한국전자",
        ("대표자 : 김민수", "법인등록번호 : 110111-0012346"), "개업연월일 : 2010년 1월 4일",
        "사업장 소재지 : 서울특별시 중구 세종대로 12", "본점 소재지 : 서울특별시 중구 세종대로 12",
        ("업태 제조업", "종목 전자부품 제조"), "2019 년 07 월 01 일", "역 삼 세 무 서 장",
    ))  # fmt: skip
    assert result.subtype == "corporate"
    values = {f.key: f.value for f in result.fields}
    assert values["business_name"] == "(주)한국전자"
    assert values["representative"] == "김민수"
    assert values["corporate_registration_number"] == "110111-0012346"
    assert values["head_office_address"] == "서울특별시 중구 세종대로 12"
    assert (values["business_type"], values["business_item"]) == ("제조업", "전자부품 제조")
    assert (values["taxpayer_type"], values["tax_office"]) == ("법인사업자", "역삼세무서")
    assert {c.name: c.passed for c in result.checks}["corporate_registration_number_check_digit"]


def with_number(text: str) -> list[Line]:
    return page(*[text if str(row).startswith("등록번호") else row for row in INDIVIDUAL])


def test_one_misread_digit_is_corrected_only_when_one_fix_validates() -> None:
    # `l` is a 1; 13 read as 73 fails the check digit, and 7 → 1 is the one likely fix.
    result = read_certificate(with_number("등록번호 : 3l5-73-79938"))
    number = next(f for f in result.fields if f.key == "registration_number")
    assert (number.value, number.valid, number.corrected) == ("315-13-79938", True, True)
    check = next(c for c in result.checks if c.name == "registration_number_check_digit")
    assert (check.passed, check.detail) == (True, "corrected one misread digit")


def test_a_number_no_single_fix_explains_stays_as_read_and_invalid() -> None:
    result = read_certificate(with_number("등록번호 : 315-13-22222"))
    number = next(f for f in result.fields if f.key == "registration_number")
    assert (number.value, number.valid, number.corrected) == ("315-13-22222", False, False)


def test_a_number_whose_label_was_lost_is_found_by_its_form() -> None:
    result = read_certificate(with_number("둥룩빈호 315-13-79938"))
    number = next(f for f in result.fields if f.key == "registration_number")
    assert (number.value, number.valid) == ("315-13-79938", True)


@pytest.mark.slow
def test_generated_certificates_are_read_by_the_pipeline() -> None:
    """A photographed individual and corporate certificate, in both test layouts."""
    pipeline = BusinessRegistrationPipeline.load(Settings(models={"dir": MODELS_DIR}))  # type: ignore[arg-type]
    context = JobContext(groups=None)  # type: ignore[arg-type]
    for made in certificate_set(2, 41, CERTIFICATE_FONTS, LAYOUTS, photo=True):
        result = pipeline.run({"file": [made.page.image]}, DocumentOptions(), context)
        truth = made.certificate
        found = {f.key: f.value.replace(" ", "") for f in result.fields}
        expected = {key: value.replace(" ", "") for key, value in truth.fields.items()}
        assert result.subtype == truth.subtype
        for key in ("registration_number", "opening_date", "issue_date", "tax_office",
                    "taxpayer_type", "business_type"):  # fmt: skip
            assert found.get(key) == expected[key], (key, found, expected)
        wrong = [key for key in expected if found.get(key) != expected[key]]
        assert len(wrong) <= 1, (wrong, found, expected)
        checks = {c.name: c.passed for c in result.checks}
        assert checks["registration_number_check_digit"] is True
        assert checks["government_verification"] is None

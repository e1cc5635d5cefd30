"""ID document fields from read lines (no model): resident cards, driver's licences and
passports (MRZ and printed page), their checks, masking and the pluggable verifier; then the
pipeline with the real models on generated documents."""

from __future__ import annotations

import pytest

from shared.analyses.general import Line, Word
from shared.analyses.options import DocumentOptions
from shared.config import Settings
from synth.id_cards import ID_FONTS, LAYOUTS, id_set, mrz_line2
from tests.conftest import MODELS_DIR
from workers.pipelines import JobContext
from workers.pipelines.id_card import IdCardPipeline, read_id
from workers.pipelines.id_card.masking import masked
from workers.pipelines.verification import load_verifier, verification


def card(*rows: str) -> list[Line]:
    lines = []
    for index, text in enumerate(rows):
        y, words, left = 40 + 50 * index, [], 40
        for word in text.split():
            right = left + 18 * len(word)
            words.append(
                Word(
                    text=word,
                    confidence=0.95,
                    box=[(left, y), (right, y), (right, y + 30), (left, y + 30)],
                )
            )
            left = right + 12
        lines.append(
            Line(
                text=text,
                confidence=0.95,
                box=[(40, y), (left, y), (left, y + 30), (40, y + 30)],
                words=words,
            )
        )
    return lines


def values(lines: list[Line]) -> dict[str, str]:
    return {f.key: f.value for f in read_id(lines).fields}


RESIDENT = ("주민등록증", "홍길동", "800512-1234560", "서울특별시 강남구 테헤란로 123",
            "2015. 3. 2.", "서울특별시 강남구청")  # the seal hid 장  # fmt: skip


def test_a_resident_card_gives_its_fields_and_checks() -> None:
    result = read_id(card(*RESIDENT))
    assert result.subtype == "resident"
    assert {f.key: f.value for f in result.fields} == {
        "name": "홍길동", "resident_number": "800512-1234560", "issue_date": "2015-03-02",
        "issuer": "서울특별시 강남구청장", "address": "서울특별시 강남구 테헤란로 123",
    }  # fmt: skip
    checks = {c.name: (c.passed, c.detail) for c in result.checks}
    assert checks["resident_number_check_digit"] == (True, "check digit holds")
    assert checks["resident_number_vs_issue_date"] == (
        True,
        "holder aged 34 at issue (at least 17)",
    )


def test_an_issuer_read_before_its_date_is_still_the_issuer() -> None:
    # A slanted photo's reading order: the issuer before its date, the seal read after it.
    lines = card("주민등록증", "홍길동", "800512-1234560", "서울특별시 강남구 테헤란로", "123",
                 "경기도 수원시", "2015. 3. 2.", "OKO")  # fmt: skip
    found = values(lines)
    assert (found["issuer"], found["address"]) == (
        "경기도 수원시장",
        "서울특별시 강남구 테헤란로 123",
    )


def test_a_resident_number_failing_its_check_digit_says_why() -> None:
    lines = card(*[r if r != "800512-1234560" else "800512-1234000" for r in RESIDENT])
    result = read_id(lines)
    number = next(f for f in result.fields if f.key == "resident_number")
    check = next(c for c in result.checks if c.name == "resident_number_check_digit")
    assert (number.value, number.valid, check.passed) == ("800512-1234000", False, False)
    assert "since 2020-10-05 carry none" in check.detail


def test_numbers_of_people_born_since_2020_10_05_are_checked_for_their_format_only() -> None:
    lines = card(*[r if r != "800512-1234560" else "201106-3000000" for r in RESIDENT])
    result = read_id(lines)
    check = next(c for c in result.checks if c.name == "resident_number_check_digit")
    assert check.passed is True and check.detail.startswith("format and birth date only")
    age = next(c for c in result.checks if c.name == "resident_number_vs_issue_date")
    assert age.passed is False  # born after the card was issued: an honest offline failure


def test_a_driver_licence_gives_number_types_period_and_serial() -> None:
    result = read_id(card(
        "자동차운전면허증", "1종보통 2종소형", "서울 15-123456-78", "김민지", "900101-2345670",
        "경기도 수원시 공원로 9", "갱신기간 2033.01.01-2034.12.31", "A1B2C3", "2024.12.24.",
        "서울경찰청장",
    ))  # fmt: skip
    assert result.subtype == "driver"
    assert {f.key: (f.value, f.valid) for f in result.fields} == {
        "name": ("김민지", None), "resident_number": ("900101-2345670", True),
        "issue_date": ("2024-12-24", True), "issuer": ("서울경찰청장", True),
        "address": ("경기도 수원시 공원로 9", None), "license_number": ("서울 15-123456-78", True),
        "license_types": ("1종보통/2종소형", None), "expiry_date": ("2034-12-31", True),
        "serial_number": ("A1B2C3", None),
    }  # fmt: skip
    checks = {c.name: c.passed for c in result.checks}
    assert checks["license_number_format"] and checks["expiry_after_issue"]


def test_a_name_and_licence_types_read_with_their_letters_spaced_are_found() -> None:
    # Cards print these large and widely set; a recogniser may read spaces inside them.
    fields = values(card(
        "자동차운전면허증", "1 종대 형 2종 소형", "서울 15-123456-78", "김 민지", "900101-2345670",
        "경기도 수원시 공원로 9",
    ))  # fmt: skip
    assert (fields["name"], fields["license_types"]) == ("김민지", "1종대형/2종소형")


MRZ1 = "PMKORHONG<<GILDONG".ljust(44, "<")
MRZ2 = mrz_line2("M12345678", (1980, 5, 13), "M", (2030, 1, 1), "1234567")


def passport(*extra: str, line2: str = MRZ2) -> list[Line]:
    return card("대한민국 REPUBLIC OF KOREA", "여권 PASSPORT", "한글성명", "홍길동", *extra,
                MRZ1.replace("<<<<", "くく<く"), line2.replace("KOR", "K0R"))  # fmt: skip


def test_a_passport_is_read_from_its_mrz_with_the_printed_extras() -> None:
    result = read_id(
        passport("발급일/Date of issue", "01 JAN 2020", "생년월일/Date of birth", "13 MAY 1980")
    )
    assert result.subtype == "passport"
    assert {f.key: f.value for f in result.fields} == {
        "passport_type": "PM", "country_code": "KOR", "passport_number": "M12345678",
        "surname": "HONG", "given_names": "GILDONG", "korean_name": "홍길동",
        "nationality": "REPUBLIC OF KOREA", "birth_date": "1980-05-13", "sex": "M",
        "expiry_date": "2030-01-01", "issue_date": "2020-01-01", "personal_number": "1234567",
        "mrz_line1": MRZ1, "mrz_line2": MRZ2,
    }  # fmt: skip
    checks = {c.name: c.passed for c in result.checks}
    assert checks == {
        "mrz_passport_number_check_digit": True, "mrz_birth_date_check_digit": True,
        "mrz_expiry_date_check_digit": True, "mrz_personal_number_check_digit": True,
        "mrz_composite_check_digit": True, "passport_number_format": True,
        "mrz_vs_printed_birth_date": True,
    }  # fmt: skip


def test_a_printed_field_that_disagrees_with_the_mrz_fails_its_cross_check() -> None:
    result = read_id(passport("생년월일/Date of birth", "13 MAY 1981"))
    check = next(c for c in result.checks if c.name == "mrz_vs_printed_birth_date")
    assert (check.passed, check.detail) == (False, "printed 1981-05-13")


def test_masking_hides_resident_and_personal_numbers_everywhere() -> None:
    resident = masked(read_id(card(*RESIDENT)))
    assert next(f.value for f in resident.fields if f.key == "resident_number") == "800512-1******"
    served = resident.model_dump_json()
    assert "1234560" not in served and "234560" not in served
    travel = masked(read_id(passport()))
    fields = {f.key: f.value for f in travel.fields}
    assert fields["personal_number"] == "*******"
    assert fields["mrz_line2"] == MRZ2[:28] + "*******" + MRZ2[35:]
    served = travel.model_dump_json()
    assert "M12345678" in served  # the passport number, which shares the digits, stays
    assert served.count("1234567") == served.count("M12345678")


class Agency:
    name = "test-agency"

    def verify(
        self, document_type: str, subtype: str | None, fields: dict[str, str]
    ) -> tuple[bool, str]:
        return fields.get("resident_number") == "800512-1234560", f"{document_type}/{subtype}"


def agency() -> Agency:
    return Agency()


def test_the_government_check_is_not_performed_without_a_verifier_and_reported_with_one() -> None:
    unverified = verification(None, "id_card", "resident", {})
    assert (unverified.name, unverified.passed) == ("government_verification", None)
    verifier = load_verifier(f"{__name__}:agency")
    check = verification(verifier, "id_card", "resident", {"resident_number": "800512-1234560"})
    assert (check.passed, check.detail) == (True, "test-agency: id_card/resident")


@pytest.mark.slow
def test_generated_documents_are_read_by_the_pipeline() -> None:
    """A photographed resident card, driver's licence and passport."""
    pipeline = IdCardPipeline.load(Settings(models={"dir": MODELS_DIR}))  # type: ignore[arg-type]
    context = JobContext(groups=None)  # type: ignore[arg-type]
    for made in id_set(3, 43, ID_FONTS, LAYOUTS, photo=True):
        result = pipeline.run({"file": [made.page.image]}, DocumentOptions(), context)
        truth = made.document
        found = {f.key: f.value for f in result.fields}
        assert result.subtype == truth.subtype
        wrong = [key for key in truth.fields if found.get(key) != truth.fields[key]]
        assert len(wrong) <= 1, (wrong, found, truth.fields)
        for key in ("resident_number", "passport_number", "mrz_line2", "license_number"):
            if key in truth.fields:
                assert found.get(key) == truth.fields[key]
        checks = {c.name: c.passed for c in result.checks}
        assert checks["government_verification"] is None

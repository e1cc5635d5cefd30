"""Every validator with known-good and known-bad numbers (a one-digit change must fail)."""

from __future__ import annotations

import pytest

from workers.korean.validators import (
    business_number_valid,
    corporate_number_valid,
    date_exists,
    expiry_valid,
    licence_number_valid,
    luhn_valid,
    mrz_check_digit,
    passport_number_valid,
    resident_birth_date,
    resident_number_valid,
)


def changed(number: str) -> str:
    """The number with its last digit changed."""
    return number[:-1] + str((int(number[-1]) + 1) % 10)


def test_business_numbers() -> None:
    assert business_number_valid("124-81-00998")  # a listed company's published number
    assert business_number_valid("1248100998")
    assert not business_number_valid(changed("124-81-00998"))
    assert not business_number_valid("124-81-0099")


def test_corporate_numbers() -> None:
    assert corporate_number_valid("130111-0006246")  # a listed company's published number
    assert corporate_number_valid("110111-0000010")  # weighted sum 10: check digit 0
    assert not corporate_number_valid(changed("130111-0006246"))
    assert not corporate_number_valid("110111-000001")


def test_resident_numbers_before_and_after_the_check_digit_ended() -> None:
    assert resident_number_valid("900101-1234568")
    assert resident_number_valid(changed("900101-1234568")) is False
    assert resident_birth_date("900101-1234568").isoformat() == "1990-01-01"  # type: ignore[union-attr]
    assert resident_birth_date("050229-3000000") is None  # 2005 was no leap year
    assert resident_number_valid("991332-1234567") is False  # no 13th month
    # Born after 2020-10-05: no check digit was assigned; format and date only.
    assert resident_number_valid("210101-3123456") is True
    assert resident_number_valid("210101-3123457") is True


def test_luhn_and_expiry() -> None:
    assert luhn_valid("4111 1111 1111 1111") and luhn_valid("5500-0000-0000-0004")
    assert not luhn_valid("4111 1111 1111 1112") and not luhn_valid("4111")
    assert expiry_valid("09/27") and expiry_valid("12/2030")
    assert not expiry_valid("13/27") and not expiry_valid("00/27") and not expiry_valid("9/27")


def test_dates_that_exist() -> None:
    assert date_exists(2024, 2, 29) and not date_exists(2023, 2, 29)
    assert not date_exists(2023, 4, 31)


@pytest.mark.parametrize(
    ("number", "valid"),
    [("11-12-345678-90", True), ("서울 12-345678-90", True), ("28-99-000001-01", True),
     ("27-12-345678-90", False), ("뉴욕 12-345678-90", False), ("11-12-34567-90", False)],
)  # fmt: skip
def test_licence_numbers_name_a_region(number: str, valid: bool) -> None:
    assert licence_number_valid(number) is valid


def test_passport_numbers_old_and_new() -> None:
    assert passport_number_valid("M12345678") and passport_number_valid("M123A4567")
    assert not passport_number_valid("M1234567") and not passport_number_valid("123456789")


def test_mrz_check_digits_of_the_icao_specimen() -> None:
    line2 = "L898902C36UTO7408122F1204159ZE184226B<<<<<10"
    assert mrz_check_digit("L898902C3") == 6
    assert mrz_check_digit("740812") == 2 and mrz_check_digit("120415") == 9
    assert mrz_check_digit("ZE184226B<<<<<") == 1
    assert mrz_check_digit(line2[0:10] + line2[13:20] + line2[21:43]) == 0

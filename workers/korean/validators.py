"""Check digits and formats of Korean document numbers, and of the cards and passports read
with them. Each takes the number as read (separators allowed) and says whether it holds.

- 사업자등록번호 (business registration, 10 digits `123-45-67890`): weights 1,3,7,1,3,7,1,3,5
  and the carry of the ninth digit times five;
- 법인등록번호 (corporate registration, 13 digits `110111-1234567`): weights 1,2 alternating,
  mod 10;
- 주민등록번호 (resident registration, 13 digits `YYMMDD-SNNNNNN`): the birth date must exist
  (the seventh digit gives the century: 9/0 1800s, 1/2/5/6 1900s, 3/4/7/8 2000s); numbers
  assigned before 2020-10-05 end in a check digit (weights 2–9, 2–5, mod 11); numbers assigned
  since carry none, so a later birth date is checked for its format only;
- card numbers: Luhn; expiry `MM/YY` with a month 01–12;
- driver's licences `RR-YY-NNNNNN-CC` (RR a regional code, or since 2011 the region's name);
- passports: `M12345678` (until 2020) or `M123A4567` (since 2021); MRZ check digits (weights
  7,3,1; `<` = 0, A–Z = 10–35).
"""

from __future__ import annotations

import re
from datetime import date

RESIDENT_CHECK_DIGIT_UNTIL = date(2020, 10, 5)
"""Resident numbers assigned from this day on carry no check digit."""
LICENCE_REGIONS = {
    "11": "서울", "12": "부산", "13": "경기", "14": "강원", "15": "충북", "16": "충남",
    "17": "전북", "18": "전남", "19": "경북", "20": "경남", "21": "제주", "22": "대구",
    "23": "인천", "24": "광주", "25": "대전", "26": "울산", "28": "경기북부",
}  # fmt: skip
_CENTURY = {"9": 1800, "0": 1800, "1": 1900, "2": 1900, "5": 1900, "6": 1900,
            "3": 2000, "4": 2000, "7": 2000, "8": 2000}  # fmt: skip


def digits(text: str) -> str:
    """The digits of a number as read, separators dropped."""
    return re.sub(r"\D", "", text)


def business_number_valid(text: str) -> bool:
    number = digits(text)
    if len(number) != 10:
        return False
    values = [int(c) for c in number]
    total = sum(v * w for v, w in zip(values, (1, 3, 7, 1, 3, 7, 1, 3, 5), strict=False))
    total += values[8] * 5 // 10
    return (10 - total % 10) % 10 == values[9]


def corporate_number_valid(text: str) -> bool:
    number = digits(text)
    if len(number) != 13:
        return False
    values = [int(c) for c in number]
    total = sum(v * (1 if i % 2 == 0 else 2) for i, v in enumerate(values[:12]))
    return (10 - total % 10) % 10 == values[12]


def resident_birth_date(text: str) -> date | None:
    """The birth date a resident number encodes, or None if it names no real day."""
    number = digits(text)
    if len(number) != 13 or number[6] not in _CENTURY:
        return None
    try:
        return date(_CENTURY[number[6]] + int(number[:2]), int(number[2:4]), int(number[4:6]))
    except ValueError:
        return None


def resident_check_digit_valid(text: str) -> bool:
    number = digits(text)
    weights = (2, 3, 4, 5, 6, 7, 8, 9, 2, 3, 4, 5)
    total = sum(int(c) * w for c, w in zip(number[:12], weights, strict=True))
    return (11 - total % 11) % 10 == int(number[12])


def resident_number_valid(text: str) -> bool | None:
    """True or False where a rule applies; a number of a person born since 2020-10-05 is
    checked for its format and date only (no check digit is assigned to it)."""
    born = resident_birth_date(text)
    if born is None:
        return False
    if born >= RESIDENT_CHECK_DIGIT_UNTIL:
        return True
    return resident_check_digit_valid(text)


def luhn_valid(text: str) -> bool:
    number = digits(text)
    if not 12 <= len(number) <= 19:
        return False
    total = 0
    for index, char in enumerate(reversed(number)):
        value = int(char) * (2 if index % 2 else 1)
        total += value - 9 if value > 9 else value
    return total % 10 == 0


def expiry_valid(text: str) -> bool:
    """`MM/YY` (or `MM/YYYY`) with a month 01–12."""
    match = re.fullmatch(r"(\d{2})\s*/\s*(\d{2}|\d{4})", text.strip())
    return match is not None and 1 <= int(match[1]) <= 12


def date_exists(year: int, month: int, day: int) -> bool:
    try:
        date(year, month, day)
    except ValueError:
        return False
    return True


def licence_number_valid(text: str) -> bool:
    """`11-12-345678-90`, or with the region's name for its code: `서울 12-345678-90`."""
    compact = re.sub(r"\s+", "", text)
    match = re.fullmatch(r"(\d{2}|[가-힣]{2,4})-?(\d{2})-?(\d{6})-?(\d{2})", compact)
    if match is None:
        return False
    region = match[1]
    return region in LICENCE_REGIONS or region in LICENCE_REGIONS.values()


def passport_number_valid(text: str) -> bool:
    """Old (`M12345678`) or new (`M123A4567`, since December 2021) Korean passport numbers."""
    number = text.strip().upper()
    return re.fullmatch(r"[A-Z]\d{8}|[A-Z]\d{3}[A-Z]\d{4}", number) is not None


def mrz_check_digit(field: str) -> int:
    """The ICAO 9303 check digit of an MRZ field (weights 7, 3, 1 repeating)."""
    total = 0
    for index, char in enumerate(field):
        if char.isdigit():
            value = int(char)
        elif "A" <= char <= "Z":
            value = ord(char) - ord("A") + 10
        else:  # the filler `<`
            value = 0
        total += value * (7, 3, 1)[index % 3]
    return total % 10

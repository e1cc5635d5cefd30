"""Resident registration cards (주민등록증) and driver's licences (운전면허증) from the lines
General OCR read on them.

These cards print their values without labels, in a fixed order, so fields are found by
their form and place: the resident number `YYMMDD-NNNNNNN`, the licence number
`RR-YY-NNNNNN-CC` and licence types (`1종보통`) by pattern, the name as the Hangul-only line
above the resident number, the address as the lines below it, the issue date as the last date
printed alone and the issuer (a 청장) as the line after it; a licence's renewal period gives
its expiry and its six-character serial stands alone.
"""

from __future__ import annotations

import re

from shared.analyses.documents import Check, DocumentField
from shared.analyses.general import Line
from workers.korean import lexicons
from workers.korean.dates import iso_date, iso_dates
from workers.korean.digits import digits_read, single_correction
from workers.korean.validators import (
    LICENCE_REGIONS,
    RESIDENT_CHECK_DIGIT_UNTIL,
    licence_number_valid,
    resident_birth_date,
    resident_number_valid,
)

RESIDENT_NUMBER = re.compile(r"(?<!\d)(\d(?:\s?\d){5})\s*-\s*(\d(?:\s?\d){6})(?!\d)")
"""`800512-1234567`, also as read with a stray space (`80 0512-123 4567`)."""
LICENCE_NUMBER = re.compile(r"(\d{2}|[가-힣]{2,4})\s*-?\s*(\d{2})\s*-\s*(\d{6})\s*-\s*(\d{2})")
LICENCE_TYPES = re.compile(r"[12]\s*종\s*(?:보\s*통|대\s*형|소\s*형|특\s*수|원\s*동\s*기)")
"""Licence types, however OCR spaced their letters (`1 종대 형`)."""
NAME = re.compile(r"^[가-힣](?:\s?[가-힣]){1,4}(?:\s*\(.*\))?$")
"""A name of two to five syllables (its letters spaced at times: `임 민수`), its hanja after."""
SERIAL = re.compile(r"^[A-Z0-9]{6}$")
YEAR_FIRST = re.compile(r"^\s*(?:19|20)\d{2}\s*[.,년]")
ISSUERS = tuple(f"{region}경찰청장" for region in LICENCE_REGIONS.values())
DISTRICT_HEAD = re.compile(r"^(.+\s\S*[구시군])")
HEADS = {"구": "청장", "시": "장", "군": "수"}


def read_card(lines: list[Line], driver: bool) -> tuple[list[DocumentField], list[Check]]:
    texts = [digits_read(line.text.strip()) for line in lines]
    fields: list[DocumentField] = []
    checks: list[Check] = []
    number_at = next((i for i, t in enumerate(texts) if RESIDENT_NUMBER.search(t)), None)
    if number_at is not None:
        field, check = _resident_number(lines[number_at], texts[number_at])
        fields.append(field)
        checks.append(check)
    top = number_at if number_at is not None else len(lines)
    name_at = next(
        (i for i in range(top - 1, -1, -1) if NAME.match(texts[i]) and not texts[i].endswith("증")),
        None,
    )
    if name_at is not None and name_at > 0:
        name = re.sub(r"\s", "", texts[name_at].split("(")[0])
        fields.append(_field("name", "성명", name, lines[name_at], None))
    if driver:
        fields += _licence(lines, texts, checks)
    issue_at = _issue_date_at(texts)
    issuer_at = None
    if issue_at is not None:
        day = iso_date(texts[issue_at]) or ""
        fields.append(_field("issue_date", "발급일", day, lines[issue_at], True))
        issuer_at = _issuer_at(lines, issue_at, driver)
        if issuer_at is not None:
            fields.append(_issuer(lines[issuer_at], driver))
    if number_at is not None:
        # The address ends at the issue date, or where a date begins (one read in part).
        starts = [i for i in range(number_at + 1, len(lines)) if YEAR_FIRST.match(texts[i])]
        end = issue_at if issue_at is not None else (starts[0] if starts else len(lines))
        address = [i for i in range(number_at + 1, end)
                   if _address_line(texts[i]) and i != issuer_at]  # fmt: skip
        if address:
            text = lexicons.address(" ".join(texts[i] for i in address))
            fields.append(_field("address", "주소", text, lines[address[0]], None))
    checks += _dates(fields, driver)
    return fields, checks


def _resident_number(line: Line, text: str) -> tuple[DocumentField, Check]:
    match = RESIDENT_NUMBER.search(text)
    assert match is not None
    digits = re.sub(r"\s", "", match[1] + match[2])
    valid = resident_number_valid(digits)
    corrected = False
    if valid is False:
        fixed = single_correction(digits, lambda d: resident_number_valid(d) is True)
        if fixed is not None:
            digits, valid, corrected = fixed, True, True
    born = resident_birth_date(digits)
    if born is not None and born >= RESIDENT_CHECK_DIGIT_UNTIL:
        detail = ("format and birth date only: numbers assigned since 2020-10-05 carry no "
                  "check digit")  # fmt: skip
    elif valid:
        detail = "corrected one misread digit" if corrected else "check digit holds"
    else:
        detail = ("check digit fails (numbers assigned since 2020-10-05 carry none; this one's "
                  "birth date is earlier)")  # fmt: skip
    value = f"{digits[:6]}-{digits[6:]}"
    field = _field("resident_number", "주민등록번호", value, line, valid)
    field = field.model_copy(update={"corrected": corrected})
    return field, Check(name="resident_number_check_digit", passed=valid, detail=detail)


def _licence(lines: list[Line], texts: list[str], checks: list[Check]) -> list[DocumentField]:
    fields = []
    for line, text in zip(lines, texts, strict=True):
        match = LICENCE_NUMBER.search(text)
        if match and not RESIDENT_NUMBER.search(text):
            region = match[1]
            if not region.isdigit():
                region = lexicons.nearest(region, tuple(LICENCE_REGIONS.values())) or region
            number = f"{region}{'-' if region.isdigit() else ' '}{match[2]}-{match[3]}-{match[4]}"
            valid = licence_number_valid(number)
            fields.append(_field("license_number", "면허번호", number, line, valid))
            checks.append(Check(name="license_number_format", passed=valid,
                                detail="region code and digit groups"))  # fmt: skip
            break
    kinds = [(line, LICENCE_TYPES.findall(text)) for line, text in zip(lines, texts, strict=True)]
    for line, found in kinds:
        if found:
            value = "/".join(re.sub(r"\s", "", kind) for kind in found)
            fields.append(_field("license_types", "면허종별", value, line, None))
            break
    for line, text in zip(lines, texts, strict=True):
        period = iso_dates(text)
        if len(period) >= 2:  # the renewal period: its end is when the licence lapses
            fields.append(_field("expiry_date", "갱신기간", period[-1], line, True))
            break
    for line in lines:  # as read: a serial's letters are no misread digits
        compact = line.text.replace(" ", "").upper()
        if SERIAL.match(compact):
            fields.append(_field("serial_number", "암호일련번호", compact, line, None))
            break
    return fields


def _issue_date_at(texts: list[str]) -> int | None:
    """The last line holding one date and no words."""
    dated = [i for i, text in enumerate(texts)
             if len(iso_dates(text)) == 1 and not re.search(r"[가-힣]{2}", text)]  # fmt: skip
    return dated[-1] if dated else None


def _issuer_at(lines: list[Line], issue_at: int, driver: bool) -> int | None:
    """The issuer: of the lines after the issue date, the first naming a police agency (a
    licence) or holding four syllables or more (a district head, not the seal's few); else
    the line just before the date if it names one (read first on a slanted photo)."""
    after = range(issue_at + 1, len(lines))
    if driver:
        named = [i for i in after if lexicons.nearest(_hangul(lines[i].text), ISSUERS)]
        return named[0] if named else (after[0] if after else None)
    worded = [i for i in after if len(_hangul(lines[i].text).replace(" ", "")) >= 4]
    if worded:
        return worded[0]
    before = issue_at - 1
    if before >= 0 and re.search(r"[구시군](?:청장|장|수)?$", _hangul(lines[before].text)):
        return before
    return None


def _hangul(text: str) -> str:
    return " ".join(re.findall(r"[가-힣]+", text))


def _issuer(line: Line, driver: bool) -> DocumentField:
    """A licence's police agency (snapped to those that exist), or the head of the district
    that issued a resident card: `<province> <district>` and the head's title, which the
    district's seal often hides (구 → 구청장, 시 → 시장, 군 → 군수)."""
    text = _hangul(line.text)
    if driver:
        snapped = lexicons.nearest(text, ISSUERS)
        return _field("issuer", "발급기관", snapped or text, line, True if snapped else None)
    match = DISTRICT_HEAD.match(lexicons.address(text))
    if match is None:
        return _field("issuer", "발급기관", text, line, None)
    value = match[1] + HEADS[match[1][-1]]
    return _field("issuer", "발급기관", value, line, None)


def _address_line(text: str) -> bool:
    compact = text.replace(" ", "")
    return bool(compact) and not SERIAL.match(compact) and not iso_dates(text)


def _field(key: str, label: str, value: str, line: Line, valid: bool | None) -> DocumentField:
    return DocumentField(key=key, label=label, value=value, confidence=line.confidence,
                         box=line.box, valid=valid)  # fmt: skip


def _dates(fields: list[DocumentField], driver: bool) -> list[Check]:
    """Offline cross-checks: the holder was old enough when the card was issued (17 for a
    resident card, 16 for a licence), and a licence expires after its issue."""
    values = {f.key: f.value for f in fields}
    checks = []
    born = resident_birth_date(values.get("resident_number", ""))
    issued = values.get("issue_date")
    if born is not None and issued:
        birthday_to_come = (int(issued[5:7]), int(issued[8:10])) < (born.month, born.day)
        age = int(issued[:4]) - born.year - birthday_to_come
        least = 16 if driver else 17
        checks.append(Check(name="resident_number_vs_issue_date", passed=age >= least,
                            detail=f"holder aged {age} at issue (at least {least})"))  # fmt: skip
    if driver and issued and values.get("expiry_date"):
        checks.append(Check(name="expiry_after_issue", passed=values["expiry_date"] > issued))
    return checks

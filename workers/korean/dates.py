"""Dates as Korean documents print them, to `YYYY-MM-DD`.

`2015 년 03 월 02 일`, `2015년3월2일`, `2015. 3. 2.`, `2015.03.02`, `2015-03-02`, `2015 03 02`, and
the passport style `02 MAR 2015` (also `02 3월/MAR 2015`); digits misread as look-alike letters
are read as digits first. A date that does not exist is no date.
"""

from __future__ import annotations

import re
from datetime import date

from workers.korean.digits import digits_read

MONTHS = ("JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC")
_NUMERIC = re.compile(
    r"(?<!\d)((?:19|20)\d{2})(?:\s*[년.,\-/가-힣]\s*|\s+)(\d{1,2})(?:\s*[월.,\-/가-힣]\s*|\s+)"
    r"(\d{1,2})(?!\d)"
)
"""Year, month and day; between two of them a unit or separator, or only spaces where the
reader lost the unit to a blur (`1977 년 07 03 일`, `1987 05 월 09 일` on photographed
certificates)."""
_BILINGUAL = re.compile(r"(?<!\d)(\d{1,2})\s+(\d{1,2})\s*[월욀웰원]\S*\s+\S*?\s*((?:19|20)\d{2})")
"""`01 2월/FEB 2014` with the English month misread: the Korean one gives it."""
_PASSPORT = re.compile(
    r"(?<!\d)(\d{1,2})\s*(?:\d{1,2}\s*[월욀웰원]\s*/?\s*)?([A-Z]{3})\s*((?:19|20)\d{2})"
)


def iso_date(text: str) -> str | None:
    """The first real date in `text` as `YYYY-MM-DD`, or None."""
    found = iso_dates(text)
    return found[0] if found else None


def iso_dates(text: str) -> list[str]:
    """Every real date in `text` as `YYYY-MM-DD` (a period's start and end), in order."""
    read = digits_read(text)
    numeric = [
        (match.start(), _existing(int(match[1]), int(match[2]), int(match[3])))
        for match in _NUMERIC.finditer(read)
    ]
    passport = [
        (match.start(), _existing(int(match[3]), MONTHS.index(match[2]) + 1, int(match[1])))
        for match in _PASSPORT.finditer(read.upper())
        if match[2] in MONTHS
    ]
    if not passport:
        passport = [
            (match.start(), _existing(int(match[3]), int(match[2]), int(match[1])))
            for match in _BILINGUAL.finditer(read)
        ]
    return [day for _, day in sorted(numeric + passport) if day]


def _existing(year: int, month: int, day: int) -> str | None:
    try:
        return date(year, month, day).isoformat()
    except ValueError:
        return None

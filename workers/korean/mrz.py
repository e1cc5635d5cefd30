"""A passport's machine-readable zone (ICAO 9303 TD3: two lines of 44) as OCR reads it.

OCR confuses the filler `<` (read as `く`, `(`, `K`…) and O with 0, and may drop or add
fillers. So the second line's fields are cut by their fixed positions after the characters
are read by position (digits where the format holds digits, letters where it holds letters),
and the first line's names are split at `<<`. Every check digit is verified; a field whose
check digit fails is corrected only when exactly one likely misread digit makes it hold.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date
from functools import partial

from workers.korean.digits import single_correction
from workers.korean.validators import mrz_check_digit

LENGTH = 44
FILLER_LOOKALIKES = str.maketrans({"く": "<", "〈": "<", "(": "<", "«": "<", "‹": "<", " ": ""})
TO_DIGIT = str.maketrans({"O": "0", "D": "0", "Q": "0", "I": "1", "L": "1", "Z": "2", "S": "5",
                          "B": "8", "G": "6"})  # fmt: skip
TO_LETTER = str.maketrans({"0": "O", "1": "I", "2": "Z", "5": "S", "8": "B", "6": "G"})
_LINE = re.compile(r"^[A-Z0-9<]{30,48}$")


@dataclass
class Mrz:
    """The MRZ's fields, checks (name → held) and the fields corrected to make one hold."""

    line1: str
    line2: str
    document_type: str
    country: str
    surname: str
    given_names: str
    number: str
    nationality: str
    birth_date: str | None
    sex: str
    expiry_date: str | None
    personal_number: str
    checks: dict[str, bool] = field(default_factory=dict)
    corrected: set[str] = field(default_factory=set)


def cleaned(text: str) -> str:
    """A line as read with its fillers, spaces and full-width capitals (`Ｃ`) made regular."""
    return unicodedata.normalize("NFKC", text).translate(FILLER_LOOKALIKES).upper()


def is_mrz_line(text: str) -> bool:
    """Capitals, digits and fillers only, about 44 of them, some fillers among them."""
    line = cleaned(text)
    return _LINE.match(line) is not None and line.count("<") >= 2


def mrz_lines(texts: list[str]) -> tuple[int, int] | None:
    """Which of a page's line texts are the MRZ's two (the first starting with `P`)."""
    candidates = [index for index, text in enumerate(texts) if is_mrz_line(text)]
    for first, second in zip(candidates, candidates[1:], strict=False):
        if cleaned(texts[first]).startswith("P") and not cleaned(texts[second]).startswith("P"):
            return first, second
    return None


def parse(line1: str, line2: str) -> Mrz:
    """The fields of two MRZ lines as read (see `cleaned`)."""
    line1, line2 = cleaned(line1), cleaned(line2)
    line2 = _positional(line2.ljust(LENGTH, "<")[:LENGTH])
    document_type = line1[:2].replace("<", "")
    line1 = line1[:2] + line1[2:].translate(TO_LETTER)
    country = line1[2:5]
    surname, _, given = line1[5:].strip("<").partition("<<")
    mrz = Mrz(
        line1=line1.ljust(LENGTH, "<")[:LENGTH],
        line2=line2,
        document_type=document_type,
        country=country,
        surname=surname.replace("<", " ").strip(),
        given_names=given.replace("<", " ").strip(),
        number=line2[0:9].replace("<", ""),
        nationality=line2[10:13],
        birth_date=None,
        sex=line2[20].replace("<", "X"),
        expiry_date=None,
        personal_number=line2[28:42].replace("<", ""),
    )
    _verify(mrz)
    mrz.birth_date = _day(mrz.line2[13:19], future=False)
    mrz.expiry_date = _day(mrz.line2[21:27], future=True)
    return mrz


def _positional(line: str) -> str:
    """Each position read as its format allows: digits in dates and check digits, letters in
    the nationality and sex; the document number and personal number take both."""
    chars = list(line)
    for index in (*range(13, 20), *range(21, 28), 9, 42, 43):
        chars[index] = chars[index].translate(TO_DIGIT)
    for index in range(10, 13):
        chars[index] = chars[index].translate(TO_LETTER)
    return "".join(chars)


FIELDS = {"passport_number": (0, 9), "birth_date": (13, 19), "expiry_date": (21, 27),
          "personal_number": (28, 42)}  # fmt: skip


def _verify(mrz: Mrz) -> None:
    """Check every field's digit, then the composite. A failing field is corrected where a
    single likely misread digit makes both its own digit and the composite hold, and only
    that one does."""
    line = mrz.line2
    for name, (start, end) in FIELDS.items():
        value, digit = line[start:end], line[end]
        if name == "personal_number" and digit == "<" and set(value) == {"<"}:
            mrz.checks[name] = True  # no personal number: nothing to check
            continue
        held = digit.isdigit() and mrz_check_digit(value) == int(digit)
        if not held and digit.isdigit():
            holds = partial(_fix_holds, line, start, end, int(digit))
            fixed = single_correction(value, holds)
            if fixed is not None:
                line = line[:start] + fixed + line[end:]
                mrz.corrected.add(name)
                held = True
        mrz.checks[name] = held
    mrz.checks["composite"] = _composite(line)
    mrz.line2 = line
    mrz.number = line[0:9].replace("<", "")
    mrz.personal_number = line[28:42].replace("<", "")


def _fix_holds(line: str, start: int, end: int, digit: int, fix: str) -> bool:
    """The field `line[start:end]` replaced by `fix` meets its check digit and the composite."""
    return mrz_check_digit(fix) == digit and _composite(line[:start] + fix + line[end:])


def _composite(line: str) -> bool:
    composite = line[0:10] + line[13:20] + line[21:43]
    return line[43].isdigit() and mrz_check_digit(composite) == int(line[43])


def _day(text: str, future: bool) -> str | None:
    """`YYMMDD` as `YYYY-MM-DD`: birth dates in the past century or this one, expiry dates
    in this century."""
    if not text.isdigit():
        return None
    year = 2000 + int(text[:2])
    if not future and year > date.today().year:
        year -= 100
    try:
        return date(year, int(text[2:4]), int(text[4:6])).isoformat()
    except ValueError:
        return None

"""Digits as recognisers misread them on documents: letters read for digits, and the digits a
blurred digit is most often taken for, to correct a number whose check digit fails."""

from __future__ import annotations

import re
from collections.abc import Callable

DIGIT_LOOKALIKES = str.maketrans({"O": "0", "o": "0", "D": "0", "I": "1", "l": "1", "|": "1",
                                  "S": "5", "s": "5", "B": "8", "Z": "2"})  # fmt: skip
"""Letters a recogniser reads for digits."""
CONFUSIONS = {"0": "869", "1": "74", "2": "7", "3": "86", "4": "1", "5": "68", "6": "508",
              "7": "12", "8": "03695", "9": "80"}  # fmt: skip
"""Digits a recogniser reads for each digit on embossed, blurred and low-resolution print."""
_LOOKALIKE_RUN = re.compile(r"(?<=\d)[OoDIl|SsBZ]+|[OoDIl|SsBZ]+(?=\d)")


def digits_read(text: str) -> str:
    """`text` with look-alike letters beside digits read as digits (`2O15` → `2015`); letters
    elsewhere (words) are left alone."""
    return _LOOKALIKE_RUN.sub(lambda match: match[0].translate(DIGIT_LOOKALIKES), text)


def single_correction(digits: str, valid: Callable[[str], bool]) -> str | None:
    """The one number that a single likely misread of `digits` makes `valid`, or None when
    none or several do (a guess between two valid numbers is no correction)."""
    fixes = {
        digits[:i] + other + digits[i + 1 :]
        for i, digit in enumerate(digits)
        if digit in CONFUSIONS
        for other in CONFUSIONS[digit]
    }
    valid_fixes = [fix for fix in fixes if valid(fix)]
    return valid_fixes[0] if len(valid_fixes) == 1 else None

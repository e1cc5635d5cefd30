"""Which script a piece of text is in: what routes a line to the recogniser that reads it."""

from __future__ import annotations


def has_hangul(text: str) -> bool:
    """True if `text` holds a Hangul syllable (lone jamo are how Tesseract misreads Latin)."""
    return any("\uac00" <= char <= "\ud7a3" for char in text)


def has_cjk(text: str) -> bool:
    """True for Hangul (syllables or jamo) or CJK ideographs: what PP-OCR makes of Korean."""
    return any(
        "\u1100" <= char <= "\u11ff"
        or "\u3130" <= char <= "\u318f"
        or "\u3400" <= char <= "\u9fff"
        or "\uac00" <= char <= "\ud7a3"
        or "\uf900" <= char <= "\ufaff"
        for char in text
    )

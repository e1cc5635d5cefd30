"""Input documents: sniff the type, enforce the limits, decode pages to RGB.

The gateway calls `inspect_document` to refuse a bad upload before it is stored; workers call
`read_pages` to get the pixels, a page at a time. Both read the bytes the same way, so a document
the gateway accepted decodes in the worker. The type comes from the leading bytes, never from a
filename. Pixel limits (per page, and per document) are checked from the headers before any
pixels are decoded (decompression bombs).
"""

from __future__ import annotations

import io
import struct
from collections.abc import Generator, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Protocol

import numpy as np
from PIL import ExifTags, Image, ImageOps

from shared.config import LimitSettings
from shared.errors import (
    AspectRatioOutOfRangeError,
    CorruptImageError,
    ImageDimensionsTooLargeError,
    ImageTooLargeError,
    ImageTooSmallError,
    PdfTooManyPagesError,
    UnsupportedMediaTypeError,
)
from shared.pdf import PdfDocument

JPEG, PNG, TIFF, PDF = "image/jpeg", "image/png", "image/tiff", "application/pdf"
ACCEPTED_TYPES = (JPEG, PNG, TIFF, PDF)

_SIGNATURES = (
    (b"\xff\xd8\xff", JPEG),
    (b"\x89PNG\r\n\x1a\n", PNG),
    (b"II*\x00", TIFF),
    (b"MM\x00*", TIFF),
    (b"II+\x00", TIFF),  # BigTIFF
    (b"MM\x00+", TIFF),
)
_PILLOW_FORMATS = {JPEG: "JPEG", PNG: "PNG", TIFF: "TIFF"}
# Named only to make the refusal helpful; anything not in _SIGNATURES is refused either way.
_REFUSED_SIGNATURES = (
    (b"GIF8", "image/gif"),
    (b"BM", "image/bmp"),
    (b"PK\x03\x04", "application/zip"),
    (b"\x00\x00\x01\x00", "image/x-icon"),
)
# What Pillow's decoders raise on malformed input (Image.open itself treats TypeError so too).
_DECODE_ERRORS = (
    OSError,
    SyntaxError,
    ValueError,
    TypeError,
    EOFError,
    IndexError,
    KeyError,
    struct.error,
)
_SIXTEEN_BIT_MODES = frozenset({"I", "I;16", "I;16L", "I;16B", "I;16N"})
_ALPHA_MODES = frozenset({"RGBA", "RGBa", "LA", "La", "PA"})
_QUARTER_TURNS = frozenset({5, 6, 7, 8})
"""EXIF orientations that swap width and height."""


@dataclass(frozen=True)
class DocumentInfo:
    """What the gateway records about an accepted upload."""

    content_type: str
    pages: int
    width: int
    height: int


def inspect_document(data: bytes, limits: LimitSettings, *, max_pages: int | None) -> DocumentInfo:
    """Validate a document and describe it, or raise the `BodaError` that says what is wrong.

    `max_pages=None` checks the first page only (document types); an int checks every page and
    refuses more than that many. Sizes come from each page's header (a PDF's page box), never
    from decoding it, and their sum is held to `limits.max_document_pixels`; the first page of
    an image file is decoded in full, so that a truncated file is refused here. `pages` is the
    number of pages in the file; `width` and `height` are the first page's after EXIF
    orientation (PDF: rendered at `limits.pdf_dpi`).
    """
    with _open_document(data, limits) as document:
        _read_sizes(document, limits, max_pages)
        width, height = document.first_page_size()
    return DocumentInfo(document.content_type, document.page_count, width, height)


def read_pages(
    data: bytes, limits: LimitSettings, *, max_pages: int | None
) -> Generator[Image.Image]:
    """The pages of a document as RGB images, decoded one at a time as they are asked for.

    Validated as `inspect_document` does before the first page is decoded. EXIF orientation is
    applied, alpha is composited on white, CMYK, 16-bit, grayscale and palette images are
    converted, animated images give their first frame and PDF pages are rendered at
    `limits.pdf_dpi`. `max_pages=None` gives the first page only.
    """
    with _open_document(data, limits) as document:
        count = len(_read_sizes(document, limits, max_pages))
        for index in range(count):
            yield document.page(index)


def sniff_content_type(data: bytes) -> str:
    """The media type of `data` from its leading bytes; refuses anything but ACCEPTED_TYPES."""
    if not data:
        raise CorruptImageError("the file is empty", details={"bytes": 0})
    for signature, content_type in _SIGNATURES:
        if data.startswith(signature):
            return content_type
    if b"%PDF-" in data[:1024]:  # readers allow a little junk before the header
        return PDF
    raise UnsupportedMediaTypeError(
        "only JPEG, PNG, TIFF and PDF files are accepted",
        details={"detected": _name_refused_type(data), "accepted": list(ACCEPTED_TYPES)},
    )


def _name_refused_type(data: bytes) -> str | None:
    head = data[:512]
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "image/webp"
    if head[4:8] == b"ftyp":
        return "image/heic" if head[8:12] in (b"heic", b"heix", b"mif1", b"msf1") else "video/mp4"
    if b"<svg" in head.lower():
        return "image/svg+xml"
    return next((name for sig, name in _REFUSED_SIGNATURES if head.startswith(sig)), None)


class _Document(Protocol):
    content_type: str
    page_count: int

    def page_size(self, index: int) -> tuple[int, int]:
        """A page's size in pixels from its header alone, maybe before a quarter turn (which
        changes none of the limits)."""
        ...

    def first_page_size(self) -> tuple[int, int]:
        """The first page's size as displayed; decodes what must be decoded to trust the file
        (an image file's first page)."""
        ...

    def page(self, index: int) -> Image.Image: ...

    def close(self) -> None: ...


@contextmanager
def _open_document(data: bytes, limits: LimitSettings) -> Iterator[_Document]:
    if len(data) > limits.max_file_bytes:
        raise ImageTooLargeError(
            "the file is larger than the limit",
            details={"bytes": len(data), "limit": limits.max_file_bytes},
        )
    content_type = sniff_content_type(data)
    document: _Document
    if content_type == PDF:
        document = PdfDocument(data, limits.pdf_dpi)
    else:
        document = _RasterDocument(data, content_type, limits)
    try:
        yield document
    finally:
        document.close()


def _read_sizes(
    document: _Document, limits: LimitSettings, max_pages: int | None
) -> list[tuple[int, int]]:
    """The sizes of the pages to be read, each checked, and their sum held to the budget."""
    if max_pages is not None and document.page_count > max_pages:
        raise PdfTooManyPagesError(
            f"the document has {document.page_count} pages, more than {max_pages}",
            details={"pages": document.page_count, "limit": max_pages},
        )
    sizes = []
    for index in range(1 if max_pages is None else document.page_count):
        size = document.page_size(index)
        _check_dimensions(size, limits, index)
        sizes.append(size)
    pixels = sum(width * height for width, height in sizes)
    if pixels > limits.max_document_pixels:
        raise ImageDimensionsTooLargeError(
            f"the pages hold {pixels} pixels in all, more than the limit of "
            f"{limits.max_document_pixels} per document",
            details={"pixels": pixels, "pages": len(sizes), "limit": limits.max_document_pixels},
        )
    return sizes


def _check_dimensions(size: tuple[int, int], limits: LimitSettings, page: int) -> None:
    width, height = size
    details: dict[str, int | float] = {"width": width, "height": height, "page": page + 1}
    if width * height > limits.max_pixels:
        raise ImageDimensionsTooLargeError(
            f"{width}x{height} pixels is more than the limit of {limits.max_pixels}",
            details=details | {"limit": limits.max_pixels},
        )
    if min(width, height) < max(limits.min_side, 1):
        raise ImageTooSmallError(
            f"{width}x{height} pixels: each side must be at least {limits.min_side}",
            details=details | {"limit": limits.min_side},
        )
    ratio = max(width, height) / min(width, height)
    if ratio > limits.max_aspect_ratio:
        raise AspectRatioOutOfRangeError(
            f"the aspect ratio {ratio:.2f} is beyond 1:{limits.max_aspect_ratio:g}",
            details=details | {"ratio": round(ratio, 2), "limit": limits.max_aspect_ratio},
        )


@contextmanager
def _pillow_errors(limits: LimitSettings) -> Iterator[None]:
    """Turn what Pillow raises on bad input into domain errors."""
    try:
        yield
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as e:
        # Pillow's own guard (a second line behind ours; a warning arrives here only where
        # warnings are errors): the header claims far more pixels than allowed.
        raise ImageDimensionsTooLargeError(str(e), details={"limit": limits.max_pixels}) from e
    except _DECODE_ERRORS as e:
        raise CorruptImageError(f"the image cannot be decoded: {e}") from e
    except Warning as e:
        # Only where warnings are errors: Pillow warns about corrupt metadata and reads on.
        raise CorruptImageError(f"the image is malformed: {e}") from e


class _RasterDocument:
    """JPEG, PNG or TIFF through Pillow; TIFF frames are pages, other formats have one page."""

    def __init__(self, data: bytes, content_type: str, limits: LimitSettings) -> None:
        self.content_type = content_type
        self._data = data
        self._limits = limits
        with _pillow_errors(limits):
            self._image = self._open()
            # An APNG's or MPO's later frames are not pages: those use their first frame.
            self.page_count = getattr(self._image, "n_frames", 1) if content_type == TIFF else 1

    def page_size(self, index: int) -> tuple[int, int]:
        with _pillow_errors(self._limits):
            self._image.seek(index)  # reads the frame's header, not its pixels
            return self._image.size

    def first_page_size(self) -> tuple[int, int]:
        """Checked without decoding every pixel where a cheaper read answers: a PNG's chunks by
        their CRCs (nothing inflated), a JPEG decoded at 1/8 scale (every byte of its
        entropy-coded data still read, so a cut file fails); a TIFF's first page in full."""
        with _pillow_errors(self._limits):
            self._image.seek(0)
            width, height = self._image.size
            turned = _orientation(self._image) in _QUARTER_TURNS
            if self.content_type == PNG:
                self._open().verify()
            else:
                if self.content_type == JPEG:
                    self._image.draft("RGB", (max(1, width // 8), max(1, height // 8)))
                self._image.load()
        return (height, width) if turned else (width, height)

    def _open(self) -> Image.Image:
        return Image.open(io.BytesIO(self._data), formats=[_PILLOW_FORMATS[self.content_type]])

    def page(self, index: int) -> Image.Image:
        with _pillow_errors(self._limits):
            self._image.seek(index)
            self._image.load()  # decodes every pixel, so a truncated file fails here
            return _to_rgb(ImageOps.exif_transpose(self._image))

    def close(self) -> None:
        self._image.close()


def _orientation(image: Image.Image) -> int | None:
    """EXIF orientation from what the file's header holds (a PNG's only if its eXIf chunk
    comes before the pixels, as it mostly does; reading on would decode them)."""
    if image.format == "PNG":
        raw = image.info.get("exif")
        exif = Image.Exif()
        if raw:
            exif.load(raw)
        return exif.get(ExifTags.Base.Orientation)
    return image.getexif().get(ExifTags.Base.Orientation)


def _to_rgb(image: Image.Image) -> Image.Image:
    if image.mode in _SIXTEEN_BIT_MODES:
        # Pillow's own conversion clips at 255 instead of scaling 0-65535 down.
        levels = np.clip(np.asarray(image.convert("I")), 0, 65535) >> 8
        return Image.fromarray(levels.astype(np.uint8)).convert("RGB")
    if image.mode in _ALPHA_MODES or "transparency" in image.info:
        rgba = image.convert("RGBA")
        white = Image.new("RGBA", rgba.size, (255, 255, 255, 255))
        return Image.alpha_composite(white, rgba).convert("RGB")
    return image if image.mode == "RGB" else image.convert("RGB")

"""Input documents: sniff the type, enforce the limits, decode pages to RGB.

The gateway calls `inspect_document` to refuse a bad upload before it is stored; workers call
`load_pages` to get the pixels. Both read the bytes the same way, so a document the gateway
accepted decodes in the worker. The type comes from the leading bytes, never from a filename.
Pixel limits are checked from the header before any pixels are decoded (decompression bombs).
"""

from __future__ import annotations

import io
import math
import struct
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Protocol

import numpy as np
import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c
from PIL import Image, ImageOps

from shared.config import LimitSettings
from shared.errors import (
    AspectRatioOutOfRangeError,
    CorruptImageError,
    ImageDimensionsTooLargeError,
    ImageTooLargeError,
    ImageTooSmallError,
    PdfEncryptedError,
    PdfTooManyPagesError,
    UnsupportedMediaTypeError,
)

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
# PDFium is not thread-safe, not even across documents, and the gateway validates uploads in
# a thread pool: every call into it holds this lock.
_PDFIUM_LOCK = threading.Lock()


@dataclass(frozen=True)
class DocumentInfo:
    """What the gateway records about an accepted upload."""

    content_type: str
    pages: int
    width: int
    height: int


def inspect_document(data: bytes, limits: LimitSettings, *, max_pages: int | None) -> DocumentInfo:
    """Validate a document and describe it, or raise the `BodaError` that says what is wrong.

    `max_pages=None` decodes only the first page (document types); an int decodes every page and
    refuses more than that many. `pages` is always the number of pages in the file; `width` and
    `height` are the first page's after EXIF orientation (PDF: rendered at `limits.pdf_dpi`).
    """
    with _open_document(data, limits) as document:
        sizes = [page.size for page in _decoded_pages(document, max_pages)]
    width, height = sizes[0]
    return DocumentInfo(document.content_type, document.page_count, width, height)


def load_pages(data: bytes, limits: LimitSettings, *, max_pages: int | None) -> list[Image.Image]:
    """Decode a document to RGB pages, validated exactly as `inspect_document` does.

    EXIF orientation is applied, alpha is composited on white, CMYK, 16-bit, grayscale and palette
    images are converted, animated images give their first frame and PDF pages are rendered at
    `limits.pdf_dpi`. `max_pages=None` returns the first page only.
    """
    with _open_document(data, limits) as document:
        return list(_decoded_pages(document, max_pages))


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
        document = _PdfDocument(data, limits)
    else:
        document = _RasterDocument(data, content_type, limits)
    try:
        yield document
    finally:
        document.close()


def _decoded_pages(document: _Document, max_pages: int | None) -> Iterator[Image.Image]:
    if max_pages is not None and document.page_count > max_pages:
        raise PdfTooManyPagesError(
            f"the document has {document.page_count} pages, more than {max_pages}",
            details={"pages": document.page_count, "limit": max_pages},
        )
    for index in range(1 if max_pages is None else document.page_count):
        yield document.page(index)


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
        self._limits = limits
        with _pillow_errors(limits):
            self._image = Image.open(io.BytesIO(data), formats=[_PILLOW_FORMATS[content_type]])
            # An APNG's or MPO's later frames are not pages: those use their first frame.
            self.page_count = getattr(self._image, "n_frames", 1) if content_type == TIFF else 1

    def page(self, index: int) -> Image.Image:
        with _pillow_errors(self._limits):
            self._image.seek(index)
            _check_dimensions(self._image.size, self._limits, index)
            self._image.load()  # decodes every pixel, so a truncated file fails here
            return _to_rgb(ImageOps.exif_transpose(self._image))

    def close(self) -> None:
        self._image.close()


class _PdfDocument:
    """A PDF through PDFium, each page rendered at `limits.pdf_dpi`."""

    content_type = PDF

    def __init__(self, data: bytes, limits: LimitSettings) -> None:
        self._scale = limits.pdf_dpi / 72  # PDF user space is 1/72 inch
        self._limits = limits
        with _PDFIUM_LOCK:
            self._pdf = _open_pdf(data)
            self._pdf.init_forms()  # so that filled-in form fields are drawn too
            self.page_count = len(self._pdf)
        if self.page_count == 0:
            self.close()
            raise CorruptImageError("the PDF has no pages")

    def page(self, index: int) -> Image.Image:
        with _PDFIUM_LOCK:
            page = self._pdf[index]
            try:
                width, height = page.get_size()
                size = (math.ceil(width * self._scale), math.ceil(height * self._scale))
                _check_dimensions(size, self._limits, index)
                bitmap = page.render(scale=self._scale)
                image = bitmap.to_pil().convert("RGB")  # a copy: the bitmap's buffer is freed
                bitmap.close()
                return image
            except pdfium.PdfiumError as e:
                raise CorruptImageError(f"PDF page {index + 1} cannot be rendered: {e}") from e
            finally:
                page.close()

    def close(self) -> None:
        with _PDFIUM_LOCK:
            self._pdf.close()


def _open_pdf(data: bytes) -> pdfium.PdfDocument:
    try:
        return pdfium.PdfDocument(data)
    except pdfium.PdfiumError as e:
        if e.err_code == pdfium_c.FPDF_ERR_PASSWORD:
            raise PdfEncryptedError("the PDF is protected by a password") from e
        raise CorruptImageError(f"the PDF cannot be read: {e}") from e


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

"""PDF documents through PDFium: opened, measured and rendered a page at a time."""

from __future__ import annotations

import math
import threading

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c
from PIL import Image

from shared.errors import CorruptImageError, PdfEncryptedError

# PDFium is not thread-safe, not even across documents, and the gateway validates uploads in
# a thread pool: every call into it holds this lock.
LOCK = threading.Lock()


class PdfDocument:
    """A PDF through PDFium, each page rendered at `dpi`."""

    content_type = "application/pdf"

    def __init__(self, data: bytes, dpi: int) -> None:
        self._scale = dpi / 72  # PDF user space is 1/72 inch
        with LOCK:
            self._pdf = _open_pdf(data)
            self._pdf.init_forms()  # so that filled-in form fields are drawn too
            self.page_count = len(self._pdf)
        if self.page_count == 0:
            self.close()
            raise CorruptImageError("the PDF has no pages")

    def page_size(self, index: int) -> tuple[int, int]:
        with LOCK:
            width, height = self._pdf.get_page_size(index)
        return math.ceil(width * self._scale), math.ceil(height * self._scale)

    def first_page_size(self) -> tuple[int, int]:
        """Nothing is rendered: PDFium parsed the file on opening, and rendering is slow."""
        return self.page_size(0)

    def page(self, index: int) -> Image.Image:
        with LOCK:
            page = self._pdf[index]
            try:
                bitmap = page.render(scale=self._scale)
                image = bitmap.to_pil().convert("RGB")  # a copy: the bitmap's buffer is freed
                bitmap.close()
                return image
            except pdfium.PdfiumError as e:
                raise CorruptImageError(f"PDF page {index + 1} cannot be rendered: {e}") from e
            finally:
                page.close()

    def close(self) -> None:
        with LOCK:
            self._pdf.close()


def _open_pdf(data: bytes) -> pdfium.PdfDocument:
    try:
        return pdfium.PdfDocument(data)
    except pdfium.PdfiumError as e:
        # PDFium's error code is a global left by the last failure, not always this one's (a
        # 0-page PDF read after an encrypted one reports a password error): an encrypted PDF
        # names its security handler in the trailer.
        if e.err_code == pdfium_c.FPDF_ERR_PASSWORD and b"/Encrypt" in data:
            raise PdfEncryptedError("the PDF is protected by a password") from e
        raise CorruptImageError(f"the PDF cannot be read: {e}") from e

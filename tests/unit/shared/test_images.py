"""shared.images: type sniffing, limits and decoding, on documents made here with real codecs."""

from __future__ import annotations

import io
import random
import shutil
import struct
import subprocess
import zlib
from pathlib import Path
from typing import Any

import numpy as np
import pypdfium2 as pdfium
import pytest
from PIL import Image, ImageFile

from shared import errors
from shared.config import LimitSettings
from shared.images import DocumentInfo, inspect_document, read_pages

LIMITS = LimitSettings()
WHITE, BLACK, RED = (255, 255, 255), (0, 0, 0), (255, 0, 0)


def encode(image: Image.Image, fmt: str, **options: object) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, fmt, **options)
    return buffer.getvalue()


def rgb(page: Image.Image, xy: tuple[int, int]) -> tuple[int, ...]:
    value = page.getpixel(xy)
    assert isinstance(value, tuple)
    return value


def noise(size: tuple[int, int], seed: int = 7) -> Image.Image:
    """Incompressible pixels, so that cutting the file cuts pixel data."""
    return Image.frombytes("RGB", size, random.Random(seed).randbytes(size[0] * size[1] * 3))


def half_black_pdf(pages: int = 2, size: tuple[int, int] = (612, 792)) -> bytes:
    """A PDF of `pages` pages, `size` points each, whose left half is black."""
    image = Image.new("RGB", size, WHITE)
    image.paste(BLACK, (0, 0, size[0] // 2, size[1]))
    return encode(image, "PDF", resolution=72, save_all=True, append_images=[image] * (pages - 1))


def png_header_claiming(width: int, height: int) -> bytes:
    """A valid PNG header for width x height RGB with only a few bytes of pixel data."""

    def chunk(kind: bytes, payload: bytes) -> bytes:
        crc = zlib.crc32(kind + payload)
        return struct.pack(">I", len(payload)) + kind + payload + struct.pack(">I", crc)

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    pixels = zlib.compress(b"\x00" * 64)
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")
    )


def minimal_pdf(objects: list[str], trailer: str = "") -> bytes:
    """A hand-written PDF with a correct cross-reference table."""
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n{body}\nendobj\n".encode()
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    out += b"".join(f"{offset:010d} 00000 n \n".encode() for offset in offsets)
    out += f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R {trailer} >>\n".encode()
    return bytes(out + f"startxref\n{xref}\n%%EOF\n".encode())


ONE_PAGE = [
    "<< /Type /Catalog /Pages 2 0 R >>",
    "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
    "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 300 300] >>",
]


def refused(
    data: bytes,
    error: type[errors.BodaError],
    code: str,
    *,
    limits: LimitSettings = LIMITS,
    max_pages: int | None = None,
) -> dict[str, Any]:
    """Both entry points refuse `data` with `error`; returns the error's details."""
    with pytest.raises(error) as caught:
        inspect_document(data, limits, max_pages=max_pages)
    assert caught.value.code == code
    with pytest.raises(error):
        list(read_pages(data, limits, max_pages=max_pages))
    return caught.value.details


# --- accepted types ------------------------------------------------------------------------


def test_jpeg_is_accepted_and_decoded_to_rgb() -> None:
    data = encode(Image.new("RGB", (120, 80), RED), "JPEG", quality=95)

    assert inspect_document(data, LIMITS, max_pages=None) == DocumentInfo("image/jpeg", 1, 120, 80)
    [page] = list(read_pages(data, LIMITS, max_pages=None))
    assert (page.mode, page.size) == ("RGB", (120, 80))
    assert rgb(page, (60, 40))[0] > 240


def test_type_comes_from_the_bytes_so_a_png_sent_as_jpeg_is_read_as_png() -> None:
    data = encode(Image.new("RGB", (64, 48), RED), "PNG")

    info = inspect_document(data, LIMITS, max_pages=None)

    assert (info.content_type, info.width, info.height) == ("image/png", 64, 48)
    assert rgb(list(read_pages(data, LIMITS, max_pages=None))[0], (0, 0)) == RED


def test_multi_page_tiff_reports_every_page_and_reads_them_when_asked() -> None:
    first, second, third = (
        Image.new("RGB", (30, 40)),
        Image.new("L", (50, 50)),
        Image.new("1", (60, 60)),
    )
    data = encode(first, "TIFF", save_all=True, append_images=[second, third])

    assert inspect_document(data, LIMITS, max_pages=None) == DocumentInfo("image/tiff", 3, 30, 40)
    assert inspect_document(data, LIMITS, max_pages=3).pages == 3
    assert [p.size for p in list(read_pages(data, LIMITS, max_pages=None))] == [(30, 40)]
    pages = list(read_pages(data, LIMITS, max_pages=50))
    assert [(p.mode, p.size) for p in pages] == [
        ("RGB", (30, 40)),
        ("RGB", (50, 50)),
        ("RGB", (60, 60)),
    ]


def test_tiff_with_more_pages_than_allowed_is_refused() -> None:
    data = encode(
        Image.new("L", (40, 40)),
        "TIFF",
        save_all=True,
        append_images=[Image.new("L", (40, 40))] * 2,
    )

    details = refused(data, errors.PdfTooManyPagesError, "pdf_too_many_pages", max_pages=2)

    assert details == {"pages": 3, "limit": 2}


def test_pdf_pages_are_rendered_at_the_configured_dpi() -> None:
    data = half_black_pdf(pages=2)  # US letter: 8.5 x 11 inches

    assert inspect_document(data, LIMITS, max_pages=None) == DocumentInfo(
        "application/pdf", 2, 1700, 2200
    )
    limits = LimitSettings(pdf_dpi=100)
    pages = list(read_pages(data, limits, max_pages=10))
    assert [(p.mode, p.size) for p in pages] == [("RGB", (850, 1100))] * 2
    assert rgb(pages[1], (100, 550)) == BLACK
    assert rgb(pages[1], (750, 550)) == WHITE


def test_pdf_reads_only_the_first_page_for_document_types() -> None:
    data = half_black_pdf(pages=3)

    assert len(list(read_pages(data, LIMITS, max_pages=None))) == 1
    assert inspect_document(data, LIMITS, max_pages=None).pages == 3


def test_pdf_rotated_page_reports_its_displayed_size() -> None:
    document = pdfium.PdfDocument.new()
    document.new_page(612, 792).set_rotation(90)
    buffer = io.BytesIO()
    document.save(buffer)
    document.close()

    info = inspect_document(buffer.getvalue(), LimitSettings(pdf_dpi=72), max_pages=None)

    assert (info.width, info.height) == (792, 612)


def test_pdf_with_more_pages_than_allowed_is_refused() -> None:
    details = refused(
        half_black_pdf(pages=4), errors.PdfTooManyPagesError, "pdf_too_many_pages", max_pages=3
    )

    assert details == {"pages": 4, "limit": 3}


# --- conversions ---------------------------------------------------------------------------


def test_cmyk_jpeg_is_converted_to_rgb() -> None:
    image = Image.new("CMYK", (40, 40), (0, 0, 0, 0))
    image.paste((255, 0, 0, 0), (0, 0, 20, 40))  # cyan on the left
    data = encode(image, "JPEG", quality=100)

    [page] = list(read_pages(data, LIMITS, max_pages=None))

    assert page.mode == "RGB"
    red, green, blue = rgb(page, (5, 20))
    assert red < 20 and green > 235 and blue > 235
    assert min(rgb(page, (35, 20))) > 235


def test_sixteen_bit_png_is_scaled_not_clipped() -> None:
    image = Image.new("I;16", (32, 32), 1000)
    image.putpixel((0, 0), 65535)
    image.putpixel((1, 0), 32896)
    data = encode(image, "PNG")
    assert Image.open(io.BytesIO(data)).mode == "I;16"

    [page] = list(read_pages(data, LIMITS, max_pages=None))

    assert rgb(page, (0, 0)) == WHITE
    assert rgb(page, (1, 0)) == (128, 128, 128)
    assert rgb(page, (5, 5)) == (3, 3, 3)  # Pillow's own conversion would say 255


def transparent_right_half(mode: str) -> tuple[Image.Image, dict[str, object]]:
    """Opaque black on the left; on the right a colour that only transparency hides."""
    if mode == "P":
        image = Image.new("P", (32, 32), 0)
        image.putpalette([255, 0, 0, 0, 0, 0])  # index 0 red (transparent), index 1 black
        image.paste(1, (0, 0, 16, 32))
        return image, {"transparency": 0}
    hidden, opaque = ((0, 0), (0, 255)) if mode == "LA" else ((255, 0, 0, 0), (0, 0, 0, 255))
    image = Image.new(mode, (32, 32), hidden)
    image.paste(opaque, (0, 0, 16, 32))
    return image, {}


@pytest.mark.parametrize("mode", ["LA", "RGBA", "P"])
def test_transparency_is_composited_on_white(mode: str) -> None:
    image, options = transparent_right_half(mode)
    data = encode(image, "PNG", **options)

    [page] = list(read_pages(data, LIMITS, max_pages=None))

    assert page.mode == "RGB"
    assert rgb(page, (24, 16)) == WHITE
    assert rgb(page, (8, 16)) == BLACK


def test_half_transparent_black_becomes_mid_grey() -> None:
    data = encode(Image.new("RGBA", (32, 32), (0, 0, 0, 128)), "PNG")

    [page] = list(read_pages(data, LIMITS, max_pages=None))

    assert rgb(page, (0, 0)) == (127, 127, 127)


@pytest.mark.parametrize("mode", ["L", "1", "P"])
def test_grayscale_bilevel_and_palette_become_rgb(mode: str) -> None:
    data = encode(Image.new(mode, (20, 20)), "PNG")

    [page] = list(read_pages(data, LIMITS, max_pages=None))

    assert (page.mode, rgb(page, (3, 3))) == ("RGB", BLACK)


def test_exif_orientation_6_swaps_width_and_height_and_rotates_pixels() -> None:
    stored = Image.new("RGB", (120, 60), WHITE)
    stored.paste(RED, (0, 0, 60, 60))  # left half red; orientation 6 turns it 90° clockwise
    exif = stored.getexif()
    exif[0x0112] = 6
    data = encode(stored, "JPEG", exif=exif.tobytes(), quality=95)

    info = inspect_document(data, LIMITS, max_pages=None)
    [page] = list(read_pages(data, LIMITS, max_pages=None))

    assert (info.width, info.height) == (60, 120)
    assert page.size == (60, 120)
    assert rgb(page, (30, 20))[1] < 30  # top is red
    assert min(rgb(page, (30, 100))) > 230  # bottom is white


def test_animated_png_gives_its_first_frame() -> None:
    frames = [Image.new("RGB", (30, 30), RED), Image.new("RGB", (30, 30), (0, 0, 255))]
    data = encode(frames[0], "PNG", save_all=True, append_images=frames[1:])

    assert inspect_document(data, LIMITS, max_pages=50).pages == 1
    [page] = list(read_pages(data, LIMITS, max_pages=50))
    assert rgb(page, (10, 10)) == RED


# --- refusals ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "detected"),
    [
        (encode(Image.new("RGB", (20, 20)), "GIF"), "image/gif"),
        (encode(Image.new("RGB", (20, 20)), "BMP"), "image/bmp"),
        (encode(Image.new("RGB", (20, 20)), "WEBP"), "image/webp"),
        (b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"/>', "image/svg+xml"),
        (b"\x00\x00\x00\x18ftypheic\x00\x00\x00\x00mif1heic", "image/heic"),
        (b"PK\x03\x04" + b"\x00" * 40, "application/zip"),
        ("사업자등록증 plain text".encode(), None),
    ],
    ids=["gif", "bmp", "webp", "svg", "heic", "zip", "text"],
)
def test_other_types_are_unsupported(data: bytes, detected: str | None) -> None:
    details = refused(data, errors.UnsupportedMediaTypeError, "unsupported_media_type")

    assert details["detected"] == detected


def test_empty_file_is_corrupt() -> None:
    assert refused(b"", errors.CorruptImageError, "corrupt_image") == {"bytes": 0}


@pytest.mark.parametrize("fmt", ["PNG", "JPEG", "TIFF"])
def test_truncated_image_is_corrupt(fmt: str) -> None:
    data = encode(noise((200, 200)), fmt)

    refused(data[: len(data) // 2], errors.CorruptImageError, "corrupt_image")

    assert ImageFile.LOAD_TRUNCATED_IMAGES is False


@pytest.mark.parametrize(
    "data",
    [
        b"\xff\xd8\xff\xe0" + b"\x00" * 100,
        b"\x89PNG\r\n\x1a\n" + b"garbage" * 10,
        b"%PDF-1.7\nnot a pdf",
    ],
    ids=["jpeg", "png", "pdf"],
)
def test_garbage_after_a_valid_signature_is_corrupt(data: bytes) -> None:
    refused(data, errors.CorruptImageError, "corrupt_image")


def test_one_pixel_image_is_too_small() -> None:
    details = refused(
        encode(Image.new("RGB", (1, 1)), "PNG"), errors.ImageTooSmallError, "image_too_small"
    )

    assert details == {"width": 1, "height": 1, "page": 1, "limit": 16}


@pytest.mark.parametrize(("width", "height"), [(20, 220), (220, 20)])
def test_aspect_ratio_beyond_1_to_10_is_refused(width: int, height: int) -> None:
    data = encode(Image.new("L", (width, height)), "PNG")

    details = refused(data, errors.AspectRatioOutOfRangeError, "aspect_ratio_out_of_range")

    assert (details["ratio"], details["limit"]) == (11.0, 10.0)


@pytest.mark.parametrize(("width", "height"), [(20, 180), (20, 200)])
def test_aspect_ratio_up_to_1_to_10_is_accepted(width: int, height: int) -> None:
    data = encode(Image.new("L", (width, height)), "PNG")

    assert inspect_document(data, LIMITS, max_pages=None).height == height


@pytest.mark.parametrize(
    "size",
    [(8000, 8000), (10_000, 10_000), (100_000, 100_000)],
    ids=["over-our-limit", "over-pillow-warning", "over-pillow-error"],
)
def test_too_many_pixels_is_refused_from_the_header(
    size: tuple[int, int], monkeypatch: pytest.MonkeyPatch
) -> None:
    # The file holds 64 bytes of pixels: decoding it would say corrupt_image, not this.
    def no_decoding(self: ImageFile.ImageFile) -> None:
        raise AssertionError("pixels were decoded")

    monkeypatch.setattr(ImageFile.ImageFile, "load", no_decoding)
    pillow_limit = Image.MAX_IMAGE_PIXELS

    details = refused(
        png_header_claiming(*size),
        errors.ImageDimensionsTooLargeError,
        "image_dimensions_too_large",
    )

    assert details["limit"] == 50_000_000
    assert pillow_limit == Image.MAX_IMAGE_PIXELS


def test_pixel_limit_applies_to_real_images_and_names_the_size() -> None:
    data = encode(Image.new("RGB", (300, 200)), "PNG")

    details = refused(
        data,
        errors.ImageDimensionsTooLargeError,
        "image_dimensions_too_large",
        limits=LimitSettings(max_pixels=50_000),
    )

    assert details == {"width": 300, "height": 200, "page": 1, "limit": 50_000}


def test_pdf_page_too_large_at_the_dpi_is_refused_before_rendering() -> None:
    document = pdfium.PdfDocument.new()
    document.new_page(14_400, 14_400)  # 200 inches square: 40000 x 40000 pixels at 200 dpi
    buffer = io.BytesIO()
    document.save(buffer)
    document.close()

    details = refused(
        buffer.getvalue(), errors.ImageDimensionsTooLargeError, "image_dimensions_too_large"
    )

    assert (details["width"], details["height"]) == (40_000, 40_000)


def test_later_tiff_page_over_the_limits_is_refused_when_every_page_is_read() -> None:
    data = encode(
        Image.new("L", (40, 40)), "TIFF", save_all=True, append_images=[Image.new("L", (40, 500))]
    )

    assert inspect_document(data, LIMITS, max_pages=None).pages == 2
    details = refused(
        data, errors.AspectRatioOutOfRangeError, "aspect_ratio_out_of_range", max_pages=5
    )
    assert details["page"] == 2


def test_file_over_the_byte_limit_is_too_large() -> None:
    data = encode(Image.new("RGB", (40, 40)), "PNG")

    details = refused(
        data,
        errors.ImageTooLargeError,
        "image_too_large",
        limits=LimitSettings(max_file_bytes=len(data) - 1),
    )

    assert details == {"bytes": len(data), "limit": len(data) - 1}
    assert (
        inspect_document(data, LimitSettings(max_file_bytes=len(data)), max_pages=None).width == 40
    )


def test_pdf_needing_a_password_is_refused() -> None:
    # Standard security handler whose /U entry matches no password, the empty one included.
    encrypt = f"<< /Filter /Standard /V 1 /R 2 /O <{'ab' * 32}> /U <{'cd' * 32}> /P -44 >>"
    trailer = f"/Encrypt 4 0 R /ID [<{'01' * 16}> <{'01' * 16}>]"
    data = minimal_pdf([*ONE_PAGE, encrypt], trailer)
    assert inspect_document(minimal_pdf(ONE_PAGE), LIMITS, max_pages=None).pages == 1

    refused(data, errors.PdfEncryptedError, "pdf_encrypted")


@pytest.mark.skipif(
    shutil.which("qpdf") is None, reason="needs the qpdf command (apt-get install qpdf)"
)
def test_pdf_encrypted_by_qpdf(tmp_path: Path) -> None:
    plain = tmp_path / "plain.pdf"
    plain.write_bytes(half_black_pdf(pages=1))

    def encrypted(user_password: str) -> bytes:
        out = tmp_path / f"encrypted-{user_password or 'none'}.pdf"
        command = [
            "qpdf",
            "--encrypt",
            user_password,
            "owner-secret",
            "256",
            "--",
            str(plain),
            str(out),
        ]
        subprocess.run(command, check=True)
        return out.read_bytes()

    refused(encrypted("user-secret"), errors.PdfEncryptedError, "pdf_encrypted")
    # Only an owner password (permissions): every reader opens it without asking, and so do we.
    assert inspect_document(encrypted(""), LIMITS, max_pages=None).width == 1700


# --- whole documents: budget, and pages decoded one at a time ---------------------------------


class DecodeCounter:
    """Counts pixel decodes (Pillow's ImageFile.load with tiles left to decode)."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.calls = 0
        load = ImageFile.ImageFile.load

        def counting(image: ImageFile.ImageFile) -> Any:
            self.calls += bool(image.tile)
            return load(image)

        monkeypatch.setattr(ImageFile.ImageFile, "load", counting)


def sixteen_bit_tiff(pages: int, size: tuple[int, int] = (400, 300)) -> bytes:
    frames = [
        Image.fromarray(np.full(size[::-1], 40000 + i, dtype=np.uint16)) for i in range(pages)
    ]
    return encode(frames[0], "TIFF", save_all=True, append_images=frames[1:])


def test_the_gateway_decodes_only_the_first_page_of_a_multi_page_file(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    data = sixteen_bit_tiff(10)
    counter = DecodeCounter(monkeypatch)

    info = inspect_document(data, LIMITS, max_pages=50)

    assert (info.pages, info.width, info.height) == (10, 400, 300)
    assert counter.calls == 1


def test_pages_are_decoded_one_at_a_time_as_they_are_read(monkeypatch: pytest.MonkeyPatch) -> None:
    data = sixteen_bit_tiff(5)
    counter = DecodeCounter(monkeypatch)

    pages = read_pages(data, LIMITS, max_pages=50)
    first = next(pages)

    assert counter.calls == 1 and first.size == (400, 300)
    assert len(list(pages)) == 4 and counter.calls == 5


def test_a_document_over_the_pixel_budget_is_refused_from_its_page_boxes(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    document = pdfium.PdfDocument.new()
    for _ in range(8):
        document.new_page(2520, 2520)  # 35 inches: 7000 x 7000 pixels at 200 dpi
    buffer = io.BytesIO()
    document.save(buffer)
    document.close()
    monkeypatch.setattr(pdfium.PdfPage, "render", lambda *_, **__: pytest.fail("rendered"))

    details = refused(
        buffer.getvalue(),
        errors.ImageDimensionsTooLargeError,
        "image_dimensions_too_large",
        max_pages=50,
    )

    assert details == {"pixels": 8 * 7000 * 7000, "pages": 8, "limit": 200_000_000}
    # Document types read the first page only: one such page is within every limit.
    assert inspect_document(buffer.getvalue(), LIMITS, max_pages=None).pages == 8


def test_a_zero_page_pdf_after_an_encrypted_one_is_corrupt_not_encrypted() -> None:
    encrypt = f"<< /Filter /Standard /V 1 /R 2 /O <{'ab' * 32}> /U <{'cd' * 32}> /P -44 >>"
    trailer = f"/Encrypt 4 0 R /ID [<{'01' * 16}> <{'01' * 16}>]"
    refused(minimal_pdf([*ONE_PAGE, encrypt], trailer), errors.PdfEncryptedError, "pdf_encrypted")
    no_pages = minimal_pdf(
        ["<< /Type /Catalog /Pages 2 0 R >>", "<< /Type /Pages /Kids [] /Count 0 >>"]
    )

    refused(no_pages, errors.CorruptImageError, "corrupt_image")


def test_a_png_is_checked_by_its_chunks_not_decoded(monkeypatch: pytest.MonkeyPatch) -> None:
    data = encode(noise((300, 200)), "PNG")
    counter = DecodeCounter(monkeypatch)

    assert inspect_document(data, LIMITS, max_pages=None).width == 300
    assert counter.calls == 0
    refused(data[:-30], errors.CorruptImageError, "corrupt_image")  # cut: a chunk goes missing


def test_a_png_turned_by_exif_reports_its_displayed_size() -> None:
    exif = Image.Exif()
    exif[0x0112] = 6  # rotate 90 degrees clockwise to display
    data = encode(Image.new("RGB", (300, 200), WHITE), "PNG", exif=exif.tobytes())

    info = inspect_document(data, LIMITS, max_pages=None)
    [page] = list(read_pages(data, LIMITS, max_pages=None))

    assert (info.width, info.height) == page.size == (200, 300)

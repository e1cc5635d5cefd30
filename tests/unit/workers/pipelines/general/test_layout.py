"""General OCR on pages as they arrive: turned, with an upside-down line, long, multi-page."""

from __future__ import annotations

import io
import random

import numpy as np
import pytest
from PIL import Image

from shared.analyses.general import GeneralResult, Page
from shared.config import LimitSettings, ModelSettings
from shared.errors import AspectRatioOutOfRangeError
from shared.images import inspect_document, read_pages
from synth.corpus import Corpus
from synth.documents import (
    PageStyle,
    Quad,
    SyntheticPage,
    TruthLine,
    print_rows,
    random_style,
)
from synth.fonts import DOCUMENT_FONTS
from synth.scores import character_errors, quad_iou
from synth.sets import clean_set
from workers.engines.runtime.model_store import install_models
from workers.engines.text.detection import Detection
from workers.korean.script import has_hangul
from workers.pipelines.general.reader import GeneralReader
from workers.pipelines.general.slicing import MAX_ASPECT, OVERLAP, Slice, merge_slices, plan_slices
from workers.pipelines.general.turns import line_turns

LIMITS = LimitSettings()
CER_BOUND = 0.01
"""The bound the clean set is held to when upright (test_general_ocr)."""
MATCH = 0.5
"""IoU from which a read line is taken for a truth line (as synth.scores counts them)."""


@pytest.fixture(scope="module")
def reader(tmp_path_factory: pytest.TempPathFactory) -> GeneralReader:
    folder = tmp_path_factory.mktemp("models")
    install_models(folder)
    return GeneralReader.load(ModelSettings(dir=folder))


@pytest.fixture(scope="module")
def page() -> SyntheticPage:
    return clean_set(n=1, seed=3)[0]


def short_page(seed: int, rows: int = 3) -> SyntheticPage:
    rng = random.Random(f"layout-{seed}")
    return print_rows(
        None, [Corpus(rng).row() for _ in range(rows)], random_style(rng, DOCUMENT_FONTS)
    )


def turned(image: Image.Image, angle: int) -> Image.Image:
    """The page turned `angle` degrees counter-clockwise (a scan fed in sideways)."""
    return image.rotate(angle, expand=True)


def turned_box(box: Quad, angle: int, size: tuple[int, int]) -> Quad:
    """Where a box of a page of `size` lies once the page is turned as `turned` does."""
    width, height = size
    moves = {
        0: lambda x, y: (x, y),
        90: lambda x, y: (y, width - x),
        180: lambda x, y: (width - x, height - y),
        270: lambda x, y: (height - y, x),
    }
    return [moves[angle](x, y) for x, y in box]


def matches(truth: Quad, page: Page) -> list[int]:
    """Indexes of the page's lines whose box overlaps `truth` well."""
    return [i for i, line in enumerate(page.lines) if quad_iou(truth, line.box) > MATCH]


def cer(result: GeneralResult, truth: str) -> float:
    return character_errors(result.text, truth) / len(truth)


def assert_clockwise_from_top_left(page: Page) -> None:
    for line in page.lines:
        points = np.array(line.box)
        x, y = points[:, 0], points[:, 1]
        assert np.dot(x, np.roll(y, -1)) - np.dot(y, np.roll(x, -1)) > 0
        assert tuple(points[0]) == min(map(tuple, points), key=lambda p: p[0] + p[1])


@pytest.mark.slow
@pytest.mark.parametrize("angle", [0, 90, 180, 270])
def test_a_turned_page_is_read_upright_with_boxes_on_the_page_as_received(
    reader: GeneralReader, page: SyntheticPage, angle: int
) -> None:
    image = turned(page.image, angle)

    result = reader.read([image])

    read = result.pages[0]
    assert read.rotation == angle
    assert (read.width, read.height) == image.size
    assert cer(result, page.text) <= CER_BOUND, result.text
    for truth in page.lines:
        found = matches(turned_box(truth.box, angle, page.image.size), read)
        assert len(found) == 1, truth.text
        assert character_errors(read.lines[found[0]].text, truth.text) <= 1
    assert_clockwise_from_top_left(read)


@pytest.mark.slow
@pytest.mark.parametrize("angle", [30, 45, 135])
def test_a_page_skewed_far_is_read_along_its_lines(
    reader: GeneralReader, page: SyntheticPage, angle: int
) -> None:
    # At exactly 45° every line box has two top-left corners; the longer side decides.
    image = page.image.rotate(angle, expand=True, fillcolor="white", resample=Image.BICUBIC)
    result = reader.read([image])
    assert cer(result, page.text) <= CER_BOUND, result.text
    assert result.pages[0].rotation == {30: 0, 45: 0, 135: 180}[angle]
    assert_clockwise_from_top_left(result.pages[0])


@pytest.mark.slow
@pytest.mark.parametrize("angle", [90, 180, 270])
def test_a_page_of_few_lines_is_turned_upright_too(reader: GeneralReader, angle: int) -> None:
    short = short_page(seed=angle, rows=2)
    result = reader.read([turned(short.image, angle)])
    assert result.pages[0].rotation == angle
    assert cer(result, short.text) <= CER_BOUND, result.text


@pytest.mark.slow
@pytest.mark.parametrize("script", ["hangul", "latin", "digits"])
def test_an_upside_down_line_on_an_upright_page_is_read_the_right_way_up(
    reader: GeneralReader, page: SyntheticPage, script: str
) -> None:
    # Upside down, Hangul reads unsurely in Tesseract; Latin letters and digits read a little
    # less surely in PP-OCR (`98,000원` as `000'86`), which orientation weighs too.
    line = {
        "hangul": max(
            (line for line in page.lines if has_hangul(line.text)), key=lambda line: len(line.text)
        ),
        "latin": next(line for line in page.lines if line.text == "Invoice No. 2023-3381"),
        "digits": next(line for line in page.lines if line.text == "8977.03 USD"),
    }[script]
    (left, top), _, (right, bottom), _ = line.box
    block = (left - 8, top - 8, right + 8, bottom + 8)
    image = page.image.copy()
    image.paste(image.crop(block).rotate(180), block[:2])

    read = reader.read([image]).pages[0]

    assert read.rotation == 0
    [index] = matches(line.box, read)
    assert read.lines[index].text == line.text
    others = "\n".join(other.text for other in read.lines if other is not read.lines[index])
    truth = "\n".join(other.text for other in page.lines if other is not line)
    assert character_errors(others, truth) <= CER_BOUND * len(truth)


def sized(width: float, height: float) -> np.ndarray:
    return np.array([(0, 0), (width, 0), (width, height), (0, height)], dtype=np.float32)


def test_a_line_is_turned_across_its_page_only_when_long_enough_to_show_its_direction() -> None:
    # A lone `1` (a receipt's quantity) as the detector boxes it on a photographed receipt:
    # higher than wide, yet upright like its page.
    assert [line_turns(sized(13, 21), 0), line_turns(sized(17, 26), 0)] == [0, 0]
    assert line_turns(sized(24, 60), 0) == 1  # two syllables stacked: a label printed sideways
    assert line_turns(sized(60, 24), 1) == 2  # the same label on a page turned a quarter
    assert line_turns(sized(300, 30), 0) == 0


def stacked(pages: list[SyntheticPage], size: tuple[int, int], top: int) -> SyntheticPage:
    """Pages one below the other from `top` down, on one white image of `size`."""
    image = Image.new("RGB", size, "white")
    lines: list[TruthLine] = []
    for part in pages:
        image.paste(part.image, (0, top))
        lines += [TruthLine(t.text, [(x, y + top) for x, y in t.box]) for t in part.lines]
        top += part.image.height
    return SyntheticPage(image=image, lines=lines, style=pages[0].style)


def middle(line: TruthLine) -> float:
    return (line.box[0][1] + line.box[2][1]) / 2


def seams(size: tuple[int, int]) -> list[int]:
    """Where slices of a page of `size` begin or end inside it."""
    slices = plan_slices(*size)
    return [s.stop for s in slices[:-1]] + [s.start for s in slices[1:]]


@pytest.fixture(scope="module")
def long_page() -> SyntheticPage:
    """A 1:5 image of stacked clean pages, placed so that a seam cuts a line in half."""
    size = (1240, 5 * 1240)
    chosen: list[SyntheticPage] = []
    for part in clean_set(n=12, seed=4):
        room = size[1] - 100 - sum(p.image.height for p in chosen)
        if part.image.width <= size[0] and part.image.height <= room:
            chosen.append(part)
    seam = seams(size)[0]
    above = [middle(line) for line in stacked(chosen, size, 0).lines if middle(line) < seam]
    return stacked(chosen, size, top=round(seam - max(above)))


@pytest.mark.slow
def test_a_long_image_is_read_in_slices_with_every_line_once(
    reader: GeneralReader, long_page: SyntheticPage
) -> None:
    width, height = long_page.image.size
    assert height == 5 * width
    seam = seams((width, height))[0]
    halved = [line for line in long_page.lines if abs(middle(line) - seam) < 2]
    assert halved, "no line is cut in half by a seam"

    result = reader.read([long_page.image])

    read = result.pages[0]
    assert result.slices == len(plan_slices(width, height)) > 1
    for truth in long_page.lines:
        assert len(matches(truth.box, read)) == 1, truth.text
    for truth in halved:  # the whole copy was kept, not a half
        [index] = matches(truth.box, read)
        assert quad_iou(truth.box, read.lines[index].box) > 0.65
        assert read.lines[index].text == truth.text
    assert len(read.lines) == len(long_page.lines)
    assert cer(result, long_page.text) <= CER_BOUND, result.text


@pytest.mark.slow
def test_lines_longer_than_a_slice_are_joined_across_the_seams(reader: GeneralReader) -> None:
    # A 1:10 banner: its lines run along the long side, so no slice holds one whole.
    rows = [["자세한 내용은 담당자에게 문의해 주시기 바랍니다. 위와 같이 계약을 체결합니다."]]
    style = PageStyle(font="NanumGothic.ttf", size=30, width=1900, margin=60)
    banner = print_rows(None, rows * 2, style)
    assert len(plan_slices(*banner.image.size)) > 2

    result = reader.read([banner.image])

    assert result.slices == len(plan_slices(*banner.image.size))
    assert [line.text for line in result.pages[0].lines] == [banner.lines[0].text] * 2
    for truth in banner.lines:
        assert len(matches(truth.box, result.pages[0])) == 1


def test_slices_are_short_enough_overlap_enough_and_cover_the_page() -> None:
    for width, height in [(1000, 5000), (700, 6900), (9000, 1000), (1000, 2600)]:
        slices = plan_slices(width, height)
        short = min(width, height)
        assert slices[0].start == 0 and slices[-1].stop == max(width, height)
        for first, second in zip(slices, slices[1:], strict=False):
            assert first.stop - second.start >= OVERLAP * short
        assert all((s.stop - s.start) <= MAX_ASPECT * short for s in slices)
    assert len(plan_slices(1000, 2500)) == 1


def box(x0: float, y0: float, x1: float, y1: float) -> Detection:
    points = np.array([[x0, y0], [x1, y0], [x1, y1], [x0, y1]], dtype=np.float32)
    return Detection(points, 0.9)


def test_merging_keeps_whole_copies_once_and_joins_a_line_longer_than_the_overlap() -> None:
    upper, lower = Slice(0, 2000, True, last=False), Slice(1750, 3600, True, first=False)
    found = [
        # a line in the overlap (found whole twice), a line the upper edge cuts, and a
        # line running down the page across the seam (a turned label), cut in both slices
        (upper, [box(50, 1800, 600, 1840), box(50, 1980, 600, 1999), box(900, 1500, 940, 1999)]),
        (lower, [box(52, 1801, 601, 1841), box(50, 1980, 600, 2020), box(901, 1750, 941, 2300)]),
    ]
    merged = merge_slices(found)
    tops = sorted(round(float(d.points[:, 1].min())) for d in merged)
    assert tops == [1500, 1800, 1980]
    joined = next(d for d in merged if d.points[:, 1].min() < 1600)
    assert joined.points[:, 1].max() == pytest.approx(2300, abs=1)


def encode(pages: list[Image.Image], fmt: str) -> bytes:
    buffer = io.BytesIO()
    pages[0].save(buffer, fmt, save_all=True, append_images=pages[1:], resolution=LIMITS.pdf_dpi)
    return buffer.getvalue()


@pytest.mark.slow
@pytest.mark.parametrize("fmt", ["PDF", "TIFF"])
def test_every_page_of_a_pdf_or_tiff_is_read_in_order(reader: GeneralReader, fmt: str) -> None:
    pages = [short_page(seed=10 + i) for i in range(3)]
    images = [pages[0].image, turned(pages[1].image, 90), pages[2].image]
    decoded = list(read_pages(encode(images, fmt), LIMITS, max_pages=LIMITS.max_pages))
    for page, image in zip(decoded, images, strict=True):  # PDF pages render rounded up
        assert np.allclose(page.size, image.size, atol=1)

    result = reader.read(decoded)

    assert [p.rotation for p in result.pages] == [0, 90, 0]
    texts = result.text.split("\f")
    assert len(texts) == 3
    for text, truth in zip(texts, pages, strict=True):
        assert character_errors(text, truth.text) <= CER_BOUND * len(truth.text), text


def test_an_image_longer_than_one_to_ten_is_refused() -> None:
    buffer = io.BytesIO()
    Image.new("RGB", (100, 1100), "white").save(buffer, "PNG")
    with pytest.raises(AspectRatioOutOfRangeError) as error:
        inspect_document(buffer.getvalue(), LIMITS, max_pages=None)
    assert error.value.code == "aspect_ratio_out_of_range"
    assert error.value.details["ratio"] == 11.0

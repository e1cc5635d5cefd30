"""The web page, one test per family: a document (boxes, the fields table, the Excel download),
a plate, faces with their landmarks, a batch's progress (in Korean), and recognised text that
holds `<script>` shown as text. Each drives the page as a user does: key, type, file, read."""

from __future__ import annotations

import io
import random
import re

import pytest
from openpyxl import load_workbook
from PIL import Image, ImageDraw
from playwright.sync_api import Browser, Locator, Page, expect

from synth.cards import CARD_FONTS, card_set
from synth.face_photos import photos
from synth.fonts import load_font
from synth.plate_scenes import scene
from synth.plates import PLATE_FONTS, random_spec
from synth.registrations import CERTIFICATE_FONTS, certificate_set
from tests.e2e.conftest import Service
from tests.ui.conftest import open_page, screenshot

pytestmark = [pytest.mark.ui, pytest.mark.e2e, pytest.mark.slow]
DONE = 120_000
"""How long a job may take in the page (ms): the first of each family loads its models."""


def encoded(image: Image.Image, kind: str = "PNG") -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, format=kind)
    return buffer.getvalue()


def read(page: Page, job_type: str, files: list[tuple[str, str, bytes]], **fields: str) -> None:
    page.select_option("#type", job_type)
    for name, value in fields.items():
        page.fill(f"#option-fields input[name={name}]", value)
    payloads = [{"name": name, "mimeType": mime, "buffer": data} for name, mime, data in files]
    page.set_input_files("#file", payloads)
    page.click("#upload button[type=submit]")


def drawn(job: Locator, kind: str) -> None:
    """Wait for the picture's boxes: the page draws them once the image has loaded, after the
    job's status already reads succeeded."""
    expect(job.locator(f"svg g.box.{kind}").first).to_be_attached()


def test_a_document_shows_its_boxes_and_fields_and_downloads_its_spreadsheet(
    browser: Browser, service: Service
) -> None:
    made = certificate_set(1, 23, CERTIFICATE_FONTS, ("compact",), photo=False)[0]
    number = made.certificate.fields["registration_number"]
    page = open_page(browser, service)
    read(
        page, "business_registration", [("certificate.png", "image/png", encoded(made.page.image))]
    )

    job = page.locator("article.job").first
    expect(job).to_have_attribute("data-status", "succeeded", timeout=DONE)
    expect(job.locator("table.fields")).to_contain_text(number)
    expect(job.locator("table.fields")).to_contain_text(made.certificate.fields["tax_office"])
    drawn(job, "line")
    assert job.locator("svg g.box.line").count() >= 10
    field_box = job.locator("svg g.box.field", has_text=f"registration_number: {number}")
    field_box.hover()
    expect(job.locator(".tip")).to_contain_text(number)
    screenshot(page, "document")

    with page.expect_download() as download:
        job.locator("button[data-format='result.xlsx']").click()
    assert download.value.suggested_filename.endswith(".xlsx")
    book = load_workbook(io.BytesIO(download.value.path().read_bytes()))
    values = {row[3]: row[5] for row in book.active.iter_rows(min_row=2, values_only=True)}
    assert values["registration_number"] == number


def test_a_plate_shows_its_number_and_box(browser: Browser, service: Service) -> None:
    rng = random.Random(300)
    spec = random_spec("national3", rng)
    made = scene(spec, PLATE_FONTS[0], "clean", rng)
    page = open_page(browser, service)
    read(page, "vehicle_plate", [("car.jpg", "image/jpeg", encoded(made.image, "JPEG"))])

    job = page.locator("article.job").first
    expect(job).to_have_attribute("data-status", "succeeded", timeout=DONE)
    expect(job.locator("table.fields")).to_contain_text(spec.number)
    expect(job.locator("svg g.box.plate title")).to_contain_text(spec.number)
    screenshot(page, "plate")


def test_faces_are_registered_to_a_group_and_drawn_with_landmarks(
    browser: Browser, service: Service
) -> None:
    page = open_page(browser, service)
    page.fill("#new-group", "ui-family")
    page.click("#group-form button[type=submit]")
    expect(page.locator("#groups")).to_contain_text("ui-family")
    photo = photos()[0]
    read(
        page,
        "face_register",
        [(photo.name, "image/jpeg", photo.read_bytes())],
        group_id="ui-family",
    )

    job = page.locator("article.job").first
    expect(job).to_have_attribute("data-status", "succeeded", timeout=DONE)
    drawn(job, "face")
    faces = job.locator("svg g.box.face").count()
    assert faces >= 1
    assert job.locator("svg circle.landmark").count() == 5 * faces
    page.click("#refresh-groups")
    expect(page.locator("#groups")).to_contain_text(re.compile(rf"ui-family · {faces} "))
    screenshot(page, "faces")


def test_a_batch_shows_its_progress_in_korean(browser: Browser, service: Service) -> None:
    cards = card_set(3, 31, CARD_FONTS, photo=False)
    page = open_page(browser, service, locale="ko-KR")
    expect(page.locator("#try-title")).to_have_text("문서, 번호판, 얼굴 인식")
    files = [(f"card{i}.png", "image/png", encoded(card.image)) for i, card in enumerate(cards)]
    read(page, "credit_card", files)

    expect(page.locator("#batch")).to_be_visible()
    expect(page.locator("#batch-counts")).to_contain_text("3 / 3", timeout=DONE)
    expect(page.locator("#batch-progress")).to_have_js_property("value", 3)
    jobs = page.locator("article.job[data-status='succeeded']")
    expect(jobs).to_have_count(3, timeout=DONE)
    for card in cards:
        expect(page.locator("#jobs")).to_contain_text(card.card.number)
    screenshot(page, "batch")


def test_recognised_markup_is_shown_as_text_and_never_run(
    browser: Browser, service: Service
) -> None:
    image = Image.new("RGB", (1400, 220), "white")
    ImageDraw.Draw(image).text(
        (40, 70), "<script>alert(1)</script>", font=load_font("NanumGothic.ttf", 64), fill="black"
    )
    page = open_page(browser, service)
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    read(page, "general", [("markup.png", "image/png", encoded(image))])

    job = page.locator("article.job").first
    expect(job).to_have_attribute("data-status", "succeeded", timeout=DONE)
    expect(job.locator("pre.text")).to_contain_text("<script>")
    assert page.evaluate("document.querySelectorAll('script').length") == 1  # the page's own
    assert dialogs == []
    policy = service.client.get("/").headers["content-security-policy"]
    assert "script-src 'self'" in policy and "unsafe-inline" not in policy
    screenshot(page, "markup")

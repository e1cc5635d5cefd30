"""Document types through the whole service (Postgres, Redis, an S3-API server, a real OCR
worker): generated credit cards, business registration certificates and ID documents read,
checked and masked; the originals of personal documents gone at the end."""

from __future__ import annotations

import io
import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from openpyxl import load_workbook
from PIL import Image

from synth.cards import CARD_FONTS, card_set
from synth.id_cards import ID_FONTS, LAYOUTS, id_set
from synth.registrations import CERTIFICATE_FONTS, certificate_set
from tests.e2e.conftest import Service, servers_env

pytestmark = [pytest.mark.e2e, pytest.mark.slow]


@pytest.fixture
def ocr_service(
    tmp_path: Path, pg_url: str, redis_prefix: str, s3_endpoint: str
) -> Iterator[Service]:
    env = servers_env(tmp_path / "data", pg_url, redis_prefix, s3_endpoint)
    with Service(env, tmp_path, queues="ocr") as service:
        yield service


def submit(service: Service, image: bytes, options: dict, job_type: str = "credit_card") -> dict:
    response = service.client.post(
        "/v1/jobs",
        params={"wait": 30},
        data={"type": job_type, "options": json.dumps(options)},
        files={"file": ("document.jpg", image)},
    )
    job = response.json()
    if job["status"] not in ("succeeded", "failed"):
        job = service.wait_for_job(job["id"])
    assert job["status"] == "succeeded", (job, service.log("worker"))
    return job


def test_credit_cards_are_read_checked_and_masked(ocr_service: Service) -> None:
    service = ocr_service
    card = card_set(3, 11, CARD_FONTS, photo=True)[2]  # every third card is vertical
    assert card.card.vertical
    buffer = io.BytesIO()
    card.image.save(buffer, format="JPEG", quality=90)
    plain = submit(service, buffer.getvalue(), {})
    assert plain["original_deleted"] is True  # personal data: gone with the job's end
    result = service.client.get(f"/v1/jobs/{plain['id']}/result").json()
    assert result["document_type"] == "credit_card"
    found = {field["key"]: field["value"] for field in result["fields"]}
    assert found == {
        "card_number": card.card.number,
        "card_number_groups": card.card.groups,
        "expiry": card.card.expiry,
        "brand": card.card.brand,
    }
    assert {c["name"]: c["passed"] for c in result["checks"]} == {
        "card_number_luhn": True,
        "expiry_month": True,
    }

    hidden = submit(service, buffer.getvalue(), {"mask": True})
    stored = service.client.get(f"/v1/jobs/{hidden['id']}/result").text
    text = service.client.get(f"/v1/jobs/{hidden['id']}/result.txt").text
    middle = card.card.number[6:-4]
    for served in (stored.replace(" ", ""), text.replace(" ", "")):
        assert card.card.number not in served and middle not in served
    assert card.card.number[:6] + "*" * len(middle) + card.card.number[-4:] in stored
    assert card.card.number not in service.all_logs().replace(" ", "")


def jpeg(image: Image.Image) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", quality=90)
    return buffer.getvalue()


def test_a_business_registration_is_read_checked_and_downloaded_per_field(
    ocr_service: Service,
) -> None:
    service = ocr_service
    made = certificate_set(2, 17, CERTIFICATE_FONTS, ("compact",), photo=True)[1]
    truth = made.certificate
    assert truth.subtype == "corporate"
    job = submit(service, jpeg(made.page.image), {}, "business_registration")
    assert job["original_deleted"] is False  # no personal data: the tenant's retention
    result = service.client.get(f"/v1/jobs/{job['id']}/result").json()
    assert (result["document_type"], result["subtype"]) == ("business_registration", "corporate")
    found = {field["key"]: field["value"] for field in result["fields"]}
    for key in ("registration_number", "corporate_registration_number", "opening_date",
                "issue_date", "tax_office", "taxpayer_type", "representative"):  # fmt: skip
        assert found[key] == truth.fields[key], (key, found)
    checks = {check["name"]: check["passed"] for check in result["checks"]}
    assert checks["registration_number_check_digit"] is True
    assert checks["corporate_registration_number_check_digit"] is True
    assert checks["government_verification"] is None  # no verifier configured: not performed

    book = load_workbook(
        io.BytesIO(service.client.get(f"/v1/jobs/{job['id']}/result.xlsx").content)
    )
    rows = list(book["corporate"].iter_rows(values_only=True))
    assert rows[0][2:6] == ("subtype", "key", "label", "value")
    by_key = {row[3]: row for row in rows[1:]}
    number = truth.fields["registration_number"]
    assert by_key["registration_number"][4:6] == ("등록번호", number)
    assert by_key["registration_number"][7] is True  # valid
    text = service.client.get(f"/v1/jobs/{job['id']}/result.txt").text
    assert f"등록번호: {truth.fields['registration_number']}" in text


def test_id_documents_are_read_and_masked_everywhere(ocr_service: Service) -> None:
    service = ocr_service
    resident, _, travel = id_set(3, 20, ID_FONTS, LAYOUTS, photo=True)
    assert (resident.document.subtype, travel.document.subtype) == ("resident", "passport")
    assert "personal_number" in travel.document.fields  # issued before 2021

    job = submit(service, jpeg(resident.page.image), {}, "id_card")
    assert job["original_deleted"] is True
    result = service.client.get(f"/v1/jobs/{job['id']}/result").json()
    found = {field["key"]: field["value"] for field in result["fields"]}
    assert result["subtype"] == "resident"
    assert found["resident_number"] == resident.document.fields["resident_number"]
    assert found["name"] == resident.document.fields["name"]
    checks = {check["name"]: check["passed"] for check in result["checks"]}
    assert checks["resident_number_check_digit"] is True
    assert checks["government_verification"] is None

    hidden = submit(service, jpeg(travel.page.image), {"mask": True}, "id_card")
    stored = service.client.get(f"/v1/jobs/{hidden['id']}/result").json()
    fields = {field["key"]: field["value"] for field in stored["fields"]}
    personal = travel.document.fields["personal_number"]
    assert stored["subtype"] == "passport"
    assert fields["passport_number"] == travel.document.fields["passport_number"]
    assert fields["personal_number"] == "*" * len(personal)
    assert fields["mrz_line2"][28:35] == "*" * len(personal)
    assert {c["name"]: c["passed"] for c in stored["checks"]}["mrz_composite_check_digit"] is True
    text = service.client.get(f"/v1/jobs/{hidden['id']}/result.txt").text
    xlsx = service.client.get(f"/v1/jobs/{hidden['id']}/result.xlsx").content
    cells = " ".join(
        str(cell)
        for row in load_workbook(io.BytesIO(xlsx))["passport"].iter_rows(values_only=True)
        for cell in row
    )
    lines = " ".join(line["text"] for line in stored["lines"])
    for served in (lines, text, cells):
        assert personal not in served.replace(travel.document.fields["passport_number"], "")
    logs = service.all_logs()
    assert resident.document.fields["resident_number"] not in logs

"""The jobs API on the embedded default: the contract of API.md, status and code per error."""

from __future__ import annotations

import base64
import io
import time
import uuid
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pypdfium2 as pdfium
import pytest
from PIL import Image

from shared.analyses import ANALYSES
from shared.tenants import add_api_key, create_tenant
from tests.integration.conftest import Api, png
from tests.integration.deployment import unbuilt_type


def jpeg_cmyk() -> bytes:
    buffer = io.BytesIO()
    Image.new("CMYK", (300, 200), (0, 0, 0, 0)).save(buffer, "JPEG")
    return buffer.getvalue()


def png_16bit() -> bytes:
    buffer = io.BytesIO()
    Image.fromarray(np.full((200, 300), 40000, dtype=np.uint16)).save(buffer, "PNG")
    return buffer.getvalue()


def test_submit_records_a_queued_job_with_its_input(api: Api) -> None:
    data = png(640, 320)
    answer = api.submit(data, filename="scan.png")
    assert answer["status"] == 202
    job = answer["body"]
    assert job["type"] == "general" and job["status"] == "queued"
    assert job["input"]["filename"] == "scan.png"
    assert job["input"]["content_type"] == "image/png"
    assert (job["input"]["width"], job["input"]["height"], job["input"]["bytes"]) == (
        640,
        320,
        len(data),
    )
    assert job["pages"] == 1 and job["error"] is None
    assert job["links"]["result"] == f"/v1/jobs/{job['id']}/result"
    fetched = api.client.get(f"/v1/jobs/{job['id']}", headers=api.auth)
    assert fetched.status_code == 200 and fetched.json()["id"] == job["id"]
    assert api.job_count() == 1 and api.object_count() == 1


@pytest.mark.parametrize(
    ("name", "data"),
    [("cmyk.jpg", jpeg_cmyk()), ("deep.png", png_16bit()), ("named-wrong.jpg", png(300, 200))],
)
def test_converted_inputs_are_accepted(api: Api, name: str, data: bytes) -> None:
    answer = api.submit(data, filename=name)
    assert answer["status"] == 202, answer
    assert answer["body"]["input"]["width"] == 300


def _too_many_pixels() -> bytes:
    return png(9000, 6000, mode="L")


REFUSALS = [
    ("gif", {"file": b"GIF89a\x01\x00\x01\x00\x00\x00\x00;"}, 415, "unsupported_media_type"),
    ("text", {"file": b"hello, this is not an image"}, 415, "unsupported_media_type"),
    ("truncated", {"file": png(400, 300)[:-120]}, 422, "corrupt_image"),
    ("empty", {"file": b""}, 422, "corrupt_image"),
    ("pixels", {"file": _too_many_pixels()}, 422, "image_dimensions_too_large"),
    ("aspect", {"file": png(1100, 100)}, 422, "aspect_ratio_out_of_range"),
    ("tiny", {"file": png(1, 1)}, 422, "image_too_small"),
    ("loopback-url", {"image_url": "http://127.0.0.1/a.png"}, 422, "url_not_allowed"),
    ("private-url", {"image_url": "http://10.1.2.3/a.png"}, 422, "url_not_allowed"),
    ("metadata-url", {"image_url": "http://169.254.169.254/latest"}, 422, "url_not_allowed"),
    ("unknown-type", {"file": png(), "type": "poem"}, 400, "invalid_type"),
    ("bad-options", {"file": png(), "options": "{not json"}, 400, "invalid_options"),
    ("unknown-option", {"file": png(), "options": '{"colour": 1}'}, 400, "invalid_options"),
    ("no-input", {}, 400, "invalid_request"),
    ("not-installed", {"file": png(), "type": "test_unbuilt"}, 501, "model_unavailable"),
]


@pytest.mark.parametrize(("case", "form", "status", "code"), REFUSALS, ids=[r[0] for r in REFUSALS])
def test_refused_inputs_leave_nothing_behind(
    api: Api, case: str, form: dict, status: int, code: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(ANALYSES, "test_unbuilt", unbuilt_type())
    form = dict(form)
    files = {"file": ("upload.png", form.pop("file"))} if "file" in form else None
    form.setdefault("type", "general")
    response = api.client.post("/v1/jobs", headers=api.auth, data=form, files=files)
    assert response.status_code == status, response.text
    assert response.json()["error"]["code"] == code
    assert api.job_count() == 0
    assert api.object_count() == 0


def test_a_file_over_the_size_limit_is_refused(api: Api) -> None:
    api.settings.limits.max_file_bytes = 10_000
    noisy = Image.fromarray(np.random.default_rng(1).integers(0, 255, (200, 200, 3), np.uint8))
    buffer = io.BytesIO()
    noisy.save(buffer, "PNG")
    answer = api.submit(buffer.getvalue())
    assert (answer["status"], answer["body"]["error"]["code"]) == (413, "image_too_large")
    assert api.job_count() == 0 and api.object_count() == 0


def test_a_body_over_the_request_limit_is_refused(api: Api) -> None:
    limit = api.settings.limits.max_request_bytes
    answer = api.submit(b"\x89PNG" + b"\0" * (limit + 10))
    assert (answer["status"], answer["body"]["error"]["code"]) == (413, "payload_too_large")
    assert api.job_count() == 0


def test_auth_is_required_and_tenants_are_isolated(api: Api) -> None:
    job = api.submit(png())["body"]
    assert api.client.get(f"/v1/jobs/{job['id']}").json()["error"]["code"] == "unauthorized"
    bad = {"Authorization": "Bearer boda_000000000000_wrong"}
    assert api.client.get(f"/v1/jobs/{job['id']}", headers=bad).status_code == 401
    with api.db.session() as session:
        other_key = add_api_key(session, create_tenant(session, "other"))
    other = {"Authorization": f"Bearer {other_key}"}
    response = api.client.get(f"/v1/jobs/{job['id']}", headers=other)
    assert (response.status_code, response.json()["error"]["code"]) == (404, "not_found")
    assert api.client.get("/v1/jobs", headers=other).json()["items"] == []


def test_idempotency_key_returns_the_first_job(api: Api) -> None:
    headers = {**api.auth, "Idempotency-Key": "order-17"}
    files = {"file": ("a.png", png())}
    first = api.client.post("/v1/jobs", headers=headers, data={"type": "general"}, files=files)
    again = api.client.post("/v1/jobs", headers=headers, data={"type": "general"}, files=files)
    assert first.status_code == again.status_code == 202
    assert first.json()["id"] == again.json()["id"]
    other = api.client.post(
        "/v1/jobs", headers=headers, data={"type": "general"}, files={"file": ("b.png", png(500))}
    )
    assert (other.status_code, other.json()["error"]["code"]) == (409, "idempotency_key_mismatch")
    assert api.job_count() == 1 and api.object_count() == 1


def test_list_pages_with_a_cursor_and_filters(api: Api) -> None:
    ids = [api.submit(png())["body"]["id"] for _ in range(5)]
    seen: list[str] = []
    cursor = None
    while True:
        params = {"limit": 2, **({"cursor": cursor} if cursor else {})}
        page = api.client.get("/v1/jobs", headers=api.auth, params=params).json()
        seen += [job["id"] for job in page["items"]]
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert seen == list(reversed(ids))
    queued = api.client.get("/v1/jobs", headers=api.auth, params={"status": "succeeded"})
    assert queued.json()["items"] == []
    too_many = api.client.get("/v1/jobs", headers=api.auth, params={"limit": 500})
    assert (too_many.status_code, too_many.json()["error"]["code"]) == (400, "invalid_request")


def test_cancel_retry_and_delete(api: Api) -> None:
    job_id = api.submit(png())["body"]["id"]
    result = api.client.get(f"/v1/jobs/{job_id}/result", headers=api.auth)
    assert (result.status_code, result.json()["error"]["code"]) == (409, "job_not_finished")
    cancelled = api.client.post(f"/v1/jobs/{job_id}/cancel", headers=api.auth).json()
    assert cancelled["status"] == "cancelled" and cancelled["finished_at"] is not None
    again = api.client.post(f"/v1/jobs/{job_id}/cancel", headers=api.auth)
    assert (again.status_code, again.json()["error"]["code"]) == (409, "job_finished")
    retried = api.client.post(f"/v1/jobs/{job_id}/retry", headers=api.auth)
    assert retried.status_code == 202 and retried.json()["status"] == "queued"
    assert api.client.delete(f"/v1/jobs/{job_id}", headers=api.auth).status_code == 204
    assert api.client.get(f"/v1/jobs/{job_id}", headers=api.auth).status_code == 404
    assert api.job_count() == 0 and api.object_count() == 0
    missing = api.client.delete(f"/v1/jobs/{uuid.uuid4()}", headers=api.auth)
    assert missing.json()["error"]["code"] == "not_found"


def test_wait_gives_up_when_the_job_is_not_done_in_time(api: Api) -> None:
    job_id = api.submit(png())["body"]["id"]
    started = time.monotonic()
    response = api.client.get(f"/v1/jobs/{job_id}", headers=api.auth, params={"wait": 0.6})
    assert response.status_code == 200 and response.json()["status"] == "queued"
    assert time.monotonic() - started >= 0.6
    bad = api.client.get(f"/v1/jobs/{job_id}", headers=api.auth, params={"wait": 31})
    assert bad.json()["error"]["code"] == "invalid_request"


def test_health_and_readiness(api: Api) -> None:
    assert api.client.get("/healthz").json()["status"] == "ok"
    ready = api.client.get("/readyz").json()
    assert ready["status"] == "ok"
    assert ready["checks"] == {"database": "ok", "broker": "ok", "storage": "ok"}
    schema = api.client.get("/openapi.json").json()
    assert "/v1/jobs/{job_id}/result.txt" in schema["paths"]


def test_unknown_routes_answer_in_the_error_envelope(api: Api) -> None:
    response = api.client.get("/v1/nothing", headers=api.auth)
    assert (response.status_code, response.json()["error"]["code"]) == (404, "not_found")


def test_a_streamed_body_is_cut_off_at_the_limit(api: Api) -> None:
    limit = api.settings.limits.max_request_bytes
    head = b'--x\r\nContent-Disposition: form-data; name="file"; filename="a.png"\r\n\r\n'

    def chunks() -> Iterator[bytes]:  # sent chunked: no Content-Length to trust
        yield head
        for _ in range(limit // 65536 + 2):
            yield b"\0" * 65536

    response = api.client.post(
        "/v1/jobs",
        headers={**api.auth, "Content-Type": "multipart/form-data; boundary=x"},
        content=chunks(),
    )
    assert (response.status_code, response.json()["error"]["code"]) == (413, "payload_too_large")
    assert api.job_count() == 0


def test_a_pending_job_says_where_and_when_to_look_again(api: Api) -> None:
    response = api.client.post(
        "/v1/jobs", headers=api.auth, data={"type": "general"}, files={"file": ("a.png", png())}
    )
    assert response.status_code == 202
    assert response.headers["location"] == f"/v1/jobs/{response.json()['id']}"
    assert int(response.headers["retry-after"]) >= 1


def test_options_nested_without_end_are_invalid_options(api: Api) -> None:
    deep = "[" * 2000 + "]" * 2000
    for options in (f'{{"keep_original": {deep}}}', '{"a":' * 3000 + "1" + "}" * 3000):
        answer = api.submit(png(), options=options)
        assert (answer["status"], answer["body"]["error"]["code"]) == (400, "invalid_options")
    assert api.job_count() == 0


@pytest.mark.parametrize(
    "position",
    ["2026-01-01T00:00:00", "0001-01-01T00:00:00+00:00", "not a time", "\xff"],
    ids=["no-zone", "year-1", "garbage", "not-utf8"],
)
def test_a_forged_cursor_is_a_bad_request(api: Api, position: str) -> None:
    raw = f"{position}|{uuid.uuid4()}".encode("latin-1")
    cursor = base64.urlsafe_b64encode(raw).decode()
    response = api.client.get("/v1/jobs", headers=api.auth, params={"cursor": cursor})
    assert (response.status_code, response.json()["error"]["code"]) == (400, "invalid_request")


def test_an_empty_idempotency_key_is_no_key(api: Api) -> None:
    headers = {**api.auth, "Idempotency-Key": ""}
    files = {"file": ("a.png", png())}
    first = api.client.post("/v1/jobs", headers=headers, data={"type": "general"}, files=files)
    other = {"file": ("b.png", png(500))}
    second = api.client.post("/v1/jobs", headers=headers, data={"type": "general"}, files=other)
    assert first.status_code == second.status_code == 202, second.text
    assert first.json()["id"] != second.json()["id"]


def test_a_webhook_url_must_pass_the_url_guard(api: Api) -> None:
    for url in ("http://127.0.0.1:8000/hook", "http://169.254.169.254/", "ftp://example.com/"):
        answer = api.submit(png(), webhook_url=url)
        assert (answer["status"], answer["body"]["error"]["code"]) == (422, "url_not_allowed")
    assert api.job_count() == 0 and api.object_count() == 0


def test_a_wrong_method_says_which_are_allowed(api: Api) -> None:
    response = api.client.put(f"/v1/jobs/{uuid.uuid4()}", headers=api.auth)
    assert (response.status_code, response.json()["error"]["code"]) == (405, "method_not_allowed")
    assert set(response.headers["allow"].replace(" ", "").split(",")) == {"GET", "DELETE"}


def test_a_document_over_the_pixel_budget_is_refused_before_rendering(api: Api) -> None:
    # Eight pages of 35 x 35 inches: under the per-page limit at 200 dpi, 392 M pixels in all.
    document = pdfium.PdfDocument.new()
    for _ in range(8):
        document.new_page(2520, 2520)
    buffer = io.BytesIO()
    document.save(buffer)
    started = time.monotonic()
    answer = api.submit(buffer.getvalue(), filename="big.pdf")
    assert (answer["status"], answer["body"]["error"]["code"]) == (
        422,
        "image_dimensions_too_large",
    )
    assert answer["body"]["error"]["details"]["pixels"] == 8 * 7000 * 7000
    assert time.monotonic() - started < 2  # rendering one page alone takes longer
    assert api.job_count() == 0 and api.object_count() == 0


def test_identical_requests_sent_at_once_with_a_new_key_get_the_first_job(api: Api) -> None:
    headers = {**api.auth, "Idempotency-Key": "burst-1"}
    data = png()

    def send(_: int) -> tuple[int, str]:
        response = api.client.post(
            "/v1/jobs", headers=headers, data={"type": "general"}, files={"file": ("a.png", data)}
        )
        return response.status_code, response.json().get("id", response.text)

    with ThreadPoolExecutor(6) as pool:
        answers = list(pool.map(send, range(6)))
    assert {status for status, _ in answers} == {202}, answers
    assert len({job_id for _, job_id in answers}) == 1
    assert api.job_count() == 1 and api.object_count() == 1


def test_the_openapi_schema_describes_auth_types_and_results(api: Api) -> None:
    schema = api.client.get("/openapi.json").json()
    assert schema["components"]["securitySchemes"]["apiKey"] == {
        "type": "http",
        "scheme": "bearer",
        "description": "an API key: boda_<prefix>_<secret>",
    }
    submit = schema["paths"]["/v1/jobs"]["post"]
    assert submit["security"] == [{"apiKey": []}]
    body = schema["components"]["schemas"]["Body_submit_job_v1_jobs_post"]
    assert body["properties"]["type"]["enum"] == list(ANALYSES)
    assert body["oneOf"] == [{"required": ["file"]}, {"required": ["image_url"]}]
    assert set(submit["responses"]["202"]["headers"]) == {"Location", "Retry-After"}
    results = schema["paths"]["/v1/jobs/{job_id}/result"]["get"]["responses"]["200"]
    refs = [one["$ref"] for one in results["content"]["application/json"]["schema"]["oneOf"]]
    names = [ref.rsplit("/", 1)[1] for ref in refs]
    assert names == [analysis.result.__name__ for analysis in ANALYSES.values()]
    assert set(names) <= set(schema["components"]["schemas"])
    assert len(set(names)) == len(ANALYSES) == 11
    text = schema["paths"]["/v1/jobs/{job_id}/result.txt"]["get"]["responses"]
    assert list(text["200"]["content"]) == ["text/plain"]
    assert list(text["409"]["content"]) == ["application/json"]

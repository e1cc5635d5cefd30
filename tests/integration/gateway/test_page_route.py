"""`GET /` and its files: served by Boda under a strict Content-Security-Policy, the menu
listing the types this release runs, nothing else under `/ui/` (browser tests: tests/ui)."""

from __future__ import annotations

import re

from shared.analyses import ANALYSES
from tests.integration.conftest import Api


def test_the_page_lists_the_runnable_types_under_a_strict_policy(api: Api) -> None:
    page = api.client.get("/")
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    policy = page.headers["content-security-policy"]
    assert "default-src 'none'" in policy and "script-src 'self'" in policy
    assert "unsafe" not in policy and "http" not in policy
    assert re.search(r'<form id="upload"[^>]*action="/v1/jobs"', page.text)
    assert '<input id="file" name="file" type="file" multiple' in page.text
    menu = re.findall(r'<option value="([a-z_]+)">', page.text)
    assert menu == [name for name, analysis in ANALYSES.items() if analysis.pipeline]


def test_only_the_pages_own_files_are_served(api: Api) -> None:
    script = api.client.get("/ui/app.js")
    assert script.status_code == 200
    assert script.headers["content-type"].startswith("text/javascript")
    assert "innerHTML" not in script.text  # results reach the page as text only
    assert api.client.get("/ui/style.css").headers["content-type"].startswith("text/css")
    for name in ("index.html", "..%2Fapp.py", "missing.js"):
        assert api.client.get(f"/ui/{name}").status_code == 404

"""`GET /`: the web page (plain HTML, CSS and a JavaScript module, no build step), and its
files under `/ui/`. It calls the public API with a key kept in the browser. Everything is
served by Boda under a strict Content-Security-Policy: no inline script or style, nothing
from elsewhere, so text a result holds can never run as code."""

from __future__ import annotations

import html
from functools import cache
from pathlib import Path

from fastapi import APIRouter, HTTPException
from fastapi.responses import FileResponse, HTMLResponse, Response

from shared.analyses import ANALYSES

router = APIRouter(include_in_schema=False)
FILES = Path(__file__).resolve().parents[1] / "ui"
ASSETS = {"app.js": "text/javascript", "style.css": "text/css"}
POLICY = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' blob:; "
    "connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'"
)
HEADERS = {
    "Content-Security-Policy": POLICY,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
}


@cache
def page() -> str:
    """The page with the types this release runs in its analysis menu."""
    options = "\n".join(
        f'        <option value="{name}">{html.escape(name)} — {html.escape(analysis.summary)}'
        "</option>"
        for name, analysis in ANALYSES.items()
        if analysis.pipeline is not None
    )
    return (FILES / "index.html").read_text(encoding="utf-8").replace("<!-- types -->", options)


@router.get("/", response_class=HTMLResponse)
def index() -> Response:
    return HTMLResponse(page(), headers=HEADERS | {"Cache-Control": "no-cache"})


@router.get("/ui/{name}")
def asset(name: str) -> Response:
    if name not in ASSETS:
        raise HTTPException(status_code=404)
    return FileResponse(FILES / name, media_type=ASSETS[name], headers=HEADERS)

"""`boda submit` and `boda batch`: the service's HTTP API from a terminal."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any

import httpx
import typer

from boda.console import CommandError
from shared.config import get_settings


def submit(
    files: Annotated[list[Path], typer.Argument(help="images or PDFs, one job each")],
    type: Annotated[str, typer.Option("--type")] = "general",
    wait: Annotated[float, typer.Option(help="seconds to wait for each result")] = 30,
    url: Annotated[str, typer.Option(envvar="BODA_URL")] = "http://127.0.0.1:8000",
    api_key: Annotated[str | None, typer.Option(envvar="BODA_API_KEY")] = None,
    text: Annotated[bool, typer.Option(help="print the text instead of JSON")] = False,
) -> None:
    """Submit files, one job each, and print each finished job's result."""
    with _client(url, api_key, timeout=wait + 30) as client:
        for file in files:
            if len(files) > 1:
                typer.echo(f"== {file}")
            response = client.post(
                "/v1/jobs",
                params={"wait": min(wait, 30)},
                data={"type": type},
                files={"file": (file.name, file.read_bytes())},
            )
            job = _answer(response)
            if job["status"] not in ("succeeded", "failed", "cancelled"):
                job = _answer(client.get(f"/v1/jobs/{job['id']}", params={"wait": min(wait, 30)}))
            if job["status"] != "succeeded":
                error = job["error"] or {"code": job["status"], "message": "not finished in time"}
                raise CommandError(f"job {job['id']} {job['status']}: {error['message']}")
            result = client.get(f"/v1/jobs/{job['id']}/result" + (".txt" if text else ""))
            typer.echo(
                result.text if text else json.dumps(result.json(), ensure_ascii=False, indent=2)
            )


def batch(
    folder: Annotated[Path, typer.Argument(help="a folder of images and PDFs (and subfolders)")],
    type: Annotated[str, typer.Option("--type")],
    out: Annotated[Path, typer.Option(help="the spreadsheet to write")] = Path("results.xlsx"),
    options: Annotated[str, typer.Option(help="JSON object of options")] = "{}",
    chunk: Annotated[int, typer.Option(help="documents per batch request")] = 100,
    url: Annotated[str, typer.Option(envvar="BODA_URL")] = "http://127.0.0.1:8000",
    api_key: Annotated[str | None, typer.Option(envvar="BODA_API_KEY")] = None,
) -> None:
    """Every document of a folder through batches into one spreadsheet; run it again after an
    interruption and it goes on where it stopped (state beside --out)."""
    from boda.batch import BatchRun, BatchRunError

    if not folder.is_dir():
        raise CommandError(f"no such folder: {folder}")
    with _client(url, api_key, timeout=120) as client:
        run = BatchRun(client, folder, type, json.loads(options), out, chunk)
        with typer.progressbar(length=1, label="documents") as bar:

            def progress(ended: int, total: int) -> None:
                bar.length = max(total, 1)
                bar.update(ended - bar.pos)

            try:
                run.run(progress)
            except BatchRunError as e:
                raise CommandError(str(e)) from e
    typer.echo(f"wrote {out}")


def _client(url: str, api_key: str | None, timeout: float) -> httpx.Client:
    key = api_key or (get_settings().data_dir / "api_key").read_text().strip()
    return httpx.Client(base_url=url, headers={"Authorization": f"Bearer {key}"}, timeout=timeout)


def _answer(response: httpx.Response) -> dict[str, Any]:
    """The JSON body of a successful answer; a refusal as a `CommandError`."""
    body: dict[str, Any] = response.json()
    if response.status_code >= 400:
        error = body.get("error", {})
        raise CommandError(f"{response.status_code} {error.get('code')}: {error.get('message')}")
    return body

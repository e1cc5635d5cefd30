"""Print the runtime dependencies of pyproject.toml, one per line, for `pip install -r -`.

Used by deploy/Dockerfile and deploy/Dockerfile.gpu so that the third-party dependencies form
their own cached image layer (rebuilt when pyproject.toml changes, not on every code edit);
the project itself is then installed with `pip install --no-deps .`.

    python pyproject-deps.py pyproject.toml [--exclude NAME ...]

--exclude drops a distribution by name (the GPU image swaps `onnxruntime` for
`onnxruntime-gpu`: both provide the `onnxruntime` module and must not be installed together).
"""

from __future__ import annotations

import re
import sys
import tomllib


def _name(requirement: str) -> str:
    """PEP 503-normalised distribution name of a PEP 508 requirement string."""
    match = re.match(r"\s*([A-Za-z0-9][A-Za-z0-9._-]*)", requirement)
    if match is None:
        raise SystemExit(f"cannot parse requirement {requirement!r}")
    return re.sub(r"[-_.]+", "-", match.group(1)).lower()


def main(argv: list[str]) -> int:
    if not argv or argv[0].startswith("-"):
        print(__doc__, file=sys.stderr)
        return 2
    path, rest = argv[0], argv[1:]
    excluded: set[str] = set()
    while rest:
        if rest[0] != "--exclude" or len(rest) < 2:
            print(__doc__, file=sys.stderr)
            return 2
        excluded.add(_name(rest[1]))
        rest = rest[2:]
    with open(path, "rb") as handle:
        dependencies = tomllib.load(handle)["project"].get("dependencies", [])
    missing = excluded - {_name(d) for d in dependencies}
    if missing:
        print(f"--exclude names no dependency: {sorted(missing)}", file=sys.stderr)
        return 1
    for requirement in dependencies:
        if _name(requirement) not in excluded:
            print(requirement)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))

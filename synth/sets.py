"""Evaluation sets of synthetic pages, and writing them to a folder with ground-truth JSON.

`python -m synth.sets OUT [--n 12] [--seed 0]` writes the clean set to OUT.
"""

from __future__ import annotations

import argparse
import json
import random
from pathlib import Path

from synth.corpus import Corpus
from synth.documents import SyntheticPage, random_style, render_page
from synth.fonts import DOCUMENT_FONTS


def clean_set(n: int = 12, seed: int = 0) -> list[SyntheticPage]:
    """`n` clean pages (printed text, upright, no noise); the same pages for the same seed."""
    pages = []
    for index in range(n):
        rng = random.Random(f"clean-{seed}-{index}")
        page = render_page(Corpus(rng), random_style(rng, DOCUMENT_FONTS))
        page.meta.update(set="clean", seed=str(seed), index=str(index))
        pages.append(page)
    return pages


def ground_truth(page: SyntheticPage) -> dict[str, object]:
    """The JSON form of a page's ground truth (the shape of a `general` result page)."""
    return {
        "width": page.image.width,
        "height": page.image.height,
        "font": page.style.font,
        "size": page.style.size,
        "lines": [{"text": line.text, "box": [list(p) for p in line.box]} for line in page.lines],
        "text": page.text,
    }


def write_set(pages: list[SyntheticPage], folder: Path) -> list[Path]:
    """Write `page_NNN.png` and `page_NNN.json` for each page; returns the image paths."""
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for index, page in enumerate(pages):
        image_path = folder / f"page_{index:03d}.png"
        page.image.save(image_path)
        truth = json.dumps(ground_truth(page), ensure_ascii=False, indent=1)
        image_path.with_suffix(".json").write_text(truth, encoding="utf-8")
        paths.append(image_path)
    return paths


def main(argv: list[str] | None = None) -> None:
    """Command line: write the clean set to a folder."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--n", type=int, default=12)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    for path in write_set(clean_set(args.n, args.seed), args.out):
        print(path)


if __name__ == "__main__":
    main()

"""Evaluation sets of synthetic pages, and writing them to a folder with ground-truth JSON.

Two profiles, each covering every document kind in KINDS (taken in turn, so any 5
consecutive pages hold one of each):

- `clean`: pages as rendered: upright, white paper, sharp, lossless. It measures reading
  itself (detection, recognition, reading order) with nothing in the way; errors here are the
  recogniser's or the layout's, never the image's.
- `photo`: the same pages (page i of `photo` is page i of `clean`, same seed) as a phone
  photograph of the printout: paper texture, a red seal over some text, the sheet on a desk
  turned by up to ±8° and seen at a slant, uneven light and shadow, blur, noise, a lower
  resolution and JPEG quality 40–80 (see synth.damage). The pairing makes the difference
  between the profiles the cost of the damage alone.

Kinds: `notice` (an A4 official letter), `receipt` (a till slip up to 1:2.5), `long_receipt`
(1:2.5 to about 1:6, a "long image"), `slide` (16:9, large type) and `page` (the rows of
`clean_set`). `clean_set` is the older set of `page` pages only; its pages for a seed never
change, because tests and end-to-end runs depend on them.

`python -m synth.sets OUT [--set pages|clean|photo] [--n 12] [--seed 0]` writes a set to OUT.
"""

from __future__ import annotations

import argparse
import json
import random
from collections.abc import Sequence
from pathlib import Path
from typing import Literal

from synth.corpus import Corpus
from synth.damage import photograph
from synth.documents import SyntheticPage, random_style, render_page
from synth.fonts import DOCUMENT_FONTS
from synth.notices import render_notice
from synth.receipts import render_receipt
from synth.slides import render_slide

Profile = Literal["clean", "photo"]
PROFILES: tuple[Profile, ...] = ("clean", "photo")
KINDS = ("notice", "receipt", "long_receipt", "slide", "page")


def clean_set(n: int = 12, seed: int = 0) -> list[SyntheticPage]:
    """`n` clean pages (printed text, upright, no noise); the same pages for the same seed."""
    pages = []
    for index in range(n):
        rng = random.Random(f"clean-{seed}-{index}")
        page = render_page(Corpus(rng), random_style(rng, DOCUMENT_FONTS))
        page.meta.update(set="clean", seed=str(seed), index=str(index))
        pages.append(page)
    return pages


def render_kind(kind: str, rng: random.Random) -> SyntheticPage:
    """One clean page of a document kind (one of KINDS)."""
    if kind == "notice":
        return render_notice(rng)
    if kind in ("receipt", "long_receipt"):
        return render_receipt(rng, long=kind == "long_receipt")
    if kind == "slide":
        return render_slide(rng)
    if kind == "page":
        page = render_page(Corpus(rng), random_style(rng, DOCUMENT_FONTS))
        page.meta.update(kind="page")
        return page
    raise ValueError(f"unknown document kind {kind!r}; known: {', '.join(KINDS)}")


def profile_set(
    profile: Profile, n: int = 12, seed: int = 0, kinds: Sequence[str] = KINDS
) -> list[SyntheticPage]:
    """`n` pages of one profile, the kinds taken in turn; the same pages for the same seed."""
    if profile not in PROFILES:
        raise ValueError(f"unknown profile {profile!r}; known: {', '.join(PROFILES)}")
    pages = []
    for index in range(n):
        kind = kinds[index % len(kinds)]
        page = render_kind(kind, random.Random(f"{kind}-{seed}-{index}"))
        page.meta.update(profile="clean", seed=str(seed), index=str(index))
        if profile == "photo":
            page = photograph(page, random.Random(f"photo-{seed}-{index}"))
        page.meta["set"] = profile
        pages.append(page)
    return pages


def photo_set(n: int = 12, seed: int = 0) -> list[SyntheticPage]:
    """`n` pages of the photo profile, all kinds in turn (the photos of `profile_set("clean")`)."""
    return profile_set("photo", n, seed)


def ground_truth(page: SyntheticPage) -> dict[str, object]:
    """The JSON form of a page's ground truth (the shape of a `general` result page)."""
    return {
        "width": page.image.width,
        "height": page.image.height,
        "font": page.style.font,
        "size": page.style.size,
        "meta": page.meta,
        "lines": [{"text": line.text, "box": [list(p) for p in line.box]} for line in page.lines],
        "text": page.text,
    }


def write_set(pages: list[SyntheticPage], folder: Path) -> list[Path]:
    """Write `page_NNN.png` and `page_NNN.json` for each page; returns the image paths.

    Photo pages are written as PNG too: the pixels after their JPEG step, exactly.
    """
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
    """Command line: write a set to a folder."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--set", choices=("pages", *PROFILES), default="pages")
    parser.add_argument("--n", type=int, default=12)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    if args.set == "pages":
        pages = clean_set(args.n, args.seed)
    else:
        pages = profile_set(args.set, args.n, args.seed)
    for path in write_set(pages, args.out):
        print(path)


if __name__ == "__main__":
    main()

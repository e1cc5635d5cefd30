"""Orientation: lines upside down inside upright pages, and whole pages skewed by any angle.

`python -m bench.eval_orientation [--n 12] [--seed 0] [--models DIR]`

On every page of both evaluation profiles two lines of at least MIN_CHARS characters are turned
upside down where they lie (the longest with Hangul and the longest without; the rectangle
around each, grown by MARGIN px, rotated by 180° in place), and the page is read once. A turned
line counts as read the right way up when the result line over it has a CER of at most
RIGHT_WAY (read upside down, a line comes out as a few stray characters or none). Also printed:
the CER over the turned lines, and how many pages kept rotation 0 (the rest of the page is
upright, so turning the whole page would be wrong).

Then SKEW_PAGES clean text pages are turned by every SKEW_STEP degrees (and half a degree
either side of the diagonals, where a line box has two top-left corners) on a white canvas
grown to fit, and read: the CER per angle and the rotation each page reported.
"""

from __future__ import annotations

import argparse
from dataclasses import dataclass
from pathlib import Path

from PIL import Image

from shared.config import ModelSettings
from synth.documents import SyntheticPage, TruthLine
from synth.scores import best_match, character_errors
from synth.sets import PROFILES, clean_set, profile_set
from workers.engines.runtime.model_store import install_models
from workers.korean.jamo import normalise
from workers.korean.script import has_hangul
from workers.pipelines.general.reader import GeneralReader

SKEW_PAGES = 3
SKEW_STEP = 15
SKEW_EXTRA = (44.5, 45.5, 134.5, 225.5)
MIN_CHARS = 4
MARGIN = 6
RIGHT_WAY = 0.2


@dataclass(frozen=True)
class Turned:
    """One turned line and how it was read."""

    profile: str
    hangul: bool
    truth: str
    read: str

    @property
    def errors(self) -> int:
        return character_errors(self.read, normalise(self.truth))

    @property
    def right_way(self) -> bool:
        return self.errors <= RIGHT_WAY * len(self.truth)


def chosen_lines(page: SyntheticPage) -> list[TruthLine]:
    """The longest line with Hangul and the longest without (each where there is one)."""
    long = [line for line in page.lines if len(line.text) >= MIN_CHARS]
    picks = []
    for hangul in (True, False):
        group = [line for line in long if has_hangul(line.text) == hangul]
        if group:
            picks.append(max(group, key=lambda line: len(line.text)))
    return picks


def turn_lines(image: Image.Image, lines: list[TruthLine]) -> Image.Image:
    """`image` with the rectangle around each line rotated 180° in place."""
    turned = image.convert("RGB")
    for line in lines:
        xs, ys = [x for x, _ in line.box], [y for _, y in line.box]
        block = (
            max(min(xs) - MARGIN, 0),
            max(min(ys) - MARGIN, 0),
            min(max(xs) + MARGIN, image.width),
            min(max(ys) + MARGIN, image.height),
        )
        turned.paste(turned.crop(block).rotate(180), block[:2])
    return turned


def evaluate(reader: GeneralReader, profile: str, n: int, seed: int) -> tuple[list[Turned], int]:
    """The turned lines of a profile's pages as read, and how many pages stayed at rotation 0."""
    turned: list[Turned] = []
    upright = 0
    for page in profile_set(profile, n, seed):  # type: ignore[arg-type]
        lines = chosen_lines(page)
        result = reader.read([turn_lines(page.image, lines)]).pages[0]
        upright += result.rotation == 0
        boxes = [line.box for line in result.lines]
        for line in lines:
            index, iou = best_match(line.box, boxes)
            read = result.lines[index].text if index is not None and iou > 0.3 else ""
            turned.append(Turned(profile, has_hangul(line.text), line.text, read))
    return turned, upright


def print_table(profile: str, turned: list[Turned], upright: int, pages: int) -> None:
    print(f"\nprofile {profile}: {upright}/{pages} pages kept rotation 0")
    print(f"{'lines':14}{'turned':>7}{'right way':>10}{'CER':>8}")
    for title, group in (
        ("with Hangul", [t for t in turned if t.hangul]),
        ("without", [t for t in turned if not t.hangul]),
        ("all", turned),
    ):
        chars = sum(len(t.truth) for t in group)
        cer = sum(t.errors for t in group) / max(chars, 1)
        print(f"{title:14}{len(group):7d}{sum(t.right_way for t in group):10d}{cer:8.4f}")
    for t in turned:
        if not t.right_way:
            print(f"    {t.read!r} != {t.truth!r}")


def print_skew(reader: GeneralReader) -> None:
    """CER and reported rotations of clean pages turned by every SKEW_STEP degrees."""
    pages = clean_set(n=SKEW_PAGES, seed=3)
    print(f"\n{SKEW_PAGES} clean pages skewed (counter-clockwise degrees)")
    print(f"{'angle':>6}{'CER':>8}  rotations")
    for angle in [*range(0, 360, SKEW_STEP), *SKEW_EXTRA]:
        errors = length = 0
        rotations = []
        for page in pages:
            image = page.image.rotate(
                angle, expand=True, fillcolor="white", resample=Image.Resampling.BICUBIC
            )
            result = reader.read([image])
            truth = " ".join(page.text.split())
            errors += character_errors(" ".join(result.text.split()), truth)
            length += len(truth)
            rotations.append(result.pages[0].rotation)
        print(f"{angle:>6}{errors / length:8.4f}  {rotations}")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=12, help="pages per profile")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--models", type=Path, default=Path("models"))
    args = parser.parse_args(argv)
    models = args.models.resolve()
    install_models(models)
    reader = GeneralReader.load(ModelSettings(dir=models))
    for profile in PROFILES:
        turned, upright = evaluate(reader, profile, args.n, args.seed)
        print_table(profile, turned, upright, args.n)
    print_skew(reader)


if __name__ == "__main__":
    main()

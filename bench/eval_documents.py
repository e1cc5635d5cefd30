"""Documents: field exact-match on generated business registration certificates and ID cards.

`python -m bench.eval_documents [--n 30] [--seed 5000] [--misses]` generates each type
(synth.registrations, synth.id_cards) in the fonts and layouts the tests use (`test`) and in
held-out ones (`held-out`: fonts and layouts no test or tuning uses), as rendered (`clean`)
and photographed (`photo`: synth.damage), reads each with its type's pipeline, and prints per
type, profile and set the share of fields exactly right (spaces ignored: a value is right when
its characters are), of documents with every field right, of subtypes right, of documents
whose every offline check passed (all generated documents are valid, so a failed check is a
misreading caught; for passports: every MRZ check digit and the composite), the time per
document, then the share per field. Seeds differ from every test's.
"""

from __future__ import annotations

import argparse
import time
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from PIL import Image

from shared.analyses.options import DocumentOptions
from shared.config import Settings
from synth import id_cards, registrations
from workers.pipelines import JobContext
from workers.pipelines.business_registration import BusinessRegistrationPipeline
from workers.pipelines.id_card import IdCardPipeline

PROFILES = ("clean", "photo")
SETS = ("test", "held-out")


@dataclass(frozen=True)
class Sample:
    image: Image.Image
    subtype: str
    fields: dict[str, str]


def certificates(n: int, seed: int, held_out: bool, photo: bool) -> Iterator[Sample]:
    fonts = (registrations.HELD_OUT_CERTIFICATE_FONTS if held_out
             else registrations.CERTIFICATE_FONTS)  # fmt: skip
    layouts = registrations.HELD_OUT_LAYOUTS if held_out else registrations.LAYOUTS
    for made in registrations.certificate_set(n, seed, fonts, layouts, photo):
        yield Sample(made.page.image, made.certificate.subtype, made.certificate.fields)


def id_documents(n: int, seed: int, held_out: bool, photo: bool) -> Iterator[Sample]:
    fonts = id_cards.HELD_OUT_ID_FONTS if held_out else id_cards.ID_FONTS
    layouts = id_cards.HELD_OUT_LAYOUTS if held_out else id_cards.LAYOUTS
    for made in id_cards.id_set(n, seed, fonts, layouts, photo):
        yield Sample(made.page.image, made.document.subtype, made.document.fields)


TYPES: dict[str, tuple[Callable[[Settings], Any], Callable[..., Iterator[Sample]]]] = {
    "business_registration": (BusinessRegistrationPipeline.load, certificates),
    "id_card": (IdCardPipeline.load, id_documents),
}


def same(found: str | None, truth: str) -> bool:
    return found is not None and found.replace(" ", "") == truth.replace(" ", "")


@dataclass
class Tally:
    fields: Counter[str]
    """`right`, `total`, `whole` (documents all right), `typed`, `documents`."""
    per_field: dict[str, Counter[str]]
    seconds: float = 0.0


def score(pipeline: Any, samples: Iterator[Sample], tally: Tally, misses: bool) -> None:
    context = JobContext(groups=None)  # type: ignore[arg-type]
    for sample in samples:
        started = time.perf_counter()
        result = pipeline.run({"file": [sample.image]}, DocumentOptions(), context)
        tally.seconds += time.perf_counter() - started
        found = {field.key: field.value for field in result.fields}
        hits = {key: same(found.get(key), truth) for key, truth in sample.fields.items()}
        for key, hit in hits.items():
            tally.per_field.setdefault(key, Counter()).update(right=hit, total=1)
            if misses and not hit:
                print(f"    miss {key}: {found.get(key)!r} for {sample.fields[key]!r}")
        performed = [check.passed for check in result.checks if check.passed is not None]
        tally.fields.update(right=sum(hits.values()), total=len(hits), whole=all(hits.values()),
                            typed=result.subtype == sample.subtype, checked=all(performed),
                            documents=1)  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=30, help="documents per profile and set")
    parser.add_argument("--seed", type=int, default=5000)
    parser.add_argument("--types", nargs="*", default=list(TYPES), choices=list(TYPES))
    parser.add_argument("--misses", action="store_true", help="print every wrong field")
    args = parser.parse_args()
    settings = Settings()
    for name in args.types:
        load, samples = TYPES[name]
        pipeline = load(settings)
        tallies = {}
        print(f"\n{name}: {'profile':8} {'set':9} {'fields':>7} {'documents':>10} "
              f"{'subtype':>8} {'checks':>7} {'s/doc':>6}")  # fmt: skip
        for profile in PROFILES:
            for set_name in SETS:
                tally = tallies[profile, set_name] = Tally(Counter(), {})
                chosen = samples(args.n, args.seed, set_name == "held-out", profile == "photo")
                score(pipeline, chosen, tally, args.misses)
                counts, n = tally.fields, tally.fields["documents"]
                print(f"{'':{len(name) + 1}} {profile:8} {set_name:9} "
                      f"{counts['right'] / counts['total']:>7.1%} {counts['whole'] / n:>10.1%} "
                      f"{counts['typed'] / n:>8.1%} {counts['checked'] / n:>7.1%} "
                      f"{tally.seconds / n:>6.2f}")  # fmt: skip
        print_fields(tallies)


def print_fields(tallies: dict[tuple[str, str], Tally]) -> None:
    columns = [(profile, set_name) for profile in PROFILES for set_name in SETS]
    print(f"{'field':30}" + "".join(f"{p + ' ' + s:>16}" for p, s in columns))
    keys = dict.fromkeys(key for tally in tallies.values() for key in tally.per_field)
    for key in keys:
        shares = []
        for column in columns:
            counter = tallies[column].per_field.get(key, Counter())
            shares.append(f"{counter['right'] / counter['total']:>16.1%}" if counter["total"]
                          else f"{'—':>16}")  # fmt: skip
        print(f"{key:30}" + "".join(shares))


if __name__ == "__main__":
    main()

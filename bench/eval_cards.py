"""Credit cards: field exact-match on generated cards, per profile and per font set.

`python -m bench.eval_cards [--n 36] [--seed 3000]` generates cards (synth.cards; every third
vertical; brands and layouts varied) printed in the test fonts and in `HELD_OUT_CARD_FONTS`,
as rendered (`clean`) and photographed on a desk (`photo`: slant, blur, light, noise, JPEG),
reads each with the `credit_card` pipeline, and prints the share of cards whose number,
expiry and brand are exactly right (and whose number passes Luhn), with time per card.
"""

from __future__ import annotations

import argparse
import time
from collections import Counter

from shared.analyses.options import DocumentOptions
from shared.config import Settings
from synth.cards import CARD_FONTS, HELD_OUT_CARD_FONTS, card_set
from workers.pipelines import JobContext
from workers.pipelines.credit_card import CreditCardPipeline

KEYS = ("card_number", "expiry", "brand")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=36)
    parser.add_argument("--seed", type=int, default=3000)
    args = parser.parse_args()
    pipeline = CreditCardPipeline.load(Settings())
    context = JobContext(groups=None)  # type: ignore[arg-type]
    print(f"{'profile':8} {'fonts':9} {'number+expiry':>14} {'number':>8} {'expiry':>8} "
          f"{'brand':>8} {'s/card':>7}")  # fmt: skip
    for photo in (False, True):
        for fonts, name in ((CARD_FONTS, "test"), (HELD_OUT_CARD_FONTS, "held-out")):
            right, seconds = Counter[str](), 0.0
            cards = card_set(args.n, args.seed, fonts, photo=photo)
            for card in cards:
                started = time.perf_counter()
                result = pipeline.run({"file": [card.image]}, DocumentOptions(), context)
                seconds += time.perf_counter() - started
                found = {field.key: field.value for field in result.fields}
                truth = {"card_number": card.card.number, "expiry": card.card.expiry,
                         "brand": card.card.brand}  # fmt: skip
                for key in KEYS:
                    right[key] += found.get(key) == truth[key]
                right["both"] += all(found.get(k) == truth[k] for k in ("card_number", "expiry"))
            n = len(cards)
            print(f"{'photo' if photo else 'clean':8} {name:9} {right['both'] / n:>14.1%} "
                  f"{right['card_number'] / n:>8.1%} {right['expiry'] / n:>8.1%} "
                  f"{right['brand'] / n:>8.1%} {seconds / n:>7.2f}")  # fmt: skip


if __name__ == "__main__":
    main()

"""Vehicle plates: exact-match accuracy per format and per photo variant, and time per plate.

`python -m bench.eval_plates [--n 132] [--seed 1000]` generates car photos (synth.plate_scenes;
every format taken in turn, every variant: clean, blur, glare, night, low resolution, wide
parking frames) printed in the test fonts and in `HELD_OUT_PLATE_FONTS`, which no test uses;
the seeds differ from the tests'. A plate counts as read when the first plate returned is
valid and its number is exactly the truth; a valid wrong number is counted apart (the worst
outcome for a parking or enforcement system), as are plates returned only as invalid.
Two-line plates are the `two_line` row. Time is wall time per photo on this machine.
"""

from __future__ import annotations

import argparse
import time
from collections import Counter

import numpy as np

from shared.config import Settings
from synth.plate_scenes import plate_scenes
from synth.plates import HELD_OUT_PLATE_FONTS, PLATE_FONTS
from workers.pipelines.vehicle_plate import VehiclePlatePipeline


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--n", type=int, default=132)
    parser.add_argument("--seed", type=int, default=1000)
    args = parser.parse_args()
    reader = VehiclePlatePipeline.load(Settings()).reader
    scenes = plate_scenes(args.n, args.seed, PLATE_FONTS + HELD_OUT_PLATE_FONTS)
    read, total, wrong, stages = Counter[str](), Counter[str](), Counter[str](), Counter[str]()
    seconds = []
    for made in scenes:
        started = time.perf_counter()
        plates = reader.read(np.asarray(made.image)).plates
        seconds.append(time.perf_counter() - started)
        best = plates[0] if plates and plates[0].valid else None
        held_out = "held-out fonts" if made.font in HELD_OUT_PLATE_FONTS else "test fonts"
        for key in (made.plate.kind, made.variant, held_out, "all"):
            total[key] += 1
            read[key] += best is not None and best.number == made.plate.number
            wrong[key] += best is not None and best.number != made.plate.number
        if best is not None:
            stages[best.stage] += 1
        if best is None or best.number != made.plate.number:
            found = [(p.number, p.valid, round(p.confidence, 2), p.stage) for p in plates]
            print(f"miss  {made.plate.kind:10} {made.variant:8} {made.plate.number}  {found}")
    print(f"\n{'slice':16} {'read':>9} {'exact':>7} {'valid but wrong':>16}")
    for key in total:
        print(f"{key:16} {read[key]:>4}/{total[key]:<4} {read[key] / total[key]:>7.1%} "
              f"{wrong[key]:>16}")  # fmt: skip
    print(f"\nstages of the first plate: {dict(stages)}")
    print(
        f"time per photo: median {np.median(seconds) * 1000:.0f} ms, "
        f"p95 {np.percentile(seconds, 95) * 1000:.0f} ms (this machine, {len(seconds)} photos)"
    )


if __name__ == "__main__":
    main()

"""The plate reader with the real models on generated car photos: every format, one line and
two, in the test fonts (the evaluation's held-out fonts are never used here)."""

from __future__ import annotations

import random
from dataclasses import replace

import numpy as np
import pytest

from shared.config import Settings
from synth.plate_scenes import Variant, scene
from synth.plates import KINDS, PLATE_FONTS, Kind, random_spec
from tests.conftest import MODELS_DIR
from workers.pipelines.vehicle_plate import VehiclePlatePipeline
from workers.pipelines.vehicle_plate.reader import PlateReader

pytestmark = pytest.mark.slow


def settings(**plates: object) -> Settings:
    return Settings(models={"dir": MODELS_DIR}, plates=plates)  # type: ignore[arg-type]


@pytest.fixture(scope="module")
def reader() -> PlateReader:
    return VehiclePlatePipeline.load(settings()).reader


def photo(kind: Kind, seed: int, variant: Variant = "clean") -> tuple[np.ndarray, object]:
    rng = random.Random(seed)
    spec = random_spec(kind, rng)
    made = scene(spec, PLATE_FONTS[seed % len(PLATE_FONTS)], variant, rng)
    return np.asarray(made.image), made


@pytest.mark.parametrize("kind", KINDS)
def test_every_format_is_read_with_its_usage_and_region(reader: PlateReader, kind: Kind) -> None:
    image, made = photo(kind, seed=300 + KINDS.index(kind))
    plates = reader.read(image).plates
    assert plates, f"no plate found for {made.plate.number}"  # type: ignore[attr-defined]
    best, truth = plates[0], made.plate  # type: ignore[attr-defined]
    assert (best.number, best.valid) == (truth.number, True)
    assert (best.usage, best.region) == (truth.usage, truth.region)
    xs, ys = [p[0] for p in made.quad], [p[1] for p in made.quad]  # type: ignore[attr-defined]
    centre = np.mean(best.box, axis=0)
    assert min(xs) <= centre[0] <= max(xs) and min(ys) <= centre[1] <= max(ys)


@pytest.mark.parametrize(
    ("kind", "variant"), [("national3", "wide"), ("two_line", "glare"), ("rental", "night")]
)
def test_far_and_dark_plates_are_read(reader: PlateReader, kind: Kind, variant: Variant) -> None:
    image, made = photo(kind, seed=6, variant=variant)
    plates = reader.read(image).plates
    assert [p.number for p in plates if p.valid][:1] == [made.plate.number]  # type: ignore[attr-defined]


class FixedReader:
    """An external stage that answers one number (as a hosted model might)."""

    name = "fixed-test-reader"
    crops: list[np.ndarray] = []

    def read(self, plate: np.ndarray) -> tuple[str, float] | None:
        FixedReader.crops.append(plate)
        return "12가 3456", 0.8


def fixed_reader() -> FixedReader:
    return FixedReader()


def test_the_external_stage_is_asked_only_about_plates_left_unread(reader: PlateReader) -> None:
    external = VehiclePlatePipeline.load(settings(external_stage=f"{__name__}:fixed_reader")).reader
    assert external.models["plate_external"] == "fixed-test-reader"
    rng = random.Random(5)
    readable = random_spec("national2", rng)
    FixedReader.crops.clear()
    image = np.asarray(scene(readable, PLATE_FONTS[0], "clean", rng).image)
    assert external.read(image).plates[0].stage in ("fast", "rescan")
    assert FixedReader.crops == []
    # A plate printed with a Latin letter where the usage character stands fits no format.
    odd = replace(readable, lines=("12X 3456",), number="12X3456")
    image = np.asarray(scene(odd, PLATE_FONTS[0], "clean", rng).image)
    unread = reader.read(image).plates
    assert unread and not unread[0].valid
    asked = external.read(image).plates[0]
    assert (asked.number, asked.valid, asked.stage) == ("12가3456", True, "external")
    assert FixedReader.crops and FixedReader.crops[0].shape[1] > FixedReader.crops[0].shape[0]

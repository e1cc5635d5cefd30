"""Pipelines found through their contracts: what a worker can run, and what it reports."""

from __future__ import annotations

from pathlib import Path

import pytest

from shared.analyses import ANALYSES
from shared.config import Settings
from shared.errors import ModelUnavailableError
from tests.conftest import MODELS_DIR
from workers.pipeline_cache import PipelineCache
from workers.pipelines import resolve
from workers.pipelines.general import GeneralPipeline
from workers.pipelines.general.reader import GeneralReader


def settings(models: Path) -> Settings:
    return Settings(models={"dir": models})  # type: ignore[arg-type]


def test_a_worker_can_run_the_types_whose_pipeline_and_models_it_has(tmp_path: Path) -> None:
    faces = ["face_detect", "face_compare", "face_register", "face_search", "face_verify"]
    runnable = PipelineCache(settings(MODELS_DIR)).runnable({"ocr", "face"})
    documents = ["business_registration", "credit_card", "id_card"]
    assert runnable == ["general", *documents, "vehicle_plate", *faces]
    assert PipelineCache(settings(MODELS_DIR)).runnable({"face"}) == faces  # no liveness model
    assert PipelineCache(settings(tmp_path / "no-models")).runnable({"ocr"}) == []


def test_a_pipeline_path_that_does_not_resolve_is_model_unavailable() -> None:
    assert resolve("workers.pipelines.general:GeneralPipeline") is GeneralPipeline
    for path in ("workers.pipelines.plates:PlateReader", "workers.pipelines.general:Nothing"):
        with pytest.raises(ModelUnavailableError):
            resolve(path)
    with pytest.raises(ModelUnavailableError, match="liveness"):
        PipelineCache(settings(MODELS_DIR)).get(ANALYSES["face_spoof"])


def test_the_models_a_general_job_names_are_the_roles_its_contract_declares() -> None:
    pipeline = GeneralPipeline(GeneralReader.find(settings(MODELS_DIR).models))
    assert set(pipeline.models) == set(ANALYSES["general"].model_roles)


@pytest.mark.slow
def test_the_text_pipelines_of_a_process_share_one_reader() -> None:
    cache = PipelineCache(settings(MODELS_DIR))
    text_types = ("general", "business_registration", "credit_card", "id_card")
    readers = {id(cache.get(ANALYSES[name]).reader) for name in text_types}  # type: ignore[attr-defined]
    assert len(readers) == 1  # one copy of the text models per worker process, not four
    other = Settings(models={"dir": MODELS_DIR, "hangul_first": "tesseract"})  # type: ignore[arg-type]
    assert GeneralReader.shared(other.models) is not GeneralReader.shared(
        settings(MODELS_DIR).models
    )

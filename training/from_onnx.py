"""A LineRecognizer holding the weights of an exported ONNX model, to fine-tune from it.

The export (training.train.export) folds each BatchNorm into the convolution before it and
writes the LSTMs in ONNX's gate order (input, output, forget, cell; torch's is input, forget,
cell, output). Read back, each BatchNorm becomes the identity plus the folded bias and is
frozen (`LineRecognizer.frozen_norms`), so that the model computes exactly what the ONNX
model does, and fine-tuning changes the convolutions, LSTMs and classifier only.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import onnx
import torch
from onnx import numpy_helper

from training.model import LineRecognizer


def _gates(weights: np.ndarray) -> np.ndarray:
    """ONNX gate blocks (i, o, f, c) in torch's order (i, f, c, o)."""
    i, o, f, c = np.split(weights, 4, axis=0)
    return np.concatenate([i, f, c, o], axis=0)


def recognizer_from_onnx(path: Path, classes: int) -> LineRecognizer:
    graph = onnx.load(str(path)).graph
    tensors = {t.name: numpy_helper.to_array(t).copy() for t in graph.initializer}
    model = LineRecognizer(classes)
    model.frozen_norms = True
    convs = [m for m in model.features if isinstance(m, torch.nn.Conv2d)]
    norms = [m for m in model.features if isinstance(m, torch.nn.BatchNorm2d)]
    conv_nodes = [n for n in graph.node if n.op_type == "Conv"]
    lstm_nodes = [n for n in graph.node if n.op_type == "LSTM"]
    linear = next(n for n in graph.node if n.op_type == "MatMul")
    with torch.no_grad():
        for conv, norm, node in zip(convs, norms, conv_nodes, strict=True):
            conv.weight.copy_(torch.from_numpy(tensors[node.input[1]]))
            norm.weight.fill_(1.0)
            norm.bias.copy_(torch.from_numpy(tensors[node.input[2]]))
            assert norm.running_mean is not None and norm.running_var is not None
            norm.running_mean.zero_()
            norm.running_var.fill_(1.0 - norm.eps)
        for layer, node in enumerate(lstm_nodes):
            w, r, b = (tensors[name] for name in node.input[1:4])
            for direction, suffix in enumerate(("", "_reverse")):
                hidden = r.shape[2]
                params = {
                    f"weight_ih_l{layer}{suffix}": _gates(w[direction]),
                    f"weight_hh_l{layer}{suffix}": _gates(r[direction]),
                    f"bias_ih_l{layer}{suffix}": _gates(b[direction][: 4 * hidden]),
                    f"bias_hh_l{layer}{suffix}": _gates(b[direction][4 * hidden :]),
                }
                for name, value in params.items():
                    getattr(model.sequence, name).copy_(torch.from_numpy(value))
        model.classifier.weight.copy_(torch.from_numpy(tensors[linear.input[1]].T))
        model.classifier.bias.copy_(torch.from_numpy(tensors["model.classifier.bias"]))
    return model

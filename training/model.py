"""A compact CRNN for text lines: convolutions down to one row, two BiLSTM layers, CTC logits.

Chosen over fine-tuning a packaged PP-OCR recogniser because it trains from scratch in one
working session on two CPU cores (1.4 M parameters, 32-pixel lines) and reads a line
faster than Tesseract; the jamo alphabet (workers.korean.jamo) keeps its output
layer at 215 classes instead of thousands of syllables.
"""

from __future__ import annotations

import torch
from torch import nn


def _conv(inputs: int, outputs: int, kernel: tuple[int, int] = (3, 3)) -> list[nn.Module]:
    padding = (kernel[0] // 2 if kernel[0] == 3 else 0, kernel[1] // 2)
    return [
        nn.Conv2d(inputs, outputs, kernel, padding=padding, bias=False),
        nn.BatchNorm2d(outputs),
        nn.ReLU(inplace=True),
    ]


class LineRecognizer(nn.Module):
    """(batch, 1, 32, width) grey lines in [-1, 1] -> (batch, width / 4, classes) logits."""

    def __init__(self, classes: int, hidden: int = 128) -> None:
        super().__init__()
        self.features = nn.Sequential(
            *_conv(1, 32),
            nn.MaxPool2d(2),  # 16 x W/2
            *_conv(32, 64),
            nn.MaxPool2d(2),  # 8 x W/4
            *_conv(64, 128),
            nn.MaxPool2d((2, 1)),  # 4 x W/4
            *_conv(128, 160),
            nn.MaxPool2d((2, 1)),  # 2 x W/4
            *_conv(160, 256, kernel=(2, 3)),  # 1 x W/4
        )
        self.sequence = nn.LSTM(256, hidden, num_layers=2, bidirectional=True, batch_first=True)
        self.dropout = nn.Dropout(0.1)
        self.classifier = nn.Linear(2 * hidden, classes)
        self.frozen_norms = False
        """True for a model read back from ONNX (training.from_onnx): its BatchNorms hold folded
        biases and stay in eval mode while the rest trains."""

    def train(self, mode: bool = True) -> LineRecognizer:
        super().train(mode)
        if self.frozen_norms:
            for module in self.features:
                if isinstance(module, nn.BatchNorm2d):
                    module.eval()
        return self

    def forward(self, lines: torch.Tensor) -> torch.Tensor:
        features = self.features(lines).squeeze(2).transpose(1, 2)  # batch, steps, 256
        context, _ = self.sequence(features)
        return self.classifier(self.dropout(context))

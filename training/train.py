"""Train the Korean line recogniser on generated lines; resume from checkpoints; export ONNX.

    python -m training.train --out runs/korean_rec --steps 5000      # trains or resumes
    python -m training.train --out runs/korean_rec --export weights/...  # exports best.pt
    ... --export weights/... --blend parent/inference.onnx --blend-weight 0.6

`--blend` exports best.pt's weights averaged with those of the model the stage started from
(`--blend-weight` of best.pt's): a stage that learns one kind of line well at a small cost on
the others can keep most of the gain and give back the cost.

Every batch is a pure function of (seed, step) (see synth.lines.LineStream), so a resumed run
sees the same lines as an uninterrupted one. Lines are rendered by DataLoader workers while the
model trains: on the GPU machine with many workers, here with one.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import time
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import torch
from rapidfuzz.distance import Levenshtein
from torch import nn
from torch.utils.data import DataLoader, IterableDataset, get_worker_info

from synth.lines import (
    HELD_OUT_FONTS,
    MORE_FACES,
    STYLES,
    TRAINING_FONTS,
    VALIDATION_SEED,
    LineStream,
    LineStyle,
    TextLine,
)
from synth.plate_lines import PLATE_TRAINING_FONTS, PlateLineStream
from synth.plates import HELD_OUT_PLATE_FONTS
from training.from_onnx import recognizer_from_onnx
from training.model import LineRecognizer
from workers.engines.text.korean_recognition import LINE_HEIGHT, to_line_height
from workers.korean.jamo import JamoAlphabet, normalise

BATCHES_PER_CHUNK = 8
"""Lines of this many batches are rendered together and sorted by width, so that a batch pads
little: widths within a batch are close."""


def to_tensor(images: list[np.ndarray]) -> torch.Tensor:
    """Grey lines, right-padded with their own last column to the widest, in [-1, 1]."""
    width = max(image.shape[1] for image in images)
    batch = np.stack(
        [np.pad(image, ((0, 0), (0, width - image.shape[1])), mode="edge") for image in images]
    )
    return torch.from_numpy(batch).float().div_(127.5).sub_(1.0).unsqueeze(1)


class TrainingBatches(IterableDataset):
    """Endless batches (images, targets, target lengths) starting at a given step."""

    def __init__(
        self, seed: int, batch_size: int, first_step: int, style: LineStyle, data: str
    ) -> None:
        self.seed, self.batch_size, self.first_step = seed, batch_size, first_step
        self.style, self.data = style, data

    def __iter__(self) -> Iterator[tuple[torch.Tensor, torch.Tensor, torch.Tensor]]:
        info = get_worker_info()
        workers, worker = (info.num_workers, info.id) if info else (1, 0)
        stream, alphabet = line_stream(self.seed, self.style, self.data), JamoAlphabet()
        chunk = self.first_step // BATCHES_PER_CHUNK + worker
        skip = self.first_step % BATCHES_PER_CHUNK if worker == 0 else 0
        # Workers take chunks in turn and the loader reads workers in turn, so a worker
        # other than the first starts a chunk later; skipping is only needed in the first.
        while True:
            yield from self._chunk(stream, alphabet, chunk)[skip:]
            skip = 0
            chunk += workers

    def _chunk(
        self, stream: LineStream | PlateLineStream, alphabet: JamoAlphabet, chunk: int
    ) -> list[tuple[torch.Tensor, torch.Tensor, torch.Tensor]]:
        size = self.batch_size * BATCHES_PER_CHUNK
        lines = [_scaled(stream.line(chunk * size + i)) for i in range(size)]
        lines.sort(key=lambda line: line.image.shape[1])
        batches = []
        for start in range(0, size, self.batch_size):
            group = lines[start : start + self.batch_size]
            images = [_clamp_width(line.image, self.style.max_width) for line in group]
            targets = [alphabet.encode(line.text) for line in group]
            batches.append(
                (
                    to_tensor(images),
                    torch.tensor([t for target in targets for t in target], dtype=torch.long),
                    torch.tensor([len(target) for target in targets], dtype=torch.long),
                )
            )
        random.Random(chunk).shuffle(batches)
        return batches


def line_stream(seed: int, style: LineStyle, data: str) -> LineStream | PlateLineStream:
    """Document lines, or plate rows mixed half and half with document lines."""
    documents = LineStream(seed, TRAINING_FONTS + (MORE_FACES if style.more_faces else ()), style)
    if data == "plates":
        return PlateLineStream(seed, PLATE_TRAINING_FONTS, documents)
    return documents


def _scaled(line: TextLine) -> TextLine:
    return TextLine(to_line_height(line.image), line.text, line.font)


def _clamp_width(image: np.ndarray, max_width: int) -> np.ndarray:
    if image.shape[1] <= max_width:
        return image
    import cv2

    return cv2.resize(image, (max_width, LINE_HEIGHT), interpolation=cv2.INTER_AREA)


def validation_lines(count: int, style: LineStyle, data: str) -> list[TextLine]:
    """The held-out lines the run is judged on: fonts it never trains with, its own seed
    (for plates: plate rows only, in the held-out plate fonts)."""
    if data == "plates":
        plates = PlateLineStream(VALIDATION_SEED, HELD_OUT_PLATE_FONTS, None)
        return [_scaled(plates.line(2 * i)) for i in range(count)]
    stream = LineStream(VALIDATION_SEED, HELD_OUT_FONTS, style)
    return [_scaled(stream.line(i)) for i in range(count)]


def evaluate(model: nn.Module, lines: list[TextLine], device: torch.device) -> tuple[float, float]:
    """(CER, exact-line rate) of greedy decoding on `lines`."""
    alphabet = JamoAlphabet()
    model.eval()
    errors = chars = exact = 0
    with torch.no_grad():
        for start in range(0, len(lines), 32):
            group = sorted(lines[start : start + 32], key=lambda line: line.image.shape[1])
            probabilities = model(to_tensor([line.image for line in group]).to(device)).softmax(2)
            for line, row in zip(group, probabilities.cpu().numpy(), strict=True):
                text = "".join(char.char for char in alphabet.decode(row))
                truth = normalise(line.text)
                errors += Levenshtein.distance(text, truth)
                chars += len(truth)
                exact += text == truth
    model.train()
    return errors / max(chars, 1), exact / max(len(lines), 1)


def train(args: argparse.Namespace) -> None:
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    device = torch.device(args.device)
    torch.manual_seed(args.seed)
    if device.type == "cpu":
        torch.set_num_threads(args.threads)
    alphabet = JamoAlphabet()
    if args.init and args.init.endswith(".onnx"):
        model = recognizer_from_onnx(Path(args.init), len(alphabet)).to(device)
        print(f"starting from the exported model {args.init}", flush=True)
    else:
        model = LineRecognizer(len(alphabet)).to(device)
    optimizer = torch.optim.AdamW(model.parameters(), lr=args.lr, weight_decay=1e-4)
    schedule = torch.optim.lr_scheduler.OneCycleLR(
        optimizer, max_lr=args.lr, total_steps=args.steps, pct_start=0.04, final_div_factor=50
    )
    step, best = 0, float("inf")
    if args.init and not args.init.endswith(".onnx") and not (out / "last.pt").is_file():
        # A later stage: the weights of an earlier run, a fresh optimiser and schedule.
        model.load_state_dict(
            torch.load(args.init, map_location=device, weights_only=False)["model"]
        )
        print(f"starting from the weights of {args.init}", flush=True)
    if (out / "last.pt").is_file():
        state = torch.load(out / "last.pt", map_location=device, weights_only=False)
        model.load_state_dict(state["model"])
        optimizer.load_state_dict(state["optimizer"])
        schedule.load_state_dict(state["schedule"])
        step, best = state["step"], state["best_cer"]
        torch.set_rng_state(state["torch_rng"])
        print(f"resumed at step {step} (best held-out CER {best:.4f})", flush=True)
    loader = DataLoader(
        TrainingBatches(args.seed, args.batch, step, STYLES[args.style], args.data),
        batch_size=None,
        num_workers=args.workers,
        prefetch_factor=4 if args.workers else None,
        persistent_workers=False,
    )
    held_out = validation_lines(args.validation, STYLES[args.style], args.data)
    ctc = nn.CTCLoss(zero_infinity=True)
    started, seen, losses = time.monotonic(), 0, []
    model.train()
    for images, targets, lengths in loader:
        if step >= args.steps:
            break
        images = images.to(device)
        log_probs = model(images).log_softmax(2).transpose(0, 1)
        steps = torch.full((images.shape[0],), log_probs.shape[0], dtype=torch.long)
        loss = ctc(log_probs.cpu() if device.type == "mps" else log_probs, targets, steps, lengths)
        optimizer.zero_grad(set_to_none=True)
        loss.backward()
        nn.utils.clip_grad_norm_(model.parameters(), 5.0)
        optimizer.step()
        schedule.step()
        step += 1
        seen += images.shape[0]
        losses.append(loss.item())
        if step % args.log_every == 0:
            rate = seen / (time.monotonic() - started)
            print(
                f"step {step} loss {np.mean(losses):.3f} lr {schedule.get_last_lr()[0]:.2e} "
                f"{rate:.0f} lines/s",
                flush=True,
            )
            losses = []
        if step % args.checkpoint_every == 0 or step == args.steps:
            cer, exact = evaluate(model, held_out, device)
            print(f"step {step} held-out CER {cer:.4f} exact lines {exact:.3f}", flush=True)
            if cer < best:
                best = cer
                _save(out / "best.pt", model, optimizer, schedule, step, best, args, cer, exact)
            _save(out / "last.pt", model, optimizer, schedule, step, best, args, cer, exact)


def _save(
    path: Path,
    model: nn.Module,
    optimizer: torch.optim.Optimizer,
    schedule: torch.optim.lr_scheduler.LRScheduler,
    step: int,
    best: float,
    args: argparse.Namespace,
    cer: float,
    exact: float,
) -> None:
    state = {
        "model": model.state_dict(),
        "optimizer": optimizer.state_dict(),
        "schedule": schedule.state_dict(),
        "step": step,
        "best_cer": best,
        "held_out": {"cer": cer, "exact_lines": exact, "lines": args.validation},
        "torch_rng": torch.get_rng_state(),
        "args": vars(args),
        "versions": {"torch": torch.__version__, "python": platform.python_version()},
    }
    partial = path.with_suffix(".partial")
    torch.save(state, partial)
    os.replace(partial, path)


class _Probabilities(nn.Module):
    """The recogniser with a softmax on top: what the workers run."""

    def __init__(self, model: nn.Module) -> None:
        super().__init__()
        self.model = model

    def forward(self, lines: torch.Tensor) -> torch.Tensor:
        return self.model(lines).softmax(2)


def export(
    checkpoint: Path, folder: Path, blend: Path | None = None, blend_weight: float = 0.5
) -> None:
    """`folder/inference.onnx` (dynamic batch and width) and `folder/training.json`; with
    `blend`, the checkpoint's weights times `blend_weight` plus the rest from that exported
    model (the stage's parent: the same network, its BatchNorms folded as the stage kept them)."""
    state = torch.load(checkpoint, map_location="cpu", weights_only=False)
    alphabet = JamoAlphabet()
    model = LineRecognizer(len(alphabet))
    weights = state["model"]
    if blend is not None:
        parent = recognizer_from_onnx(blend, len(alphabet)).state_dict()
        weights = {
            name: blend_weight * value + (1 - blend_weight) * parent[name]
            if value.is_floating_point()
            else value
            for name, value in weights.items()
        }
    model.load_state_dict(weights)
    model.eval()
    folder.mkdir(parents=True, exist_ok=True)
    torch.onnx.export(
        _Probabilities(model),
        (torch.zeros(1, 1, LINE_HEIGHT, 160),),
        str(folder / "inference.onnx"),
        input_names=["lines"],
        output_names=["probabilities"],
        dynamic_axes={"lines": {0: "batch", 3: "width"}, "probabilities": {0: "batch", 1: "steps"}},
        opset_version=17,
        dynamo=False,
    )
    facts = {
        "step": state["step"],
        "held_out": state["held_out"],
        "args": state["args"],
        "versions": state["versions"],
        "blend": {"parent": str(blend), "weight": blend_weight} if blend else None,
        "alphabet": alphabet.tokens,
    }
    (folder / "training.json").write_text(json.dumps(facts, ensure_ascii=False, indent=1) + "\n")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", default="runs/korean_rec")
    parser.add_argument("--steps", type=int, default=5000)
    parser.add_argument("--batch", type=int, default=64)
    parser.add_argument("--lr", type=float, default=2e-3)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--device", default="cuda" if torch.cuda.is_available() else "cpu")
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--validation", type=int, default=300)
    parser.add_argument("--log-every", type=int, default=50)
    parser.add_argument("--checkpoint-every", type=int, default=250)
    parser.add_argument("--style", choices=sorted(STYLES), default="short", help="line lengths")
    parser.add_argument("--data", choices=("documents", "plates"), default="documents")
    parser.add_argument(
        "--init", help="start from this checkpoint's weights, or an exported inference.onnx"
    )
    parser.add_argument("--export", metavar="FOLDER", help="export best.pt of --out and stop")
    parser.add_argument("--blend", type=Path, help="an exported model to average best.pt with")
    parser.add_argument("--blend-weight", type=float, default=0.5, help="best.pt's share")
    args = parser.parse_args()
    if args.export:
        export(Path(args.out) / "best.pt", Path(args.export), args.blend, args.blend_weight)
    else:
        train(args)


if __name__ == "__main__":
    main()

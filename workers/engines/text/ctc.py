"""How likely a CTC model's output makes a given text: the forward algorithm, in log space.

Greedy decoding gives the single likeliest path; when the text must fit a known format (a
plate number), each candidate that fits is scored by the probability the model gives it over
every alignment, and the likeliest candidate wins.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence

import numpy as np

BLANK = 0


def log_likelihood(log_probs: np.ndarray, labels: Sequence[int]) -> float:
    """log P(labels | output) for one line's (steps, tokens) log-softmax output."""
    steps = log_probs.shape[0]
    extended = np.full(2 * len(labels) + 1, BLANK, dtype=np.int64)
    extended[1::2] = labels
    # A label may skip the blank before it unless it repeats the label two places back.
    skip = np.zeros(len(extended), dtype=bool)
    skip[3::2] = extended[3::2] != extended[1:-2:2]
    alpha = np.full(len(extended), -np.inf)
    alpha[0] = log_probs[0, BLANK]
    if len(extended) > 1:
        alpha[1] = log_probs[0, extended[1]]
    for step in range(1, steps):
        stay = alpha
        one = np.concatenate(([-np.inf], alpha))[: len(alpha)]
        two = np.where(skip, np.concatenate(([-np.inf, -np.inf], alpha))[: len(alpha)], -np.inf)
        alpha = np.logaddexp(np.logaddexp(stay, one), two) + log_probs[step, extended]
    return float(np.logaddexp(alpha[-1], alpha[-2]) if len(extended) > 1 else alpha[-1])


NEVER = -1e30
"""log 0, as a float that sums without warnings."""
MARGIN = 5.0
"""Prefixes less likely than the best by this much (log) are dropped: alternatives a
confident stretch of the line leaves far behind cost time and never come back (on the
Korean model's tuning lines, 5 read exactly as keeping all 8)."""


def beam_search(
    probabilities: np.ndarray,
    bonus: Callable[[tuple[int, ...], int], float],
    beam: int = 8,
    least: float = 0.01,
    margin: float = MARGIN,
) -> tuple[int, ...]:
    """The likeliest labels of one line's (steps, tokens) softmax output, each label weighed
    by `bonus(labels before, label)` (a language model's log-probability, scaled, plus an
    insertion bonus): CTC prefix beam search, keeping `beam` prefixes and, at each step, only
    tokens of probability `least` or more (the blank always). On the Korean model's tuning
    lines, tokens under 1 % never changed a reading and 8 prefixes read as well as more."""
    log_probs = np.log(np.maximum(probabilities, 1e-12))
    blanks = log_probs[:, BLANK].tolist()
    candidates: list[list[tuple[int, float]]] = [[] for _ in blanks]
    steps, tokens = np.nonzero(probabilities[:, 1:] >= least)
    tokens += 1
    for step, token, log_prob in zip(
        steps.tolist(), tokens.tolist(), log_probs[steps, tokens].tolist(), strict=True
    ):
        candidates[step].append((token, log_prob))
    # prefix -> [log P(prefix, ending in a blank), log P(prefix, ending in its last label)]
    beams: dict[tuple[int, ...], list[float]] = {(): [0.0, NEVER]}
    bonuses: dict[tuple[int, ...], float] = {(): 0.0}
    for step, blank_here in enumerate(blanks):
        if not candidates[step]:  # only a blank: every prefix ends in it, in the order they had
            beams = {p: [_log_add(*ends) + blank_here, NEVER] for p, ends in beams.items()}
            continue
        grown: dict[tuple[int, ...], list[float]] = {}
        for prefix, (blank, label) in beams.items():
            both = _log_add(blank, label)
            entry = grown.setdefault(prefix, [NEVER, NEVER])
            entry[0] = _log_add(entry[0], both + blank_here)
            for token, log_prob in candidates[step]:
                longer = (*prefix, token)
                into = grown.setdefault(longer, [NEVER, NEVER])
                if prefix and prefix[-1] == token:
                    # A repeat is a new label only after a blank; else the same one held on.
                    into[1] = _log_add(into[1], blank + log_prob)
                    entry[1] = _log_add(entry[1], label + log_prob)
                else:
                    into[1] = _log_add(into[1], both + log_prob)
                if longer not in bonuses:
                    bonuses[longer] = bonuses[prefix] + bonus(prefix, token)
        scores = {p: _log_add(*ends) + bonuses[p] for p, ends in grown.items()}
        ranked = sorted(scores, key=scores.__getitem__, reverse=True)[:beam]
        floor = scores[ranked[0]] - margin
        beams = {prefix: grown[prefix] for prefix in ranked if scores[prefix] >= floor}
    return max(beams, key=lambda p: _log_add(*beams[p]) + bonuses[p])


def greedy_labels(probabilities: np.ndarray) -> tuple[int, ...]:
    """The labels of the likeliest path: each step's likeliest token, repeats merged, blanks
    dropped."""
    best = probabilities.argmax(axis=1)
    kept = best[np.concatenate(([True], best[1:] != best[:-1]))]
    return tuple(kept[kept != BLANK].tolist())


def alignment(probabilities: np.ndarray, labels: Sequence[int]) -> list[tuple[float, int, int]]:
    """Where each label sits in one line's (steps, tokens) softmax output along the likeliest
    path that spells `labels` (Viterbi): (its highest probability there, first step, last
    step) per label."""
    log_probs = np.log(np.maximum(probabilities, 1e-12))
    steps = len(log_probs)
    extended = np.full(2 * len(labels) + 1, BLANK, dtype=np.int64)
    extended[1::2] = labels
    skip = np.zeros(len(extended), dtype=bool)
    skip[3::2] = extended[3::2] != extended[1:-2:2]
    score = np.full(len(extended), NEVER)
    score[0] = log_probs[0, BLANK]
    if len(extended) > 1:
        score[1] = log_probs[0, extended[1]]
    back = np.zeros((steps, len(extended)), dtype=np.int8)  # 0 stay, 1 from one, 2 from two back
    for step in range(1, steps):
        one = np.concatenate(([NEVER], score))[: len(score)]
        two = np.where(skip, np.concatenate(([NEVER, NEVER], score))[: len(score)], NEVER)
        choices = np.stack((score, one, two))
        back[step] = choices.argmax(axis=0)
        score = choices.max(axis=0) + log_probs[step, extended]
    state = len(extended) - 1
    if len(extended) > 1 and score[-2] > score[-1]:
        state -= 1
    spans: list[list[float]] = [[0.0, steps, -1] for _ in labels]
    for step in range(steps - 1, -1, -1):
        if state % 2:
            span = spans[state // 2]
            span[0] = max(span[0], float(probabilities[step, extended[state]]))
            span[1], span[2] = step, max(span[2], step)
        state -= int(back[step, state])
    return [(peak, int(first), int(last)) for peak, first, last in spans]


def _log_add(a: float, b: float) -> float:
    """log(e^a + e^b), for two plain floats."""
    if a < b:
        a, b = b, a
    return a if b <= NEVER else a + math.log1p(math.exp(b - a))

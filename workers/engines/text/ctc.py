"""How likely a CTC model's output makes a given text: the forward algorithm, in log space.

Greedy decoding gives the single likeliest path; when the text must fit a known format (a
plate number), each candidate that fits is scored by the probability the model gives it over
every alignment, and the likeliest candidate wins.
"""

from __future__ import annotations

from collections.abc import Sequence

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

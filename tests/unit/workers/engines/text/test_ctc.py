"""The CTC forward algorithm against the sum over every path, counted by brute force."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from workers.engines.text.ctc import log_likelihood


def brute_force(log_probs: np.ndarray, labels: tuple[int, ...]) -> float:
    total = -np.inf
    for path in itertools.product(range(log_probs.shape[1]), repeat=log_probs.shape[0]):
        collapsed = [p for i, p in enumerate(path) if p != 0 and (i == 0 or p != path[i - 1])]
        if tuple(collapsed) == labels:
            total = np.logaddexp(total, sum(log_probs[t, p] for t, p in enumerate(path)))
    return float(total)


@pytest.mark.parametrize("labels", [(), (1,), (1, 2), (1, 1), (2, 1, 2), (3, 3, 1)])
def test_log_likelihood_is_the_sum_over_every_alignment(labels: tuple[int, ...]) -> None:
    rng = np.random.default_rng(len(labels))
    log_probs = np.log(rng.dirichlet(np.ones(4), size=6))
    assert log_likelihood(log_probs, labels) == pytest.approx(brute_force(log_probs, labels))


def test_a_text_longer_than_the_steps_allow_is_impossible() -> None:
    log_probs = np.log(np.full((3, 4), 0.25))
    assert log_likelihood(log_probs, (1, 1, 1)) == -np.inf  # two 1s need a blank between

"""The CTC forward algorithm against the sum over every path, counted by brute force."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from workers.engines.text.ctc import alignment, beam_search, log_likelihood


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


def likeliest_by_brute_force(log_probs: np.ndarray) -> tuple[int, ...]:
    """The labels whose alignments sum to the most, over every path."""
    totals: dict[tuple[int, ...], float] = {}
    for path in itertools.product(range(log_probs.shape[1]), repeat=log_probs.shape[0]):
        labels = tuple(p for i, p in enumerate(path) if p != 0 and (i == 0 or p != path[i - 1]))
        score = sum(log_probs[t, p] for t, p in enumerate(path))
        totals[labels] = np.logaddexp(totals.get(labels, -np.inf), score)
    return max(totals, key=lambda labels: totals[labels])


@pytest.mark.parametrize("seed", range(6))
def test_beam_search_finds_the_likeliest_labels_not_the_likeliest_path(seed: int) -> None:
    rng = np.random.default_rng(seed)
    probabilities = rng.dirichlet(np.ones(3) * 0.7, size=5)
    labels = beam_search(probabilities, lambda before, token: 0.0, beam=16, least=0.0)
    assert labels == likeliest_by_brute_force(np.log(probabilities))


def test_summed_alignments_beat_the_single_best_path() -> None:
    # The best path is blank, blank (0.36); but `1` wins over its three paths (0.16 * 3 = 0.48).
    probabilities = np.array([[0.6, 0.4], [0.6, 0.4]])
    assert beam_search(probabilities, lambda before, token: 0.0) == (1,)


def test_a_bonus_decides_between_two_readings_the_picture_leaves_open() -> None:
    probabilities = np.array([[0.1, 0.46, 0.44], [1.0, 0.0, 0.0]])
    assert beam_search(probabilities, lambda before, token: 0.0) == (1,)
    assert beam_search(probabilities, lambda before, token: 0.1 * (token == 2)) == (2,)


def test_alignment_places_each_label_on_its_steps_with_its_peak() -> None:
    blank, a, b = 0, 1, 2
    path = [blank, a, a, blank, a, b, b, blank]
    probabilities = np.full((len(path), 3), 0.05)
    probabilities[np.arange(len(path)), path] = 0.9
    probabilities[2, a] = 0.8
    assert alignment(probabilities, (a, a, b)) == [
        (pytest.approx(0.9), 1, 2),
        (pytest.approx(0.9), 4, 4),
        (pytest.approx(0.9), 5, 6),
    ]
    assert alignment(probabilities, ()) == []

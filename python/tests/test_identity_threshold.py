"""The threshold choice (customer360.identity.matching.choose_threshold) forms running sums over the pairs
that can be linked only (DECISIONS §57): it must choose exactly what forming them over every pair chose."""

from __future__ import annotations

import numpy as np
import pytest

from customer360.identity import matching


def _over_every_pair(probabilities, fixed=None):
    """The choice as it was made before: running sums, ranks and F1 over every pair, eligible ones kept."""
    p = np.sort(np.asarray(probabilities, dtype=float))[::-1]
    if fixed is not None:
        return matching.Threshold(float(fixed), "var", *matching.expected_quality(p, float(fixed)))
    low, high = matching.THRESHOLD_BOUNDS
    if len(p) == 0:
        return matching.Threshold(low, "expected_f1", 1.0, 1.0)
    f1 = 2 * np.cumsum(p) / (np.arange(1, len(p) + 1) + p.sum())
    eligible = p >= low
    if not eligible.any():
        return matching.Threshold(low, "expected_f1", *matching.expected_quality(p, low))
    best = int(np.argmax(np.where(eligible, f1, -1.0)))
    threshold = float(min(p[best], high))
    return matching.Threshold(threshold, "expected_f1", *matching.expected_quality(p, threshold))


@pytest.mark.parametrize("seed", range(6))
def test_the_choice_is_the_one_made_over_every_pair(seed):
    rng = np.random.default_rng(seed)
    cases = [
        rng.beta(0.05, 2, 20_000),  # mostly non-matches, as a build's pairs are
        rng.beta(2, 0.3, 5_000),  # mostly matches: the best F1 is deep in the list
        np.round(rng.random(3_000), 2),  # many ties
        rng.random(50) * 0.4,  # nothing eligible
        np.array([0.999, 0.995, 0.5, 0.5]),  # the upper bound and the lower bound
        np.array([]),
    ]
    for probabilities in cases:
        assert matching.choose_threshold(probabilities) == _over_every_pair(probabilities)
        assert matching.choose_threshold(probabilities, 0.7) == _over_every_pair(probabilities, 0.7)

"""Scoring a clustering over every input record, not only the records it resolved.

The identity evaluation (``customer360.evaluate``) scores the records in the crosswalk; a record the
pipeline quarantines or leaves anonymous is not scored there, only counted. A benchmark must not let a
method improve by dropping records, so here the universe is every record the truth knows plus every
record the clustering placed: a truth record missing from the clustering is a predicted singleton (it was
linked to no one, so every true pair it belongs to is missed), and a clustered record the truth does not
know is a truth singleton. The metrics are ``customer360.evaluate.score_clusters``.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Hashable, Mapping
from dataclasses import dataclass

from . import ClusterScores, score_clusters

MISSING = "missing:"
UNKNOWN = "unknown:"


@dataclass(frozen=True)
class UniverseScores:
    scores: ClusterScores
    missing: int  # truth records the clustering does not place (scored as singletons)
    unknown: int  # clustered records the truth does not know (scored as truth singletons)
    predicted_clusters: int  # clusters the clustering made (without the missing singletons)


def score_universe(truth: Mapping[str, Hashable], predicted: Mapping[str, Hashable]) -> UniverseScores:
    """Pairwise and B-cubed scores of ``predicted`` (record key → cluster) against ``truth`` (record key
    → entity) over the union of their records; see the module docstring for records on one side only."""
    cells: Counter = Counter()
    missing = unknown = 0
    for key, entity in truth.items():
        cluster = predicted.get(key)
        if cluster is None:
            missing += 1
            cells[(MISSING + key, entity)] += 1
        else:
            cells[(("p", cluster), entity)] += 1
    for key, cluster in predicted.items():
        if key not in truth:
            unknown += 1
            cells[(("p", cluster), UNKNOWN + key)] += 1
    return UniverseScores(
        scores=score_clusters(cells),
        missing=missing,
        unknown=unknown,
        predicted_clusters=len(set(predicted.values())),
    )

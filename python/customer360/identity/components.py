"""Customers as components of the link graph: deterministic links followed as they are, model links
followed strongest first unless the two customers they would join are proven two people — by a
constraint (``constraints.conflict``) or by the model's own evidence: when a pair of their records was
scored as almost surely two people (a cannot-link), the join goes ahead only if the match weights of all
the scored pairs between the two customers (links and cannot-links) still add up to more than nothing.
So one record shared by two people (a family mailbox, a landline) cannot chain them into one customer —
their records score apart many times over — while one odd record among many of the same person (a typo'd
email, a replaced first name) no longer vetoes what every other pair says."""

from __future__ import annotations

from collections.abc import Collection, Sequence

import numpy as np

from .constraints import CANNOT_LINK_RULE, Profile, conflict


class UnionFind:
    """Disjoint sets over 0..n-1 with path halving; ``union`` keeps the larger set's root and members."""

    def __init__(self, n: int) -> None:
        self.parent = list(range(n))
        self.members: dict[int, list[int]] = {}

    def find(self, x: int) -> int:
        parent = self.parent
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    def of(self, root: int) -> list[int]:
        return self.members.get(root) or [root]

    def union(self, x: int, y: int) -> int:
        """Join the sets of roots ``x`` and ``y``; returns the surviving root."""
        if len(self.of(x)) < len(self.of(y)):
            x, y = y, x
        self.parent[y] = x
        self.members[x] = self.of(x) + self.of(y)
        self.members.pop(y, None)
        return x

    def labels(self) -> np.ndarray:
        n = len(self.parent)
        roots = np.fromiter((self.find(i) for i in range(n)), dtype=np.int64, count=n)
        return np.unique(roots, return_inverse=True)[1].astype(np.int64)


class ScoredPairs:
    """The model links and cannot-links with their match weights, looked up by record (compressed adjacency)."""

    def __init__(self, n: int, a: np.ndarray, b: np.ndarray, weight: np.ndarray, is_apart: np.ndarray) -> None:
        ends = np.concatenate([a, b]).astype(np.int64)
        order = np.argsort(ends, kind="stable")
        self.partners = np.concatenate([b, a]).astype(np.int64)[order]
        self.weights = np.concatenate([weight, weight]).astype(float)[order]
        self.is_apart = np.concatenate([is_apart, is_apart]).astype(bool)[order]
        self.start = np.searchsorted(ends[order], np.arange(n + 1))

    def between(self, sets: UnionFind, small: int, big: int) -> tuple[bool, float]:
        """Whether a record of component ``small`` was scored apart from a record of component ``big``, and
        the summed match weight of every scored pair between the two components."""
        apart, total = False, 0.0
        for record in sets.of(small):
            lo, hi = self.start[record], self.start[record + 1]
            for partner, weight, is_apart in zip(self.partners[lo:hi], self.weights[lo:hi], self.is_apart[lo:hi]):
                if sets.find(int(partner)) == big:
                    apart = apart or bool(is_apart)
                    total += float(weight)
        return apart, total


def cluster(
    n: int,
    deterministic: tuple[np.ndarray, np.ndarray],
    model: tuple[np.ndarray, np.ndarray, np.ndarray],
    profiles: Sequence[Profile | None],
    cannot: tuple[np.ndarray, np.ndarray, np.ndarray] | None = None,
    rules: Collection[str] = (),
) -> tuple[np.ndarray, list[tuple[int, str]]]:
    """Component label of each of ``n`` records, and the model links refused (index, rule).

    ``deterministic`` is (a, b) record positions; ``model`` is (a, b, match_weight); ``profiles[i]`` the
    constraint values of record i (None when it has none); ``cannot`` (a, b, match_weight) pairs the model
    scored as two people; ``rules`` the active constraint rules. Model links are taken strongest first,
    ties by record positions, so the result does not depend on the input order. A link between two
    customers with a cannot-link between them is refused when the match weights of every scored pair
    between them (links and cannot-links) sum to zero or less.
    """
    sets = UnionFind(n)
    for a, b in zip(*deterministic):
        x, y = sets.find(int(a)), sets.find(int(b))
        if x != y:
            sets.union(x, y)
    merged: dict[int, Profile] = {}
    for i, profile in enumerate(profiles):
        if profile is not None and not profile.is_empty():
            root = sets.find(i)
            if root in merged:
                merged[root].merge(profile)
            else:
                merged[root] = Profile(set(profile.national_ids), set(profile.birth_dates), dict(profile.first_names))
    a, b, weight = model
    scored = None
    if cannot is not None and len(cannot[0]):
        ca, cb, cw = cannot
        scored = ScoredPairs(
            n,
            np.concatenate([a, ca]),
            np.concatenate([b, cb]),
            np.concatenate([np.asarray(weight, dtype=float), np.asarray(cw, dtype=float)]),
            np.concatenate([np.zeros(len(a), dtype=bool), np.ones(len(ca), dtype=bool)]),
        )
    refused: list[tuple[int, str]] = []
    for k in np.lexsort((b, a, -np.asarray(weight, dtype=float))):
        x, y = sets.find(int(a[k])), sets.find(int(b[k]))
        if x == y:
            continue
        px, py = merged.get(x), merged.get(y)
        rule = conflict(px, py, rules) if rules and px is not None and py is not None else None
        if rule is None and scored is not None:
            small, big = (x, y) if len(sets.of(x)) <= len(sets.of(y)) else (y, x)
            apart, total = scored.between(sets, small, big)
            if apart and total <= 0:
                rule = CANNOT_LINK_RULE
        if rule is not None:
            refused.append((int(k), rule))
            continue
        root = sets.union(x, y)
        other = y if root == x else x
        kept, gone = merged.get(root), merged.pop(other, None)
        if kept is None and gone is not None:
            merged[root] = gone
        elif kept is not None and gone is not None:
            kept.merge(gone)
    return sets.labels(), refused

"""Customers as components of the link graph: deterministic links followed as they are, model links
followed strongest first unless the two customers they would join are proven two people — by a
constraint (``constraints.conflict``) or by the model itself, which scored a pair of their records as
almost surely two people (a cannot-link). So one record shared by two people (a family mailbox, a
landline) cannot chain them into one customer."""

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


class CannotLinks:
    """Pairs of records scored as two people, looked up by record (a compressed adjacency list)."""

    def __init__(self, n: int, a: np.ndarray, b: np.ndarray) -> None:
        ends = np.concatenate([a, b]).astype(np.int64)
        partners = np.concatenate([b, a]).astype(np.int64)
        order = np.argsort(ends, kind="stable")
        self.partners = partners[order]
        self.start = np.searchsorted(ends[order], np.arange(n + 1))

    def between(self, sets: UnionFind, small: int, big: int) -> bool:
        """Whether a record of component ``small`` is scored apart from a record of component ``big``."""
        for record in sets.of(small):
            for partner in self.partners[self.start[record]:self.start[record + 1]]:
                if sets.find(int(partner)) == big:
                    return True
        return False


def cluster(
    n: int,
    deterministic: tuple[np.ndarray, np.ndarray],
    model: tuple[np.ndarray, np.ndarray, np.ndarray],
    profiles: Sequence[Profile | None],
    cannot: tuple[np.ndarray, np.ndarray] | None = None,
    rules: Collection[str] = (),
) -> tuple[np.ndarray, list[tuple[int, str]]]:
    """Component label of each of ``n`` records, and the model links refused (index, rule).

    ``deterministic`` is (a, b) record positions; ``model`` is (a, b, match_weight); ``profiles[i]`` the
    constraint values of record i (None when it has none); ``cannot`` (a, b) pairs the model scored as
    two people; ``rules`` the active constraint rules. Model links are taken strongest first, ties by
    record positions, so the result does not depend on the input order.
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
    apart = CannotLinks(n, *cannot) if cannot is not None and len(cannot[0]) else None
    a, b, weight = model
    refused: list[tuple[int, str]] = []
    for k in np.lexsort((b, a, -np.asarray(weight, dtype=float))):
        x, y = sets.find(int(a[k])), sets.find(int(b[k]))
        if x == y:
            continue
        px, py = merged.get(x), merged.get(y)
        rule = conflict(px, py, rules) if rules and px is not None and py is not None else None
        if rule is None and apart is not None:
            small, big = (x, y) if len(sets.of(x)) <= len(sets.of(y)) else (y, x)
            if apart.between(sets, small, big):
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

"""Customers as components of the link graph: deterministic links followed as they are, model links
followed strongest first unless the two customers they would join are proven two people — by a
constraint (``constraints.conflict``) or by the model's own evidence: when a pair of their records was
scored below the link threshold (a cannot-link), the join goes ahead only if the match weights of all
the scored pairs between the two customers (links and cannot-links) still add up to more than nothing.
So one record shared by two people (a family mailbox, a landline) cannot chain them into one customer —
their records score apart many times over — while one odd record among many of the same person (a typo'd
email, a replaced first name) no longer vetoes what every other pair says.

Steward corrections come first and are not weighed: a ``must_not_link`` pair is never joined, whatever
links it — a deterministic rule, another steward's ``must_link`` or the model, however strong its summed
weights — and a ``must_link`` pair is joined before any other link, whatever the model scored between
the two (``Steward``). A deterministic or ``must_link`` link refused because of a ``must_not_link`` is
returned as overridden, so the build can report the conflict."""

from __future__ import annotations

from collections.abc import Collection, Sequence

import numpy as np

from .constraints import CANNOT_LINK_RULE, Profile, conflict

#: Refusal rule of a model link that would join two records a steward keeps apart.
STEWARD_RULE = "steward_must_not_link"


class UnionFind:
    """Disjoint sets over 0..n-1; ``union`` keeps the larger set's root and members. Every record's root is
    kept up to date in ``root`` (a numpy array), so a whole set of records is looked up at once."""

    def __init__(self, n: int) -> None:
        self.root = np.arange(n, dtype=np.int64)
        self.members: dict[int, list[int]] = {}

    def find(self, x: int) -> int:
        return int(self.root[x])

    def of(self, root: int) -> list[int]:
        return self.members.get(root) or [root]

    def union(self, x: int, y: int) -> int:
        """Join the sets of roots ``x`` and ``y``; returns the surviving root (the larger set's, ties ``x``).
        The survivor's members are its own followed by the other's, in their order."""
        members = self.members
        kept, moved = members.get(x), members.get(y)
        if (len(kept) if kept else 1) < (len(moved) if moved else 1):
            x, y, kept, moved = y, x, moved, kept
        if moved:
            del members[y]
            self.root[moved] = x
        else:
            moved = [y]
            self.root[y] = x
        if kept is None:
            members[x] = [x] + moved
        else:
            kept.extend(moved)
        return x

    def labels(self) -> np.ndarray:
        return np.unique(self.root, return_inverse=True)[1].astype(np.int64)


def _slices(start: np.ndarray, records: list[int]) -> np.ndarray | slice:
    """Positions of the adjacency entries of ``records`` (in their order, each record's in stored order)."""
    if len(records) == 1:
        return slice(int(start[records[0]]), int(start[records[0] + 1]))
    at = np.asarray(records, dtype=np.int64)
    lo, hi = start[at], start[at + 1]
    lengths = hi - lo
    ends = np.cumsum(lengths)
    return np.arange(int(ends[-1]), dtype=np.int64) + np.repeat(lo - (ends - lengths), lengths)


def _adjacency_order(ends: np.ndarray, partners: np.ndarray, n: int) -> np.ndarray:
    """Order of adjacency entries by record (``ends``) and, within a record, by partner, then input order:
    the same order whatever order the pairs came in (an engine's join returns them in any order)."""
    if n * n < np.iinfo(np.int64).max:  # (end, partner) folded into one key
        return np.argsort(ends * n + partners, kind="stable")
    return np.lexsort((partners, ends))


class ScoredPairs:
    """The model links and cannot-links with their match weights, looked up by record (compressed adjacency)."""

    def __init__(self, n: int, a: np.ndarray, b: np.ndarray, weight: np.ndarray, is_apart: np.ndarray) -> None:
        ends = np.concatenate([a, b]).astype(np.int64)
        partners = np.concatenate([b, a]).astype(np.int64)
        order = _adjacency_order(ends, partners, n)
        self.partners = partners[order]
        self.weights = np.concatenate([weight, weight]).astype(float)[order]
        self.is_apart = np.concatenate([is_apart, is_apart]).astype(bool)[order]
        self.start = np.searchsorted(ends[order], np.arange(n + 1))

    def between(self, sets: UnionFind, small: int, big: int) -> tuple[bool, float]:
        """Whether a record of component ``small`` was scored apart from a record of component ``big``, and
        the summed match weight of every scored pair between the two components (added one by one in
        member order, so the sum is the same to the last bit whatever the implementation)."""
        entries = _slices(self.start, sets.of(small))
        hit = sets.root[self.partners[entries]] == big
        if not hit.any():
            return False, 0.0
        apart = bool(self.is_apart[entries][hit].any())
        total = float(np.cumsum(self.weights[entries][hit])[-1])  # sequential, not pairwise, summation
        return apart, total


class KeptApart:
    """Pairs of records a steward keeps apart (``must_not_link``), looked up by record. Not weighed: one
    such pair between two customers is enough to refuse their join."""

    def __init__(self, n: int, a: np.ndarray, b: np.ndarray) -> None:
        ends = np.concatenate([a, b]).astype(np.int64)
        order = np.argsort(ends, kind="stable")
        self.partners = np.concatenate([b, a]).astype(np.int64)[order]
        self.start = np.searchsorted(ends[order], np.arange(n + 1))

    def between(self, sets: UnionFind, x: int, y: int) -> bool:
        """Whether components ``x`` and ``y`` (roots) hold a kept-apart pair; walks the smaller one."""
        small, big = (x, y) if len(sets.of(x)) <= len(sets.of(y)) else (y, x)
        return bool((sets.root[self.partners[_slices(self.start, sets.of(small))]] == big).any())


class Steward:
    """The stewards' corrections as record positions: ``must_link`` and ``must_not_link`` (a, b) arrays.
    ``overridden`` collects (kind, index) of the links a must_not_link refused: kind ``must_link`` (index
    into ``must_link``) or ``deterministic`` (index into the deterministic links)."""

    def __init__(self, must_link: tuple[np.ndarray, np.ndarray] | None = None,
                 must_not_link: tuple[np.ndarray, np.ndarray] | None = None) -> None:
        empty = (np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64))
        self.must_link = must_link if must_link is not None else empty
        self.must_not_link = must_not_link if must_not_link is not None else empty
        self.overridden: list[tuple[str, int]] = []

    def keep_apart(self, n: int) -> KeptApart | None:
        a, b = self.must_not_link
        return KeptApart(n, np.asarray(a), np.asarray(b)) if len(a) else None


def component_labels(n: int, a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Component label of each of ``n`` records in the graph of the edges (a, b) (record positions)."""
    from scipy.sparse import coo_matrix
    from scipy.sparse.csgraph import connected_components

    graph = coo_matrix((np.ones(len(a), dtype=np.int32), (a, b)), shape=(n, n))
    return connected_components(graph, directed=False)[1]


def _reachable(n: int, root: np.ndarray, a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Component label of each record in the graph of the components so far (``root``) and every one of
    the links (a, b): the most the clustering could join."""
    return component_labels(n, np.concatenate([np.arange(n, dtype=np.int64), a]), np.concatenate([root, b]))


def cluster(
    n: int,
    deterministic: tuple[np.ndarray, np.ndarray],
    model: tuple[np.ndarray, np.ndarray, np.ndarray],
    profiles: Sequence[Profile | None],
    cannot: tuple[np.ndarray, np.ndarray, np.ndarray] | None = None,
    rules: Collection[str] = (),
    steward: Steward | None = None,
) -> tuple[np.ndarray, list[tuple[int, str]]]:
    """Component label of each of ``n`` records, and the model links refused (index, rule).

    ``deterministic`` is (a, b) record positions; ``model`` is (a, b, match_weight); ``profiles[i]`` the
    constraint values of record i (None when it has none); ``cannot`` (a, b, match_weight) pairs the model
    scored as two people; ``rules`` the active constraint rules; ``steward`` the corrections (its
    ``overridden`` list is filled with the deterministic and must_link links a must_not_link refused).
    Must_link pairs are joined first, then deterministic links in record order, then model links strongest
    first, ties by record positions, so the result does not depend on the input order. A model link is
    refused when a steward's must_not_link lies between the two customers (always, whatever the weights),
    when a constraint proves them two people, or when a cannot-link lies between them and the match
    weights of every scored pair between them (links and cannot-links) sum to zero or less.
    """
    sets = UnionFind(n)
    steward = steward or Steward()
    keep_apart = steward.keep_apart(n)

    def joined_or_refused(pairs: tuple[np.ndarray, np.ndarray], kind: str) -> None:
        a, b = (np.asarray(side, dtype=np.int64) for side in pairs)
        root_of, a_list, b_list = sets.root, a.tolist(), b.tolist()
        order = np.lexsort((b, a))
        if keep_apart is None and len(order) > 1:
            # the same pair again right after itself joins nothing (its records were just joined), and
            # with no must_not_link it cannot be refused either: dropped before the loop
            sa, sb = a[order], b[order]
            order = order[np.concatenate([[True], (sa[1:] != sa[:-1]) | (sb[1:] != sb[:-1])])]
        for k in order.tolist():
            x, y = int(root_of[a_list[k]]), int(root_of[b_list[k]])
            if x == y:
                continue
            if keep_apart is not None and keep_apart.between(sets, x, y):
                steward.overridden.append((kind, int(k)))
                continue
            sets.union(x, y)

    joined_or_refused(steward.must_link, "must_link")
    joined_or_refused(deterministic, "deterministic")
    merged: dict[int, Profile] = {}
    for i, profile in enumerate(profiles):
        if profile is not None and not profile.is_empty():
            root = sets.find(i)
            if root in merged:
                merged[root].merge(profile)
            else:
                merged[root] = Profile(set(profile.national_ids), set(profile.birth_dates))
    a, b = np.asarray(model[0], dtype=np.int64), np.asarray(model[1], dtype=np.int64)
    weight = np.asarray(model[2], dtype=float)
    # A pair whose two records one customer already holds (joined by a must_link or deterministic link)
    # is never between two customers again: components only grow. Such model links would be skipped and
    # such scored pairs never counted, so they are dropped here at once rather than one by one.
    apart_now = sets.root[a] != sets.root[b]
    scored = None
    if cannot is not None and len(cannot[0]):
        ca, cb = np.asarray(cannot[0], dtype=np.int64), np.asarray(cannot[1], dtype=np.int64)
        cw = np.asarray(cannot[2], dtype=float)
        # Only a cannot-link inside one component of the whole link graph (every link followed) can ever
        # lie between two customers being joined: one whose records no chain of links connects is never
        # counted, and is dropped here (at 10M records, most of the 110 million scored pairs).
        reach = _reachable(n, sets.root, a[apart_now], b[apart_now])
        cannot_now = (sets.root[ca] != sets.root[cb]) & (reach[ca] == reach[cb])
        scored = ScoredPairs(
            n,
            np.concatenate([a[apart_now], ca[cannot_now]]),
            np.concatenate([b[apart_now], cb[cannot_now]]),
            np.concatenate([weight[apart_now], cw[cannot_now]]),
            np.concatenate([np.zeros(int(apart_now.sum()), dtype=bool), np.ones(int(cannot_now.sum()), dtype=bool)]),
        )
    refused: list[tuple[int, str]] = []
    root_of, a_list, b_list = sets.root, a.tolist(), b.tolist()
    live = np.flatnonzero(apart_now)
    for k in live[np.lexsort((b[live], a[live], -weight[live]))].tolist():
        x, y = int(root_of[a_list[k]]), int(root_of[b_list[k]])
        if x == y:
            continue
        px, py = merged.get(x), merged.get(y)
        rule = conflict(px, py, rules) if rules and px is not None and py is not None else None
        if keep_apart is not None and keep_apart.between(sets, x, y):
            rule = STEWARD_RULE  # a steward's must_not_link is never weighed against the model's evidence
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

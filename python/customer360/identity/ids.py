"""Persistent customer ids.

Customer ids are content-derived: ``'C' + the first 16 hex digits of md5(anchor record key)``, the anchor
being the customer's earliest identifiable record (``first_seen_at``, then ``record_key``). The same data
always gives the same ids, so a rebuild from scratch renumbers nobody. On top of that, ids are carried
over from the previous run: a customer keeps its id when records are added — even a record older than
its anchor — and when two customers merge the one seen first keeps its id (the other id is retired and
listed by int_identity__customer_id_merges from the snapshot); after a split the larger part keeps it
and the other part gets a new id (listed there as a split).
"""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Sequence

import numpy as np

CUSTOMER_ID_PREFIX = "C"
CUSTOMER_ID_HEX_DIGITS = 16


def customer_id_for(anchor_record_key: str) -> str:
    """The customer id derived from an anchor record key."""
    digest = hashlib.md5(anchor_record_key.encode("utf-8")).hexdigest()
    return CUSTOMER_ID_PREFIX + digest[:CUSTOMER_ID_HEX_DIGITS]


def customer_ids(
    labels: np.ndarray,
    keys: Sequence[str],
    anchor_of_label: dict[int, int],
    has_identifiable: np.ndarray,
    previous: dict[str, str] | None,
) -> tuple[dict[int, str], set[int]]:
    """Customer id of every non-anonymous component, and the components whose id was carried over.

    With ``previous`` (record key → customer id of the last run), a component keeps a previous id of
    its records: its own derived id if one of its records had it (so merges give the ids a rebuild
    from scratch gives), else the id most of its records had (a customer that an older record joined
    keeps its id); each previous id goes to one component at most. After a split (a previous id now
    held by records of several components, e.g. a steward's must_not_link) the id goes to the part
    holding most of its records, even when the other part holds the record it was derived from; ties
    go to the part with that record, then to the smaller anchor key. Other components get the id derived from their anchor record (if a carried id already holds
    it, from the anchor key and a counter).
    """
    anchor_key = {label: keys[index] for label, index in anchor_of_label.items()}
    ids: dict[int, str] = {}
    carried: set[int] = set()
    taken: set[str] = set()
    if previous:
        votes: dict[int, Counter] = {}
        for key, label in zip(keys, labels.tolist()):
            old = previous.get(key)
            if old is not None and has_identifiable[label]:
                votes.setdefault(label, Counter())[old] += 1
        holders: dict[str, list[tuple[int, bool, str, int]]] = {}
        for label, counter in votes.items():
            for old, count in counter.items():
                derived = old == customer_id_for(anchor_key[label])
                holders.setdefault(old, []).append((-count, not derived, anchor_key[label], label))
        split_owner = {old: min(parts)[3] for old, parts in holders.items() if len(parts) > 1}
        candidates = sorted(
            (old != customer_id_for(anchor_key[label]), -count, anchor_key[label], label, old)
            for label, counter in votes.items()
            for old, count in counter.items()
            if split_owner.get(old, label) == label
        )
        for _, _, _, label, old in candidates:
            if label in ids or old in taken:
                continue
            ids[label] = old
            taken.add(old)
            carried.add(label)
    for label in sorted((lb for lb in anchor_of_label if has_identifiable[lb] and lb not in ids), key=anchor_key.get):
        cid, n = customer_id_for(anchor_key[label]), 1
        while cid in taken:
            n += 1
            cid = customer_id_for(f"{anchor_key[label]}#{n}")
        ids[label] = cid
        taken.add(cid)
    return ids, carried

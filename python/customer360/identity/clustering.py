"""Clustering links into customers and giving each customer a persistent id.

Records are nodes, accepted links are edges. Deterministic links (source references, a shared source
customer key, a shared national id) are followed as they are; the model's links are followed strongest
first unless the two customers they would join are proven two people (``constraints``), so one shared
record cannot chain two people together. A component none of whose records can identify anyone (a web
session no reference ties to a registration, a bare phone number) is anonymous and gets no customer.
Steward corrections (``must_link`` / ``must_not_link`` record pairs) come first and win over every
rule and the model (``components.Steward``). Ids: ``ids.customer_ids``.
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from . import components
from .components import STEWARD_RULE
from .constraints import CANNOT_LINK_REASON, CANNOT_LINK_RULE, RULES, Profile
from .ids import customer_ids

#: Why a model link a steward's must_not_link refused was not followed.
STEWARD_REASON = "a steward's must_not_link correction keeps the two customers apart"

#: Record columns the constraints read (any may be absent).
PROFILE_COLUMNS = ("national_id", "birth_date")
#: Record columns the clustering reads (``cluster_records``).
RECORD_COLUMNS = ("record_key", "is_identifiable", "first_seen_at", *PROFILE_COLUMNS)
#: The scored pairs as the clustering reads them at scale (``positioned_sql``): record positions, not keys.
POSITIONED_PAIR_COLUMNS = ("record_position_a", "record_position_b", "match_weight", "is_link")


def positioned_sql(records: str, pairs: str) -> tuple[str, str]:
    """SQL, run by the build's engine (DuckDB or Spark), of the records with ``record_position`` (their
    place in record-key order, from 0) and of the scored pairs decided ``link`` or ``apart`` as those
    positions (``POSITIONED_PAIR_COLUMNS``). ``records`` and ``pairs`` name the two relations. The engine
    joins the record keys of every scored pair (110 million at 10M source records) and only numbers come
    into Python (DECISIONS §58); a pair naming a record not in ``records`` is left out, as ``_links`` leaves
    it. ``assign_customers`` checks that the positions follow its own key order."""
    position = "cast(row_number() over (order by record_key) - 1 as int)"
    records_sql = f"select *, {position} as record_position from {records}"
    pairs_sql = f"""
        with positions as (
            select record_key, {position} as record_position from {records}
        )
        select
            a.record_position as record_position_a,
            b.record_position as record_position_b,
            p.match_weight,
            p.pair_decision = 'link' as is_link
        from {pairs} as p
        inner join positions as a on p.record_key_a = a.record_key
        inner join positions as b on p.record_key_b = b.record_key
        where p.pair_decision in ('link', 'apart')
    """
    return records_sql, pairs_sql


def _positions(record_keys: pa.Array, keys) -> np.ndarray:
    """Position of each of ``keys`` (an Arrow array) among the sorted, unique ``record_keys`` (-1 when absent)."""
    if not len(keys):
        return np.zeros(0, dtype=np.int64)
    positions = pc.index_in(keys, value_set=record_keys)
    return np.asarray(pc.fill_null(positions, -1).to_numpy(), dtype=np.int64)


def _profiles(records: pa.Table) -> list[Profile | None]:
    present = [c for c in PROFILE_COLUMNS if c in records.column_names]
    if not present:
        return [None] * records.num_rows
    values = {c: records.column(c).to_pylist() for c in present}
    empty = [None] * records.num_rows
    rows = zip(*(values.get(c, empty) for c in PROFILE_COLUMNS))
    return [
        Profile.of(nid, bd) if (nid or bd) else None
        for nid, bd in rows
    ]


def _link_positions(
    table: pa.Table, record_keys: pa.Array, default_weight: float = 0.0
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """(a, b, match_weight, known) of every row of a non-empty link table: record positions (-1 for a
    record not in ``record_keys``), weights (``default_weight`` where it has none) and whether both are known."""
    a = _positions(record_keys, table.column("record_key_a").cast(pa.string()))
    b = _positions(record_keys, table.column("record_key_b").cast(pa.string()))
    weight = (
        np.nan_to_num(table.column("match_weight").cast(pa.float64()).to_numpy(zero_copy_only=False), nan=0.0)
        if "match_weight" in table.column_names
        else np.full(table.num_rows, default_weight)
    )
    return a, b, weight, (a >= 0) & (b >= 0)


def known_links(
    table: pa.Table | None, record_keys: pa.Array, default_weight: float = 0.0
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(a, b, match_weight) positions of a link table's rows whose two records are both in ``record_keys``;
    ``default_weight`` where it has no weights."""
    if table is None or table.num_rows == 0:
        empty = np.zeros(0, dtype=np.int64)
        return empty, empty, np.zeros(0)
    a, b, weight, known = _link_positions(table, record_keys, default_weight)
    # a reference to a quarantined or missing record links nothing
    return a[known], b[known], weight[known]


def _scored_links(
    pairs: pa.Table, record_keys: pa.Array
) -> tuple[tuple[np.ndarray, np.ndarray, np.ndarray], tuple[np.ndarray, np.ndarray, np.ndarray]]:
    """``_links`` of the scored pairs decided ``link`` and of those decided ``apart`` — the same arrays as
    filtering each into its own table first, without copying millions of record keys: the positions are
    looked up once for every pair, then split in their order. Pairs already as positions
    (``POSITIONED_PAIR_COLUMNS``, ``positioned_sql``) are only split."""
    if pairs.num_rows == 0:
        return known_links(None, record_keys), known_links(None, record_keys)
    if "record_position_a" in pairs.column_names:
        a, b = (
            np.asarray(pairs.column(c).cast(pa.int64()).to_numpy(zero_copy_only=False), dtype=np.int64)
            for c in ("record_position_a", "record_position_b")
        )
        if len(a) and (min(a.min(), b.min()) < 0 or max(a.max(), b.max()) >= len(record_keys)):
            raise ValueError("a scored pair's record position is outside the records")
        weight = np.nan_to_num(pairs.column("match_weight").cast(pa.float64()).to_numpy(zero_copy_only=False), nan=0.0)
        is_link = np.asarray(pairs.column("is_link").fill_null(False).to_numpy(zero_copy_only=False), dtype=bool)
        is_apart = ~is_link
        return (a[is_link], b[is_link], weight[is_link]), (a[is_apart], b[is_apart], weight[is_apart])
    a, b, weight, known = _link_positions(pairs, record_keys)
    decision = pairs.column("pair_decision")

    def chosen(value: str) -> np.ndarray:
        return np.asarray(pc.fill_null(pc.equal(decision, value), False).to_numpy(zero_copy_only=False)) & known

    is_link, is_apart = chosen("link"), chosen("apart")
    return (a[is_link], b[is_link], weight[is_link]), (a[is_apart], b[is_apart], weight[is_apart])


def joined_before_scoring(record_keys, deterministic: pa.Table | None, corrections: pa.Table | None = None) -> np.ndarray:
    """For each of ``record_keys`` (the model input's, in its order) a number two records share only when
    the clustering joins them whatever the model says: the components of the deterministic links, which
    ``components.cluster`` follows before any model link (through any record the links name: every one is
    a record of the build, int_identity__deterministic_links joins both ends to int_identity__records).
    A component holding a record of a steward's must_not_link may be split by it: each of its records gets
    a number of its own. The scoring leaves out a pair of one number: the clustering would drop it unread,
    and at 1M source records such pairs were 57% of the scored pairs and 88% of the model's links
    (DECISIONS §78)."""
    keys = record_keys.combine_chunks() if isinstance(record_keys, pa.ChunkedArray) else record_keys
    keys = keys.cast(pa.string())
    n = len(keys)
    if deterministic is None or deterministic.num_rows == 0 or n == 0:
        return np.arange(n, dtype=np.int64)
    from .frequencies import holders

    ends = [deterministic.column(c).cast(pa.string()).combine_chunks() for c in ("record_key_a", "record_key_b")]
    graph_keys = pc.unique(pa.concat_arrays([keys, *ends]))
    labels = holders(graph_keys, [deterministic]).column("holder").to_numpy()
    apart = _corrections_of_type(corrections, "must_not_link")
    if apart is not None and apart.num_rows:
        ka, kb, _, _ = _link_positions(apart, graph_keys)  # one named record is enough to split
        named = np.concatenate([ka[ka >= 0], kb[kb >= 0]])
        split = np.isin(labels, labels[named])
        labels = np.where(split, len(graph_keys) + np.arange(len(graph_keys), dtype=np.int64), labels)
    return labels[_positions(graph_keys, keys)]


def _corrections_of_type(corrections: pa.Table | None, correction_type: str) -> pa.Table | None:
    """The steward correction pairs of one ``correction_type`` (``must_link``, ``must_not_link``)."""
    if corrections is None:
        return None
    return corrections.filter(pc.fill_null(pc.equal(corrections.column("correction_type"), correction_type), False))


def _steward(corrections: pa.Table | None, record_keys: pa.Array) -> components.Steward:
    """The corrections' record pairs as positions; a pair naming a record not in this build is skipped
    (int_identity__steward_corrections reports it as unresolved)."""
    if corrections is None or corrections.num_rows == 0:
        return components.Steward()
    pairs = {}
    for wanted in ("must_link", "must_not_link"):
        a, b, _ = known_links(_corrections_of_type(corrections, wanted), record_keys)
        pairs[wanted] = (a, b)
    return components.Steward(pairs["must_link"], pairs["must_not_link"])


def assign_customers(
    records: pa.Table,
    deterministic: pa.Table | None,
    model: pa.Table | None,
    previous: pa.Table | None = None,
    apart: pa.Table | None = None,
    rules=tuple(RULES),
    corrections: pa.Table | None = None,
    scored: pa.Table | None = None,
) -> tuple[pa.Table, pa.Table]:
    """One row per record with its customer, and the model links the constraints refused.

    ``corrections``: the stewards' record pairs (``record_key_a``, ``record_key_b``, ``correction_type``
    ``must_link`` or ``must_not_link``), applied before every other link and never overruled.
    ``scored``: instead of ``model`` and ``apart``, every scored pair with its ``pair_decision`` (``link``
    pairs are the model links, ``apart`` ones the cannot-links; the same result, one key lookup).

    ``records``: ``record_key``, ``is_identifiable``, ``first_seen_at`` and any of ``PROFILE_COLUMNS``.
    Link tables: ``record_key_a``, ``record_key_b`` (and ``match_weight`` on model links); ``apart``:
    pairs the model scored as two people (cannot-links). ``previous`` (``record_key``, ``customer_id``) is
    the last run's assignment; ``rules`` the active constraint rules (``constraints.active_rules``).

    Returns (customers, refused): ``record_key``, ``customer_id`` (null for anonymous components),
    ``anchor_record_key``, ``cluster_record_count``, ``is_anonymous``, ``is_customer_id_carried``, sorted
    by record key; and ``record_key_a``, ``record_key_b``, ``refusal_rule``, ``refusal_reason``.
    """
    if "record_position" in records.column_names:  # positions the scored pairs refer to (``positioned_sql``)
        records = records.sort_by("record_position")
        positions = records.column("record_position").cast(pa.int64()).to_numpy(zero_copy_only=False)
        if not np.array_equal(positions, np.arange(records.num_rows)):
            raise ValueError("record positions must number the records from 0 without gaps")
    else:
        records = records.sort_by("record_key")
    record_keys = records.column("record_key").cast(pa.string()).combine_chunks()
    # sorted by key and every key after the one before it: unique, and the positions follow the key order
    if len(record_keys) > 1 and not pc.all(pc.less(record_keys[:-1], record_keys[1:])).as_py():
        raise ValueError("record keys must be unique (and the record positions must follow their order)")
    keys = record_keys.to_pylist()
    det_a, det_b, _ = known_links(deterministic, record_keys)
    if scored is not None:  # the scored pairs with their decisions, instead of ``model`` and ``apart``
        mod, cannot = _scored_links(scored, record_keys)
    else:
        mod, cannot = known_links(model, record_keys), known_links(apart, record_keys, -np.inf)
    steward = _steward(corrections, record_keys)
    labels, refused = components.cluster(len(keys), (det_a, det_b), mod, _profiles(records), cannot, rules, steward)
    if steward.overridden:
        kinds = sorted({kind for kind, _ in steward.overridden})
        print(f"identity: steward must_not_link corrections overrode {len(steward.overridden)} link(s) "
              f"({', '.join(kinds)}); see int_identity__steward_corrections")

    identifiable = np.asarray(records.column("is_identifiable").fill_null(False).to_numpy(zero_copy_only=False))
    seen = records.column("first_seen_at")
    seen_missing = np.asarray(pc.is_null(seen).to_numpy(zero_copy_only=False))
    seen_value = np.asarray(pc.fill_null(pc.cast(seen, pa.int64()), 0).to_numpy(zero_copy_only=False), dtype=np.int64)
    position = np.arange(len(keys))  # records are sorted by key, so position orders by key
    # anchors: the first record of each component by (not identifiable, first_seen_at nulls last, key)
    order = np.lexsort((position, seen_value, seen_missing, ~identifiable, labels))
    first = np.ones(len(order), dtype=bool)
    first[1:] = labels[order][1:] != labels[order][:-1]
    anchor_of_label = {int(labels[i]): int(i) for i in order[first]}
    sizes = np.bincount(labels) if len(labels) else np.zeros(0, dtype=np.int64)
    has_identifiable = np.zeros(len(sizes), dtype=bool)
    np.logical_or.at(has_identifiable, labels, identifiable)
    is_anonymous = ~has_identifiable[labels] if len(labels) else np.zeros(0, dtype=bool)
    previous_ids = None
    if previous is not None and previous.num_rows:
        previous_ids = {
            k: c
            for k, c in zip(previous.column("record_key").to_pylist(), previous.column("customer_id").to_pylist())
            if c is not None
        }
    label_ids, carried = customer_ids(labels, keys, anchor_of_label, has_identifiable, previous_ids)
    customers = pa.table(
        {
            "record_key": pa.array(keys, pa.string()),
            "customer_id": pa.array([label_ids.get(int(label)) for label in labels], pa.string()),
            "anchor_record_key": pa.array(
                [None if anonymous else keys[anchor_of_label[int(label)]] for label, anonymous in zip(labels, is_anonymous)],
                pa.string(),
            ),
            "cluster_record_count": pa.array(sizes[labels] if len(labels) else [], pa.int64()),
            "is_anonymous": pa.array(is_anonymous, pa.bool_()),
            "is_customer_id_carried": pa.array(
                [int(label) in carried and not anonymous for label, anonymous in zip(labels, is_anonymous)], pa.bool_()
            ),
        }
    )
    ma, mb, _ = mod
    refused_table = pa.table(
        {
            "record_key_a": pa.array([keys[ma[k]] for k, _ in refused], pa.string()),
            "record_key_b": pa.array([keys[mb[k]] for k, _ in refused], pa.string()),
            "refusal_rule": pa.array([rule for _, rule in refused], pa.string()),
            "refusal_reason": pa.array(
                [
                    CANNOT_LINK_REASON if rule == CANNOT_LINK_RULE else STEWARD_REASON if rule == STEWARD_RULE else RULES[rule]
                    for _, rule in refused
                ],
                pa.string(),
            ),
        }
    )
    return customers, refused_table


def cluster_records(
    records, deterministic, model, previous=None, apart=None, rules=tuple(RULES), corrections=None, scored=None
) -> tuple[pa.Table, pa.Table]:
    """Records and the link tables → customer per record (and the refused model links); ``previous`` is
    the last output (record_key, customer_id), if any; ``apart`` the pairs scored as two people;
    ``corrections`` the stewards' must_link / must_not_link record pairs."""
    from .prepare import to_arrow_table

    records = to_arrow_table(records)
    wanted = ["record_key", "is_identifiable", "first_seen_at"] + [
        c for c in (*PROFILE_COLUMNS, "record_position") if c in records.column_names
    ]
    previous = None if previous is None else to_arrow_table(previous).select(["record_key", "customer_id"])
    return assign_customers(
        records.select(wanted),
        None if deterministic is None else to_arrow_table(deterministic),
        None if model is None else to_arrow_table(model),
        previous,
        None if apart is None else to_arrow_table(apart),
        rules,
        None if corrections is None else to_arrow_table(corrections),
        None if scored is None else to_arrow_table(scored),
    )

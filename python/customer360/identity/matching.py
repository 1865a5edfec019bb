"""Probabilistic record matching with Splink: score candidate pairs, explain them, choose the threshold.

Splink runs on its own in-memory DuckDB fed with Arrow tables (never on dbt's connection). The model is
estimated from the records being built (``training.train``) unless a pinned one is given.

The link threshold comes from the model's own estimates: every scored pair's match probability is the
model's belief that it is a true match, so for a threshold t the expected true links are the sum of the
probabilities at or above t, and the expected matches among all scored pairs their total. The threshold
is the one with the best expected F1 (``choose_threshold``), unless var
``identity_match_probability_threshold`` fixes it.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import duckdb
import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from .. import memory
from . import dependence, incremental
from . import settings as model_settings

#: Splink's gamma value for the null level of a comparison.
NULL_GAMMA = -1
#: Pairs scored below this match probability are dropped before the threshold is chosen: they add
#: almost nothing to the expected matches and would fill memory at scale.
SCORE_FLOOR = 0.01
#: The model input's column numbering the records the deterministic links already join
#: (``clustering.joined_before_scoring``): the prediction rules leave out a pair of one number.
JOINED_COLUMN = "joined_component"
#: Pairs Splink predicts at a time (``score_and_decide_batches``), reckoned from the rules' pair bounds: its
#: prediction table of one chunk holds every matching and intermediate column of both records of each
#: pair, about a kilobyte per pair. At 1M records (3 chunks) the scoring peaked at 3.6 GiB instead of
#: 6.1 GiB for 13% more CPU; 2M (7 chunks) 3.3 GiB for 43% more (DECISIONS §57).
PAIRS_PER_CHUNK = 5_000_000
#: The chosen threshold is kept within these bounds (a model whose estimates are off should neither link
#: coin flips nor refuse near-certain pairs).
THRESHOLD_BOUNDS = (0.5, 0.99)


def connection() -> duckdb.DuckDBPyConnection:
    """An in-memory DuckDB for Splink. Row order means nothing to pairs, and not keeping it lets DuckDB
    stream large results. Its memory limit is the identity share of the build's budget
    (``customer360.memory``), so it and dbt's database cannot together ask for more than the machine has."""
    con = duckdb.connect(":memory:")
    con.execute("set preserve_insertion_order = false")
    try:
        memory.configure(con, "identity")  # half of the build's DuckDB budget, spilling to disk past it
    except Exception:
        con.close()
        raise
    return con


def comparison_names(model: Mapping[str, Any]) -> list[str]:
    return [c["output_column_name"] for c in model["comparisons"]]


def level_labels(model: Mapping[str, Any]) -> dict[str, dict[int, str]]:
    """For each comparison, its gamma value → level label (null level -1, then from the last level 0
    upwards: the most similar level has the highest gamma)."""
    out: dict[str, dict[int, str]] = {}
    for comparison in model["comparisons"]:
        levels = comparison["comparison_levels"]
        labels: dict[int, str] = {}
        not_null = [lv for lv in levels if not lv.get("is_null_level")]
        for lv in levels:
            if lv.get("is_null_level"):
                labels[NULL_GAMMA] = lv["label_for_charts"]
        for gamma, lv in enumerate(reversed(not_null)):
            labels[gamma] = lv["label_for_charts"]
        out[comparison["output_column_name"]] = labels
    return out


def _sql_string(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _first_names_agree(labels: Mapping[str, Mapping[int, str]], columns: Sequence[str]) -> str | None:
    """SQL: the pair's first names agree — the first-name comparison at its same-name or typo level
    (found by label, so it holds whatever levels the data's model has); None without that comparison."""
    agreeing = [
        gamma for gamma, text in labels.get("first_name", {}).items()
        if text in (model_settings.SAME_FIRST_NAME_LABEL, model_settings.FIRST_NAME_TYPO_LABEL)
    ]
    if not agreeing or "gamma_first_name" not in columns:
        return None
    return f"gamma_first_name in ({', '.join(str(g) for g in sorted(agreeing))})"


def explain_sql(
    relation: str,
    columns: Sequence[str],
    model: Mapping[str, Any],
    floor: float,
    explain_from: str | None = None,
    rule_names: Sequence[str] | None = None,
) -> str:
    """SQL turning Splink's prediction table ``relation`` (with ``columns``) into explained pairs, with
    the household correction (``dependence``) added to the match weight. With ``explain_from`` (an SQL
    value, e.g. a parameter) ``comparison_levels`` is written only for pairs whose match probability is
    at least that, else null. ``rule_names``: the rule name of each ``match_key`` when the prediction rules
    are not the model's own (``incremental.rescored_rule_names``)."""
    splink_model = model["splink"]
    names = comparison_names(splink_model)
    labels = level_labels(splink_model)
    rules = list(rule_names) if rule_names is not None else model_settings.blocking_rule_names(splink_model)
    correction = _correction_sql(model, columns, labels)

    def weight(name: str) -> str:
        return f"mw_{name}" + (f" + coalesce(mw_tf_adj_{name}, 0)" if f"mw_tf_adj_{name}" in columns else "")

    def label(name: str) -> str:
        whens = " ".join(f"when {gamma} then {_sql_string(text)}" for gamma, text in labels[name].items())
        return f"case gamma_{name} {whens} end"

    rule_case = " ".join(f"when '{i}' then {_sql_string(rule)}" for i, rule in enumerate(rules))
    # One concat() of every piece rather than a chain of ||, which copies the growing text at each step
    # (measured: 2.4 times faster on a million links). concat() skips nulls where || gives null, so it is
    # guarded by the only pieces that can be null (a comparison's match weight): the same text, or null.
    pieces = []
    for i, n in enumerate(names):
        pieces += (["'; '"] if i else []) + [
            f"'{n}: '", f"coalesce({label(n)}, '?')", "' ('", f"cast(round({weight(n)}, 2) as varchar)", "')'"
        ]
    pieces.append(
        "case when household_correction < 0"
        " then '; shareable fields agreeing together (' || cast(round(household_correction, 2) as varchar) || ')'"
        " else '' end"
    )
    not_null = " and ".join(f"mw_{n} is not null" for n in names) or "true"
    summary = f"case when {not_null} then concat({', '.join(pieces)}) end"
    return f"""
        with corrected as (
            select
                *,
                {correction} as household_correction
            from {relation}
        ),
        weighed as (
            select
                *,
                match_weight + household_correction as corrected_match_weight,
                {_probability('match_weight + household_correction')} as corrected_match_probability
            from corrected
        )
        select
            least(unique_id_l, unique_id_r) as record_key_a,
            greatest(unique_id_l, unique_id_r) as record_key_b,
            corrected_match_weight as match_weight,
            corrected_match_probability as match_probability,
            case match_key {rule_case} end as blocking_rule,
            case when {"true" if explain_from is None else f"corrected_match_probability >= {explain_from}"} then
                {summary}
            end as comparison_levels
        from weighed
        where corrected_match_probability >= {floor}
    """


def _correction_sql(
    model: Mapping[str, Any], columns: Sequence[str], labels: Mapping[str, Mapping[int, str]] | None = None
) -> str:
    """SQL of a pair's household correction over Splink's prediction table (``dependence.correction_sql``
    with this model's corrections, usable columns and first-name agreement); ``labels`` as
    ``level_labels`` gives them, found when not given."""
    labels = level_labels(model["splink"]) if labels is None else labels
    return dependence.correction_sql(
        model.get("dependence", {}), model.get("usable_columns", []), _first_names_agree(labels, columns)
    )


def _probability(weight_sql: str) -> str:
    """SQL of the match probability of a match weight (log2 Bayes factor, prior included)."""
    return f"1 / (1 + pow(2, -({weight_sql})))"


def _probability_sql(relation: str, columns: Sequence[str], model: Mapping[str, Any]) -> str:
    """SQL of every pair's match probability (household correction included) over Splink's prediction table."""
    correction = _correction_sql(model, columns)
    return f"select {_probability(f'match_weight + {correction}')} as match_probability from {relation}"


def tf_columns(splink_model: Mapping[str, Any]) -> list[str]:
    """The columns a model's levels adjust by term frequency."""
    return sorted({
        level["tf_adjustment_column"]
        for comparison in splink_model["comparisons"]
        for level in comparison["comparison_levels"]
        if level.get("tf_adjustment_column")
    })


def linker_for(
    records: pa.Table,
    settings: Mapping[str, Any],
    con: duckdb.DuckDBPyConnection,
    holders: pa.Table | None = None,
    term_frequencies: Mapping[str, pa.Table] | None = None,
):
    """A Splink linker over ``records`` on ``con``, with term frequencies counted over the records held by
    someone else (``frequencies.term_frequency_tables``; ``holders`` as ``frequencies.record_holders``
    gives, by default one per profile). ``term_frequencies`` may instead give the lookups, counted on other
    records: an EM pass on a sample weighs its pairs by the frequencies of every profile."""
    from splink import DuckDBAPI, Linker

    from .frequencies import term_frequency_tables

    db_api = DuckDBAPI(con)
    frame = db_api.register(records, table_name="person_records")
    linker = Linker(frame, dict(settings), log_level=logging.WARNING)
    if term_frequencies is None:
        term_frequencies = term_frequency_tables(records, tf_columns(settings), holders)
    for column, frequencies in term_frequencies.items():
        lookup = db_api.register(frequencies, table_name=f"tf_lookup_{column}")
        linker.table_management.register_term_frequency_lookup(lookup, column)
    return linker


def _predicting_linker(
    records: pa.Table,
    model: Mapping[str, Any],
    con: duckdb.DuckDBPyConnection,
    holders: pa.Table | None = None,
    term_frequencies: Mapping[str, pa.Table] | None = None,
):
    """A linker whose predictions keep the matching and intermediate columns ``explain_sql`` reads; over
    records with ``JOINED_COLUMN`` it predicts only the pairs not already joined (``unjoined_rules``), over
    records with ``incremental.RESCORED_COLUMN`` only the pairs with a rescored record
    (``incremental.rescored_rules``). ``holders`` and ``term_frequencies`` as ``linker_for``."""
    settings = dict(model["splink"])
    if JOINED_COLUMN in records.column_names:
        settings = unjoined_rules(settings)
    if incremental.RESCORED_COLUMN in records.column_names:
        settings = incremental.rescored_rules(settings)
    settings["retain_matching_columns"] = True
    settings["retain_intermediate_calculation_columns"] = True
    return linker_for(records, settings, con, holders, term_frequencies)


def _table_and_columns(scored, con: duckdb.DuckDBPyConnection) -> tuple[str, list[str]]:
    return scored.physical_name, con.sql(f"select * from {scored.physical_name} limit 0").columns


def _predict(
    records: pa.Table, model: Mapping[str, Any], floor: float, con: duckdb.DuckDBPyConnection, holders: pa.Table | None
):
    """Splink's predictions of every blocked pair at or above ``floor`` on ``con``: (table name, its columns)."""
    linker = _predicting_linker(records, model, con, holders)
    return _table_and_columns(linker.inference.predict(threshold_match_probability=floor, warning_mode="never"), con)


def unjoined_rules(settings: Mapping[str, Any]) -> dict[str, Any]:
    """``settings`` predicting only the pairs the deterministic links have not joined: each prediction rule
    also requires two ``JOINED_COLUMN`` numbers (in the same order, so a pair's ``match_key`` still names
    its rule)."""
    settings = dict(settings)
    settings["blocking_rules_to_generate_predictions"] = [
        {**rule, "blocking_rule": f"({rule['blocking_rule']}) and (l.{JOINED_COLUMN} <> r.{JOINED_COLUMN})"}
        for rule in settings["blocking_rules_to_generate_predictions"]
    ]
    return settings


def with_joined(records: pa.Table, joined: np.ndarray | None) -> pa.Table:
    """The model input with ``JOINED_COLUMN`` (``clustering.joined_before_scoring``, in its order)."""
    if joined is None:
        return records
    if len(joined) != records.num_rows:
        raise ValueError(f"{len(joined)} joined-component numbers for {records.num_rows} records")
    return records.append_column(JOINED_COLUMN, pa.array(np.asarray(joined, dtype=np.int64), pa.int64()))


def score(
    records: pa.Table, model: Mapping[str, Any], floor: float = SCORE_FLOOR, holders: pa.Table | None = None
) -> pa.Table:
    """Every blocked pair the model gives at least ``floor`` match probability, explained; ``holders`` as
    ``linker_for``.

    Columns: ``record_key_a`` < ``record_key_b``, ``match_weight``, ``match_probability``,
    ``blocking_rule`` (the named rule that found the pair) and ``comparison_levels`` (each comparison's
    level and its match weight, term-frequency adjustment included).
    """
    con = connection()
    try:
        relation, columns = _predict(records, model, floor, con, holders)
        return con.sql(explain_sql(relation, columns, model, floor)).to_arrow_table()
    finally:
        con.close()


def double_sql(value: float) -> str:
    """An SQL double equal to ``value`` to the last bit (Python's shortest round-trip text, parsed as a double).
    Literals rather than bound parameters: DuckDB streams a lazy query into Arrow in parallel, a
    prepared one it materialises first (measured: three times the CPU on 5 million pairs)."""
    return f"cast('{float(value)!r}' as double)"


def threshold_probabilities_sql(relation: str, columns: Sequence[str], model: Mapping[str, Any]) -> str:
    """SQL of the match probabilities the threshold is chosen from: every pair's at or above ``SCORE_FLOOR``."""
    return (
        f"select match_probability from ({_probability_sql(relation, columns, model)}) "
        f"where match_probability >= {double_sql(SCORE_FLOOR)}"
    )


def decided_sql(explained: str, chosen: Threshold, match_model_id: str | None = None) -> str:
    """SQL deciding the explained pairs (``explain_sql``) at the ``chosen`` threshold, which every row carries
    with the id of the model that scored it (``match_model_id``); a pair below it keeps no explanation."""
    threshold = double_sql(chosen.match_probability)
    model_id = "cast(null as varchar)" if match_model_id is None else _sql_string(match_model_id)
    return f"""
            select
                record_key_a,
                record_key_b,
                case when match_probability >= {threshold} then 'link' else 'apart' end as pair_decision,
                match_weight,
                match_probability,
                blocking_rule,
                case when match_probability >= {threshold} then comparison_levels end as comparison_levels,
                {threshold} as match_probability_threshold,
                {_sql_string(chosen.method)} as threshold_method,
                {double_sql(chosen.expected_precision)} as expected_precision,
                {double_sql(chosen.expected_recall)} as expected_recall,
                {model_id} as match_model_id
            from ({explained})
            """


def score_and_decide(
    records,
    model: Mapping[str, Any],
    fixed: float | None = None,
    spark=None,
    holders: pa.Table | None = None,
    joined=None,
    **carried,
) -> pa.Table:
    """Every blocked pair, scored and decided in one DuckDB: ``pair_decision`` ``link`` at or above the
    threshold (``fixed``, else the best expected F1 over the pairs at or above ``SCORE_FLOOR``,
    ``choose_threshold``), ``apart`` below it; the explanation (``comparison_levels``) written for links
    only, and the threshold with what the model expects of it on every row. The same pairs and values
    as ``score(records, model, floor=0.0)`` decided in Python, without taking every row through Python.

    With ``spark`` (a SparkSession; ``records`` a Spark DataFrame of the model input) the same SQL runs
    on Splink's Spark backend in that session instead (``customer360.spark.scoring``). ``holders``: whose
    records are one person's for the term frequencies (``linker_for``). ``joined``: the records the
    deterministic links already join (``clustering.joined_before_scoring``, one number per record in the
    records' order; on Spark a table of ``unique_id`` and ``JOINED_COLUMN``): their pairs are not scored,
    and the threshold is chosen on the pairs the model decides. On the evaluation matrix's twelve data sets
    that left every decision of the other pairs as it was (DECISIONS §78). ``carried``: what the build
    carries over while the model is reused (``_score_into``: ``term_frequencies``, ``kept``,
    ``match_model_id``; ``rescored`` on DuckDB only)."""
    if spark is not None:
        from customer360.spark.scoring import score_and_decide as score_and_decide_on_spark

        return score_and_decide_on_spark(spark, records, model, fixed, holders, joined, **carried)
    return score_and_decide_batches(records, model, fixed, holders=holders, joined=joined, **carried).read_all()


def _score_into(
    con: duckdb.DuckDBPyConnection,
    records: pa.Table,
    model: Mapping[str, Any],
    fixed: float | None,
    pairs_per_chunk: int | None,
    holders: pa.Table | None = None,
    joined: np.ndarray | None = None,
    *,
    term_frequencies: Mapping[str, pa.Table] | None = None,
    kept: Threshold | None = None,
    rescored: np.ndarray | None = None,
    match_model_id: str | None = None,
) -> str:
    """Score every blocked pair into ``__c360_scored`` on ``con`` and choose the threshold: the SQL of the
    decided pairs (``decided_sql``, each carrying ``match_model_id``).

    Splink predicts the pairs in chunks of the records (``predict_chunk``, about ``pairs_per_chunk`` pairs
    each, ``PAIRS_PER_CHUNK`` by default, from the rules' ``pair_bounds``). Its prediction table holds every
    matching and intermediate column of both records of each pair; each chunk's is reduced at once to the
    explained pair (``explain_sql``: keys, weight and probability with the household correction, rule,
    and the explanation for a pair at or above the lowest threshold that can be chosen) and dropped, so
    only the narrow pairs are kept (DECISIONS §57). The threshold is then chosen from every pair's
    probability, and a pair below it loses its explanation. With ``joined`` (``score_and_decide``) the pairs
    of records the deterministic links already join are not predicted: the threshold is chosen on the pairs
    the model decides.

    What a build carries over while its model is reused (DECISIONS §88): ``term_frequencies`` (Splink's
    lookups, ``linker_for``) counted when the model was trained; ``kept``, the threshold chosen then (not
    chosen again; ``fixed`` still wins); ``rescored`` (one flag per record, ``incremental``): only the pairs
    with a flagged record are predicted, in proportionally fewer chunks."""
    records = incremental.with_rescored(with_joined(records, joined), rescored)
    chunks = _chunks(records, model, pairs_per_chunk or PAIRS_PER_CHUNK)
    rule_names = None
    if rescored is not None:  # pairs with a rescored side: at most twice their share of the records' pairs
        chunks = max(1, int(np.ceil(chunks * min(1.0, 2 * float(np.mean(rescored)) if len(rescored) else 0.0))))
        rule_names = incremental.rescored_rule_names(model_settings.blocking_rule_names(model["splink"]))
    kept_threshold = kept.match_probability if kept is not None else None
    lowest = min([THRESHOLD_BOUNDS[0]] + [t for t in (fixed, kept_threshold) if t is not None])
    predicted = _predict_chunks(records, model, chunks, con, holders, term_frequencies)
    for chunk, (relation, columns) in enumerate(predicted):
        explained = explain_sql(relation, columns, model, 0.0, explain_from=double_sql(lowest), rule_names=rule_names)
        if chunk == 0:
            con.execute(f"create table __c360_scored as {explained}")
        else:
            con.execute(f"insert into __c360_scored {explained}")
        con.execute(f"drop table {relation}")
    if fixed is None and kept is not None:
        return decided_sql("select * from __c360_scored", kept, match_model_id)
    probabilities = con.sql(
        f"select match_probability from __c360_scored where match_probability >= {double_sql(SCORE_FLOOR)}"
    ).to_arrow_table()
    chosen = choose_threshold(probabilities.column(0).to_numpy(), fixed)
    del probabilities
    return decided_sql("select * from __c360_scored", chosen, match_model_id)


def score_and_decide_batches(
    records: pa.Table,
    model: Mapping[str, Any],
    fixed: float | None = None,
    batch_rows: int = 1_000_000,
    pairs_per_chunk: int | None = None,
    holders: pa.Table | None = None,
    joined: np.ndarray | None = None,
    **carried,
) -> pa.RecordBatchReader:
    """``score_and_decide`` on DuckDB as a stream of Arrow batches of at most ``batch_rows`` rows (scored
    as ``_score_into`` says): the decided pairs are never all in Python's memory at once. The DuckDB stays
    open until the last batch is read. The build writes them with ``score_and_decide_to_parquet`` instead:
    DuckDB writing a table from an Arrow stream held far more memory than its limit (DECISIONS §58)."""
    con = connection()
    try:
        stream = con.sql(
            _score_into(con, records, model, fixed, pairs_per_chunk, holders, joined, **carried)
        ).to_arrow_reader(batch_rows)
    except BaseException:
        con.close()
        raise

    def batches():
        try:
            yield from stream
        finally:
            con.close()

    return pa.RecordBatchReader.from_batches(stream.schema, batches())


#: DuckDB's type of each Arrow type a published pair column has.
_DUCKDB_TYPES = {pa.string(): "varchar", pa.float64(): "double", pa.int64(): "bigint", pa.bool_(): "boolean"}


def score_and_decide_to_parquet(
    records: pa.Table,
    model: Mapping[str, Any],
    path: str,
    schema: pa.Schema,
    fixed: float | None = None,
    pairs_per_chunk: int | None = None,
    holders: pa.Table | None = None,
    joined: np.ndarray | None = None,
    **carried,
) -> int:
    """``score_and_decide`` on DuckDB written by that DuckDB to a Parquet file at ``path``, in ``schema``
    (its columns, in its order and types): the build's hand-over of the scored pairs to dbt's database,
    which reads the file as any table, within its memory limit. 110 million pairs at 10M source records
    passed as an Arrow stream made dbt's DuckDB grow past its limit by 13 GiB (DECISIONS §58). Returns the
    number of pairs written."""
    columns = ", ".join(f"cast({name} as {_DUCKDB_TYPES[kind]}) as {name}" for name, kind in zip(schema.names, schema.types))
    target = "'" + str(path).replace("'", "''") + "'"
    con = connection()
    try:
        decided = _score_into(con, records, model, fixed, pairs_per_chunk, holders, joined, **carried)
        # COPY answers with the number of rows it wrote: the file is not read back to count them
        return int(con.execute(f"copy (select {columns} from ({decided})) to {target} (format parquet)").fetchone()[0])
    finally:
        con.close()


def _chunks(records: pa.Table, model: Mapping[str, Any], pairs_per_chunk: int) -> int:
    """How many chunks of the records Splink predicts in: the rules' ``pair_bounds`` (at least their
    pairs) over ``pairs_per_chunk``, at least one."""
    from .training import pair_bounds

    bounds = pair_bounds(records, _prediction_rules(model))
    known = [b for b in bounds if b is not None]
    if len(known) < len(bounds):  # a rule whose pairs cannot be bounded: one chunk per pairs_per_chunk records
        return max(1, -(-records.num_rows // pairs_per_chunk))
    return max(1, -(-sum(known) // pairs_per_chunk))


def _predict_chunks(
    records: pa.Table,
    model: Mapping[str, Any],
    chunks: int,
    con: duckdb.DuckDBPyConnection,
    holders: pa.Table | None,
    term_frequencies: Mapping[str, pa.Table] | None = None,
):
    """Splink's predictions of every blocked pair, chunk by chunk of the left records (``predict_chunk``):
    (table name, its columns) of each chunk's prediction table on ``con``; the caller drops it."""
    linker = _predicting_linker(records, model, con, holders, term_frequencies)
    for chunk in range(1, chunks + 1):
        yield _table_and_columns(linker.inference.predict_chunk(
            left_chunk=(chunk, chunks), right_chunk=(1, 1), threshold_match_probability=0.0, warning_mode="never"
        ), con)


@dataclass(frozen=True)
class Threshold:
    """The link threshold and what the model expects of it."""

    match_probability: float
    method: str  # 'expected_f1' or 'var'
    expected_precision: float
    expected_recall: float

    @property
    def expected_f1(self) -> float:
        p, r = self.expected_precision, self.expected_recall
        return 0.0 if p + r == 0 else 2 * p * r / (p + r)


def expected_quality(probabilities: np.ndarray, threshold: float) -> tuple[float, float]:
    """Expected precision and recall of linking the pairs at or above ``threshold``, by the model's own
    probabilities (recall among the matches the scored pairs are expected to hold)."""
    p = np.asarray(probabilities, dtype=float)
    total = p.sum()
    taken = p[p >= threshold]
    precision = float(taken.mean()) if len(taken) else 1.0
    recall = float(taken.sum() / total) if total > 0 else 1.0
    return precision, recall


def choose_threshold(probabilities: np.ndarray, fixed: float | None = None) -> Threshold:
    """The threshold with the best expected F1 (within ``THRESHOLD_BOUNDS``), or ``fixed``.

    Linking the k most probable pairs is expected to find the sum of their probabilities in true links,
    so its expected F1 is 2 * (that sum) / (k + all the probabilities' sum). Only the pairs at or above the
    lower bound can be the last one linked — a prefix of the pairs sorted by probability — so only that
    prefix's running sums are formed: at 10M records every pair's probability is ~110M floats, and
    arrays of all of them (the running sum, the ranks, the F1 of each) took 4.3 GiB (DECISIONS §57)."""
    p = np.sort(np.asarray(probabilities, dtype=float))[::-1]
    if fixed is not None:
        return Threshold(float(fixed), "var", *expected_quality(p, float(fixed)))
    low, high = THRESHOLD_BOUNDS
    if len(p) == 0:
        return Threshold(low, "expected_f1", 1.0, 1.0)
    total = p.sum()
    eligible = int(np.count_nonzero(p >= low))  # p is sorted descending: the eligible pairs come first
    if not eligible:
        return Threshold(low, "expected_f1", *expected_quality(p, low))
    true_links = np.cumsum(p[:eligible])  # expected true links when the k+1 most probable pairs are linked
    true_links *= 2
    true_links /= np.arange(1, eligible + 1) + total  # now the expected F1 of each prefix
    best = int(np.argmax(true_links))
    threshold = float(min(p[best], high))
    return Threshold(threshold, "expected_f1", *expected_quality(p, threshold))


def _prediction_rules(model: Mapping[str, Any] | None) -> list:
    """The model's prediction rules (``settings.BLOCKING_RULES`` entries), in its order; none without a model
    (no records to train on: no rule generated any pair, the table is empty, not an error)."""
    from .settings import BLOCKING_RULES

    by_sql = {r.sql: r for r in BLOCKING_RULES}
    predictions = model["splink"]["blocking_rules_to_generate_predictions"] if model else []
    return [by_sql[r["blocking_rule"]] for r in predictions]


def _rule_pair_table(rules: Sequence, marginal: Sequence[int], record_count: int) -> pa.Table:
    """Each rule's marginal and cumulative pair counts over ``record_count`` records, also printed."""
    cumulative = np.cumsum(marginal).tolist() if marginal else []
    n = int(record_count)
    for rule, pairs, total in zip(rules, marginal, cumulative):
        print(f"identity blocking rule {rule.name}: +{pairs} pairs (cumulative {total}) over {n} records")
    return pa.table(
        {
            "blocking_rule": pa.array([r.name for r in rules], pa.string()),
            "blocking_rule_sql": pa.array([r.sql for r in rules], pa.string()),
            "rule_order": pa.array(list(range(len(rules))), pa.int32()),
            "record_count": pa.array([n] * len(rules), pa.int64()),
            "pairs_marginal": pa.array(marginal, pa.int64()),
            "pairs_cumulative": pa.array(cumulative, pa.int64()),
            "pairs_possible": pa.array([n * (n - 1) // 2] * len(rules), pa.int64()),
        }
    )


def blocking_rule_pair_counts(records: pa.Table, model: Mapping[str, Any]) -> pa.Table:
    """Exact candidate-pair counts of the model's prediction rules, in rule order, also printed."""
    from .training import count_pairs

    rules = _prediction_rules(model)
    marginal = count_pairs(records, rules) if rules else []
    return _rule_pair_table(rules, marginal, records.num_rows)


def scored_pair_counts(
    record_count: int, model: Mapping[str, Any] | None, blocking_rules: pa.Array | pa.ChunkedArray | pa.Table
) -> pa.Table:
    """``blocking_rule_pair_counts`` from the scored pairs instead of blocking the records again.

    ``blocking_rules`` is the ``blocking_rule`` column of every pair ``score_and_decide`` scored with
    ``model`` (the name of the rule that found it, Splink's ``match_key``), or those names already counted
    (a table of ``blocking_rule`` and ``pair_count``: the build has its engine count 110 million pairs at
    10M records rather than bring their names into Python). Every blocked pair is scored (no probability
    floor), so each rule's pairs are the marginal count Splink's blocking analysis gives: the same table,
    in a fraction of the time (DECISIONS §52)."""
    rules = _prediction_rules(model)
    if isinstance(blocking_rules, pa.Table):
        found = dict(zip(blocking_rules.column("blocking_rule").to_pylist(), blocking_rules.column("pair_count").to_pylist()))
    else:
        found = {
            row["values"]: row["counts"]
            for row in pc.value_counts(blocking_rules).to_pylist()
        } if len(blocking_rules) else {}
    unknown = set(found) - {r.name for r in rules}
    if unknown:  # a pair found by no rule of this model: the pairs were scored with another model
        raise ValueError(f"scored pairs name blocking rules the model does not have: {sorted(map(str, unknown))}")
    return _rule_pair_table(rules, [int(found.get(r.name, 0)) for r in rules], record_count)

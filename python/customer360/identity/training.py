"""Estimate the matching model from the records it will score, without labels.

1. which columns the data can use (``features.usable_columns``) decides the comparisons and rules;
2. the prior (share of random pairs that match) from near-certain rules whose columns exist, and their
   recall: the share of the pairs known to be one person by a rule that required no field (a source
   reference, a shared customer key) that the near-certain rules find (``prior_recall``), or an assumed
   ``settings.PRIOR_RECALL`` without enough such pairs; with no near-certain pair, one other record per
   person is assumed;
3. u probabilities from a seeded random sample of pairs (almost all non-matches);
4. m probabilities by expectation maximisation, one pass per training rule whose columns exist and
   which finds enough pairs (a pass cannot estimate what its own rule fixes, so passes complement each
   other). A level no pass could estimate keeps Splink's default m, and the report says so;
5. then, where the data holds pairs known to be one person (the deterministic links: a converted lead
   and its contact, an order and its billing customer, one national id), the m probabilities are
   counted on those pairs, with the EM estimate as a prior worth ``LABEL_PRIOR_WEIGHT`` pairs. EM
   alone cannot tell a person from a household: household members share a street, a landline, a last
   name and often a mailbox, and EM happily calls that class "the match". Known pairs can;
6. the correction for shareable fields agreeing together (``dependence.estimate``).

The model is a dictionary: ``splink`` (Splink's settings with the estimates), ``dependence``
(corrections in bits by combination of fields), ``usable_columns`` and ``fingerprint`` (of the data it
was trained on).

Same records and seed in, same model out: floats are rounded to ten significant digits, because parallel
aggregation makes the last digits vary.

A pinned model (var ``identity_model_path``) is for reproducing a run; ``fingerprint`` and
``fingerprint_drift`` say when the data no longer looks like the data the model was trained on.
"""

from __future__ import annotations

import json
import logging
import math
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import pyarrow as pa

from . import dependence, features
from . import settings as model_settings
from .settings import BlockingRule

#: Seed of the random sampling for u probabilities (reproducible training).
U_SAMPLING_SEED = 360
#: Random pairs compared to estimate u (Splink's default). 1e7 measured the same person F1 on every shape
#: to within the spread between two sampling seeds, at twice the training time (DECISIONS §55).
U_SAMPLING_MAX_PAIRS = 1e6
#: ... and at least this many per distinct profile. An agreement only one person's or one household's
#: records share (a phone, a street) is found in a random pair at a rate that falls as 1/records, so a fixed
#: number of pairs sees fewer of them as the data grows: at 10M source records (1.7M profiles) 1e6 pairs saw
#: no two records with one phone and Splink left that level without a u. Pairs in proportion to the profiles
#: keep the expected count constant; up to ~200k profiles (every data set to 1M records) 1e6 still decides
#: (DECISIONS §60).
U_SAMPLING_PAIRS_PER_PROFILE = 5
#: An EM pass whose m probabilities underflow is run again with half the iterations, down to this many.
MIN_EM_ITERATIONS = 3
#: An EM pass estimates from about this many pairs at most: a rule whose blocks hold more is passed over a
#: seeded random share of its blocks, each block whole (``em_sample``).
EM_MAX_PAIRS = 100_000
#: An EM pass needs at least this many blocked pairs to estimate anything.
MIN_EM_PAIRS = 50
#: The prediction rules' pair budget per record: a rule finding more new pairs than this many per record is
#: left out (a value most records share, such as one postcode for a whole town's export, would flood the
#: comparisons), and so is one that would take all the rules' pairs past it (``prediction_rules``).
MAX_PAIRS_PER_RECORD = 100
#: A comparison's m probabilities are counted on known pairs when at least this many carry it on both sides.
MIN_LABEL_PAIRS = 20
#: The EM estimate counts as this many known pairs when the two are combined.
LABEL_PRIOR_WEIGHT = 10.0
#: m and u probabilities are kept at or above this: a level never seen among matches in the sample is
#: strong evidence, not an absolute veto (log2 of 0 is minus infinity).
MIN_PROBABILITY = 1e-6


class NoModel(Exception):
    """The data has nothing the model could compare (no usable column, or fewer than two records)."""


@dataclass
class TrainingReport:
    records: int
    usable_columns: list[str]
    prediction_rules: list[str]
    prior_rules: list[str]
    prior: float
    em_passes: list[str] = field(default_factory=list)
    labelled_comparisons: dict[str, int] = field(default_factory=dict)  # comparison -> known pairs counted
    skipped: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


def count_pairs(records: pa.Table, rules: list[BlockingRule]) -> list[int]:
    """Marginal candidate-pair counts of ``rules`` in order (Splink's exact counts)."""
    from splink import DuckDBAPI
    from splink.blocking_analysis import count_comparisons_from_blocking_rules

    from .matching import connection

    if not rules:
        return []
    con = connection()
    try:
        frame = DuckDBAPI(con).register(records, table_name="person_records")
        counts = count_comparisons_from_blocking_rules(
            frame, blocking_rules=[r.sql for r in rules], link_type="dedupe_only", record_sample_proportion=1.0
        )
    finally:
        con.close()
    return [int(c["marginal_comparison_count"]) for c in counts]


def _rule_sides(rule: BlockingRule) -> tuple[list[str], list[str]] | None:
    """A rule's keys ``l.<a> = r.<b> and ...`` as its left-record and right-record expressions, or None when
    they are not a conjunction of such equalities (then only an exact count can tell its pairs). A rule's
    narrowing only removes pairs: the keys' pairs still bound its own."""
    left, right = [], []
    for term in rule.keys.split(" and "):
        sides = term.split(" = ")
        if len(sides) != 2:
            return None
        a, b = (side.strip() for side in sides)
        if (not re.search(r"\bl\.", a) or re.search(r"\br\.", a) or not re.search(r"\br\.", b)
                or re.search(r"\bl\.", b) or re.search(r"\b(or|not|in|like|case|select)\b", term, re.IGNORECASE)):
            return None
        left.append(re.sub(r"\bl\.", "", a))
        right.append(re.sub(r"\br\.", "", b))
    return left, right


def _key_counts_sql(expressions: list[str]) -> str:
    """SQL of how many records share each value of ``expressions`` (all not null), as ``n``, keys ``k0``..."""
    keys = ", ".join(f"k{i}" for i in range(len(expressions)))
    values = ", ".join(f"{e} as k{i}" for i, e in enumerate(expressions))
    present = " and ".join(f"({e}) is not null" for e in expressions)
    return f"select {keys}, count(*) as n from (select {values} from records where {present}) group by all"


def _bound_sql(sides: tuple[list[str], list[str]]) -> str:
    left, right = sides
    if left == right:
        return f"select coalesce(sum(n * (n - 1) // 2), 0) from ({_key_counts_sql(left)})"
    keys = ", ".join(f"k{i}" for i in range(len(left)))
    return (f"select coalesce(sum(a.n * b.n), 0) from ({_key_counts_sql(left)}) as a "
            f"inner join ({_key_counts_sql(right)}) as b using ({keys})")


def pair_bounds(records: pa.Table, rules: list[BlockingRule]) -> list[int | None]:
    """For each rule, a number its pairs cannot exceed, from counts of key values instead of a join.
    A rule whose two sides are the same expressions (``l.x = r.x and ...``, all but one of the rules) finds
    exactly the pairs of distinct records sharing a key, n(n-1)/2 for a key n records hold — its own count,
    which its marginal count (the pairs no earlier rule found) cannot exceed. A rule whose sides differ
    (the swapped names) gets the ordered pairs whose left and right keys are equal and not null, a record
    with itself included: a superset of its pairs. So ``count_pairs`` ≤ this bound. None for a rule whose
    SQL is not a conjunction of equalities (``_rule_sides``)."""
    import duckdb

    con = duckdb.connect(":memory:")
    try:
        con.register("records", records)
        bounds: list[int | None] = []
        for rule in rules:
            sides = _rule_sides(rule)
            bounds.append(None if sides is None else int(con.sql(_bound_sql(sides)).fetchone()[0]))
    finally:
        con.close()
    return bounds


def _shared_pairs(con, rule: BlockingRule, other: BlockingRule) -> int:
    """Pairs two rules whose sides are the same expressions both find: the pairs of distinct records
    sharing the keys of both (0 for a rule whose sides differ: not counted)."""
    sides, other_sides = _rule_sides(rule), _rule_sides(other)
    if sides is None or other_sides is None or sides[0] != sides[1] or other_sides[0] != other_sides[1]:
        return 0
    both = list(dict.fromkeys(sides[0] + other_sides[0]))
    return int(con.sql(_bound_sql((both, both))).fetchone()[0])


def u_sampling_pairs(profiles: int) -> float:
    """Random pairs for Splink's u estimate: ``U_SAMPLING_MAX_PAIRS``, or ``U_SAMPLING_PAIRS_PER_PROFILE``
    per profile when that is more."""
    return float(max(U_SAMPLING_MAX_PAIRS, U_SAMPLING_PAIRS_PER_PROFILE * profiles))


def prediction_rules(records: pa.Table, usable: list[str]) -> tuple[list[BlockingRule], list[str]]:
    """The usable prediction rules within the pair budget, and a note for each one left out.

    The budget is ``MAX_PAIRS_PER_RECORD`` pairs per record, for one rule's new pairs and for all the
    rules' pairs together: rules are taken in order, and one whose new pairs could pass either is left
    out (later, narrower rules can still be kept). A rule's new pairs are at most its own pairs
    (``pair_bounds``) less those it shares with any one rule kept before it (the pairs of records sharing
    the keys of both) — counts of key values, never a join of the records: at 10M source records the exact
    counts (Splink's blocking analysis, every rule's pairs generated) took minutes of the match model
    (DECISIONS §58). The kept rules' pairs together never pass the budget. When the rules' own pairs
    together are within it, all are kept. A rule whose SQL is not a conjunction of equalities is counted
    exactly, on its own (``count_pairs``). At scale the total matters: blocks of a common name grow with
    the square of the records, and at 10M source records the rules found together several times the
    budget (DECISIONS §56)."""
    import duckdb

    rules = model_settings.usable_rules(model_settings.BLOCKING_RULES, usable)
    budget = MAX_PAIRS_PER_RECORD * max(records.num_rows, 1)
    bounds = pair_bounds(records, rules) if rules else []
    if all(bound is not None for bound in bounds) and sum(bounds) <= budget:
        return list(rules), []
    kept, notes, total = [], [], 0
    con = duckdb.connect(":memory:")
    try:
        con.register("records", records)
        for rule, bound in zip(rules, bounds):
            pairs = bound if bound is not None else count_pairs(records, [rule])[0]
            if pairs > budget - total and kept:  # only then is it worth counting what earlier rules found
                pairs -= max(_shared_pairs(con, rule, earlier) for earlier in kept)
            if pairs > budget:
                notes.append(f"blocking rule {rule.name} left out: up to {pairs:,} new pairs over the budget of {budget:,}")
            elif total + pairs > budget:
                notes.append(f"blocking rule {rule.name} left out: its up to {pairs:,} new pairs would take the rules' "
                             f"up to {total:,} over the budget of {budget:,}")
            else:
                kept.append(rule)
                total += pairs
    finally:
        con.close()
    return kept, notes


def prior_from_pairs(found: int, n: int, recall: float) -> float:
    """The share of random pairs of ``n`` records that match, when rules finding ``found`` of the pairs have
    ``recall``: Splink's ``estimate_probability_two_random_records_match`` to the last bit — its count is the
    rules' cumulative count, the sum of their marginal counts (``count_pairs``), so a linker counting them a
    second time is not needed (2-3 s at 1M source records, DECISIONS §79)."""
    total = n * (n - 1) // 2
    if found > total * recall:
        raise ValueError(
            "Deterministic matching rules led to more observed matches than is consistent with supplied recall. "
            f"With these rules, recall must be at least {found / total:,.2f}."
        )
    return (found / recall) / total


def _fallback_prior(n: int) -> float:
    """One other record per person: about n/2 matching pairs among n(n-1)/2."""
    return min(0.5, 1.0 / max(n - 1, 1))


def _floored(model: dict[str, Any]) -> dict[str, Any]:
    for comparison in model["comparisons"]:
        for level in comparison["comparison_levels"]:
            for key in ("m_probability", "u_probability"):
                value = level.get(key)
                if value is not None and (not math.isfinite(value) or value < MIN_PROBABILITY):
                    level[key] = MIN_PROBABILITY
    return model


def _rounded(value, digits: int = 10):
    if isinstance(value, float):
        return float(f"{value:.{digits}g}")
    if isinstance(value, dict):
        return {k: _rounded(v, digits) for k, v in value.items()}
    if isinstance(value, list):
        return [_rounded(v, digits) for v in value]
    return value


def _pairs_sql(columns: list[str]) -> str:
    """The known pairs joined to both records, as ``<column>_l`` / ``<column>_r`` columns, with each side's
    profile (a hash of all ``columns``, ``profile_l`` / ``profile_r``)."""
    sides = ", ".join(f"l.{c} as {c}_l, r.{c} as {c}_r" for c in columns)
    return f"""
        select {sides}, labels.evidence_fields,
            hash({", ".join(f"l.{c}" for c in columns)}) as profile_l,
            hash({", ".join(f"r.{c}" for c in columns)}) as profile_r
        from labels
        inner join records as l on labels.record_key_a = l.unique_id
        inner join records as r on labels.record_key_b = r.unique_id
    """


def label_level_counts(records: pa.Table, labels: pa.Table, model: Mapping[str, Any]) -> dict[str, list[int]]:
    """For each comparison, how many known pairs fall in each of its non-null levels (in level order).

    ``labels`` may carry ``evidence_fields`` (comma-separated model columns the rule that made the pair
    required to agree, e.g. ``email_key,first_name``): a pair is not counted for a comparison of one of
    those columns — pairs found by "same national id" say nothing about how often one person's national
    ids differ.

    Pairs are counted over distinct profiles, as u and EM are (``prepare.distinct_profiles``):
    each pair of two different profiles once, a pair of one profile never. A system's copies of one
    customer's record (every marketing send to a recipient, every web session of a user) are one profile
    typed once; counted per record pair they outnumbered the pairs typed apart and made one person's
    records look more alike than they are (the demo: a first name wholly different in 0.3% of known
    record pairs, 2.1% of known profile pairs, 2.3% of the truth's record pairs; DECISIONS §69)."""
    import duckdb

    if labels is None or labels.num_rows == 0:
        return {}
    columns = [c for c in model_settings.MATCH_COLUMNS if c in records.column_names]
    if "evidence_fields" not in labels.column_names:
        labels = labels.append_column("evidence_fields", pa.nulls(labels.num_rows, pa.string()))
    con = duckdb.connect(":memory:")
    try:
        con.register("records", records)
        con.register("labels", labels.select(["record_key_a", "record_key_b", "evidence_fields"]))
        # the known pairs joined to their records once, then counted per comparison
        con.execute(f"create temp table known_pairs as {_pairs_sql(columns)}")
        counts = {}
        for comparison in model["comparisons"]:
            name = comparison["output_column_name"]
            column = model_settings.COMPARISON_COLUMNS.get(name, name)
            levels = comparison["comparison_levels"]
            whens = " ".join(
                f"when {lv['sql_condition']} then {-1 if lv.get('is_null_level') else k}"
                for k, lv in enumerate(levels)
                if lv["sql_condition"] != "ELSE"
            )
            rows = con.sql(
                f"""
                select case {whens} else {len(levels) - 1} end as level,
                    count(distinct [least(profile_l, profile_r), greatest(profile_l, profile_r)])
                from known_pairs
                where
                    not list_contains(string_split(coalesce(evidence_fields, ''), ','), '{column}')
                    and profile_l != profile_r
                group by all
                """
            ).fetchall()
            found = dict(rows)
            counts[name] = [int(found.get(k, 0)) for k, lv in enumerate(levels) if not lv.get("is_null_level")]
    finally:
        con.close()
    return counts


def apply_label_counts(model: dict[str, Any], counts: Mapping[str, list[int]]) -> dict[str, int]:
    """Set each comparison's m from the known pairs' level counts, with the current m as a prior worth
    ``LABEL_PRIOR_WEIGHT`` pairs; comparisons with fewer than ``MIN_LABEL_PAIRS`` known pairs keep theirs.
    Returns the comparisons changed and their pair counts."""
    changed = {}
    for comparison in model["comparisons"]:
        found = counts.get(comparison["output_column_name"])
        if not found or sum(found) < MIN_LABEL_PAIRS:
            continue
        levels = [lv for lv in comparison["comparison_levels"] if not lv.get("is_null_level")]
        current = [lv.get("m_probability") for lv in levels]
        if any(m is None for m in current):
            current = [1.0 / len(levels)] * len(levels)
        total = sum(found)
        for level, count, prior in zip(levels, found, current):
            level["m_probability"] = (count + LABEL_PRIOR_WEIGHT * prior) / (total + LABEL_PRIOR_WEIGHT)
        changed[comparison["output_column_name"]] = total
    return changed


def _saved_model(linker) -> dict[str, Any]:
    """The linker's model as Splink saves it, without the linker's own id (a new linker is made from it)."""
    model = linker.misc.save_model_to_json()
    model.pop("linker_uid", None)
    return model


def em_sample(profiles: pa.Table, rule: BlockingRule, seed: int, max_pairs: int | None = None) -> pa.Table | None:
    """The profiles an EM pass over ``rule`` runs on when its blocks hold more than ``max_pairs`` pairs: the
    records of a seeded random share of its blocks (records equal on the rule's keys), each block whole, the
    share ``max_pairs`` over the blocks' pairs; None when the pass takes every pair (within ``max_pairs``,
    or a rule whose two sides differ). ``max_pairs`` defaults to ``EM_MAX_PAIRS``.

    Whole blocks are a random sample of the pass's pairs, matches and non-matches alike, so the m
    probabilities EM finds on them estimate those of every pair; sampling records instead would keep a
    person's pairs at the square of the share. The pass costs time in proportion to its pairs, and a
    common surname's block grows with the square of the records (at 1M source records the name pass held
    448k pairs of distinct profiles, at 10M several million)."""
    import duckdb

    max_pairs = EM_MAX_PAIRS if max_pairs is None else max_pairs
    sides = _rule_sides(rule)
    if sides is None or sides[0] != sides[1]:
        return None
    con = duckdb.connect(":memory:")
    try:
        con.register("records", profiles)
        pairs = int(con.sql(_bound_sql(sides)).fetchone()[0])
        if pairs <= max_pairs:
            return None
        keys = ", ".join(f"({key})" for key in sides[0])
        present = " and ".join(f"({key}) is not null" for key in sides[0])
        buckets = 1_000_003
        kept = int(buckets * max_pairs / pairs)
        return con.sql(
            f"select * from records where {present} and hash({keys}, {int(seed)}) % {buckets} < {kept}"
            " order by unique_id"
        ).to_arrow_table()
    finally:
        con.close()


def _em_pass(linker, rule: BlockingRule, paired: pa.Table, frequencies):
    """One EM pass over ``rule``'s pairs among the ``paired`` profiles (every profile, or ``em_sample``'s),
    run by ``linker`` (over ``paired``): (a linker over ``paired`` holding the model to go on with, whether
    the pass ran, a note or None). ``frequencies`` are the term-frequency lookups of every profile, so a
    sample's pairs are weighed as the whole data's are.

    Splink refuses an m probability below 1e-300 in the middle of EM: a level that all but vanishes from a
    block's matches shrinks towards zero as EM converges (the same-name pass of the export without email or
    phone). The pass is then run again from the model as it was, with half the iterations, down to
    ``MIN_EM_ITERATIONS``; the iterations it stopped short of are the ones that drove that level to zero.
    Any other failure, or underflow even then, leaves the model as it was before the pass: a pass that fails
    part-way leaves the comparisons its rule fixes switched off in the linker."""
    from .matching import connection, linker_for

    def over(settings):
        return linker_for(paired, settings, connection(), term_frequencies=frequencies)

    before = _saved_model(linker)
    full = iterations = int(before.get("max_iterations", 25))
    while True:
        try:
            linker.training.estimate_parameters_using_expectation_maximisation(rule.sql)
        except Exception as error:  # noqa: BLE001 - one failed pass must not stop the build
            underflow = isinstance(error, ValueError) and "below the minimum allowed" in str(error)
            if not underflow or iterations <= MIN_EM_ITERATIONS:
                note = f"EM pass {rule.name} failed: {type(error).__name__}: {str(error)[:200]}"
                return over(before), False, note
            iterations = max(MIN_EM_ITERATIONS, iterations // 2)
            linker = over({**before, "max_iterations": iterations})
            continue
        if iterations == full:
            return linker, True, None
        # the later passes and the saved model keep the full number of iterations
        after = _saved_model(linker)
        note = f"EM pass {rule.name}: an m probability underflowed in {full} iterations; estimated in at most {iterations}"
        return over({**after, "max_iterations": full}), True, note


def prior_recall(records: pa.Table, labels: pa.Table | None, rules: list[BlockingRule]) -> tuple[float, int] | None:
    """The share of the known pairs (``labels``) whose rule required no field (empty ``evidence_fields``: a
    source reference, a shared customer key) that any of the prior ``rules`` finds, and how many such
    pairs there are, counted per record pair as the prior is; None with fewer than ``MIN_LABEL_PAIRS`` of
    them or none found. A reference says nothing about how alike the two records are typed, so its pairs
    stand for one person's pairs in general: the rules' recall is measured, not assumed (DECISIONS §73).
    """
    if labels is None or labels.num_rows == 0 or not rules:
        return None
    import duckdb

    free = "coalesce(labels.evidence_fields, '') = ''" if "evidence_fields" in labels.column_names else "true"
    found = " or ".join(f"coalesce(({rule.sql}), false)" for rule in rules)
    con = duckdb.connect(":memory:")
    try:
        con.register("records", records)
        con.register("labels", labels)
        pairs, hits = con.execute(f"""
            select count(*), count(*) filter (where {found})
            from (
                select distinct least(record_key_a, record_key_b) as key_a, greatest(record_key_a, record_key_b) as key_b
                from labels
                where {free} and record_key_a != record_key_b
            ) as known
            inner join records as l on known.key_a = l.unique_id
            inner join records as r on known.key_b = r.unique_id
        """).fetchone()
    finally:
        con.close()
    if pairs < MIN_LABEL_PAIRS or hits == 0:
        return None
    return hits / pairs, int(pairs)


def train(
    records: pa.Table,
    labels: pa.Table | None = None,
    seed: int = U_SAMPLING_SEED,
    progress: Callable[[str, int, int], None] | None = None,
) -> tuple[dict[str, Any], TrainingReport]:
    """The model estimated from ``records`` (see the module docstring), and what was done.

    ``records`` is the model input (``prepare.prepare_records``); ``labels`` (``record_key_a``,
    ``record_key_b``) pairs known to be one person, if any. ``progress(label, done, total)`` is called as
    each step ends. Raises ``NoModel`` when nothing can be compared.
    """
    n = records.num_rows
    usable = features.usable_columns(records)
    if n < 2 or not model_settings.comparisons(usable):
        raise NoModel(f"{n} records with no usable column to compare" if n >= 2 else f"{n} record(s): nothing to match")
    rules, skipped = prediction_rules(records, usable)
    if not rules:
        raise NoModel("no blocking rule has usable columns within the pair budget: " + "; ".join(skipped))
    training_rules = model_settings.usable_rules(model_settings.TRAINING_RULES, usable)
    total = 3 + len(training_rules)
    tick = progress or (lambda label, done, total: None)

    candidates = model_settings.usable_rules(model_settings.PRIOR_RULES, usable)
    from .frequencies import term_frequency_tables
    from .matching import connection, linker_for, tf_columns
    from .prepare import distinct_profiles

    prior_counts = count_pairs(records, candidates)
    prior_rules = [rule for rule, pairs in zip(candidates, prior_counts) if pairs > 0]
    # the prior on the records (the pairs the model will score), u and EM on distinct profiles: a person's
    # identical records are one
    prior = _fallback_prior(n)
    if prior_rules:
        measured = prior_recall(records, labels, prior_rules)
        recall = model_settings.PRIOR_RECALL if measured is None else _rounded(measured[0])
        skipped.append(
            f"prior: recall {model_settings.PRIOR_RECALL} assumed (too few known pairs without required fields)"
            if measured is None else f"prior: recall {recall:.3f} measured on {measured[1]} known pairs"
        )
        prior = prior_from_pairs(sum(prior_counts), n, recall)
    else:
        skipped.append("prior: no near-certain rule found a pair; one other record per person assumed")
    profiles = distinct_profiles(records)
    settings = model_settings.settings_dict(usable, prior, rules)
    # every profile's term frequencies, counted once for every linker of the passes
    frequencies = term_frequency_tables(profiles, tf_columns(settings))
    linker = linker_for(profiles, settings, connection(), term_frequencies=frequencies)
    tick("prior", 1, total)
    linker.training.estimate_u_using_random_sampling(max_pairs=u_sampling_pairs(profiles.num_rows), seed=seed)
    tick("u by random sampling", 2, total)
    passes = []
    # ``linker`` is over every profile while it holds the model so far; a pass on a sample has a linker of
    # its own, and the next pass over every profile makes a new one from the model (Splink prepares a
    # linker's records once, so the passes over every profile share one while they can)
    estimated = _saved_model(linker)
    for done, (rule, pairs) in enumerate(zip(training_rules, count_pairs(records, training_rules)), start=3):
        if pairs < MIN_EM_PAIRS:
            skipped.append(f"EM pass {rule.name}: {pairs} pairs, fewer than {MIN_EM_PAIRS}")
        else:
            sample = em_sample(profiles, rule, seed)
            if sample is None:
                linker = linker or linker_for(profiles, estimated, connection(), term_frequencies=frequencies)
                ran_by, ran, note = _em_pass(linker, rule, profiles, frequencies)
                linker = ran_by
            else:
                skipped.append(f"EM pass {rule.name}: on whole blocks holding {sample.num_rows:,} of the "
                               f"{profiles.num_rows:,} profiles (about {EM_MAX_PAIRS:,} pairs)")
                sampled = linker_for(sample, estimated, connection(), term_frequencies=frequencies)
                ran_by, ran, note = _em_pass(sampled, rule, sample, frequencies)
                linker = None
            estimated = _saved_model(ran_by)
            if ran:
                passes.append(rule.name)
            if note:
                skipped.append(note)
        tick(f"EM pass {rule.name}", done, total)
    splink_model = estimated
    splink_model["probability_two_random_records_match"] = prior
    labelled = apply_label_counts(splink_model, label_level_counts(records, labels, splink_model))
    model = {
        "splink": _rounded(_floored(splink_model)),
        "dependence": dependence.estimate(profiles, usable, seed),
        "usable_columns": usable,
        "fingerprint": fingerprint(records),
        "training_seed": seed,
    }
    report = TrainingReport(
        records=n,
        usable_columns=usable,
        prediction_rules=[r.name for r in rules],
        prior_rules=[r.name for r in prior_rules],
        prior=float(splink_model["probability_two_random_records_match"]),
        em_passes=passes,
        labelled_comparisons=labelled,
        skipped=skipped,
    )
    tick("saved", total, total)
    return model, report


# --------------------------------------------------------------------------------------------------
# Fingerprint of the data a model was trained on
# --------------------------------------------------------------------------------------------------

#: A pinned model's data and today's differ when a column's share of records with a value moves by more
#: than this (absolute), or the record count by more than a factor of ``FINGERPRINT_SIZE_FACTOR``.
FINGERPRINT_SHARE_TOLERANCE = 0.2
FINGERPRINT_SIZE_FACTOR = 10.0


def fingerprint(records: pa.Table) -> dict[str, Any]:
    """The shape of the data: record count and, per model column, the share with a value and distinct values."""
    profiles = features.profile(records)
    return {
        "records": records.num_rows,
        "columns": {c: {"share": round(p.share, 4), "distinct": p.distinct} for c, p in sorted(profiles.items())},
    }


def fingerprint_drift(trained_on: Mapping[str, Any], now: Mapping[str, Any]) -> list[str]:
    """Why a model trained on data with fingerprint ``trained_on`` may not fit data with ``now`` (empty: it fits)."""
    notes = []
    before, after = trained_on.get("records") or 0, now.get("records") or 0
    if before and after and max(before, after) / min(before, after) > FINGERPRINT_SIZE_FACTOR:
        notes.append(f"record count {before:,} when trained, {after:,} now")
    return notes + _share_changes(trained_on, now, FINGERPRINT_SHARE_TOLERANCE, "when trained")


def _share_changes(then: Mapping[str, Any], now: Mapping[str, Any], tolerance: float, when: str) -> list[str]:
    """A note for each column whose share of records with a value moved by more than ``tolerance``
    between two fingerprints (``when`` names the first in the note)."""
    old, new = then.get("columns", {}), now.get("columns", {})
    notes = []
    for column in sorted(set(old) | set(new)):
        a, b = old.get(column, {}).get("share", 0.0), new.get(column, {}).get("share", 0.0)
        if abs(a - b) > tolerance:
            notes.append(f"{column}: {a:.0%} of records had a value {when}, {b:.0%} now")
    return notes


#: The previous build's model is reused (not trained again) while the data still fits it: the same
#: usable columns, each column's share of records with a value within ``REUSE_SHARE_TOLERANCE``
#: (absolute), and the record count within ``REUSE_SIZE_CHANGE`` (relative) of the data it was trained on.
REUSE_SHARE_TOLERANCE = 0.05
REUSE_SIZE_CHANGE = 0.25


def reuse_drift(model: Mapping[str, Any], records: pa.Table, seed: int) -> list[str]:
    """Why the model ``model`` (trained on an earlier build's records) should be trained again for
    ``records`` (the model input) and ``seed``; empty when it still fits and can be reused."""
    notes = []
    if model.get("training_seed") != seed:
        notes.append(f"training seed {model.get('training_seed')} then, {seed} now")
    usable = features.usable_columns(records)
    if sorted(model.get("usable_columns", [])) != sorted(usable):
        notes.append(f"usable columns {', '.join(model.get('usable_columns', []))} then, {', '.join(usable)} now")
    then, now = model.get("fingerprint", {}), fingerprint(records)
    before, after = then.get("records") or 0, now["records"]
    if not before or abs(after - before) > REUSE_SIZE_CHANGE * before:
        notes.append(f"record count {before:,} then, {after:,} now")
    return notes + _share_changes(then, now, REUSE_SHARE_TOLERANCE, "then")


def model_json(model: Mapping[str, Any]) -> str:
    return json.dumps(model, sort_keys=True)

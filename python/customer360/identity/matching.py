"""Probabilistic record matching with Splink: train, count blocked pairs, score and accept links.

Splink runs on its own in-memory DuckDB fed with Arrow tables (never on dbt's connection). The
trained model is a JSON file (``splink_model.json`` beside this module) so runs are reproducible;
``customer360 train`` (or ``python -m customer360.identity.train``) retrains it.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa

from . import settings as model_settings

MODEL_PATH = Path(__file__).with_name("splink_model.json")

#: Splink's gamma value for the null level of a comparison.
NULL_GAMMA = -1


def load_model(path: str | Path | None = None) -> dict[str, Any]:
    """The trained model (a Splink settings dictionary with m and u probabilities)."""
    with open(path or MODEL_PATH, encoding="utf-8") as f:
        return json.load(f)


def _connection() -> duckdb.DuckDBPyConnection:
    """An in-memory DuckDB for Splink. Row order means nothing to pairs, and not keeping it lets DuckDB
    stream large results (the 1M-record scoring peaks at about 1.9 GiB instead of 3.1 GiB)."""
    con = duckdb.connect(":memory:")
    con.execute("set preserve_insertion_order = false")
    return con


def _linker(records: pa.Table, settings: Mapping[str, Any], con: duckdb.DuckDBPyConnection | None = None):
    from splink import DuckDBAPI, Linker

    db_api = DuckDBAPI(con or _connection())
    frame = db_api.register(records, table_name="person_records")
    return Linker(frame, dict(settings), log_level=logging.WARNING)


def count_blocked_pairs(records: pa.Table) -> list[dict[str, Any]]:
    """Exact candidate-pair counts of the named blocking rules, in rule order.

    ``pairs_marginal`` counts the pairs a rule adds to the ones the rules before it found (Splink
    scores each pair once); ``pairs_cumulative`` the running total.
    """
    from splink import DuckDBAPI
    from splink.blocking_analysis import count_comparisons_from_blocking_rules

    con = _connection()
    try:
        frame = DuckDBAPI(con).register(records, table_name="person_records")
        rules = model_settings.BLOCKING_RULES
        counts = count_comparisons_from_blocking_rules(
            frame,
            blocking_rules=[model_settings.blocking_rule_sql(cols) for cols in rules.values()],
            link_type="dedupe_only",
            record_sample_proportion=1.0,
        )
    finally:
        con.close()
    return [
        {
            "blocking_rule": name,
            "blocking_rule_sql": model_settings.blocking_rule_sql(cols),
            "rule_order": position,
            "pairs_marginal": int(count["marginal_comparison_count"]),
            "pairs_cumulative": int(count["cumulative_comparison_count"]),
            "pairs_possible": int(count["total_possible_comparison_count"]),
        }
        for position, ((name, cols), count) in enumerate(zip(rules.items(), counts))
    ]


def train(records: pa.Table, progress: Callable[[str, int, int], None] | None = None) -> dict[str, Any]:
    """Estimate the model without labels and return it as a settings dictionary.

    1. the prior (share of random pairs that match) from near-certain rules and their assumed recall;
    2. u probabilities from a seeded random sample of pairs (almost all non-matches);
    3. m probabilities by expectation maximisation, once per training blocking rule (a pass cannot
       estimate the comparisons its own rule fixes, so the passes complement each other).

    ``progress(label, done, total)``, when given, is called as each of these steps ends.
    """
    rules = model_settings.TRAINING_BLOCKING_RULES
    total = 2 + len(rules)
    tick = progress or (lambda label, done, total: None)
    linker = _linker(records, model_settings.settings_dict())
    estimate_prior(linker)
    tick("prior", 1, total)
    linker.training.estimate_u_using_random_sampling(
        max_pairs=model_settings.U_SAMPLING_MAX_PAIRS, seed=model_settings.U_SAMPLING_SEED
    )
    tick("u by random sampling", 2, total)
    for done, (name, cols) in enumerate(rules.items(), start=3):
        linker.training.estimate_parameters_using_expectation_maximisation(
            model_settings.blocking_rule_sql(cols)
        )
        tick(f"EM pass {name}", done, total)
    model = linker.misc.save_model_to_json()
    model.pop("linker_uid", None)
    return _rounded(model)


def _rounded(value, digits: int = 10):
    """Floats rounded to ``digits`` significant digits: parallel aggregation makes the last digits of
    the estimates vary between runs, and the committed model should only change when the data does."""
    if isinstance(value, float):
        return float(f"{value:.{digits}g}")
    if isinstance(value, dict):
        return {k: _rounded(v, digits) for k, v in value.items()}
    if isinstance(value, list):
        return [_rounded(v, digits) for v in value]
    return value


def estimate_prior(linker) -> None:
    """Estimate the prior from the near-certain rules and their assumed recall (deterministic)."""
    linker.training.estimate_probability_two_random_records_match(
        list(model_settings.PRIOR_RULES.values()), recall=model_settings.PRIOR_RECALL
    )


def _sql_string(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


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


ELSE_LABEL = "All other comparisons"


@dataclass(frozen=True)
class Guard:
    """Vetoes a scored pair whatever its probability. A household shares its address, landline,
    often the last name and sometimes an email; those agreements are not independent within a
    household and can outweigh different first names. So the model never links two records

    - whose first names both exist and disagree (not the same, no nickname, no typo), unless first and
      last name are swapped;
    - whose last names both exist and disagree, unless the emails are the same.

    First names that are only nicknames or a typo of each other (Andy may be Andrew or Andrea) without
    an agreeing email, phone or birth date (``settings.IDENTIFIER_EVIDENCE_LEVELS``) make a name-only
    link: weak evidence the clustering uses only to attach a customer that matches no one else.
    """

    first_name: str = "first_name"
    last_name: str = "last_name"
    email: str = "email_key"
    swapped_label: str = "first and last name swapped"
    same_email_label: str = "same email"

    def veto_sql(self) -> str:
        """SQL over the level labels (``label_<comparison>`` columns): true when the pair is vetoed."""
        first, last, email = (f"coalesce(label_{c}, '')" for c in (self.first_name, self.last_name, self.email))
        return (
            f"(({first} = '{ELSE_LABEL}' and {last} != '{self.swapped_label}')"
            f" or ({last} = '{ELSE_LABEL}' and {email} != '{self.same_email_label}'))"
        )


def score(
    records: pa.Table, settings: Mapping[str, Any], threshold: float, con: duckdb.DuckDBPyConnection | None = None
):
    """Splink's scores of the blocked pairs at or above ``threshold``: the linker and its prediction table.

    The prior depends on the size of the data (the share of random pairs that match falls as the
    population grows), so it is re-estimated on ``records``; m and u stay as trained.
    """
    linker = _linker(records, settings, con)
    estimate_prior(linker)
    return linker, linker.inference.predict(threshold_match_probability=threshold, warning_mode="never")


def predict(
    records: pa.Table,
    model: Mapping[str, Any],
    threshold: float,
    guard: Guard | None = Guard(),
) -> pa.Table:
    """Scored pairs at or above ``threshold`` that pass the guard, with their explanation.

    Columns: ``record_key_a`` < ``record_key_b``, ``match_weight``, ``match_probability``,
    ``blocking_rule`` (the named rule that found the pair), for every comparison ``<name>_gamma``
    (level index) and ``<name>_weight`` (its match weight incl. term-frequency adjustment),
    ``comparison_levels`` (a readable summary), ``is_name_only`` (no agreeing email, phone or birth
    date: weak evidence, see ``clustering``) and ``is_name_and_street_only`` (the same first name and street
    but no agreeing email, phone or birth date: followed unless it would join two people, see
    ``clustering``). Pairs the guard vetoes are dropped.
    """
    settings = dict(model)
    settings["retain_matching_columns"] = True
    settings["retain_intermediate_calculation_columns"] = True
    con = _connection()
    try:
        _, scored = score(records, settings, threshold, con)
        # explained on Splink's own connection: only the link columns leave DuckDB
        columns = con.sql(f"select * from {scored.physical_name} limit 0").columns
        return con.sql(_explain_sql(scored.physical_name, columns, model, guard)).to_arrow_table()
    finally:
        con.close()


def _explain_sql(relation: str, columns: Sequence[str], model: Mapping[str, Any], guard: Guard | None) -> str:
    """SQL turning Splink's prediction table ``relation`` (with ``columns``) into explained links."""
    names = comparison_names(model)
    labels = level_labels(model)
    rules = model_settings.blocking_rule_names()

    def label_case(name: str) -> str:
        whens = " ".join(f"when {gamma} then {_sql_string(label)}" for gamma, label in labels[name].items())
        return f"case gamma_{name} {whens} end as label_{name}"

    def weight(name: str) -> str:
        return f"mw_{name}" + (f" + coalesce(mw_tf_adj_{name}, 0)" if f"mw_tf_adj_{name}" in columns else "")

    def label(name: str) -> str:
        return f"coalesce(label_{name}, '')"

    rule_case = " ".join(f"when '{i}' then {_sql_string(rule)}" for i, rule in enumerate(rules))
    summary = " || '; ' || ".join(
        f"'{n}: ' || coalesce(label_{n}, '?') || ' (' || cast(round({n}_weight, 2) as varchar) || ')'"
        for n in names
    )
    evidence = " or ".join(
        f"{label(c)} in ({', '.join(_sql_string(lv) for lv in levels)})"
        for c, levels in model_settings.IDENTIFIER_EVIDENCE_LEVELS.items()
        if c in names
    ) or "false"
    veto = "false" if guard is None else guard.veto_sql()
    same_first = f"{label('first_name')} = {_sql_string(model_settings.SAME_FIRST_NAME_LABEL)}"
    street = f"{label('address')} = {_sql_string(model_settings.SAME_STREET_LABEL)}"
    return f"""
        with labelled as (
            select
                least(unique_id_l, unique_id_r) as record_key_a,
                greatest(unique_id_l, unique_id_r) as record_key_b,
                match_weight,
                match_probability,
                case match_key {rule_case} end as blocking_rule,
                {", ".join(f"gamma_{n} as {n}_gamma" for n in names)},
                {", ".join(f"{weight(n)} as {n}_weight" for n in names)},
                {", ".join(label_case(n) for n in names)}
            from {relation}
        )
        select
            record_key_a,
            record_key_b,
            match_weight,
            match_probability,
            blocking_rule,
            {", ".join(f"{n}_gamma" for n in names)},
            {", ".join(f"{n}_weight" for n in names)},
            {summary} as comparison_levels,
            not ({evidence} or ({same_first} and {street})) as is_name_only,
            not ({evidence}) and {same_first} and {street} as is_name_and_street_only
        from labelled
        where not ({veto})
    """


def explain(scored: pa.Table, model: Mapping[str, Any], guard: Guard | None = Guard()) -> pa.Table:
    """Turn Splink's prediction table (as Arrow) into explained links (see ``predict``)."""
    con = duckdb.connect(":memory:")
    try:
        con.register("scored", scored)
        return con.sql(_explain_sql("scored", scored.column_names, model, guard)).to_arrow_table()
    finally:
        con.close()


def probabilistic_links(records, threshold: float, model_path: str | Path | None = None) -> pa.Table:
    """Entry point of the dbt model: identity records → accepted, explained probabilistic links."""
    from .prepare import prepare_records

    return predict(prepare_records(records), load_model(model_path), threshold)


def blocking_rule_pair_counts(records) -> pa.Table:
    """Entry point of the dbt model: the blocked pair counts of the named rules, also printed."""
    from .prepare import prepare_records

    records = prepare_records(records)
    rows = count_blocked_pairs(records)
    for row in rows:
        print(f"identity blocking rule {row['blocking_rule']}: +{row['pairs_marginal']} pairs "
              f"(cumulative {row['pairs_cumulative']}) over {records.num_rows} records")
    return pa.table(
        {
            "blocking_rule": pa.array([r["blocking_rule"] for r in rows], pa.string()),
            "blocking_rule_sql": pa.array([r["blocking_rule_sql"] for r in rows], pa.string()),
            "rule_order": pa.array([r["rule_order"] for r in rows], pa.int32()),
            "record_count": pa.array([records.num_rows] * len(rows), pa.int64()),
            "pairs_marginal": pa.array([r["pairs_marginal"] for r in rows], pa.int64()),
            "pairs_cumulative": pa.array([r["pairs_cumulative"] for r in rows], pa.int64()),
            "pairs_possible": pa.array([r["pairs_possible"] for r in rows], pa.int64()),
        }
    )

"""Scoring on Spark: Splink's Spark backend over the build's own SparkSession, with the saved model.

The saved model (``int_identity__match_model.model_json``) holds its levels and blocking rules as DuckDB
SQL, and the explanation and threshold SQL of ``customer360.identity.matching`` are DuckDB SQL too. Here
they are translated with sqlglot (DuckDB → Spark, ``spark_sql``) and run by Splink's ``SparkAPI`` on the
session dbt's Python model runs in; only the match probabilities (for the threshold) and the decided,
explained pairs come back to the driver. What DuckDB computes its own way is kept DuckDB's:

- ``jaro_winkler_similarity`` becomes ``customer360_jaro_winkler_similarity`` and ``damerau_levenshtein``
  stays: the session's Python functions with DuckDB's semantics (``customer360.spark.session``: rapidfuzz
  over UTF-8 bytes). Not Spark 4.3's built-in ``jaro_winkler_similarity`` (it resolves before a session
  function of that name, hence the other name) nor the functions of Splink's jar
  (``register_udfs_automatically=False``: its ``jaro_winkler`` differs from DuckDB's on 1,380 of 7,810
  name pairs measured, and it would replace the session's ``damerau_levenshtein``);
- ``strlen`` (bytes) is ``octet_length``; ``strftime`` / ``list_contains`` / ``varchar`` are sqlglot's;
- ``round(x, n)`` of a double is DuckDB's ``std::round(x * 10^n) / 10^n``, sign of zero included
  (Spark rounds the decimal text of the double half up and loses -0.0: measured, 558 of 280,011 values
  printed otherwise); a decimal (``household_correction``) keeps Spark's own round, which is DuckDB's.

Proof: ``make test-spark`` compares the scored pairs, clusters and crosswalk with the DuckDB build.
"""

from __future__ import annotations

import copy
import logging
from collections.abc import Collection, Mapping
from typing import Any

import pyarrow as pa
import sqlglot
from sqlglot import exp

from customer360.identity import matching
from customer360.identity import frequencies
from customer360.spark.session import JARO_WINKLER_FUNCTION, register_similarity_functions

#: Columns of the explanation SQL that are decimals on both engines (a ``case`` of decimal literals):
#: their ``round`` is Spark's own, which keeps DuckDB's scale ('-24.80').
DECIMAL_COLUMNS = frozenset({"household_correction"})


def _round_like_duckdb(node: exp.Round) -> exp.Expression:
    """DuckDB's round(double, n): std::round(x * 10^n) / 10^n, -0.0 for a negative value that rounds to 0.
    Spark's round(y, 0) of a double is exact (the shortest decimal text of y lies on y's side of every
    k + 0.5) but gives 0.0 for -0.0 and for y in (-0.5, 0); those become -0.0 as std::round gives."""
    digits = node.args.get("decimals")
    scale = int(digits.name) if isinstance(digits, exp.Literal) else 0
    factor = f"1{'0' * scale}"
    y = f"(({node.this.sql(dialect='spark')}) * {factor})"
    negative_zero = f"({y} < 0 and {y} > -0.5) or ({y} = 0 and cast({y} as string) = '-0.0')"
    return sqlglot.parse_one(
        f"(case when {negative_zero} then cast('-0.0' as double) else round({y}, 0) end / {factor})", read="spark"
    )


def spark_sql(duckdb_sql: str, decimal_columns: Collection[str] = DECIMAL_COLUMNS) -> str:
    """``duckdb_sql`` (one statement or expression) in Spark SQL with DuckDB's semantics (module docstring)."""
    tree = sqlglot.parse_one(duckdb_sql, read="duckdb")

    def rewrite(node: exp.Expression) -> exp.Expression:
        if isinstance(node, exp.JarowinklerSimilarity):
            return exp.Anonymous(this=JARO_WINKLER_FUNCTION, expressions=[node.this, node.expression])
        if isinstance(node, exp.Anonymous) and node.name.lower() == "strlen":
            return exp.Anonymous(this="octet_length", expressions=node.expressions)
        if isinstance(node, exp.Round) and not (
            isinstance(node.this, exp.Column) and node.this.name in decimal_columns
        ):
            return _round_like_duckdb(node)
        return node

    return tree.transform(rewrite).sql(dialect="spark")


def spark_settings(splink_settings: Mapping[str, Any]) -> dict[str, Any]:
    """A saved model's Splink settings with every level and blocking rule in Spark SQL (m, u, labels,
    term-frequency settings unchanged)."""
    settings = copy.deepcopy(dict(splink_settings))
    settings["sql_dialect"] = "spark"
    for comparison in settings["comparisons"]:
        for level in comparison["comparison_levels"]:
            if level["sql_condition"].strip().upper() != "ELSE":
                level["sql_condition"] = spark_sql(level["sql_condition"])
    rules = []
    for rule in settings["blocking_rules_to_generate_predictions"]:
        rule = dict(rule) if isinstance(rule, Mapping) else {"blocking_rule": rule}
        rule["blocking_rule"] = spark_sql(rule["blocking_rule"])
        rule["sql_dialect"] = "spark"
        rules.append(rule)
    settings["blocking_rules_to_generate_predictions"] = rules
    return settings


def record_holders(spark, records, links: pa.Table | None) -> pa.Table:
    """``frequencies.record_holders`` of the model input ``records`` (a Spark DataFrame): the profile edges
    by the same SQL on Spark, then the components on the driver from the two key columns."""
    records.createOrReplaceTempView("customer360_holder_records")
    try:
        edges = spark.sql(spark_sql(frequencies.profile_edges_sql("customer360_holder_records"))).toArrow()
    finally:
        spark.catalog.dropTempView("customer360_holder_records")
    keys = records.select("unique_id").orderBy("unique_id").toArrow().column("unique_id")
    return frequencies.holders(keys, [links, edges])


def term_frequency_frames(spark, records, columns: Collection[str], holders: pa.Table | None = None) -> dict[str, Any]:
    """``frequencies.term_frequency_tables`` on Spark, from the same SQL: each value's share of the records
    held by someone else (persisted; the caller unpersists them). ``holders`` as ``record_holders``
    gives (computed here without links when absent)."""
    if not columns:
        return {}
    if holders is None:
        holders = record_holders(spark, records, None)
    records.createOrReplaceTempView("customer360_tf_records")
    holder_frame = spark.createDataFrame(holders).persist()
    holder_frame.createOrReplaceTempView("customer360_tf_holders")
    frames = {
        column: spark.sql(
            spark_sql(frequencies.term_frequency_sql("customer360_tf_records", "customer360_tf_holders", column))
        ).persist()
        for column in columns
    }
    for frame in frames.values():
        frame.count()  # computed while the holders are cached
    holder_frame.unpersist()
    return frames


def score_and_decide(
    spark,
    records,
    model: Mapping[str, Any],
    fixed: float | None = None,
    holders: pa.Table | None = None,
    joined: pa.Table | None = None,
    *,
    term_frequencies: Mapping[str, pa.Table] | None = None,
    kept: matching.Threshold | None = None,
    match_model_id: str | None = None,
) -> pa.Table:
    """``matching.score_and_decide`` with Splink's Spark backend on ``spark``; ``records`` the model input
    as a Spark DataFrame. The same SQL as on DuckDB, translated (``spark_sql``); the same threshold
    choice (``matching.choose_threshold``) on the probabilities collected to the driver. ``joined``
    (``unique_id``, ``matching.JOINED_COLUMN``): the pairs of one number are not scored.
    ``term_frequencies`` (Splink's lookups as Arrow tables) and ``kept`` (the threshold) as the DuckDB
    scoring takes them (``matching._score_into``); every pair is scored (no incremental scoring on Spark)."""
    from splink import Linker, SparkAPI

    before = {t.name for t in spark.catalog.listTables() if t.isTemporary}
    cached = []
    try:
        db_api = SparkAPI(spark_session=spark, register_udfs_automatically=False, break_lineage_method="persist")
        register_similarity_functions(spark)  # DuckDB's semantics under the names the levels call
        settings = spark_settings(model["splink"])
        if joined is not None:
            records = records.join(spark.createDataFrame(joined), on="unique_id", how="inner")
            settings = matching.unjoined_rules(settings)
        settings["retain_matching_columns"] = True
        settings["retain_intermediate_calculation_columns"] = True
        frame = db_api.register(records, table_name="person_records")
        linker = Linker(frame, settings, log_level=logging.WARNING)
        if term_frequencies is None:
            lookups = term_frequency_frames(spark, records, matching.tf_columns(settings), holders)
        else:
            lookups = {
                column: spark.createDataFrame(lookup).persist() for column, lookup in term_frequencies.items()
            }
        for column, lookup_frame in lookups.items():
            cached.append(lookup_frame)
            lookup = db_api.register(lookup_frame, table_name=f"tf_lookup_{column}")
            linker.table_management.register_term_frequency_lookup(lookup, column)
        scored = linker.inference.predict(threshold_match_probability=0.0, warning_mode="never")
        relation = scored.physical_name
        columns = spark.table(relation).columns
        if fixed is None and kept is not None:
            chosen = kept
        else:
            probability = (
                spark.sql(spark_sql(matching.threshold_probabilities_sql(relation, columns, model)))
                .toArrow().column(0).to_numpy()
            )
            chosen = matching.choose_threshold(probability, fixed)
        threshold = matching.double_sql(chosen.match_probability)
        explained = matching.explain_sql(relation, columns, model, 0.0, explain_from=threshold)
        return spark.sql(spark_sql(matching.decided_sql(explained, chosen, match_model_id))).toArrow()
    finally:
        for frame_ in cached:
            frame_.unpersist()
        for table in spark.catalog.listTables():  # Splink's views (persisted) and ours
            if table.isTemporary and table.name not in before:
                if spark.catalog.isCached(table.name):
                    spark.catalog.uncacheTable(table.name)
                spark.catalog.dropTempView(table.name)

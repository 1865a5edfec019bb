"""Splink alone, with ordinary settings: the baseline the identity pipeline is measured against.

What a user who knows Splink 5 and nothing of this project would run on the same person records:

- comparisons from ``splink.comparison_library`` for the columns that hold data (at least two distinct
  values, one of them on two records): ``NameComparison`` on given name and surname (term-frequency adjusted),
  ``DateOfBirthComparison`` on the birth date (a string in a declared format), ``JaroWinklerAtThresholds``
  on the street, ``ExactMatch`` on suburb, postcode and state (postcode and suburb term-frequency
  adjusted; Splink's ``PostcodeComparison`` parses UK postcodes only), ``DamerauLevenshteinAtThresholds``
  on a national id, ``EmailComparison`` on email and ``ExactMatch`` on phone;
- blocking on a few ordinary rules (same name, birth date, given name or surname + postcode, street +
  postcode, national id, email, phone), each kept when its columns are present;
- u by random sampling (seeded), m by expectation maximisation on two or three training blocks, the
  prior from deterministic rules (same national id; same name and birth date; same email) with an
  assumed recall of 0.7;
- predictions at match probability 0.5 and Splink's own ``cluster_pairwise_predictions_at_threshold``.

Every record is one table deduplicated as a whole (``dedupe_only``): the task the pipeline does, which
also links records within one source. The input columns are the ``COLUMNS`` vocabulary; FEBRL records
map onto it directly, the generator's onto it from ``int_identity__records`` (``from_identity_records``).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import duckdb
import pyarrow as pa

#: The input vocabulary (besides ``unique_id``).
COLUMNS = ("given_name", "surname", "date_of_birth", "street", "suburb", "postcode", "state",
           "national_id", "email", "phone")
THRESHOLD = 0.5
#: Thresholds tried for the oracle row (best F1 against the truth: not available to a user).
ORACLE_THRESHOLDS = (0.01, 0.05, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 0.95, 0.99, 0.999)
PRIOR_RECALL = 0.7
U_MAX_PAIRS = 1e6
U_SEED = 360

#: Prediction blocking rules, each used when all its columns hold data.
BLOCKING_RULES: tuple[tuple[str, ...], ...] = (
    ("given_name", "surname"),
    ("date_of_birth",),
    ("given_name", "postcode"),
    ("surname", "postcode"),
    ("street", "postcode"),
    ("national_id",),
    ("email",),
    ("phone",),
)
#: Candidate EM training blocks, in order of preference; the first three available are used.
TRAINING_RULES: tuple[tuple[str, ...], ...] = (
    ("given_name", "surname"),
    ("date_of_birth",),
    ("national_id",),
    ("email",),
    ("postcode",),
)
#: Deterministic rules for the prior, each used when all its columns hold data.
PRIOR_RULES: tuple[tuple[str, ...], ...] = (
    ("national_id",),
    ("given_name", "surname", "date_of_birth"),
    ("email",),
)


def available_columns(records: pa.Table) -> set[str]:
    """Columns of the vocabulary that can tell records apart and bring them together: at least two
    distinct values, and some value on two records (a column whose values never repeat, such as an id
    number only one source carries, gives EM and blocking no pairs)."""
    con = duckdb.connect(":memory:")
    try:
        con.register("records", records)
        present = [c for c in COLUMNS if c in records.column_names]
        if not present:
            return set()
        counts = con.execute(
            "select " + ", ".join(f"count(distinct {c}), count({c})" for c in present) + " from records"
        ).fetchone()
    finally:
        con.close()
    return {c for i, c in enumerate(present) if counts[2 * i] >= 2 and counts[2 * i + 1] > counts[2 * i]}


def _rules(candidates: Iterable[tuple[str, ...]], columns: set[str]) -> list[tuple[str, ...]]:
    return [rule for rule in candidates if set(rule) <= columns]


def comparisons(columns: set[str], date_format: str):
    """Splink comparison creators for the available columns."""
    import splink.comparison_library as cl

    out = []
    for name in ("given_name", "surname"):
        if name in columns:
            out.append(cl.NameComparison(name).configure(term_frequency_adjustments=True))
    if "date_of_birth" in columns:
        out.append(cl.DateOfBirthComparison("date_of_birth", input_is_string=True, datetime_format=date_format))
    if "street" in columns:
        out.append(cl.JaroWinklerAtThresholds("street", [0.9, 0.7]))
    if "suburb" in columns:
        out.append(cl.ExactMatch("suburb").configure(term_frequency_adjustments=True))
    if "postcode" in columns:
        out.append(cl.ExactMatch("postcode").configure(term_frequency_adjustments=True))
    if "state" in columns:
        out.append(cl.ExactMatch("state"))
    if "national_id" in columns:
        out.append(cl.DamerauLevenshteinAtThresholds("national_id", [1, 2]))
    if "email" in columns:
        out.append(cl.EmailComparison("email"))
    if "phone" in columns:
        out.append(cl.ExactMatch("phone").configure(term_frequency_adjustments=True))
    return out


@dataclass(frozen=True)
class BaselinePlan:
    """The settings a user would write for these columns, plus the training choices."""
    columns: tuple[str, ...]
    settings: dict[str, Any]
    blocking_rules: list[tuple[str, ...]]
    training_rules: list[tuple[str, ...]]
    prior_rules: list[tuple[str, ...]]


def plan(columns: set[str], date_format: str = "%Y-%m-%d") -> BaselinePlan:
    """Settings dictionary (DuckDB dialect) and training rules for the available ``columns``."""
    from splink import SettingsCreator, block_on

    blocking = _rules(BLOCKING_RULES, columns)
    training = _rules(TRAINING_RULES, columns)[:3]
    prior = _rules(PRIOR_RULES, columns)
    comps = comparisons(columns, date_format)
    if not comps or not blocking or not prior or not training:
        raise ValueError(f"too few columns for Splink alone: {sorted(columns)}")
    settings = SettingsCreator(
        link_type="dedupe_only",
        comparisons=comps,
        blocking_rules_to_generate_predictions=[block_on(*rule) for rule in blocking],
        retain_matching_columns=False,
    ).create_settings_dict(sql_dialect_str="duckdb")
    return BaselinePlan(tuple(sorted(columns)), settings, blocking, training, prior)


def rule_sql(rule: Sequence[str]) -> str:
    return " and ".join(f"l.{c} = r.{c}" for c in rule)


@dataclass
class BaselineResult:
    clusters: dict[str, str]  # record key → Splink cluster id, for every record given to Splink
    oracle: dict[float, dict[str, str]] = field(default_factory=dict)  # threshold → clustering
    plan: BaselinePlan | None = None
    seconds: float = 0.0
    records: int = 0


def run(records: pa.Table, date_format: str = "%Y-%m-%d", oracle: bool = True) -> BaselineResult:
    """Train, predict and cluster ``records`` (``unique_id`` + ``COLUMNS``) as Splink alone would."""
    from splink import DuckDBAPI, Linker
    from splink.internals.exceptions import EMTrainingException

    t0 = time.perf_counter()
    p = plan(available_columns(records), date_format)
    con = duckdb.connect(":memory:")
    try:
        db_api = DuckDBAPI(con)
        frame = db_api.register(records, table_name="baseline_records")
        # Splink's warnings (levels EM never observed, the u-sampling size) are advice, not failures
        linker = Linker(frame, p.settings, log_level=logging.ERROR)
        linker.training.estimate_probability_two_random_records_match(
            [rule_sql(r) for r in p.prior_rules], recall=PRIOR_RECALL
        )
        linker.training.estimate_u_using_random_sampling(max_pairs=U_MAX_PAIRS, seed=U_SEED)
        trained = 0
        for rule in p.training_rules:
            try:
                linker.training.estimate_parameters_using_expectation_maximisation(rule_sql(rule))
                trained += 1
            except EMTrainingException:  # no pairs under this rule: a user would drop it and go on
                continue
        if not trained:
            raise ValueError("no EM training rule found record pairs")
        low = min(ORACLE_THRESHOLDS) if oracle else THRESHOLD
        scored = linker.inference.predict(threshold_match_probability=low)

        def clustered(threshold: float) -> dict[str, str]:
            clusters = linker.clustering.cluster_pairwise_predictions_at_threshold(scored, threshold)
            rows = con.sql(f"select unique_id, cluster_id from {clusters.physical_name}").fetchall()
            return {str(u): str(c) for u, c in rows}

        result = BaselineResult(clustered(THRESHOLD), plan=p, records=records.num_rows)
        result.seconds = time.perf_counter() - t0  # what a user's run costs; the oracle's clusterings are extra
        if oracle:
            result.oracle = {t: clustered(t) for t in ORACLE_THRESHOLDS}
    finally:
        con.close()
    return result


def to_table(rows: Sequence[Mapping[str, Any]]) -> pa.Table:
    """Records (dicts with ``unique_id`` and some of ``COLUMNS``) as an Arrow table of strings."""
    names = ["unique_id"] + [c for c in COLUMNS if any(c in r for r in rows)]
    return pa.table({n: pa.array([r.get(n) for r in rows], pa.string()) for n in names})


#: int_identity__records → the baseline vocabulary (records with at least one of these fields).
IDENTITY_RECORDS_SQL = """
with mapped as (
    select
        cast(record_key as varchar) as unique_id,
        cast(first_name as varchar) as given_name,
        cast(last_name as varchar) as surname,
        strftime(cast(birth_date as date), '%Y-%m-%d') as date_of_birth,
        cast(address_line_1 as varchar) as street,
        cast(postal_code as varchar) as postcode,
        cast(national_id as varchar) as national_id,
        cast(email_key as varchar) as email,
        cast(phone_e164 as varchar) as phone
    from build.intermediate.int_identity__records
)
select *
from mapped
where coalesce(given_name, surname, date_of_birth, street, postcode, national_id, email, phone) is not null
order by unique_id
"""


def from_identity_records(db: str) -> pa.Table:
    """The person records of a built DuckDB file (read-only), in the baseline vocabulary."""
    con = duckdb.connect()
    try:
        quoted = str(db).replace("'", "''")
        con.execute(f"attach '{quoted}' as build (read_only)")
        return con.sql(IDENTITY_RECORDS_SQL).to_arrow_table()
    finally:
        con.close()

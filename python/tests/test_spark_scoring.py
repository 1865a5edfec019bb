"""Scoring on Spark (customer360.spark.scoring, customer360.spark.session).

The similarity functions the translated model SQL calls on Spark must be DuckDB's, value for value (to
the last bit), on names, streets and strings with characters outside ASCII, where DuckDB counts bytes.
The same pairs show that Splink's jar (``jaro_winkler``, ``damerau_levenshtein``) and Spark 4.3's
built-in ``jaro_winkler_similarity`` give other values, so the comparison fails if either stood behind
the names the SQL calls. Last, a model trained here scores the same pairs with the same levels and
decisions on Splink's Spark backend as on its DuckDB backend. Runs in .venv-spark with a JDK (make
test-spark); the Spark tests are skipped without pyspark or a JDK.
"""

from __future__ import annotations

import datetime as dt
import os
import random
import shutil

import duckdb
import pyarrow as pa
import pytest
from rapidfuzz.distance import DamerauLevenshtein, JaroWinkler

from customer360.spark import session

NAMES = [
    "renée", "ruth", "rené", "renee", "zoë", "zoe", "józef", "jozef", "søren", "soren", "müller", "mueller",
    "muller", "françois", "francois", "łukasz", "lukasz", "ñandú", "nandu", "björk", "bjork", "o'brien",
    "obrien", "márquez", "marquez", "ångström", "angstrom", "martha", "marhta", "dwayne", "duane", "dixon",
    "dicksonx", "jones", "johnson", "anna", "ann", "elizabeth", "elisabeth", "liz", "smith", "smyth", "a", "",
    "12 main st", "21 main st", "298 cedar ave", "213 prospect ave", "601 main st", "622 birch st",
    "straße 5", "strasse 5", "中村", "中川", "😀 face", "face 😀", "ǅemal", "džemal",
]
ALPHABET = "abcdeorstn éèñøüßłåç'-ıİ中😀"


def _pairs(count: int = 4000, seed: int = 18) -> list[tuple[str, str]]:
    """Every pair of NAMES, then strings one to three random edits apart (ASCII and not)."""
    rng = random.Random(seed)
    pairs = [(a, b) for a in NAMES for b in NAMES]
    while len(pairs) < count:
        random_text = "".join(rng.choice(ALPHABET) for _ in range(rng.randint(1, 10)))
        a = rng.choice(NAMES) if rng.random() < 0.5 else random_text
        b = list(a)
        for _ in range(rng.randint(1, 3)):
            op = rng.randrange(4)
            if op == 0 and b:
                b[rng.randrange(len(b))] = rng.choice(ALPHABET)
            elif op == 1:
                b.insert(rng.randint(0, len(b)), rng.choice(ALPHABET))
            elif op == 2 and b:
                del b[rng.randrange(len(b))]
            elif op == 3 and len(b) > 1:
                i = rng.randrange(len(b) - 1)
                b[i], b[i + 1] = b[i + 1], b[i]
        pairs.append((a, "".join(b)))
    return pairs


PAIRS = _pairs()


@pytest.fixture(scope="module")
def duckdb_values() -> dict[int, tuple[float, int]]:
    """DuckDB's jaro_winkler_similarity and damerau_levenshtein of every pair, by position."""
    table = pa.table({"i": list(range(len(PAIRS))), "a": [a for a, _ in PAIRS], "b": [b for _, b in PAIRS]})
    con = duckdb.connect()
    con.register("pairs", table)
    rows = con.execute("select i, jaro_winkler_similarity(a, b), damerau_levenshtein(a, b) from pairs").fetchall()
    return {i: (jw, dl) for i, jw, dl in rows}


def test_the_pairs_tell_bytes_from_characters(duckdb_values):
    """Without byte semantics the functions would differ: rapidfuzz on characters gives other values."""
    jw_chars = sum(JaroWinkler.similarity(a, b) != duckdb_values[i][0] for i, (a, b) in enumerate(PAIRS) if a or b)
    dl_chars = sum(DamerauLevenshtein.distance(a, b) != duckdb_values[i][1] for i, (a, b) in enumerate(PAIRS))
    assert jw_chars > 100 and dl_chars > 100


def test_the_python_functions_are_duckdbs(duckdb_values):
    for i, (a, b) in enumerate(PAIRS):
        jw, dl = duckdb_values[i]
        assert session.jaro_winkler_similarity(a, b) == jw, (a, b)
        assert session.damerau_levenshtein(a, b) == dl, (a, b)
    assert session.jaro_winkler_similarity("", "") == 0.0  # DuckDB's; rapidfuzz says 1.0
    assert session.jaro_winkler_similarity(None, "a") is None and session.damerau_levenshtein("a", None) is None


def _java_home() -> str | None:
    return os.environ.get("JAVA_HOME") or (shutil.which("java") and "path")


@pytest.fixture(scope="module")
def spark(tmp_path_factory):
    pytest.importorskip("pyspark")
    pytest.importorskip("splink")
    if not _java_home():
        pytest.skip("no JDK for Spark")
    from splink.backends.spark import similarity_jar_location

    work = tmp_path_factory.mktemp("spark_scoring")
    session.python_workers()
    spark = session.get_session(session.local_settings(work, cores=1, memory="1g"))
    # Splink's jar, for the comparison that must fail (ADD JAR: spark.jars is read only when the JVM starts)
    spark.sql(f"add jar '{similarity_jar_location()}'")
    session.prepare_session(spark, warehouse=work, environ={"CUSTOMER360_PII_SALT": "test-salt-of-sixteen-plus"})
    table = pa.table({"i": list(range(len(PAIRS))), "a": [a for a, _ in PAIRS], "b": [b for _, b in PAIRS]})
    spark.createDataFrame(table).createOrReplaceTempView("pairs")
    yield spark
    spark.stop()


def _differences(spark, duckdb_values, jw_sql: str, dl_sql: str) -> tuple[int, int]:
    """How many pairs get another Jaro-Winkler / Damerau-Levenshtein from the two Spark SQL expressions."""
    rows = spark.sql(f"select i, {jw_sql} as jw, {dl_sql} as dl from pairs").collect()
    assert len(rows) == len(PAIRS)
    jw = sum(row.jw != duckdb_values[row.i][0] for row in rows)
    dl = sum(row.dl is None or int(row.dl) != duckdb_values[row.i][1] for row in rows)
    return jw, dl


def test_the_functions_the_translated_sql_calls_are_duckdbs(spark, duckdb_values):
    from customer360.spark.scoring import spark_sql

    jw_sql = spark_sql("jaro_winkler_similarity(a, b)")
    dl_sql = spark_sql("damerau_levenshtein(a, b)")
    assert jw_sql.lower().startswith(session.JARO_WINKLER_FUNCTION + "(")  # not Spark's built-in name
    assert _differences(spark, duckdb_values, jw_sql, dl_sql) == (0, 0)


def test_the_jar_and_spark_built_in_would_fail_that_comparison(spark, duckdb_values):
    """The same comparison with Splink's jar functions, and with Spark's own jaro_winkler_similarity."""
    from pyspark.sql.types import DoubleType

    spark.udf.registerJavaFunction("splink_jar_jaro_winkler", "uk.gov.moj.dash.linkage.JaroWinklerSimilarity",
                                   DoubleType())
    spark.udf.registerJavaFunction("splink_jar_damerau_levenshtein", "uk.gov.moj.dash.linkage.LevDamerauDistance",
                                   DoubleType())
    jar_jw, jar_dl = _differences(spark, duckdb_values, "splink_jar_jaro_winkler(a, b)",
                                  "splink_jar_damerau_levenshtein(a, b)")
    built_in_jw, _ = _differences(spark, duckdb_values, "jaro_winkler_similarity(a, b)", "damerau_levenshtein(a, b)")
    assert jar_jw > 0 and jar_dl > 0 and built_in_jw > 0, (jar_jw, jar_dl, built_in_jw)


def _population() -> pa.Table:
    """int_identity__records rows of 60 people, two per household, three records each (exact, a typo in
    the first name, no email); a third of the first names carry characters outside ASCII."""
    first = ["renée", "zoë", "józef", "søren", "anna", "brian", "carla", "derek", "elena", "frank", "grace",
             "henry"]
    last = ["müller", "ibáñez", "abbot", "baxter", "croft", "dunmore", "ellery", "fairlie", "garnet", "holloway"]
    rng = random.Random(5)
    rows = []
    for p in range(60):
        household = p // 2
        name = first[p % len(first)] + ("" if p < len(first) else "abcdefgh"[p // len(first)])
        surname = last[household % len(last)] + ("" if household < len(last) else "e" * (household // len(last)))
        person = {
            "record_kind": "person_fields", "first_name": name, "first_name_canonical": name,
            "first_name_keys": [name], "is_known_first_name": True, "middle_initial": None, "last_name": surname,
            "email_key": f"{p}.{household}@example.com", "phone_e164": None, "national_id": None,
            "birth_date": dt.date(1950 + p % 40, 1 + p % 12, 1 + p % 27),
            "address_line_1": f"{10 + household} MAIN ST", "postal_code": f"{2000 + household}", "city": "SPRINGFIELD",
        }
        i = rng.randrange(1, len(name) - 1)
        typo = name[:i] + name[i + 1] + name[i] + name[i + 2:]
        variants = [person, {**person, "first_name": typo, "first_name_canonical": typo, "first_name_keys": [typo]},
                    {**person, "email_key": None}]
        for v, row in enumerate(variants):
            rows.append({"record_key": f"src:t:{p}-{v}", **row})
    return pa.Table.from_pylist(rows)


def test_splinks_spark_backend_scores_as_its_duckdb_backend(spark):
    from customer360.frames import to_model_result
    from customer360.identity import frequencies, matching, training
    from customer360.identity.prepare import prepare_records
    from customer360.spark.scoring import record_holders

    model_input = prepare_records(_population())
    model, _ = training.train(model_input)
    # each person's exact record and the one with a typo are known to be one person (term frequencies, §72)
    links = pa.table({"record_key_a": [f"src:t:{p}-0" for p in range(60)], "record_key_b": [f"src:t:{p}-1" for p in range(60)]})
    holders = frequencies.record_holders(model_input, links)
    assert len(set(holders.column("holder").to_pylist())) == 120  # 180 records, 60 pairs of them one holder
    on_duckdb = matching.score_and_decide(model_input, model, holders=holders)
    temporary = {t.name for t in spark.catalog.listTables() if t.isTemporary}
    spark_input = to_model_result(model_input, spark)
    assert record_holders(spark, spark_input, links).equals(holders)  # the profile edges by Spark's SQL
    on_spark = matching.score_and_decide(spark_input, model, spark=spark, holders=holders)
    assert {t.name for t in spark.catalog.listTables() if t.isTemporary} == temporary  # Splink's views dropped
    key = ["record_key_a", "record_key_b"]
    exact = ["pair_decision", "blocking_rule", "comparison_levels", "match_probability_threshold",
             "threshold_method", "expected_precision", "expected_recall"]
    duck = {tuple(r[k] for k in key): r for r in on_duckdb.to_pylist()}
    sparked = {tuple(r[k] for k in key): r for r in on_spark.to_pylist()}
    assert len(duck) > 100 and duck.keys() == sparked.keys()
    assert {"link", "apart"} <= {r["pair_decision"] for r in duck.values()}
    for pair, row in duck.items():
        assert {c: sparked[pair][c] for c in exact} == {c: row[c] for c in exact}, pair
        # Spark's log and pow may differ from DuckDB's in the last bits (DECISIONS §51)
        assert sparked[pair]["match_weight"] == pytest.approx(row["match_weight"], rel=1e-12, abs=1e-12)
        assert sparked[pair]["match_probability"] == pytest.approx(row["match_probability"], rel=1e-12, abs=1e-15)

    # the pairs the deterministic links already join are left out on both backends alike (DECISIONS §78)
    from customer360.identity import clustering

    joined = clustering.joined_before_scoring(model_input.column("unique_id"), links)
    duck_part = matching.score_and_decide(model_input, model, holders=holders, joined=joined)
    spark_part = matching.score_and_decide(
        spark_input, model, spark=spark, holders=holders,
        joined=pa.table({"unique_id": model_input.column("unique_id"), matching.JOINED_COLUMN: joined}),
    )
    number = dict(zip(model_input.column("unique_id").to_pylist(), joined.tolist()))
    left = {tuple(r[k] for k in key): r for r in duck_part.to_pylist()}
    assert left.keys() == {tuple(r[k] for k in key) for r in spark_part.to_pylist()}
    assert left.keys() == {pair for pair in duck if number[pair[0]] != number[pair[1]]}
    assert len(left) < len(duck) - 50  # each person's exact and typed record: scored before, not now
    assert all(left[pair]["pair_decision"] == duck[pair]["pair_decision"] for pair in left)

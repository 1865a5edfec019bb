"""The local SparkSession of a dbt-spark ``session`` build: the PII salt as a session variable and the
landing step's file inspection as a SQL function.

dbt-spark's session cursor calls ``SparkSession.builder.enableHiveSupport().config(...).getOrCreate()``
with the profile's ``server_side_parameters`` before every statement; the first call starts the JVM, so
static settings (master, warehouse directory, metastore) come from the profile (``profiles.yml``, target
``spark``). ``prepare_session`` declares the session variable ``customer360_pii_salt`` that the macro
``spark__pii_hash`` reads: the value is bound as a parameter, so it is in no SQL text, compiled file or
log. The salt comes from ``CUSTOMER360_PII_SALT``, else from a random salt kept beside the warehouse
(``<warehouse>.pii_salt``, mode 600), as the DuckDB build keeps one beside its private file.
``prepare_session`` also registers ``customer360_strip_accents``, ``damerau_levenshtein`` and
``customer360_jaro_winkler_similarity`` (DuckDB functions Spark lacks or computes otherwise, as Python
functions with DuckDB's semantics: the
two similarity functions compare UTF-8 bytes, as DuckDB's do, and serve both the SQL models and Splink's
Spark backend, ``customer360.spark.scoring``) and ``customer360_inspect_file(path, format)`` (the same Python function
the DuckDB build registers through its plugin, ``customer360.landing.files.inspect_json``) so the shared
part of the landing macro runs unchanged; it reads the driver's files (local mode, or a driver that
mounts the landing folder).
"""

from __future__ import annotations

import os
import sys
import threading
import unicodedata
from pathlib import Path

VARIABLE = "customer360_pii_salt"
INSPECT_FUNCTION = "customer360_inspect_file"
QUOTE_FUNCTION = "customer360_unterminated_quote"
STRIP_ACCENTS_FUNCTION = "customer360_strip_accents"
DAMERAU_LEVENSHTEIN_FUNCTION = "damerau_levenshtein"
#: Not "jaro_winkler_similarity": Spark 4.3 has a built-in of that name (org.apache.spark.sql.catalyst.
#: expressions.JaroWinkler), which resolves before any session function and differs from DuckDB's.
JARO_WINKLER_FUNCTION = "customer360_jaro_winkler_similarity"


def damerau_levenshtein(left: str | None, right: str | None) -> int | None:
    """DuckDB's damerau_levenshtein (edits with adjacent transpositions), which Spark lacks. DuckDB counts
    the edits of the strings' UTF-8 bytes, not of their characters ('renée' / 'ruth': 5, not 4), so this
    is rapidfuzz's distance of the two byte strings (the same value on every pair measured, DECISIONS §43)."""
    if left is None or right is None:
        return None
    from rapidfuzz.distance import DamerauLevenshtein

    return int(DamerauLevenshtein.distance(left.encode("utf-8"), right.encode("utf-8")))


def jaro_winkler_similarity(left: str | None, right: str | None) -> float | None:
    """DuckDB's jaro_winkler_similarity (prefix weight 0.1); neither Spark's built-in of that name nor the
    one of Splink's jar (``uk.gov.moj.dash.linkage.JaroWinklerSimilarity``), which both differ from it. DuckDB's
    implementation is rapidfuzz's algorithm over the UTF-8 bytes, so this is rapidfuzz's similarity of
    the two byte strings, to the last bit; two empty strings are 0.0 in DuckDB (1.0 in rapidfuzz)."""
    if left is None or right is None:
        return None
    if not left and not right:
        return 0.0
    from rapidfuzz.distance import JaroWinkler

    return float(JaroWinkler.similarity(left.encode("utf-8"), right.encode("utf-8")))


def _vectorised(function, return_type: str):
    """``function`` of two strings as a pandas UDF (Arrow batches, one Python call per batch)."""
    import pandas as pd
    from pyspark.sql.functions import pandas_udf

    dtype = "Int64" if return_type == "bigint" else "Float64"

    def batch(left, right):
        values = [
            function(a if isinstance(a, str) else None, b if isinstance(b, str) else None)
            for a, b in zip(left.tolist(), right.tolist())
        ]
        return pd.Series(pd.array(values, dtype=dtype), index=left.index)

    # pandas_udf reads the kind of UDF from real type hints (this module's annotations are strings)
    batch.__annotations__ = {"left": pd.Series, "right": pd.Series, "return": pd.Series}
    return pandas_udf(batch, return_type)


def register_similarity_functions(spark) -> None:
    """Register ``damerau_levenshtein`` and ``customer360_jaro_winkler_similarity`` (DuckDB's semantics) on
    ``spark``, replacing any session function of those names (Splink's jar registers its own
    ``damerau_levenshtein``)."""
    spark.udf.register(DAMERAU_LEVENSHTEIN_FUNCTION, _vectorised(damerau_levenshtein, "bigint"))
    spark.udf.register(JARO_WINKLER_FUNCTION, _vectorised(jaro_winkler_similarity, "double"))


def strip_accents(text: str | None) -> str | None:
    """DuckDB's strip_accents: combining marks removed after canonical decomposition ('Müller' ->
    'Muller'; 'ø', 'ł' have no mark and stay). Spark has no such function."""
    if text is None:
        return None
    decomposed = unicodedata.normalize("NFD", text)
    return unicodedata.normalize("NFC", "".join(c for c in decomposed if unicodedata.category(c) != "Mn"))
WAREHOUSE_ENV = "CUSTOMER360_SPARK_WAREHOUSE"
DEFAULT_WAREHOUSE = "data/spark"

_lock = threading.Lock()
_salted: set[int] = set()


def warehouse_dir(environ: dict | None = None) -> Path:
    """Where the Spark build keeps its tables and metastore (env CUSTOMER360_SPARK_WAREHOUSE)."""
    environ = os.environ if environ is None else environ
    return Path(environ.get(WAREHOUSE_ENV) or DEFAULT_WAREHOUSE)


def local_settings(warehouse: Path, cores: int = 2, memory: str = "4g") -> dict[str, str]:
    """The settings of a local session over ``warehouse`` (the profile's server_side_parameters repeat
    them; ``customer360.spark.compare`` uses these to reopen the same tables after a build)."""
    return {
        "spark.master": f"local[{cores}]",
        "spark.driver.memory": memory,
        "spark.ui.enabled": "false",
        "spark.sql.session.timeZone": "UTC",
        "spark.sql.shuffle.partitions": str(cores),
        "spark.default.parallelism": str(cores),
        "spark.sql.adaptive.enabled": "true",
        "spark.sql.warehouse.dir": f"{warehouse}/warehouse",
        "spark.hadoop.javax.jdo.option.ConnectionURL": "jdbc:derby:;databaseName=metastore_db;create=true",
        "spark.driver.extraJavaOptions": f"-Dderby.system.home={warehouse} -Duser.timezone=UTC",
        "spark.sql.legacy.createHiveTableByDefault": "false",
        "spark.sql.parquet.outputTimestampType": "TIMESTAMP_MICROS",
    }


def get_session(settings: dict[str, str]):
    """The process's SparkSession (Hive metastore on, as dbt-spark's session cursor builds it)."""
    from pyspark.sql import SparkSession

    builder = SparkSession.builder.enableHiveSupport()
    for key, value in settings.items():
        builder = builder.config(key, value)
    return builder.getOrCreate()


def python_workers() -> None:
    """Spark's Python workers (UDFs) run this interpreter, the one with the customer360 package."""
    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    os.environ.setdefault("PYSPARK_DRIVER_PYTHON", sys.executable)


def prepare_session(spark, warehouse: Path | None = None, environ: dict | None = None) -> None:
    """Once per session: declare ``customer360_pii_salt`` (bound as a parameter) and register
    ``customer360_inspect_file`` and ``customer360_unterminated_quote`` (the landing step's)."""
    from customer360.landing.files import inspect_json, unterminated_quote_json
    from customer360.privacy.salt_plugin import resolve_salt

    with _lock:
        if id(spark) in _salted:
            return
        warehouse = warehouse if warehouse is not None else _session_warehouse(spark)
        salt = resolve_salt(str(warehouse), environ)
        spark.sql(f"declare or replace variable {VARIABLE} string")
        spark.sql(f"set variable {VARIABLE} = :salt", args={"salt": salt})
        spark.udf.register(INSPECT_FUNCTION, inspect_json, "string")
        spark.udf.register(QUOTE_FUNCTION, unterminated_quote_json, "string")
        spark.udf.register(STRIP_ACCENTS_FUNCTION, strip_accents, "string")
        register_similarity_functions(spark)
        _salted.add(id(spark))


def _session_warehouse(spark) -> Path:
    """The folder above the session's warehouse directory (the salt file sits beside it)."""
    location = spark.conf.get("spark.sql.warehouse.dir")
    location = location.removeprefix("file:")
    return Path(location).parent

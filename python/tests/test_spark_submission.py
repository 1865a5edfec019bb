"""The Spark engine's own code: the ``session`` submission helper for dbt Python models (registered on
dbt-spark's adapter), the session preparation (PII salt, landing inspection) and the Arrow hand-over of
``customer360.frames``. Runs in .venv-spark (make test-spark); skipped where dbt-spark is not installed.
The last test starts a real local SparkSession (needs a JDK; about 30 s)."""

from __future__ import annotations

import datetime as dt
import os
import shutil
from pathlib import Path

import pyarrow as pa
import pytest

pytest.importorskip("dbt.adapters.spark")

from dbt.adapters.spark.impl import SparkAdapter  # noqa: E402

from customer360 import frames  # noqa: E402
from customer360.spark import session as spark_session  # noqa: E402
from customer360.spark import submission  # noqa: E402


class _Credentials:
    def __init__(self, method):
        self.method = method
        self.server_side_parameters = {"spark.master": "local[1]"}


class _Config:
    def __init__(self, method):
        self.credentials = _Credentials(method)


class _This:
    """What dbt-spark's compiled Python model has as ``dbt.this``."""

    def __init__(self, schema, identifier):
        self.schema, self.identifier = schema, identifier

    def __repr__(self):
        return f"{self.schema}.{self.identifier}"


class _Adapter:
    """Enough of a SparkAdapter for its submission properties."""

    def __init__(self, method):
        self.config = _Config(method)


def test_install_registers_session_helper_and_default_for_session_method():
    submission.install()
    submission.install()  # idempotent
    helpers = SparkAdapter.python_submission_helpers.fget(_Adapter("session"))
    assert helpers["session"] is submission.SessionPythonJobHelper
    assert {"job_cluster", "all_purpose_cluster"} <= set(helpers)  # dbt-spark's own helpers stay
    assert SparkAdapter.default_python_submission_method.fget(_Adapter("session")) == "session"
    # other methods (thrift, http, odbc) keep dbt-spark's default: Databricks' all-purpose cluster
    assert SparkAdapter.default_python_submission_method.fget(_Adapter("thrift")) == "all_purpose_cluster"
    assert os.environ.get("PYSPARK_PYTHON")  # Python workers run an interpreter with the package


def test_submit_runs_the_compiled_model_in_the_session(monkeypatch):
    fake_spark = object()
    prepared = []
    monkeypatch.setattr(spark_session, "get_session", lambda settings: fake_spark)
    monkeypatch.setattr(spark_session, "prepare_session", lambda spark: prepared.append(spark))
    helper = submission.SessionPythonJobHelper({"alias": "m", "unique_id": "model.x.m"}, _Credentials("session"))
    code = "def model(dbt, session):\n    return 41\nresult['value'] = model(None, spark) + 1\nresult['spark'] = spark\n"
    result: dict = {}
    monkeypatch.setitem(__builtins__ if isinstance(__builtins__, dict) else __builtins__.__dict__, "result", result)
    helper.submit(code)
    assert result == {"value": 42, "spark": fake_spark}
    assert prepared == [fake_spark]


def test_submit_raises_the_models_error(monkeypatch):
    monkeypatch.setattr(spark_session, "get_session", lambda settings: object())
    monkeypatch.setattr(spark_session, "prepare_session", lambda spark: None)
    helper = submission.SessionPythonJobHelper({"alias": "m"}, _Credentials("session"))
    with pytest.raises(ZeroDivisionError):
        helper.submit("1 / 0\n")


class _FakeSparkFrame:
    def __init__(self, table):
        self._table = table

    def toArrow(self):  # noqa: N802 - pyspark's name
        return self._table


def test_frames_round_trip_types():
    instant = dt.datetime(2026, 1, 2, 3, 4, 5)
    from_spark = pa.table({
        "at": pa.array([instant], pa.timestamp("us", tz="UTC")),
        "name": pa.array(["a"], pa.string()),
    })
    table = frames.to_arrow(_FakeSparkFrame(from_spark))
    assert table.schema.field("at").type == pa.timestamp("us")  # naive UTC, as the DuckDB build's
    assert table.column("at")[0].as_py() == instant

    to_spark = frames._spark_compatible(pa.table({
        "at": pa.array([instant], pa.timestamp("ns")),
        "text": pa.array(["x"], pa.large_string()),
        "kind": pa.array(["k"]).dictionary_encode(),
    }))
    assert to_spark.schema.field("at").type == pa.timestamp("us", tz="UTC")
    assert to_spark.schema.field("text").type == pa.string()
    assert to_spark.schema.field("kind").type == pa.string()
    assert to_spark.column("at")[0].as_py() == instant.replace(tzinfo=dt.timezone.utc)

    duck_table = pa.table({"x": [1]})
    assert frames.to_model_result(duck_table, object()) is duck_table  # DuckDB takes Arrow back


@pytest.mark.skipif(not shutil.which("java") and not os.environ.get("JAVA_HOME"), reason="no JDK")
def test_a_model_runs_on_local_spark(tmp_path: Path, monkeypatch, capfd):
    """A real local session: the helper runs dbt-spark's kind of compiled code (model function, then
    saveAsTable), the salt is a session variable and the landing inspection a SQL function; a model's
    previous table is None before its first build, without Spark's not-found error being logged."""
    monkeypatch.setenv("CUSTOMER360_PII_SALT", "test-salt-of-sixteen-plus")
    submission.install()
    settings = spark_session.local_settings(tmp_path, cores=1, memory="1g")
    settings["spark.driver.extraJavaOptions"] = f"-Dderby.system.home={tmp_path} -Duser.timezone=UTC"
    csv = tmp_path / "t.csv"
    csv.write_text("a,b\n1,2\n")
    credentials = _Credentials("session")
    credentials.server_side_parameters = settings
    helper = submission.SessionPythonJobHelper({"alias": "m", "unique_id": "model.x.m"}, credentials)
    code = (
        "import pyarrow as pa\n"
        "from customer360.frames import to_arrow, to_model_result\n"
        "def model(dbt, session):\n"
        "    rows = to_arrow(session.sql('select 1 as n, timestamp\\'2026-01-02 03:04:05\\' as at'))\n"
        "    return to_model_result(rows.append_column('m', pa.array([2])), session)\n"
        "df = model(None, spark)\n"
        "df.write.mode('overwrite').format('parquet').saveAsTable('default.m')\n"
    )
    helper.submit(code)
    spark = spark_session.get_session(settings)
    try:
        row = spark.sql("select n, m, at from default.m").collect()[0]
        assert (row.n, row.m, row.at) == (1, 2, dt.datetime(2026, 1, 2, 3, 4, 5))
        assert spark.sql(f"select {spark_session.VARIABLE}").collect()[0][0] == "test-salt-of-sixteen-plus"
        report = spark.sql(f"select {spark_session.INSPECT_FUNCTION}('{csv}', 'csv')").collect()[0][0]
        assert '"a"' in report and '"is_present": true' in report
        capfd.readouterr()
        assert frames.previous_build(spark, _This("default", "not_built_yet")) is None
        assert "TABLE_OR_VIEW_NOT_FOUND" not in "".join(capfd.readouterr())
        assert frames.previous_build(spark, _This("default", "m"), "n").to_pylist() == [{"n": 1}]
        # SQL over DataFrames as temporary views (the clustering's record positions), dropped afterwards
        from customer360.identity import clustering

        records = spark.createDataFrame([("b",), ("a",), ("c",)], "record_key string")
        pairs = spark.createDataFrame(
            [("a", "c", 3.5, "link"), ("b", "c", -2.0, "apart"), ("a", "gone", 9.0, "link")],
            "record_key_a string, record_key_b string, match_weight double, pair_decision string",
        )
        records_sql, pairs_sql = clustering.positioned_sql("c360_r", "c360_p")
        positioned = frames.query_arrow(spark, pairs_sql, c360_r=records, c360_p=pairs).sort_by("record_position_b")
        assert positioned.select(list(clustering.POSITIONED_PAIR_COLUMNS)).to_pylist() == [
            {"record_position_a": 0, "record_position_b": 2, "match_weight": 3.5, "is_link": True},
            {"record_position_a": 1, "record_position_b": 2, "match_weight": -2.0, "is_link": False},
        ]
        numbered = frames.query_arrow(spark, records_sql, c360_r=records).sort_by("record_position")
        assert numbered.column("record_key").to_pylist() == ["a", "b", "c"]
        assert not spark.catalog.tableExists("c360_r") and not spark.catalog.tableExists("c360_p")
    finally:
        spark.stop()

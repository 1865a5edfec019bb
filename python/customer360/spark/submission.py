"""The ``session`` submission method: dbt Python models run in the dbt process's own SparkSession.

dbt-spark submits Python models only to Databricks (its helpers call Databricks' REST API), so in
session mode (``method: session``, local Spark or a driver on the cluster) a Python model has nowhere
to go. ``SessionPythonJobHelper`` runs the code dbt-spark generates for the model (the model function,
then ``dbtObj(spark.table)``, ``model(dbt, spark)`` and ``saveAsTable``) in this process with ``spark``
bound to the session the SQL runs in. ``install()`` registers it on ``SparkAdapter`` under the name
``session`` and makes it the default when the profile's method is ``session``; nothing else of dbt-spark
changes. It also prepares every session (PII salt, landing inspection: ``customer360.spark.session.prepare_session``).
"""

from __future__ import annotations

from typing import Any

from dbt.adapters.base import PythonJobHelper

SUBMISSION_METHOD = "session"


class SessionPythonJobHelper(PythonJobHelper):
    """Runs a compiled dbt Python model in the current process's SparkSession."""

    def __init__(self, parsed_model: dict, credentials: Any) -> None:
        self.parsed_model = parsed_model
        self.credentials = credentials

    def _session(self):
        from customer360.spark.session import prepare_session, get_session

        spark = get_session(dict(getattr(self.credentials, "server_side_parameters", None) or {}))
        prepare_session(spark)
        return spark

    def submit(self, compiled_code: str) -> None:
        name = self.parsed_model.get("unique_id") or self.parsed_model.get("alias", "python_model")
        namespace = {"__name__": f"dbt_python_model_{self.parsed_model.get('alias', 'model')}",
                     "spark": self._session()}
        exec(compile(compiled_code, f"<{name}>", "exec"), namespace)  # noqa: S102 - dbt's own compiled model code
        return None


def install() -> None:
    """Register the ``session`` helper on dbt-spark's adapter (idempotent)."""
    from dbt.adapters.spark import session as spark_session
    from dbt.adapters.spark.impl import SparkAdapter

    if getattr(SparkAdapter, "_customer360_session_helper", False):
        return
    from customer360.spark.session import python_workers

    python_workers()
    helpers = SparkAdapter.python_submission_helpers
    default_method = SparkAdapter.default_python_submission_method

    def python_submission_helpers(self):
        return {**helpers.fget(self), SUBMISSION_METHOD: SessionPythonJobHelper}

    def default_python_submission_method(self):
        if getattr(self.config.credentials, "method", None) == SUBMISSION_METHOD:
            return SUBMISSION_METHOD
        return default_method.fget(self)

    SparkAdapter.python_submission_helpers = property(python_submission_helpers)
    SparkAdapter.default_python_submission_method = property(default_python_submission_method)

    execute = spark_session.Cursor.execute

    def salted_execute(cursor, sql, *parameters):
        from customer360.spark.session import prepare_session, get_session

        prepare_session(get_session(cursor.server_side_parameters))
        return execute(cursor, sql, *parameters)

    spark_session.Cursor.execute = salted_execute
    SparkAdapter._customer360_session_helper = True

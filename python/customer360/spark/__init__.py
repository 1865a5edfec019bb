"""Apache Spark as the project's second engine (dbt-spark, session mode locally; see docs/spark.md).

- ``session``: the one place a local SparkSession is configured (warehouse, metastore, UTC, small
  shuffles) and given the PII salt as a session variable;
- ``submission``: the ``session`` submission method that runs dbt Python models in the dbt process's own
  SparkSession (dbt-spark itself submits Python models only to Databricks);
- ``dbt``: ``python -m customer360.spark.dbt <dbt arguments>``, dbt with the helper registered;
- ``compare``: the Spark build's published marts against a DuckDB build's, table by table.
"""

"""dbt-duckdb plugin (profiles.yml): dbt's database gets the build's share of the DuckDB memory budget
(``customer360.memory``: half of CUSTOMER360_MEMORY_LIMIT, else of 80% of the machine), so it and the
identity stage's in-memory database cannot together ask for more memory than the machine has."""

from __future__ import annotations

from dbt.adapters.duckdb.plugins import BasePlugin

from .memory import configure


class Plugin(BasePlugin):
    def configure_connection(self, conn) -> None:
        configure(conn, "build")

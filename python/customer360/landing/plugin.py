"""dbt-duckdb plugin: give every connection the DuckDB function ``customer360_inspect_file(path, format)``.

The landing step (macro ``land_sources``, run at the start of every ``dbt build``/``run``) calls it to
learn, before reading rows, whether each contract file exists and which columns its header has
(``customer360.landing.files``), and ``customer360_unterminated_quote(path, delimiter)`` to find the line
where a quoted field opens that is never closed. Both return JSON text; nothing of a row's content.
"""

from __future__ import annotations

from dbt.adapters.duckdb.plugins import BasePlugin

from .files import inspect_json, unterminated_quote_json

FUNCTION_NAME = "customer360_inspect_file"
QUOTE_FUNCTION_NAME = "customer360_unterminated_quote"


def register(conn) -> None:
    """Register the inspection function on a DuckDB connection or cursor (idempotent)."""
    for name, function in ((FUNCTION_NAME, inspect_json), (QUOTE_FUNCTION_NAME, unterminated_quote_json)):
        try:
            conn.create_function(name, function, ["VARCHAR", "VARCHAR"], "VARCHAR", side_effects=True)
        except Exception as error:  # already registered on this connection
            if "already exists" not in str(error):
                raise


class Plugin(BasePlugin):
    def configure_connection(self, conn) -> None:
        register(conn)

    def configure_cursor(self, cursor):
        register(cursor)
        return cursor

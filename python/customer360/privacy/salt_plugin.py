"""dbt-duckdb plugin: give every connection the PII salt as a DuckDB variable.

SQL reads it with ``getvariable('customer360_pii_salt')`` (macro ``pii_hash``), so the salt is set at
run time and never appears in compiled SQL, the manifest or the docs. The salt is taken from the
environment variable ``CUSTOMER360_PII_SALT``; when that is unset, from a salt file kept beside the
private database (created once with a random value, readable by its owner only), so hashes are
stable between builds on one installation without anyone having to manage a secret.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

from dbt.adapters.duckdb.plugins import BasePlugin

SALT_ENV = "CUSTOMER360_PII_SALT"
VARIABLE = "customer360_pii_salt"
MIN_LENGTH = 16


def salt_file_for(database_path: str) -> Path:
    """The salt file kept beside a private database file: ``<db>.pii_salt``."""
    return Path(f"{database_path}.pii_salt")


def resolve_salt(database_path: str, environ: dict | None = None) -> str:
    """The salt from the environment, else from (or newly written to) the salt file."""
    environ = os.environ if environ is None else environ
    salt = environ.get(SALT_ENV, "").strip()
    if salt:
        if len(salt) < MIN_LENGTH:
            raise ValueError(f"{SALT_ENV} must be at least {MIN_LENGTH} characters long")
        return salt
    path = salt_file_for(database_path)
    if path.exists():
        salt = path.read_text(encoding="utf-8").strip()
        if len(salt) >= MIN_LENGTH:
            return salt
    path.parent.mkdir(parents=True, exist_ok=True)
    salt = secrets.token_hex(32)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(salt + "\n")
    return salt


def read_salt(database_path: str, environ: dict | None = None) -> str:
    """The salt a build used (environment, else the salt file), without ever creating one."""
    environ = os.environ if environ is None else environ
    salt = environ.get(SALT_ENV, "").strip()
    if salt:
        return salt
    path = salt_file_for(database_path)
    if not path.exists():
        raise FileNotFoundError(f"no PII salt: {SALT_ENV} is unset and {path} does not exist")
    return path.read_text(encoding="utf-8").strip()


class Plugin(BasePlugin):
    """Sets the salt variable on the connection and on every cursor dbt opens from it."""

    def initialize(self, plugin_config: dict) -> None:
        database_path = plugin_config.get("database_path") or (
            self.creds.path if self.creds is not None else "customer360.duckdb"
        )
        self._salt = resolve_salt(str(database_path))

    def _set(self, conn) -> None:
        conn.execute(f"set variable {VARIABLE} = $salt", {"salt": self._salt})

    def configure_connection(self, conn) -> None:
        self._set(conn)

    def configure_cursor(self, cursor):
        self._set(cursor)
        return cursor

"""Provision Apache Superset from the repository: metadata database, admin user, connection and dashboard.

    .venv-superset/bin/python bi/superset/provision.py --bi data/customer360_bi.duckdb [--home data/superset]

Run with the Superset virtual environment's Python (make bi / make bi-test do). Idempotent:

1. the home directory (CUSTOMER360_SUPERSET_HOME, default data/superset) gets a random SECRET_KEY and a
   random admin password, each in its own file with mode 600, the first time only — no secret is in git;
2. `superset db upgrade` creates or migrates Superset's SQLite metadata database there;
3. `superset fab create-admin` creates the user `admin` (if absent), `superset init` its roles;
4. the asset bundle bi/superset/dashboard (database connection, datasets, charts, dashboard — the YAML
   of Superset's own export format) is zipped with the BI file's path filled in and imported with
   Superset's ImportAssetsCommand (the command behind `/api/v1/assets/import/`, made for assets kept under
   source control), in a child process with the app context; it overwrites what an earlier run imported,
   so a changed bundle or another BI path takes effect. (`superset import-dashboards` would keep the old
   connection, datasets and charts.)

The connection opens the BI file read-only with DuckDB's external access off (see
dashboard/databases/customer360_bi.yaml); this script never opens the BI file itself.
"""

from __future__ import annotations

import argparse
import os
import secrets
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]
BUNDLE = HERE / "dashboard"
CONFIG = HERE / "superset_config.py"
URI_PLACEHOLDER = "__CUSTOMER360_BI_URI__"
ADMIN = "admin"
DASHBOARD_SLUG = "customer-360"


def _secret_file(path: Path, make) -> str:
    """The secret in `path`, created with mode 600 on first use."""
    if not path.exists():
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
            handle.write(make() + "\n")
    return path.read_text(encoding="utf-8").strip()


def superset_env(home: Path) -> dict[str, str]:
    """Environment of every `superset` command: this config, this home, nothing interactive."""
    return dict(
        os.environ,
        SUPERSET_CONFIG_PATH=str(CONFIG),
        CUSTOMER360_SUPERSET_HOME=str(home),
        FLASK_APP="superset.app:create_app()",
        SUPERSET_LOAD_EXAMPLES="no",
    )


def _superset(home: Path, *args: str) -> subprocess.CompletedProcess:
    command = [str(Path(sys.executable).with_name("superset")), *args]
    result = subprocess.run(command, env=superset_env(home), capture_output=True, text=True)
    if result.returncode != 0:
        shown = " ".join("***" if before == "--password" else a for before, a in zip(["", *args], args))
        raise SystemExit(f"superset {shown} failed ({result.returncode}):\n{result.stdout[-4000:]}{result.stderr[-4000:]}")
    return result


def bundle_zip(bi_path: Path, out: Path) -> Path:
    """The dashboard bundle as Superset's import expects it, with the BI file's read-only URI filled in."""
    uri = f"duckdb:///{bi_path}"
    root = "customer360_dashboard"
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for path in sorted(BUNDLE.rglob("*.yaml")):
            text = path.read_text(encoding="utf-8").replace(URI_PLACEHOLDER, uri)
            archive.writestr(f"{root}/{path.relative_to(BUNDLE).as_posix()}", text)
    return out


def import_bundle(bundle: Path) -> None:
    """Import the asset bundle into the metadata database of SUPERSET_CONFIG_PATH (run in a child process)."""
    from zipfile import ZipFile

    from flask import g
    from superset.app import create_app

    app = create_app()
    with app.app_context():
        from superset import security_manager
        from superset.commands.importers.v1.assets import ImportAssetsCommand
        from superset.commands.importers.v1.utils import get_contents_from_bundle

        g.user = security_manager.find_user(username=ADMIN)
        with ZipFile(bundle) as archive:
            contents = get_contents_from_bundle(archive)
        ImportAssetsCommand(contents).run()


def provision(bi_path: Path, home: Path) -> None:
    bi_path = bi_path.resolve()
    if not bi_path.exists():
        raise SystemExit(f"BI database not found: {bi_path} (run `make build`, or `make dbt-test` for the test build)")
    home = home.resolve()
    home.mkdir(parents=True, exist_ok=True)
    home.chmod(0o700)
    _secret_file(home / "secret_key", lambda: secrets.token_urlsafe(48))
    password = _secret_file(home / "admin_password", lambda: secrets.token_urlsafe(18))

    _superset(home, "db", "upgrade")
    created = _superset(
        home, "fab", "create-admin", "--username", ADMIN, "--firstname", "customer360",
        "--lastname", "admin", "--email", "admin@localhost", "--password", password,
    )
    if "already exists" in created.stdout + created.stderr:
        _superset(home, "fab", "reset-password", "--username", ADMIN, "--password", password)
    _superset(home, "init")
    with tempfile.TemporaryDirectory() as tmp:
        bundle = bundle_zip(bi_path, Path(tmp) / "bundle.zip")
        command = [sys.executable, str(Path(__file__).resolve()), "--import-bundle", str(bundle), "--bi", str(bi_path)]
        result = subprocess.run(command, env=superset_env(home), capture_output=True, text=True)
        if result.returncode != 0:
            raise SystemExit(f"importing the dashboard bundle failed:\n{result.stdout[-4000:]}{result.stderr[-4000:]}")
    print(f"Superset home {home}: dashboard /superset/dashboard/{DASHBOARD_SLUG}/ reads {bi_path} read-only; "
          f"user {ADMIN}, password in {home / 'admin_password'}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--bi", required=True, type=Path, help="the BI DuckDB file the dashboard reads")
    parser.add_argument("--home", type=Path,
                        default=Path(os.environ.get("CUSTOMER360_SUPERSET_HOME") or REPO / "data" / "superset"),
                        help="Superset's home: secret key, admin password, metadata database")
    parser.add_argument("--import-bundle", type=Path, help=argparse.SUPPRESS)  # the child process of step 4
    args = parser.parse_args(argv)
    if args.import_bundle:
        import_bundle(args.import_bundle)
    else:
        provision(args.bi, args.home)
    return 0


if __name__ == "__main__":
    sys.exit(main())

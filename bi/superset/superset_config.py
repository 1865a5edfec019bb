"""Apache Superset configuration for customer360's BI dashboard (`make bi`, `make bi-test`).

Superset finds this file through SUPERSET_CONFIG_PATH (the Makefile and bi/superset/provision.py set it).
Everything Superset keeps lives in one home directory, CUSTOMER360_SUPERSET_HOME (default
`data/superset`; the test build uses `data/test/superset`), outside git:

- `secret_key`: Flask's SECRET_KEY, random, written by provision.py on first use (mode 600);
- `admin_password`: the password of the `admin` user, random, written the same way;
- `superset.db`: Superset's own metadata database (SQLite): users, the database connection, datasets,
  charts and the dashboard, all imported from bi/superset/dashboard by provision.py.

The data Superset shows comes from the BI file only, through a DuckDB connection opened read-only with
external file and network access switched off (bi/superset/dashboard/databases/customer360_bi.yaml).
No page loads anything from outside the server: the content security policy allows this origin only.
"""

from __future__ import annotations

import os
from pathlib import Path

_REPO = Path(__file__).resolve().parents[2]
HOME = Path(os.environ.get("CUSTOMER360_SUPERSET_HOME") or _REPO / "data" / "superset").resolve()
_SECRET_KEY_FILE = HOME / "secret_key"
if not _SECRET_KEY_FILE.exists():
    raise RuntimeError(
        f"{_SECRET_KEY_FILE} is missing: run `bi/superset/provision.py` (make bi / make bi-test) first"
    )

SECRET_KEY = _SECRET_KEY_FILE.read_text(encoding="utf-8").strip()
SQLALCHEMY_DATABASE_URI = f"sqlite:///{HOME / 'superset.db'}?check_same_thread=false"
DATA_DIR = str(HOME)
UPLOAD_FOLDER = str(HOME / "uploads")
APP_NAME = "customer360"

# No caches: every chart reads the BI file as it is now (a rebuilt BI file shows at the next refresh),
# and the DuckDB file is opened per query (Superset's NullPool), so a reader never blocks `make build`
# for longer than a query.
CACHE_CONFIG = {"CACHE_TYPE": "NullCache"}
DATA_CACHE_CONFIG = {"CACHE_TYPE": "NullCache"}
FILTER_STATE_CACHE_CONFIG = {"CACHE_TYPE": "SimpleCache", "CACHE_DEFAULT_TIMEOUT": 86400}
EXPLORE_FORM_DATA_CACHE_CONFIG = {"CACHE_TYPE": "SimpleCache", "CACHE_DEFAULT_TIMEOUT": 86400}
RATELIMIT_STORAGE_URI = "memory://"

# Nothing is uploaded, no example data, no scheduled reports, thumbnails or alerts (no Celery).
FEATURE_FLAGS = {"ALERT_REPORTS": False, "THUMBNAILS": False}
CSV_EXTENSIONS: set[str] = set()
EXCEL_EXTENSIONS: set[str] = set()
COLUMNAR_EXTENSIONS: set[str] = set()

# Offline: the pages may load images, scripts, styles and fonts from this server only (the default policy
# also allows a telemetry pixel, map tiles and web fonts from other hosts).
TALISMAN_ENABLED = True
TALISMAN_CONFIG = {
    "content_security_policy": {
        "base-uri": ["'self'"],
        "default-src": ["'self'"],
        "img-src": ["'self'", "blob:", "data:"],
        "worker-src": ["'self'", "blob:"],
        "connect-src": ["'self'"],
        "object-src": "'none'",
        "style-src": ["'self'", "'unsafe-inline'"],
        "font-src": ["'self'", "data:"],
        "script-src": ["'self'", "'strict-dynamic'"],
    },
    "content_security_policy_nonce_in": ["script-src"],
    "force_https": False,
    "session_cookie_secure": False,
}
CONTENT_SECURITY_POLICY_WARNING = False

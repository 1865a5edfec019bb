"""python -m customer360.evaluate --db <duckdb file> --truth <data set folder> [--out FILE]"""

import sys

from . import main

sys.exit(main())

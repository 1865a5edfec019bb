"""Writes landed tables (CSV or Parquet) and truth CSVs with pyarrow, deterministically."""

import json
import os

import pyarrow as pa
import pyarrow.csv as pcsv
import pyarrow.parquet as pq

PARQUET = {"web.sessions", "web.page_events"}


def write_table(raw_dir, system, name, table):
    """raw/<system>/<table>.csv (or .parquet for the clickstream); returns the path."""
    folder = os.path.join(raw_dir, system)
    os.makedirs(folder, exist_ok=True)
    if f"{system}.{name}" in PARQUET:
        path = os.path.join(folder, f"{name}.parquet")
        pq.write_table(table, path, compression="zstd", row_group_size=256_000)
    else:
        path = os.path.join(folder, f"{name}.csv")
        write_csv(path, table)
    return path


def write_csv(path, table):
    if not isinstance(table, pa.Table):
        table = pa.table(table)
    pcsv.write_csv(table, path, pcsv.WriteOptions(include_header=True, batch_size=65_536))


def write_json(path, data):
    with open(path, "w", encoding="utf-8") as f:
        json.dump(data, f, indent=2, sort_keys=True)
        f.write("\n")

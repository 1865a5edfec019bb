"""Steward corrections through a real dbt build (issue 16): one must_not_link that splits a real customer
and one must_link that joins two, filed in a copy of the test build's landing folder and applied by a
build on a copy of its database.

Runs after the dbt test build (`make corrections-test`): CUSTOMER360_TEST_DB names the test build's
private file and CUSTOMER360_TEST_RAW its landing folder. The test picks the customers from that build
(the first customer id, in order, with at least three records, whose anchor is in a must_not_link with
another of its records; the next two customers with at least two records each for the must_link, by
customer id), copies the folder and the database files into a temporary directory, writes
`stewardship/corrections.csv` there, runs a whole `dbt build` on the copy (every data test must pass; the
snapshot and the previous clusters are the test build's, so the build sees what changed) and checks:

- the crosswalk's reason column (`resolution_rules`, `steward_correction_ids`) names each correction;
- the split: the two records are two customers, the part holding most of the old customer's records
  keeps its id, the other part has a new one, and the merge log says `split`;
- the merge: one customer, holding the id of the customer seen first, and the merge log says `merged`;
- every other record keeps its customer id;
- `customer_record_explanations` (read from the BI file as a reader sees it) has every record of the
  joined customer, the steward's link with the correction id, and never the steward's name or reason.
"""

from __future__ import annotations

import csv
import os
import shutil
import subprocess
import sys
from collections import Counter
from pathlib import Path

import duckdb
import pytest

from customer360.identity.ids import customer_id_for
from customer360.privacy.reader import connect_bi

pytestmark = pytest.mark.corrections

PROJECT_DIR = Path(__file__).resolve().parents[2]
STEWARD = "steward.pytest"
REASON_SPLIT = "Reviewed: two people behind one customer (pytest)"
REASON_MERGE = "Reviewed: one person behind two customers (pytest)"


def _bi_path(private: Path) -> Path:
    return private.with_name(private.name.replace(".duckdb", "_bi.duckdb"))


def _crosswalk(con) -> dict[str, tuple[str, str]]:
    """record_key -> (customer_id, anchor_record_key)."""
    rows = con.execute(
        "select record_key, customer_id, anchor_record_key from intermediate.int_identity__crosswalk"
    ).fetchall()
    return {key: (cid, anchor) for key, cid, anchor in rows}


def _pick(con):
    """(split customer id, its anchor, another of its records), (merge customer id a, id b)."""
    sizes = con.execute(
        """
        select customer_id, count(*) as records, min(anchor_record_key) as anchor
        from intermediate.int_identity__crosswalk
        group by customer_id
        having count(*) >= 2
        order by customer_id
        """
    ).fetchall()
    split = next((cid, anchor) for cid, n, anchor in sizes if n >= 3 and cid == customer_id_for(anchor))
    other = con.execute(  # an identifiable record, so the part it ends up in is a customer
        """
        select min(crosswalk.record_key)
        from intermediate.int_identity__crosswalk as crosswalk
        inner join intermediate.int_identity__records as records
            on crosswalk.record_key = records.record_key
        where crosswalk.customer_id = ? and crosswalk.record_key != ? and records.is_identifiable
        """,
        [split[0], split[1]],
    ).fetchone()[0]
    merge = [cid for cid, _, anchor in sizes if cid != split[0] and cid == customer_id_for(anchor)][:2]
    return (split[0], split[1], other), tuple(merge)


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    given_db, given_raw = os.environ.get("CUSTOMER360_TEST_DB"), os.environ.get("CUSTOMER360_TEST_RAW")
    if not given_db or not given_raw:
        pytest.skip("needs the dbt test build: run `make corrections-test` (sets CUSTOMER360_TEST_DB, _RAW)")
    source_db, source_raw = Path(given_db), Path(given_raw)
    assert source_db.exists(), f"CUSTOMER360_TEST_DB={given_db} does not exist (run the dbt test build first)"
    assert source_raw.is_dir(), f"CUSTOMER360_TEST_RAW={given_raw} is not a folder"
    assert not (source_raw / "stewardship" / "corrections.csv").exists(), "the test build must have no corrections"

    work = Path(os.environ.get("CUSTOMER360_CORRECTIONS_DIR") or tmp_path_factory.mktemp("corrections"))
    raw, private = work / "raw", work / "customer360_corr.duckdb"
    shutil.rmtree(raw, ignore_errors=True)
    shutil.copytree(source_raw, raw)
    shutil.copy2(source_db, private)
    for suffix in (".pii_salt",):  # the salt of the hashed values in the BI file
        salt = Path(str(source_db) + suffix)
        if salt.exists():
            shutil.copy2(salt, Path(str(private) + suffix))
    if _bi_path(source_db).exists():
        shutil.copy2(_bi_path(source_db), _bi_path(private))

    with duckdb.connect(str(private), read_only=True) as con:
        before = _crosswalk(con)
        (split_id, split_anchor, split_other), (merge_a, merge_b) = _pick(con)
    (raw / "stewardship").mkdir(exist_ok=True)
    with (raw / "stewardship" / "corrections.csv").open("w", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(["id", "correction_type", "key_a", "key_b", "requested_by", "requested_at", "reason"])
        writer.writerow(["SC-T1", "must_not_link", split_anchor, split_other, STEWARD, "2026-12-01T09:00:00Z", REASON_SPLIT])
        writer.writerow(["SC-T2", "must_link", merge_a, merge_b, STEWARD, "2026-12-01T10:00:00Z", REASON_MERGE])

    env = dict(os.environ, CUSTOMER360_DB_PATH=str(private), DBT_PROFILES_DIR=str(PROJECT_DIR))
    env.pop("CUSTOMER360_BI_DB_PATH", None)
    dbt = Path(sys.executable).with_name("dbt")
    result = subprocess.run(
        [str(dbt), "build", "--threads", os.environ.get("CUSTOMER360_THREADS", "1"),
         "--vars", f"{{raw_path: {raw}}}", "--target-path", str(work / "target"), "--log-path", str(work / "logs")],
        cwd=PROJECT_DIR, env=env, capture_output=True, text=True,
    )
    assert result.returncode == 0, result.stdout[-4000:]
    con = duckdb.connect(str(private), read_only=True)
    yield dict(
        con=con, bi=_bi_path(private), before=before, after=_crosswalk(con),
        split=(split_id, split_anchor, split_other), merge=(merge_a, merge_b), log=result.stdout,
    )
    con.close()


def test_both_corrections_are_applied(built):
    rows = built["con"].execute(
        "select correction_id, correction_status from intermediate.int_identity__steward_corrections order by 1"
    ).fetchall()
    assert rows == [("SC-T1", "applied"), ("SC-T2", "applied")]


def test_the_crosswalk_reason_names_each_correction(built):
    con = built["con"]
    split_id, anchor, other = built["split"]
    reasons = dict(con.execute(
        """
        select record_key, resolution_rules || ' | ' || coalesce(steward_correction_ids, '')
        from intermediate.int_identity__crosswalk where steward_correction_ids is not null
        """
    ).fetchall())
    for key in (anchor, other):
        assert "steward_must_not_link" in reasons[key] and "SC-T1" in reasons[key], reasons.get(key)
    must_link = [reason for reason in reasons.values() if "SC-T2" in reason]
    assert len(must_link) == 2, "one record of each customer carries the must_link"
    assert all("steward_must_link" in reason for reason in must_link)


def test_the_split_keeps_the_id_on_the_larger_part_and_the_merge_log_says_split(built):
    before, after = built["before"], built["after"]
    split_id, anchor, other = built["split"]
    assert after[anchor][0] != after[other][0], "the must_not_link pair is two customers"
    parts = Counter(after[key][0] for key, (cid, _) in before.items() if cid == split_id)
    assert len(parts) >= 2
    largest = max(parts.values())
    keeper = [cid for cid, n in parts.items() if n == largest]
    assert split_id in parts and parts[split_id] == largest, f"the larger part keeps the id: {parts}"
    if len(keeper) == 1:
        assert keeper == [split_id]
    new_ids = set(parts) - {split_id}
    assert not new_ids & {cid for cid, _ in before.values()}, "the other part gets a new id"
    log = built["con"].execute(
        """
        select current_customer_id, id_change, moved_record_count
        from intermediate.int_identity__customer_id_merges where previous_customer_id = ?
        """,
        [split_id],
    ).fetchall()
    assert sorted(log) == sorted((cid, "split", parts[cid]) for cid in new_ids)


def test_the_merge_keeps_the_id_seen_first_and_the_merge_log_says_merged(built):
    before, after = built["before"], built["after"]
    merge_a, merge_b = built["merge"]
    records = [key for key, (cid, _) in before.items() if cid in (merge_a, merge_b)]
    joined = {after[key][0] for key in records}
    assert len(joined) == 1, "the must_link joins the two customers"
    (kept,) = joined
    assert kept in (merge_a, merge_b)
    retired = merge_b if kept == merge_a else merge_a
    assert retired not in {cid for cid, _ in after.values()}
    # the customer seen first keeps its id: the joined customer's anchor is one of the two old anchors
    anchor = after[records[0]][1]
    assert customer_id_for(anchor) == kept
    log = built["con"].execute(
        """
        select previous_customer_id, current_customer_id, id_change, moved_record_count
        from intermediate.int_identity__customer_id_merges where previous_customer_id = ?
        """,
        [retired],
    ).fetchall()
    moved = sum(1 for key in records if before[key][0] == retired)
    assert log == [(retired, kept, "merged", moved)]


def test_no_other_record_changes_customer(built):
    before, after = built["before"], built["after"]
    touched = {built["split"][0], *built["merge"]}
    changed = [key for key, (cid, _) in before.items() if cid not in touched and after.get(key, (None,))[0] != cid]
    assert changed == []
    assert set(after) == set(before)


def test_the_published_explanations_show_the_stewards_link_and_nothing_of_the_steward(built):
    merge_a, merge_b = built["merge"]
    kept = built["after"][next(k for k, (c, _) in built["before"].items() if c == merge_a)][0]
    records = {key for key, (cid, _) in built["after"].items() if cid == kept}
    con = connect_bi(built["bi"])
    try:
        rows = con.execute(
            "select * from marts.customer_record_explanations where customer_id = ?", [kept]
        ).fetchall()
        columns = [d[0] for d in con.description]
        every_text = con.execute(
            "select count(*) from marts.customer_record_explanations as e "
            "where contains(cast(e as varchar), ?) or contains(cast(e as varchar), ?) or contains(cast(e as varchar), ?)",
            [STEWARD, REASON_SPLIT, REASON_MERGE],
        ).fetchone()[0]
        customers = dict(con.execute(
            "select record_key, customer_id from marts.customer_record_explanations"
        ).fetchall())
        crossing = con.execute(
            """
            select count(*) from marts.customer_record_explanations as e
            where e.other_record_key is not null and e.customer_id != (
                select any_value(o.customer_id) from marts.customer_record_explanations as o
                where o.record_key = e.other_record_key
            )
            """
        ).fetchone()[0]
    finally:
        con.close()
    rows = [dict(zip(columns, row)) for row in rows]
    assert {row["record_key"] for row in rows} == records, "every record of the joined customer is explained"
    steward = [row for row in rows if row["link_method"] == "steward"]
    assert len(steward) == 2, "the must_link, once from each of its records"
    assert all(row["steward_correction_id"] == "SC-T2" and "SC-T2" in row["link_explanation"] for row in steward)
    assert {row["other_record_key"] for row in steward} == {row["record_key"] for row in steward}
    assert sum(row["is_primary_explanation"] for row in rows) == len(records)
    assert every_text == 0, "the steward's name and reason stay in the private file"
    split_id, anchor, other = built["split"]
    assert customers[anchor] != customers[other], "the published explanations follow the split"
    assert crossing == 0, "no explanation links two customers"

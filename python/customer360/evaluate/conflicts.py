"""Recall of the communication-conflict mart against the conflicts the generator planted.

    python -m customer360.evaluate.conflicts --db /tmp/x/db.duckdb --truth data/demo [--out FILE]
    customer360 evaluate conflicts --db /tmp/x/db.duckdb --truth data/demo [--out FILE]   # the same

The generator plants offers (cross-sell or up-sell sends) on the same day as a policy cancellation or
non-renewal notice to the same person (``truth/planted_conflicts.csv``: person_id,
policy_event_record_key, marketing_send_record_key). A planted pair is *found* when
``fct_communication_conflicts`` has a row, under any rule, whose ``communication_key`` is the send and
whose ``blocking_key`` is the notice. Recall = found planted pairs / planted pairs.

Also printed, per rule: the conflict pairs found that are not planted. Those are not necessarily false:
the generator only avoided *same-day* offers on notice days, while the rules use wider windows
(an offer within 30 days of a notice), households, any marketing send (offer, retention, win-back,
unclassified) during an open complaint, win-back sends to active customers and the same campaign sent
twice, none of which the generator plants or avoids.

``--db`` may be the private build file or the BI file: the mart is looked up in every database
attached (the BI file ``<name>_bi.duckdb`` beside the private one is attached when it exists).
"""

from __future__ import annotations

import argparse
import csv
import os
import sys
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from . import add_evaluation_arguments, evaluation_parser, run_evaluation, write_csv

MART = "fct_communication_conflicts"
DEFAULT_OUT = "target/conflict_evaluation.csv"


@dataclass
class ConflictScores:
    planted: int
    found: int
    found_by_rule: dict[str, int] = field(default_factory=dict)
    unplanted_by_rule: dict[str, int] = field(default_factory=dict)
    unplanted_same_day_by_rule: dict[str, int] = field(default_factory=dict)
    missed: list[tuple[str, str, str]] = field(default_factory=list)

    @property
    def recall(self) -> float:
        return self.found / self.planted if self.planted else 1.0

    def rows(self) -> list[tuple[str, str, float]]:
        out = [("planted_pairs", "", self.planted), ("planted_pairs_found", "", self.found),
               ("recall", "", round(self.recall, 4))]
        out += [("planted_pairs_found", r, n) for r, n in sorted(self.found_by_rule.items())]
        out += [("unplanted_pairs", r, n) for r, n in sorted(self.unplanted_by_rule.items())]
        out += [("unplanted_same_day_pairs", r, n) for r, n in sorted(self.unplanted_same_day_by_rule.items())]
        return out


def score(found: list[tuple[str, str, str, bool]], planted: list[tuple[str, str, str]]) -> ConflictScores:
    """found: (rule_id, communication_key, blocking_key, is_same_day); planted: (person_id, notice key, send key).

    A planted pair counts once however many rules found it; a found pair is "unplanted" per rule when
    its (communication, blocking) keys are not a planted (send, notice) pair in either order."""
    planted_pairs = {(send, notice) for _, notice, send in planted}
    planted_any_order = planted_pairs | {(b, a) for a, b in planted_pairs}
    rules_by_pair: dict[tuple[str, str], set[str]] = {}
    unplanted, unplanted_same_day = Counter(), Counter()
    for rule, comm, blocking, same_day in found:
        pair = (comm, blocking)
        if pair in planted_pairs:
            rules_by_pair.setdefault(pair, set()).add(rule)
        elif pair not in planted_any_order:
            unplanted[rule] += 1
            unplanted_same_day[rule] += bool(same_day)
    found_by_rule = Counter(r for rules in rules_by_pair.values() for r in rules)
    missed = [(p, notice, send) for p, notice, send in planted if (send, notice) not in rules_by_pair]
    return ConflictScores(
        planted=len(planted_pairs), found=len(rules_by_pair), found_by_rule=dict(found_by_rule),
        unplanted_by_rule=dict(unplanted), unplanted_same_day_by_rule=dict(unplanted_same_day), missed=missed,
    )


def _connect(db: str | os.PathLike):
    import duckdb

    con = duckdb.connect()  # in memory; build files attached read-only (no write lock)
    db = Path(db)
    files = [db]
    bi = db.with_name(db.stem + "_bi" + db.suffix)
    if not db.stem.endswith("_bi") and bi.exists():
        files.append(bi)
    for i, f in enumerate(files):
        quoted = str(f).replace("'", "''")
        con.execute(f"attach '{quoted}' as build{i} (read_only)")
    return con


def find_mart(con, name: str = MART) -> str:
    row = con.execute(
        "select table_catalog, table_schema from information_schema.tables where table_name = ? "
        "order by table_catalog, table_schema limit 1", [name]).fetchone()
    if row is None:
        raise LookupError(f"{name} is in none of the attached databases: build the communications marts first")
    return f'"{row[0]}"."{row[1]}"."{name}"'


def load_planted(truth: str | os.PathLike) -> list[tuple[str, str, str]]:
    p = Path(truth)
    for cand in (p / "truth" / "planted_conflicts.csv", p / "planted_conflicts.csv"):
        if cand.exists():
            with open(cand, newline="") as f:
                return [(r["person_id"], r["policy_event_record_key"], r["marketing_send_record_key"])
                        for r in csv.DictReader(f)]
    raise FileNotFoundError(f"no planted_conflicts.csv in {p} or {p / 'truth'}")


def evaluate(db: str | os.PathLike, truth: str | os.PathLike) -> ConflictScores:
    planted = load_planted(truth)
    con = _connect(db)
    try:
        mart = find_mart(con)
        found = con.execute(
            f"select rule_id, communication_key, blocking_key, is_same_day from {mart}").fetchall()
    finally:
        con.close()
    return score(found, planted)


def report(s: ConflictScores) -> str:
    lines = [f"planted conflicts: {s.planted}; found: {s.found}; recall {s.recall:.4f}"]
    for rule, n in sorted(s.found_by_rule.items()):
        lines.append(f"  found by {rule}: {n}")
    for person, notice, send in s.missed[:10]:
        lines.append(f"  missed: {person} {notice} / {send}")
    lines.append("conflict pairs found that were not planted, by rule (same day in brackets):")
    for rule, n in sorted(s.unplanted_by_rule.items()):
        lines.append(f"  {rule}: {n} ({s.unplanted_same_day_by_rule.get(rule, 0)})")
    return "\n".join(lines)


def write_rows(rows: list[tuple[str, str, float]], out: str | os.PathLike) -> None:
    write_csv(out, ["metric", "rule_id", "value"], rows, lineterminator="\r\n")


def add_arguments(ap: argparse.ArgumentParser) -> None:
    add_evaluation_arguments(ap, DEFAULT_OUT, db_help="built DuckDB file, private or BI (opened read-only)")


def run(a: argparse.Namespace) -> int:
    return run_evaluation(a, evaluate, report, lambda s, out: write_rows(s.rows(), out))


def main(argv: list[str] | None = None) -> int:
    ap = evaluation_parser("python -m customer360.evaluate.conflicts", __doc__)
    add_arguments(ap)
    return run(ap.parse_args(argv))


if __name__ == "__main__":
    sys.exit(main())

"""Evaluate identity resolution against the generator's ground truth.

    python -m customer360.evaluate --db data/test/customer360_test.duckdb --truth data/test
    python -m customer360.evaluate.stability --customers 400      # customer_id stability (see stability.py)
    customer360 evaluate identity --db data/test/customer360_test.duckdb --truth data/test   # the same

The clusterings compared:

- persons: each source record's ``customer_id`` (``intermediate.int_identity__crosswalk``) against the
  generator's ``person_id`` (``truth/person_records.csv``);
- households: each record's household (its customer's ``household_id`` in
  ``intermediate.int_identity__households``) against the truth ``household_id``.

The universe is the set of records in the crosswalk. A crosswalk record the truth does not know (a caller
the generator made up, with no person behind it) is its own truth entity, so linking it to anyone is a
false link. Truth records missing from the crosswalk (quarantined rows, anonymous records the identity
layer does not resolve) are not scored; they are counted per source as coverage. A customer without a
household is a household of its own.

Metrics, all computed from contingency counts (never from the n² pairs):

- pairwise precision / recall / F1 over record pairs: with n_pt records in predicted cluster p and truth
  cluster t, true pairs = Σ C(n_pt, 2), predicted pairs = Σ_p C(n_p, 2), truth pairs = Σ_t C(n_t, 2).
  Without predicted pairs precision is 1 (no false link was made); without truth pairs recall is 1.
- B-cubed precision / recall / F1 (Bagga & Baldwin 1998): per record, the share of its predicted cluster
  that is in its truth cluster (precision) and the share of its truth cluster that is in its predicted
  cluster (recall), averaged over records: Σ n_pt² / n_p / N and Σ n_pt² / n_t / N.
- per source (``<system>:<table>``): the share of records resolved into a multi-record customer against
  the share truth expects (its person has other records in the universe), and link recall / precision
  seen from that source's records: Σ (n_pt − 1) / Σ (n_t − 1) and Σ (n_pt − 1) / Σ (n_p − 1).

The build database is attached read-only; results go to stdout and to a CSV or Parquet file (``--out``).
"""

from __future__ import annotations

import argparse
import csv
import os
import sys
from collections import Counter
from collections.abc import Callable, Hashable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

CROSSWALK = "intermediate.int_identity__crosswalk"
HOUSEHOLDS = "intermediate.int_identity__households"
DEFAULT_OUT = "target/identity_evaluation.csv"


# --------------------------------------------------------------------------------------------------
# Library: metrics from contingency counts
# --------------------------------------------------------------------------------------------------


def pairs(n: int) -> int:
    """Number of unordered pairs among n items, C(n, 2)."""
    return n * (n - 1) // 2


def f1(precision: float, recall: float) -> float:
    return 0.0 if precision + recall == 0 else 2 * precision * recall / (precision + recall)


def contingency(predicted: Sequence[Hashable], truth: Sequence[Hashable]) -> Counter:
    """Counts of records per (predicted cluster, truth cluster) from two parallel label sequences."""
    if len(predicted) != len(truth):
        raise ValueError("predicted and truth labels must have the same length")
    return Counter(zip(predicted, truth))


@dataclass(frozen=True)
class ClusterScores:
    records: int
    predicted_clusters: int
    truth_clusters: int
    predicted_pairs: int
    truth_pairs: int
    true_pairs: int
    pairwise_precision: float
    pairwise_recall: float
    pairwise_f1: float
    bcubed_precision: float
    bcubed_recall: float
    bcubed_f1: float

    def as_dict(self) -> dict[str, float]:
        return dict(self.__dict__)


def score_clusters(cells: Counter | Iterable[tuple[Hashable, Hashable, int]]) -> ClusterScores:
    """Pairwise and B-cubed scores from contingency cells.

    ``cells`` maps (predicted label, truth label) to a record count (a ``Counter``, as ``contingency``
    returns), or is an iterable of (predicted label, truth label, count) triples with each pair once.
    """
    items = cells.items() if isinstance(cells, Counter) else (((p, t), n) for p, t, n in cells)
    size_p: Counter = Counter()
    size_t: Counter = Counter()
    cell_list = []
    for (p, t), n in items:
        if n <= 0:
            continue
        size_p[p] += n
        size_t[t] += n
        cell_list.append((p, t, n))
    records = sum(size_p.values())
    if records == 0:
        raise ValueError("no records to score")
    true_pairs = sum(pairs(n) for _, _, n in cell_list)
    predicted_pairs = sum(pairs(n) for n in size_p.values())
    truth_pairs = sum(pairs(n) for n in size_t.values())
    precision = true_pairs / predicted_pairs if predicted_pairs else 1.0
    recall = true_pairs / truth_pairs if truth_pairs else 1.0
    b_precision = sum(n * n / size_p[p] for p, _, n in cell_list) / records
    b_recall = sum(n * n / size_t[t] for _, t, n in cell_list) / records
    return ClusterScores(
        records=records,
        predicted_clusters=len(size_p),
        truth_clusters=len(size_t),
        predicted_pairs=predicted_pairs,
        truth_pairs=truth_pairs,
        true_pairs=true_pairs,
        pairwise_precision=precision,
        pairwise_recall=recall,
        pairwise_f1=f1(precision, recall),
        bcubed_precision=b_precision,
        bcubed_recall=b_recall,
        bcubed_f1=f1(b_precision, b_recall),
    )


@dataclass(frozen=True)
class SourceScores:
    source: str
    records: int
    match_rate: float
    expected_match_rate: float
    link_precision: float
    link_recall: float
    bcubed_recall: float


def score_sources(rows: Iterable[tuple[str, Hashable, Hashable]]) -> list[SourceScores]:
    """Per-source figures from (source, predicted label, truth label), one triple per record.

    match_rate: share of the source's records whose predicted cluster holds other records;
    expected_match_rate: the same by truth. link_recall: of the links truth gives the source's records
    (Σ n_t − 1), the share the prediction found (Σ n_pt − 1); link_precision the converse.
    """
    rows = list(rows)
    size_p = Counter(p for _, p, _ in rows)
    size_t = Counter(t for _, _, t in rows)
    size_pt = Counter((p, t) for _, p, t in rows)
    acc: dict[str, list[float]] = {}
    for source, p, t in rows:
        a = acc.setdefault(source, [0, 0, 0, 0, 0, 0, 0.0])
        n_p, n_t, n_pt = size_p[p], size_t[t], size_pt[(p, t)]
        a[0] += 1
        a[1] += n_p > 1
        a[2] += n_t > 1
        a[3] += n_pt - 1
        a[4] += n_t - 1
        a[5] += n_p - 1
        a[6] += n_pt / n_t
    return [
        SourceScores(
            source=s,
            records=a[0],
            match_rate=a[1] / a[0],
            expected_match_rate=a[2] / a[0],
            link_precision=a[3] / a[5] if a[5] else 1.0,
            link_recall=a[3] / a[4] if a[4] else 1.0,
            bcubed_recall=a[6] / a[0],
        )
        for s, a in sorted(acc.items())
    ]


# --------------------------------------------------------------------------------------------------
# Reading the build database and the truth
# --------------------------------------------------------------------------------------------------


def truth_folder(path: str | os.PathLike) -> Path:
    """The folder holding person_records.csv: ``path/truth`` or ``path`` itself."""
    p = Path(path)
    for cand in (p / "truth", p):
        if (cand / "person_records.csv").exists():
            return cand
    raise FileNotFoundError(f"no person_records.csv in {p} or {p / 'truth'}")


def _connect(db: str | os.PathLike):
    import duckdb

    con = duckdb.connect()  # in memory; the build file is attached read-only (no write lock)
    quoted = str(db).replace("'", "''")
    con.execute(f"attach '{quoted}' as build (read_only)")
    return con


def _has_table(con, qualified: str) -> bool:
    schema, table = qualified.split(".")
    return bool(con.execute(
        "select count(*) from information_schema.tables "
        "where table_catalog = 'build' and table_schema = ? and table_name = ?",
        [schema, table],
    ).fetchone()[0])


def load_labels(con, truth_dir: Path, households: bool) -> None:
    """Create temp table ``labelled``: one row per crosswalk record with its predicted and truth labels."""
    truth_csv = str(truth_dir / "person_records.csv")
    con.execute(f"""
        create or replace temp table truth as
        select record_key, person_id, household_id
        from read_csv(?, all_varchar = true, header = true)
    """, [truth_csv])
    household_join = (
        f"left join build.{HOUSEHOLDS} as households on crosswalk.customer_id = households.customer_id"
        if households else ""
    )
    household_col = "households.household_id" if households else "null"
    con.execute(f"""
        create or replace temp table labelled as
        select
            crosswalk.record_key,
            split_part(crosswalk.record_key, ':', 1) || ':' || split_part(crosswalk.record_key, ':', 2)
                as source,
            crosswalk.customer_id as predicted_person,
            coalesce({household_col}, 'customer:' || crosswalk.customer_id) as predicted_household,
            coalesce(truth.person_id, 'unknown:' || crosswalk.record_key) as truth_person,
            coalesce(truth.household_id, 'unknown:' || crosswalk.record_key) as truth_household,
            truth.record_key is not null as is_known
        from build.{CROSSWALK} as crosswalk
        left join truth on crosswalk.record_key = truth.record_key
        {household_join}
    """)
    dup = con.execute("select count(*) - count(distinct record_key) from labelled").fetchone()[0]
    if dup:
        raise ValueError(f"the crosswalk (joined to households) repeats {dup} record keys")


def _cells(con, predicted: str, truth: str) -> list[tuple[str, str, int]]:
    return con.execute(f"select {predicted}, {truth}, count(*) from labelled group by all").fetchall()


def _source_rows(con, predicted: str, truth: str) -> list[tuple]:
    # aggregate per (source, cell) in SQL; expand to per-record contributions in Python
    return con.execute(f"""
        with sized as (
            select
                source,
                count(*) over (partition by {predicted}) as n_p,
                count(*) over (partition by {truth}) as n_t,
                count(*) over (partition by {predicted}, {truth}) as n_pt
            from labelled
        )
        select
            source,
            count(*) as records,
            count(*) filter (where n_p > 1) as matched,
            count(*) filter (where n_t > 1) as expected,
            sum(n_pt - 1) as found_links,
            sum(n_t - 1) as truth_links,
            sum(n_p - 1) as predicted_links,
            sum(n_pt / n_t) as bcubed_recall_sum
        from sized
        group by source
        order by source
    """).fetchall()


def source_scores_sql(con, predicted: str = "predicted_person", truth: str = "truth_person") -> list[SourceScores]:
    out = []
    for s, n, matched, expected, found, t_links, p_links, b_sum in _source_rows(con, predicted, truth):
        out.append(SourceScores(
            source=s, records=n, match_rate=matched / n, expected_match_rate=expected / n,
            link_precision=found / p_links if p_links else 1.0,
            link_recall=found / t_links if t_links else 1.0,
            bcubed_recall=b_sum / n,
        ))
    return out


def coverage(con) -> list[tuple[str, int, int, int]]:
    """Per source: truth records, of which in the crosswalk, and crosswalk records unknown to truth."""
    return con.execute("""
        with truth_sources as (
            select
                split_part(record_key, ':', 1) || ':' || split_part(record_key, ':', 2) as source,
                count(*) as truth_records,
                count(*) filter (where record_key in (select record_key from labelled)) as resolved
            from truth
            group by all
        ),
        unknown as (
            select source, count(*) filter (where not is_known) as unknown_records
            from labelled
            group by all
        )
        select
            coalesce(truth_sources.source, unknown.source) as source,
            coalesce(truth_records, 0),
            coalesce(resolved, 0),
            coalesce(unknown_records, 0)
        from truth_sources
        full join unknown on truth_sources.source = unknown.source
        order by 1
    """).fetchall()


@dataclass
class Evaluation:
    persons: ClusterScores
    households: ClusterScores | None
    sources: list[SourceScores]
    coverage: list[tuple[str, int, int, int]]

    def rows(self) -> list[tuple[str, str, str, float]]:
        """Long table: (entity, scope, metric, value)."""
        out = []
        for entity, scores in (("persons", self.persons), ("households", self.households)):
            if scores is not None:
                out += [(entity, "all", k, float(v)) for k, v in scores.as_dict().items()]
        for s in self.sources:
            for k in ("records", "match_rate", "expected_match_rate", "link_precision", "link_recall",
                      "bcubed_recall"):
                out.append(("persons", f"source:{s.source}", k, float(getattr(s, k))))
        for source, truth_n, resolved, unknown in self.coverage:
            out.append(("persons", f"source:{source}", "truth_records", float(truth_n)))
            out.append(("persons", f"source:{source}", "truth_records_in_crosswalk", float(resolved)))
            out.append(("persons", f"source:{source}", "records_unknown_to_truth", float(unknown)))
        return out


def evaluate(db: str | os.PathLike, truth: str | os.PathLike) -> Evaluation:
    con = _connect(db)
    try:
        if not _has_table(con, CROSSWALK):
            raise LookupError(f"{CROSSWALK} is not in {db}: build the identity models first")
        has_households = _has_table(con, HOUSEHOLDS)
        load_labels(con, truth_folder(truth), has_households)
        persons = score_clusters(_cells(con, "predicted_person", "truth_person"))
        households = (score_clusters(_cells(con, "predicted_household", "truth_household"))
                      if has_households else None)
        return Evaluation(persons, households, source_scores_sql(con), coverage(con))
    finally:
        con.close()


# --------------------------------------------------------------------------------------------------
# Output
# --------------------------------------------------------------------------------------------------


def write_csv(out: str | os.PathLike, header: Sequence[str], rows: Iterable[Sequence], lineterminator: str = "\n") -> None:
    """Write ``rows`` under ``header`` to the CSV file ``out``, creating its folder."""
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    with open(out, "w", newline="") as f:
        w = csv.writer(f, lineterminator=lineterminator)
        w.writerow(header)
        w.writerows(rows)


def add_evaluation_arguments(
    ap: argparse.ArgumentParser,
    default_out: str,
    db_help: str = "built DuckDB file (opened read-only)",
    out_help: str = "CSV file for the figures",
) -> None:
    """The evaluation commands' shared arguments: --db, --truth, --out."""
    ap.add_argument("--db", required=True, help=db_help)
    ap.add_argument("--truth", required=True, help="data set folder holding truth/ (or the truth folder)")
    ap.add_argument("--out", default=default_out, help=f"{out_help} ({default_out})")


def run_evaluation(
    a: argparse.Namespace,
    evaluate_fn: Callable[[str, str], Any],
    report_fn: Callable[[Any], str],
    write_fn: Callable[[Any, str], None],
) -> int:
    """The evaluation commands' shared run: evaluates, prints the report, writes the figures."""
    result = evaluate_fn(a.db, a.truth)
    print(report_fn(result))
    write_fn(result, a.out)
    print(f"\nwrote {a.out}")
    return 0


def evaluation_parser(prog: str, doc: str) -> argparse.ArgumentParser:
    """The parser of ``python -m <prog>``: the module docstring's first line as its description."""
    return argparse.ArgumentParser(prog=prog, description=doc.split("\n")[0])


def write_rows(rows: list[tuple[str, str, str, float]], out: str | os.PathLike) -> None:
    header = ("entity", "scope", "metric", "value")
    if Path(out).suffix == ".parquet":
        import pyarrow as pa
        import pyarrow.parquet as pq

        Path(out).parent.mkdir(parents=True, exist_ok=True)
        cols = list(zip(*rows)) if rows else [[], [], [], []]
        pq.write_table(pa.table({h: list(c) for h, c in zip(header, cols)}), out)
    else:
        write_csv(out, header, ((e, s, m, repr(v) if isinstance(v, float) and not v.is_integer() else int(v))
                                for e, s, m, v in rows))


def _fmt_scores(name: str, s: ClusterScores) -> str:
    return (
        f"{name:<11} records={s.records:,}  predicted clusters={s.predicted_clusters:,}  "
        f"truth clusters={s.truth_clusters:,}\n"
        f"{'':<11} pairwise  P={s.pairwise_precision:.4f} R={s.pairwise_recall:.4f} F1={s.pairwise_f1:.4f}"
        f"   (true pairs {s.true_pairs:,} / predicted {s.predicted_pairs:,} / truth {s.truth_pairs:,})\n"
        f"{'':<11} B-cubed   P={s.bcubed_precision:.4f} R={s.bcubed_recall:.4f} F1={s.bcubed_f1:.4f}"
    )


def report(ev: Evaluation) -> str:
    lines = [_fmt_scores("persons", ev.persons)]
    if ev.households is not None:
        lines.append(_fmt_scores("households", ev.households))
    else:
        lines.append(f"households  ({HOUSEHOLDS} not built: skipped)")
    cov = {s: (t, r, u) for s, t, r, u in ev.coverage}
    lines.append("")
    lines.append(f"{'source':<30}{'records':>8}{'match':>8}{'expect':>8}{'link P':>8}{'link R':>8}"
                 f"{'B3 R':>8}{'truth':>8}{'in xw':>8}{'unknown':>8}")
    for s in ev.sources:
        t, r, u = cov.get(s.source, (0, 0, 0))
        lines.append(f"{s.source:<30}{s.records:>8}{s.match_rate:>8.3f}{s.expected_match_rate:>8.3f}"
                     f"{s.link_precision:>8.3f}{s.link_recall:>8.3f}{s.bcubed_recall:>8.3f}{t:>8}{r:>8}{u:>8}")
    for s, (t, r, u) in sorted(cov.items()):
        if s not in {x.source for x in ev.sources}:
            lines.append(f"{s:<30}{0:>8}{'':>8}{'':>8}{'':>8}{'':>8}{'':>8}{t:>8}{r:>8}{u:>8}")
    lines.append("match = share of records in a multi-record customer; expect = the same by truth; "
                 "link P/R seen from the source's records; truth / in xw = truth records and those in the "
                 "crosswalk; unknown = crosswalk records truth does not know (scored as singletons)")
    return "\n".join(lines)


def add_arguments(ap: argparse.ArgumentParser) -> None:
    add_evaluation_arguments(ap, DEFAULT_OUT, out_help="CSV or .parquet file for the figures")


def run(a: argparse.Namespace) -> int:
    return run_evaluation(a, evaluate, report, lambda ev, out: write_rows(ev.rows(), out))


def main(argv: list[str] | None = None) -> int:
    ap = evaluation_parser("python -m customer360.evaluate", __doc__)
    add_arguments(ap)
    return run(ap.parse_args(argv))


if __name__ == "__main__":
    sys.exit(main())

"""Survey link accuracy: how often the experience a survey response was linked to
(``int_surveys__response_links.linked_experience_key``) is the one that triggered it, by the
generator's truth (``truth/survey_triggers.csv``: response_record_key, trigger_record_key,
touchpoint, has_embedded_id).

    python -m customer360.evaluate.surveys --db <duckdb file> --truth data/demo [--out FILE]
    customer360 evaluate surveys --db <duckdb file> --truth data/demo [--out FILE]   # the same

Prints accuracy overall, by link method, by touchpoint and by whether the trigger passed its id, and
writes one CSV row per figure (scope, group, metric, value). Every truth response counts: a response
that was not linked, or that is missing from the build (quarantined in staging), is wrong.
Relationship surveys have no trigger and are not in the truth file.
"""

from __future__ import annotations

import argparse
import os
from dataclasses import dataclass
from pathlib import Path

from . import add_evaluation_arguments, evaluation_parser, run_evaluation, write_csv

LINKS_TABLE = "int_surveys__response_links"
DEFAULT_OUT = "target/survey_link_evaluation.csv"


@dataclass(frozen=True)
class Accuracy:
    scope: str
    group: str
    responses: int
    correct: int

    @property
    def accuracy(self) -> float:
        return self.correct / self.responses if self.responses else 0.0


def truth_file(path: str | os.PathLike) -> Path:
    """survey_triggers.csv in ``path/truth`` or ``path`` itself."""
    p = Path(path)
    for cand in (p / "truth", p):
        if (cand / "survey_triggers.csv").exists():
            return cand / "survey_triggers.csv"
    raise FileNotFoundError(f"no survey_triggers.csv in {p} or {p / 'truth'}")


def _connect(db: str | os.PathLike):
    import duckdb

    con = duckdb.connect()  # in memory; the build file is attached read-only (no write lock)
    quoted = str(db).replace("'", "''")
    con.execute(f"attach '{quoted}' as build (read_only)")
    return con


def links_relation(con) -> str:
    """Qualified name of the links table in the attached build (schema found by name)."""
    row = con.execute(
        "select table_schema from information_schema.tables where table_catalog = 'build' and table_name = ?",
        [LINKS_TABLE],
    ).fetchone()
    if row is None:
        raise LookupError(f"{LINKS_TABLE} is not in the build; run dbt build first")
    return f'build."{row[0]}"."{LINKS_TABLE}"'


def score(con, links: str, truth_csv: str | os.PathLike) -> list[Accuracy]:
    """Accuracy overall and per link method, touchpoint and has_embedded_id."""
    quoted = str(truth_csv).replace("'", "''")
    con.execute(f"""
        create or replace temp table scored as
        select
            truth.touchpoint,
            cast(truth.has_embedded_id as varchar) as has_embedded_id,
            coalesce(links.link_method, 'missing_from_build') as link_method,
            coalesce(links.linked_experience_key = truth.trigger_record_key, false) as is_correct
        from read_csv('{quoted}', all_varchar = true) as truth
        left join {links} as links
            on truth.response_record_key = links.response_key
    """)
    out = []
    for scope, column in (("overall", "'all'"), ("link_method", "link_method"), ("touchpoint", "touchpoint"),
                          ("has_embedded_id", "has_embedded_id")):
        rows = con.execute(
            f"select {column} as grp, count(*), count(*) filter (where is_correct) "
            f"from scored group by grp order by grp"
        ).fetchall()
        out.extend(Accuracy(scope, str(g), int(n), int(c)) for g, n, c in rows)
    return out


def evaluate(db: str | os.PathLike, truth: str | os.PathLike) -> list[Accuracy]:
    con = _connect(db)
    try:
        return score(con, links_relation(con), truth_file(truth))
    finally:
        con.close()


def report(results: list[Accuracy]) -> str:
    lines = [f"{'scope':<16}{'group':<22}{'responses':>10}{'correct':>10}{'accuracy':>10}"]
    for r in results:
        lines.append(f"{r.scope:<16}{r.group:<22}{r.responses:>10,}{r.correct:>10,}{r.accuracy:>10.4f}")
    return "\n".join(lines)


def write_rows(results: list[Accuracy], out: str | os.PathLike) -> None:
    write_csv(out, ("scope", "group", "metric", "value"), (
        row
        for r in results
        for row in (
            (r.scope, r.group, "responses", r.responses),
            (r.scope, r.group, "correct", r.correct),
            (r.scope, r.group, "accuracy", round(r.accuracy, 6)),
        )
    ))


def add_arguments(ap: argparse.ArgumentParser) -> None:
    add_evaluation_arguments(ap, DEFAULT_OUT)


def run(a: argparse.Namespace) -> int:
    return run_evaluation(a, evaluate, report, write_rows)


def main(argv: list[str] | None = None) -> int:
    ap = evaluation_parser("python -m customer360.evaluate.surveys", __doc__)
    add_arguments(ap)
    return run(ap.parse_args(argv))


if __name__ == "__main__":
    raise SystemExit(main())

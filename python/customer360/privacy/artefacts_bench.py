"""Time the artefact scan of the privacy check against many person records.

    python -m customer360.privacy.artefacts_bench --persons 1000000 --folder target --folder logs

Writes a private file with ``--persons`` synthetic person records (``intermediate.int_conform__persons``:
made-up names, emails, E.164 phones, SSNs, birth dates) to a temporary folder, plus a log file with
one of them echoed as a bad CSV row would be, and prints the seconds (wall and CPU) of
``customer360.privacy.artefacts.scan`` over the folders and that log, their size, the kinds found in the
planted log and the machine's load average. The figures are the reader's to judge; nothing is asserted.
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
from pathlib import Path

import duckdb

from customer360.privacy import artefacts


def _letters(number: str, prefix: str, count: int) -> str:
    """SQL: ``prefix`` and ``count`` letters spelling ``number`` in base 26 (a made-up name)."""
    letters = [f"chr(cast(97 + ({number} // {26 ** k}) % 26 as integer))" for k in range(count)]
    return " || ".join([f"'{prefix}'", *letters])


def write_persons(path: Path, persons: int) -> None:
    with duckdb.connect(str(path)) as con:
        con.execute("create schema intermediate")
        con.execute(f"""create table intermediate.int_conform__persons as
            select
                'bench:persons:' || i as record_key,
                'first' || (i % 3001) || '.last' || (i % 7919) || '@example.com' as email_as_given,
                'first' || (i % 3001) || '.last' || (i % 7919) || '@example.com' as email,
                '+1' || cast(2000000000 + (i * 7919) % 7999999999 as varchar) as phone_e164,
                case when i % 10 = 0 then lpad(cast((i * 104729) % 1000000000 as varchar), 9, '0') end as national_id,
                {_letters('i', 'fn', 3)} as first_name,
                {_letters('i // 7', 'ln', 4)} as last_name,
                date '1940-01-01' + cast(i % 25000 as integer) as birth_date
            from range({persons}) as t(i)""")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--persons", type=int, default=1_000_000)
    parser.add_argument("--folder", action="append", default=[], help="artefact folder to scan (repeatable)")
    args = parser.parse_args(argv)
    folders = args.folder or ["target", "logs"]
    files = artefacts.artefact_files(folders)
    size = sum(path.stat().st_size for path in files)
    with tempfile.TemporaryDirectory() as folder:
        private = Path(folder) / "bench.duckdb"
        started = time.perf_counter()
        write_persons(private, args.persons)
        print(f"{args.persons:,} person records written in {time.perf_counter() - started:.1f} s")
        planted = Path(folder) / "logs" / "dbt.log"
        planted.parent.mkdir()
        with duckdb.connect(str(private), read_only=True) as con:
            row = con.execute("select first_name, last_name, email_as_given, phone_e164, birth_date "
                              "from intermediate.int_conform__persons where record_key = 'bench:persons:123456'"
                              ).fetchone()
        planted.write_text(f'Error in crm/contacts.csv line 7: "{row[0].title()}","{row[1].title()}",'
                           f'"{row[2]}","{row[3]}","{row[4]:%m/%d/%Y}"\n')
        wall, cpu = time.perf_counter(), time.process_time()
        findings = artefacts.scan(private, [*folders, planted.parent])
        wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    elsewhere = [f for f in findings if Path(f.path) != planted]
    print(f"scanned {len(files):,} files ({size / 1e6:.1f} MB) of {', '.join(folders)} and the planted log "
          f"against {args.persons:,} person records: {wall:.1f} s wall, {cpu:.1f} s CPU; "
          f"load average {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    print("found in the planted log: " + ", ".join(sorted(f.kind for f in findings if Path(f.path) == planted)))
    print(f"findings elsewhere: {len(elsewhere)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

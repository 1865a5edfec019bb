"""Ground truth: people, households, which person each source record belongs to, planted facts, defects."""

import os

import numpy as np
import pyarrow as pa

from . import fmt, lists
from .fmt import DAY
from .shapes import EVIDENCE
from .writer import write_csv


def _street(A, a):
    if a < 0:
        return None
    parts = [str(A["num"][a])]
    if A["predir"][a] >= 0:
        parts.append(lists.DIRECTIONS[A["predir"][a]][1])
    parts += [lists.STREETS[A["street"][a]], lists.STREET_TYPES[A["stype"][a]][1]]
    return " ".join(parts)


def _addr_cols(w, ids, prefix=""):
    if w.country is not None:
        return _addr_cols_abroad(w, ids, prefix)
    A = w.addr
    ok = ids >= 0
    safe = np.where(ok, ids, 0)
    city = [lists.CITIES[c] for c in A["city"][safe]]
    return {
        f"{prefix}address_line_1": [_street(A, a) for a in ids],
        f"{prefix}address_line_2": [f"Apt {A['unit'][a]}" if o and A["unit"][a] else None for a, o in zip(safe, ok)],
        f"{prefix}city": [c[0] if o else None for c, o in zip(city, ok)],
        f"{prefix}state": [c[1] if o else None for c, o in zip(city, ok)],
        f"{prefix}zip": [A["zip5"][a] if o else None for a, o in zip(safe, ok)],
        f"{prefix}zip4": [A["zip4"][a] if o else None for a, o in zip(safe, ok)],
    }


def _addr_cols_abroad(w, ids, prefix):
    """The canonical address abroad: street in full, unit, city, ISO 3166-2 subdivision code, postcode."""
    A, C = w.addr, w.country
    ok = ids >= 0
    safe = np.where(ok, ids, 0)
    city = [C.city(c) for c in A["city"][safe]]
    return {
        f"{prefix}address_line_1": [C.street_line(A["num"][a], A["street"][a], A["stype"][a]) if o else None
                                    for a, o in zip(safe, ok)],
        f"{prefix}address_line_2": [C.unit_alone(A["unit"][a]) if o and A["unit"][a] else None for a, o in zip(safe, ok)],
        f"{prefix}city": [c[0] if o else None for c, o in zip(city, ok)],
        f"{prefix}state": [c[1] if o else None for c, o in zip(city, ok)],
        f"{prefix}zip": [A["post"][a] if o else None for a, o in zip(safe, ok)],
        f"{prefix}zip4": [None] * len(ids),
    }


def _phones(w, values):
    """Truth phones: 10 US digits, or E.164 abroad."""
    if w.country is None:
        return values
    return [w.country.e164(v) if v else v for v in values]


def _s(values):
    return [v if v else None for v in values]


def write(w, cohorts, malformed, out, spec=None):
    """Write truth/*.csv; with export shapes (spec), records of tables left out are not listed,
    truth/record_evidence.csv says which kinds of evidence each record still carries, and the corruptions of
    heavy_corruption are listed in truth/corruptions.csv."""
    folder = os.path.join(out, "truth")
    os.makedirs(folder, exist_ok=True)
    P, H = w.people, w.hh
    hh = P["hh"]
    cols = dict(
        person_id=list(P["person_id"]), household_id=list(H["household_id"][hh]),
        first_name=list(P["first"]), middle_name=_s(P["middle"]), last_name=list(P["last"]),
        name_suffix=_s(P["suffix"]), preferred_name=_s(P["nick"]),
        gender=["M" if g == 0 else "F" for g in P["gender"]], birth_date=fmt.iso_date(P["birth"] * DAY),
        email=list(P["email"]), work_email=_s(P["work"]), household_email=_s(H["shared"][hh]),
        mobile_phone=_phones(w, list(P["mobile"])), home_phone=_s(_phones(w, H["landline"][hh])), ssn=list(P["ssn"]),
    )
    cols.update(_addr_cols(w, H["addr"][hh]))
    cols.update(_addr_cols(w, H["prev"][hh], "previous_"))
    moved = H["moved"][hh]
    cols.update(
        moved_on=fmt.nulls(fmt.iso_date(moved), moved == 0),
        is_customer=["true" if x else "false" for x in P["cust"]],
        customer_since=fmt.nulls(fmt.iso_date(P["since"]), ~P["cust"]),
        cohort=list(P["cohort"]),
    )
    write_csv(os.path.join(folder, "persons.csv"), pa.table(cols))

    hcols = dict(household_id=list(H["household_id"]), size=[str(x) for x in H["size"]])
    hcols.update(_addr_cols(w, H["addr"]))
    hcols.update(_addr_cols(w, H["prev"], "previous_"))
    hcols.update(moved_on=fmt.nulls(fmt.iso_date(H["moved"]), H["moved"] == 0), home_phone=_s(_phones(w, H["landline"])),
                 household_email=_s(H["shared"]))
    write_csv(os.path.join(folder, "households.csv"), pa.table(hcols))

    absent = {k.replace(".", ":") for k in spec.absent} if spec else set()

    def present(record_key):
        return record_key.rsplit(":", 1)[0] not in absent

    keys, pids, hids = [], [], []
    for c in cohorts:
        for system, name, ids, people in c.links:
            if f"{system}:{name}" in absent:
                continue
            keys += [f"{system}:{name}:{i}" for i in ids]
            pids += list(P["person_id"][people])
            hids += list(H["household_id"][hh[people]])
    write_csv(os.path.join(folder, "person_records.csv"),
              pa.table(dict(record_key=keys, person_id=pids, household_id=hids)))

    trig = [t for c in cohorts for t in c.triggers if present(t[0]) and present(t[1])]
    write_csv(os.path.join(folder, "survey_triggers.csv"), pa.table(dict(
        response_record_key=[t[0] for t in trig], trigger_record_key=[t[1] for t in trig],
        touchpoint=[t[2] for t in trig], has_embedded_id=["true" if t[3] else "false" for t in trig])))

    conf = [x for c in cohorts for x in c.conflicts if present(x[1]) and present(x[2])]
    write_csv(os.path.join(folder, "planted_conflicts.csv"), pa.table(dict(
        person_id=[P["person_id"][x[0]] for x in conf], policy_event_record_key=[x[1] for x in conf],
        marketing_send_record_key=[x[2] for x in conf])))

    write_csv(os.path.join(folder, "malformed_rows.csv"), pa.table(dict(
        record_table=[m[0] for m in malformed], source_id=[m[1] for m in malformed],
        defect_type=[m[2] for m in malformed], column=[m[3] for m in malformed])))
    if spec is not None:  # what each record still shows after shaping (an evaluation can tell what is attainable)
        rows = spec.evidence_rows(keys)
        cols = ["record_key"] + EVIDENCE
        write_csv(os.path.join(folder, "record_evidence.csv"),
                  pa.table({c: [r[j] for r in rows] for j, c in enumerate(cols)},
                           schema=pa.schema([(c, pa.string()) for c in cols])))
    if spec is not None and spec.has("heavy_corruption"):
        rows = spec.corruptions
        write_csv(os.path.join(folder, "corruptions.csv"), pa.table(dict(
            record_table=[r[0] for r in rows], source_id=[r[1] for r in rows], corruption=[r[2] for r in rows],
            column=[r[3] for r in rows]), schema=pa.schema([(n, pa.string()) for n in
                                                            ("record_table", "source_id", "corruption", "column")])))
    return len(keys)

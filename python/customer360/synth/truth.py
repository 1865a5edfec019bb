"""Ground truth: people, households, which person each source record belongs to, planted facts, defects."""

import os

import numpy as np
import pyarrow as pa

from . import fmt, lists
from .fmt import DAY
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


def _s(values):
    return [v if v else None for v in values]


def write(w, cohorts, malformed, out):
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
        mobile_phone=list(P["mobile"]), home_phone=_s(H["landline"][hh]), ssn=list(P["ssn"]),
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
    hcols.update(moved_on=fmt.nulls(fmt.iso_date(H["moved"]), H["moved"] == 0), home_phone=_s(H["landline"]),
                 household_email=_s(H["shared"]))
    write_csv(os.path.join(folder, "households.csv"), pa.table(hcols))

    keys, pids, hids = [], [], []
    for c in cohorts:
        for system, name, ids, people in c.links:
            keys += [f"{system}:{name}:{i}" for i in ids]
            pids += list(P["person_id"][people])
            hids += list(H["household_id"][hh[people]])
    write_csv(os.path.join(folder, "person_records.csv"),
              pa.table(dict(record_key=keys, person_id=pids, household_id=hids)))

    trig = [t for c in cohorts for t in c.triggers]
    write_csv(os.path.join(folder, "survey_triggers.csv"), pa.table(dict(
        response_record_key=[t[0] for t in trig], trigger_record_key=[t[1] for t in trig],
        touchpoint=[t[2] for t in trig], has_embedded_id=["true" if t[3] else "false" for t in trig])))

    conf = [x for c in cohorts for x in c.conflicts]
    write_csv(os.path.join(folder, "planted_conflicts.csv"), pa.table(dict(
        person_id=[P["person_id"][x[0]] for x in conf], policy_event_record_key=[x[1] for x in conf],
        marketing_send_record_key=[x[2] for x in conf])))

    write_csv(os.path.join(folder, "malformed_rows.csv"), pa.table(dict(
        record_table=[m[0] for m in malformed], source_id=[m[1] for m in malformed],
        defect_type=[m[2] for m in malformed], column=[m[3] for m in malformed])))
    return len(keys)

"""Export shapes of the generator: what each removes or changes is really removed or changed, the truth still
holds, the default export is untouched, and shaped exports are deterministic.

Oracles are independent of the shapes module where they can be: the staging contract (column names and the
loaded_at_field of each source), the default export of the same seed (a shape may only change what it says),
phonenumbers and python-stdnum (phone plans, DE/AU national ids) and pycountry (ISO 3166-2).
"""

import csv
import datetime as dt
import json
import re
import subprocess
import sys
from pathlib import Path

import phonenumbers
import pycountry
import pyarrow.parquet as pq
import pytest
import yaml
from stdnum.au import tfn
from stdnum.de import idnr

from customer360.synth import generate, lists, shapes
from customer360.synth.country import NINO_RE, POSTCODE_RE

ROOT = Path(__file__).resolve().parents[2]
AS_OF = "2026-06-30"
N, SEED = 300, 7
NAME_COL = re.compile(r"(^|_)(first_name|last_name|middle_name|name|customer_name|contact_name|requester_name|"
                      r"caller_name|suffix|name_suffix)$")
CONTACT_COL = re.compile(r"email|phone")
ADDRESS_COL = re.compile(r"street|address|city|state|province|postal|zip|country")
PII_COL = re.compile(r"birth|ssn")


def contract():
    """{'system.table': (path suffix, [columns], id column, loaded_at_field)} from the staging sources."""
    out = {}
    for f in sorted(ROOT.glob("models/staging/*/_*__sources.yml")):
        src = yaml.safe_load(f.read_text())["sources"][0]
        for t in src["tables"]:
            if "file_format" not in t.get("meta", {}):
                continue  # the landing audit, written by the build itself
            if t["meta"].get("optional"):
                continue  # the stewards' corrections: filed by people, not exported by a system
            out[f"{src['name']}.{t['name']}"] = dict(
                path=f"{src['name']}/{t['name']}.{t['meta']['file_format']}", cols=[c["name"] for c in t["columns"]],
                key=t["meta"]["primary_key"], loaded=src.get("config", {}).get("loaded_at_field", ""),
                desc={c["name"]: c.get("description", "") for c in t["columns"]})
    return out


CONTRACT = contract()
PERSON_TABLES = [k for k in shapes.ROLES if not shapes.ROLES[k].get("employee")]


def read(out, key):
    """(header, rows as dicts with None for empty) of one landed table."""
    path = Path(out) / "raw" / CONTRACT[key]["path"]
    if path.suffix == ".parquet":
        t = pq.read_table(path)
        return t.column_names, t.to_pylist()
    with open(path, newline="", encoding="utf-8") as f:
        r = csv.DictReader(f)
        rows = [{k: (v if v != "" else None) for k, v in row.items()} for row in r]
        return r.fieldnames, rows


def truth(out, name):
    with open(Path(out) / "truth" / f"{name}.csv", newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


def manifest(out):
    return json.loads((Path(out) / "raw" / "_manifest.json").read_text())


def files(out):
    return sorted(p.relative_to(out) for p in Path(out).rglob("*") if p.is_file())


def gen(tmp_path_factory, name, **kw):
    out = tmp_path_factory.mktemp(name)
    generate(kw.pop("customers", N), kw.pop("seed", SEED), str(out), AS_OF, 0.01, **kw)
    return out


@pytest.fixture(scope="module")
def default(tmp_path_factory):
    return gen(tmp_path_factory, "default")


@pytest.fixture(scope="module")
def shaped(tmp_path_factory):
    """One export per shape, made on first use."""
    cache = {}

    def get(name, **kw):
        k = (name, repr(sorted(kw.items())))
        if k not in cache:
            cache[k] = gen(tmp_path_factory, name.replace(",", "_"), shape=name, **kw)
        return cache[k]
    return get


def same_truth(a, b, names=("person_records", "survey_triggers", "planted_conflicts")):
    for n in names:
        assert (Path(a) / "truth" / f"{n}.csv").read_bytes() == (Path(b) / "truth" / f"{n}.csv").read_bytes(), n


# --- default stays as it was ---

def test_default_shape_is_the_plain_export(default, tmp_path):
    generate(N, SEED, str(tmp_path), AS_OF, 0.01, shape=["default"])
    assert files(default) == files(tmp_path)
    for p in files(default):
        assert (default / p).read_bytes() == (tmp_path / p).read_bytes(), p
    assert "shapes" not in manifest(default)


@pytest.mark.parametrize("combo", ["non_us,heavy_corruption", "id_only,missing_tables,no_loader_columns"])
def test_shaped_exports_are_deterministic(combo, tmp_path):
    generate(120, 3, str(tmp_path / "a"), AS_OF, 0.01, shape=combo)
    generate(120, 3, str(tmp_path / "b"), AS_OF, 0.01, shape=[combo])
    assert files(tmp_path / "a") == files(tmp_path / "b")
    for p in files(tmp_path / "a"):
        assert (tmp_path / "a" / p).read_bytes() == (tmp_path / "b" / p).read_bytes(), p
    generate(120, 4, str(tmp_path / "c"), AS_OF, 0.01, shape=combo)
    assert (tmp_path / "a/truth/persons.csv").read_bytes() != (tmp_path / "c/truth/persons.csv").read_bytes()
    m = manifest(tmp_path / "a")
    assert m["shapes"] == sorted(combo.split(","))


def test_extra_share_keeps_shaped_base_rows(tmp_path):
    generate(150, 5, str(tmp_path / "b"), AS_OF, 0.01, shape="heavy_corruption,non_us")
    generate(150, 5, str(tmp_path / "x"), AS_OF, 0.01, extra_share=0.05, shape="heavy_corruption,non_us")
    for key, c in CONTRACT.items():
        if c["path"].endswith(".csv"):
            a = (tmp_path / "b" / "raw" / c["path"]).read_bytes()
            assert (tmp_path / "x" / "raw" / c["path"]).read_bytes().startswith(a), key


# --- no_email_phone ---

def test_no_email_phone_empties_every_email_and_phone(default, shaped):
    out = shaped("no_email_phone")
    contact_cols = 0
    for key, c in CONTRACT.items():
        header, rows = read(out, key)
        assert header == c["cols"], key  # the columns stay
        _, base = read(default, key)
        assert len(rows) == len(base), key
        for col in header:
            vals = [r[col] for r in rows]
            assert not any("@" in str(v) for v in vals if v), (key, col)
            if CONTACT_COL.search(col):
                contact_cols += 1
                assert not any(vals), (key, col)
            else:  # nothing else changed
                assert vals == [r[col] for r in base], (key, col)
    assert contact_cols >= 25
    same_truth(default, out)
    assert not [m for m in truth(out, "malformed_rows") if m["defect_type"] == "invalid_email"]
    assert manifest(out)["shapes"] == ["no_email_phone"]


@pytest.mark.parametrize("how", ["no_email_phone_columns", "flag"])
def test_email_and_phone_columns_can_be_absent(default, shaped, how):
    out = shaped("no_email_phone_columns") if how != "flag" else shaped("no_email_phone", drop_empty_columns=True)
    for key, c in CONTRACT.items():
        header, rows = read(out, key)
        assert header == [col for col in c["cols"] if not CONTACT_COL.search(col)], key
    assert "web.registrations" in manifest(out)["dropped_columns"]
    same_truth(default, out)


# --- no_postal_code ---

POSTAL_COL = re.compile(r"postal|zip")


def test_no_postal_code_empties_every_person_postcode_and_nothing_else(default, shaped):
    out = shaped("no_postal_code")
    emptied = []
    for key, c in CONTRACT.items():
        header, rows = read(out, key)
        _, base = read(default, key)
        assert header == c["cols"] and len(rows) == len(base), key  # the columns stay
        for col in header:
            vals, before = [r[col] for r in rows], [r[col] for r in base]
            if key in PERSON_TABLES and POSTAL_COL.search(col):
                assert any(before) and not any(vals), (key, col)
                emptied.append(key)
            else:
                assert vals == before, (key, col)
    # every person table whose contract has a postcode column (the oracle is the staging contract)
    with_postcode = [k for k in PERSON_TABLES if any(POSTAL_COL.search(col) for col in CONTRACT[k]["cols"])]
    assert sorted(emptied) == sorted(with_postcode)
    assert len(emptied) >= 10
    same_truth(default, out)
    assert manifest(out)["shapes"] == ["no_postal_code"]


# --- id_only ---

def test_id_only_keeps_keys_and_references_and_no_pii(default, shaped):
    out = shaped("id_only")
    persons = truth(default, "persons")
    names = {p[k].lower() for p in persons for k in ("first_name", "last_name", "preferred_name") if p[k]}
    emptied = 0
    for key, c in CONTRACT.items():
        header, rows = read(out, key)
        _, base = read(default, key)
        assert header == c["cols"] and len(rows) == len(base), key
        if key not in PERSON_TABLES:
            assert rows == base, key  # reference and employee tables untouched
            continue
        for col in header:
            vals, before = [r[col] for r in rows], [r[col] for r in base]
            pii = NAME_COL.search(col) or CONTACT_COL.search(col) or ADDRESS_COL.search(col) or PII_COL.search(col)
            if (key, col) in (("crm.accounts", "name"), ("crm.leads", "company")):
                continue  # emptied where named after the household (below)
            if pii and col not in ("stage_name", "group_name"):
                assert not any(vals), (key, col)
                emptied += 1
            else:
                assert vals == before, (key, col)  # ids, references, events: as they were
        for r in rows:
            assert not any(isinstance(v, str) and v.strip().lower() in names for v in r.values()), key
            assert not any(isinstance(v, str) and re.search(r" Household|Family$", v) for v in r.values()), key
    assert emptied >= 60
    # every reference that makes an id-only record someone's stays filled as before
    for key, col in [("orders.orders", "billing_customer_id"), ("billing.invoices", "customer_id"),
                     ("pos.transactions", "loyalty_card_number"), ("web.sessions", "user_id"),
                     ("marketing.sends", "recipient_id"), ("policy.policies", "holder_id"),
                     ("crm.leads", "converted_contact_id"), ("crm.contacts", "account_id"),
                     ("surveys.responses", "ed_ticket_id"), ("contact_center.interactions", "ticket_id")]:
        vals = [r[col] for r in read(out, key)[1]]
        assert any(vals) and vals == [r[col] for r in read(default, key)[1]], (key, col)
    same_truth(default, out)
    assert {r["record_key"] for r in truth(out, "person_records")} == {r["record_key"] for r in truth(default, "person_records")}
    # business accounts keep their company name; household accounts lose theirs
    accounts = read(out, "crm.accounts")[1]
    assert all(r["name"] for r in accounts if r["type"] == "Business")
    assert not any(r["name"] for r in accounts if r["type"] == "Household")


# --- non_us ---

def _phone_ok(value, region):
    v = value.strip()
    try:
        return phonenumbers.is_valid_number(phonenumbers.parse(v, region))
    except phonenumbers.NumberParseException:
        return False


def _check_country(out, code, default):
    """Every postcode, subdivision, phone, national id and country value of a non_us export."""
    bad = {(m["record_table"], m["source_id"]) for m in truth(out, "malformed_rows")}
    subs = {s.code: s for s in pycountry.subdivisions.get(country_code=code)}
    sub_names = {s.name.split(" [")[0].split(", ")[0].lower() for s in subs.values()}
    short = {c.split("-")[1].lower() for c in subs} | {c.lower() for c in subs}
    counts = dict(postcodes=0, states=0, phones=0, countries=0)
    country_values = {code.lower(), pycountry.countries.get(alpha_2=code).alpha_3.lower(),
                      pycountry.countries.get(alpha_2=code).name.lower(), "uk", "deutschland"}
    for key, c in CONTRACT.items():
        header, rows = read(out, key)
        for r in rows:
            if (key, (r[c["key"]] or "").strip()) in bad:
                continue
            for col in header:
                v = r[col]
                if not v:
                    continue
                if re.search(r"postal|zip", col):
                    counts["postcodes"] += 1
                    assert POSTCODE_RE[code].match(v) or (code != "GB" and re.fullmatch(r"\d{3,4}", v)), (key, col, v)
                elif re.search(r"(^|_)state$|province", col):
                    counts["states"] += 1
                    assert v.lower() in sub_names | short, (key, col, v)
                elif re.search(r"phone", col) and "@" not in v:
                    counts["phones"] += 1
                    if not (key == "contact_center.interactions" and r["caller_name"] is None):  # callers unknown
                        assert _phone_ok(v, code), (key, col, v)
                elif re.search(r"country", col):
                    counts["countries"] += 1
                    assert v.lower() in country_values, (key, col, v)
    assert all(n > 50 for n in counts.values()), counts
    holders = read(out, "policy.policy_holders")[1]
    ids = [r["ssn"] for r in holders if r["ssn"] and ("policy.policy_holders", r["holder_id"].strip()) not in bad]
    assert any(" " in v for v in ids) and any(" " not in v for v in ids), "typed with and without spaces"
    valid = {"GB": lambda v: NINO_RE.match(v), "DE": idnr.is_valid, "AU": tfn.is_valid}[code]
    assert all(valid(v.replace(" ", "")) for v in ids)
    assert not any(re.fullmatch(r"\d{3}-\d\d-\d{4}", v) for v in ids), "no US SSN"
    # truth: canonical postcodes, ISO 3166-2 codes, E.164 phones, the same records and persons as default
    for p in truth(out, "persons"):
        assert POSTCODE_RE[code].match(p["zip"]) and p["state"] in subs
        assert phonenumbers.is_valid_number(phonenumbers.parse(p["mobile_phone"]))
        assert phonenumbers.region_code_for_number(phonenumbers.parse(p["mobile_phone"])) == code
        assert valid(p["ssn"])
    same_truth(default, out, ("person_records", "survey_triggers", "planted_conflicts", "malformed_rows"))
    assert [p["person_id"] for p in truth(out, "persons")] == [p["person_id"] for p in truth(default, "persons")]
    assert [p["first_name"] for p in truth(out, "persons")] == [p["first_name"] for p in truth(default, "persons")]


def test_non_us_gb(default, shaped):
    out = shaped("non_us")
    _check_country(out, "GB", default)
    m = manifest(out)
    assert m["country"] == "GB" and m["shape_params"]["non_us"]["country"] == "GB"
    assert m["shape_params"]["non_us"]["contact_center_timezone"] == "Europe/London"
    zips = [r["shipping_zip"] for r in read(out, "orders.orders")[1] if r["shipping_zip"]]
    assert any(" " in z for z in zips) and any(" " not in z for z in zips), "with and without the space"
    phones = [r["phone"] for r in read(out, "orders.orders")[1] if r["phone"]]
    assert any(p.startswith("0") for p in phones) and any(p.startswith(("+44", "0044")) for p in phones)
    # offsets of local times are the zone's (GMT/BST), and the instant is the default export's
    base = read(default, "orders.orders")[1]
    for r, b in zip(read(out, "orders.orders")[1], base):
        if r["created_at"] and re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d\d:\d\d", r["created_at"]):
            assert r["created_at"][-6:] in ("+00:00", "+01:00")
            assert dt.datetime.fromisoformat(r["created_at"]) == dt.datetime.fromisoformat(b["created_at"])


@pytest.mark.parametrize("code", ["DE", "AU"])
def test_non_us_de_au(shaped, tmp_path_factory, code):
    base = shaped("default", customers=120, seed=11)
    out = shaped("non_us", country=code, customers=120, seed=11)
    _check_country(out, code, base)
    assert manifest(out)["country"] == code


# --- missing_tables ---

def test_missing_tables_are_absent_and_truth_follows(default, shaped):
    out = shaped("missing_tables")
    m = manifest(out)
    assert m["absent_tables"] == shapes.ABSENT_TABLES and set(m["row_counts"]) == set(CONTRACT) - set(shapes.ABSENT_TABLES)
    for key, c in CONTRACT.items():
        path = out / "raw" / c["path"]
        if key in shapes.ABSENT_TABLES:
            assert not path.exists(), key
        else:
            assert path.read_bytes() == (default / "raw" / c["path"]).read_bytes(), key
    absent = tuple(k.replace(".", ":") + ":" for k in shapes.ABSENT_TABLES)
    keys = [r["record_key"] for r in truth(out, "person_records")]
    assert not [k for k in keys if k.startswith(absent)]
    assert keys == [r["record_key"] for r in truth(default, "person_records") if not r["record_key"].startswith(absent)]
    assert any(r["record_key"].startswith("crm:leads:") for r in truth(default, "person_records"))
    assert not [d for d in truth(out, "malformed_rows") if d["record_table"] in shapes.ABSENT_TABLES]
    assert m["person_records"] == len(keys)


# --- no_loader_columns ---

def loader_columns():
    """Columns a loader adds, read from the contract: named in the source's loaded_at_field or starting with
    '_', and described as the connector's, the extract's or the export's time (not the record's own change)."""
    out = set()
    for c in CONTRACT.values():
        for col in c["cols"]:
            if (col in c["loaded"] or col.startswith("_")) and re.search(
                    r"connector|extract|export", c["desc"][col], re.I):
                out.add(col)
    return out


def test_no_loader_columns(default, shaped):
    found = loader_columns()
    assert found == set(shapes.LOADER_COLUMNS), "shapes.LOADER_COLUMNS is every loader column of the contract"
    out = shaped("no_loader_columns")
    for key, c in CONTRACT.items():
        header, rows = read(out, key)
        assert not found & set(header), key
        assert header == [col for col in c["cols"] if col not in found], key
        _, base = read(default, key)
        assert rows == [{k: v for k, v in r.items() if k not in found} for r in base], key
    same_truth(default, out)
    kept = truth(out, "malformed_rows")
    assert not [d for d in kept if d["column"] in found]
    assert any(d["defect_type"] == "duplicate_id" for d in kept)


# --- heavy_corruption ---

def _diff_rows(out, default):
    """(table, id) of person-table rows whose values differ from the default export, and the pairs."""
    diff, pairs = set(), []
    for key in PERSON_TABLES:
        _, rows = read(out, key)
        _, base = read(default, key)
        id_col = CONTRACT[key]["key"]
        for r, b in zip(rows, base):
            if r != b:
                diff.add((key, r[id_col]))
                pairs.append((key, r, b))
    return diff, pairs


def test_heavy_corruption_share_and_truth(default, shaped):
    out = shaped("heavy_corruption")
    diff, _ = _diff_rows(out, default)
    listed = {(r["record_table"], r["source_id"]) for r in truth(out, "corruptions")}
    assert diff == listed  # every change is recorded, and every recorded corruption changed the row
    # denominator: person records of the default export with a person field to corrupt
    records = {r["record_key"] for r in truth(default, "person_records")}
    n_records = 0
    for key in PERSON_TABLES:
        pii = shapes.pii_columns(key)
        system, name = key.split(".")
        n_records += sum(1 for r in read(default, key)[1] if f"{system}:{name}:{r[CONTRACT[key]['key']]}" in records
                         and any(r[c] for c in pii))
    share = len(listed) / n_records
    p = shapes.CORRUPTION_DEFAULTS
    expected = p["share"] + (1 - p["share"]) * p["typo_rate"]
    assert 0.7 * expected < share < 1.3 * expected, share
    same_truth(default, out, ("person_records", "survey_triggers", "planted_conflicts", "malformed_rows"))
    # other tables are untouched
    for key in set(CONTRACT) - set(PERSON_TABLES):
        assert read(out, key) == read(default, key), key
    m = manifest(out)
    assert m["shape_params"]["heavy_corruption"]["share"] == p["share"]
    assert m["corrupted_records"] == len(listed)


def test_heavy_corruption_kinds_do_what_they_say(default, shaped):
    out = shaped("heavy_corruption", corruption={"share": 0.6, "typo_rate": 0.0})
    rows = {(r["record_table"], r["source_id"]): r for r in read_all(out)}
    base = {(r["record_table"], r["source_id"]): r for r in read_all(default)}
    first_names = {x.lower() for x in lists.MALE + lists.FEMALE}
    seen = set()
    listed = truth(out, "corruptions")
    per_record = {}
    for c in listed:
        per_record.setdefault((c["record_table"], c["source_id"]), []).append(c)
    assert any(len(v) == 2 for v in per_record.values())
    for c in (v[0] for v in per_record.values() if len(v) == 1):  # one kind: the row shows exactly its effect
        k, kind, col = (c["record_table"], c["source_id"]), c["corruption"], c["column"]
        r, b = rows[k], base[k]
        seen.add(kind)
        changed = {x for x in r if r[x] != b[x]}
        assert changed and changed <= set(re.split(r"[+>]", col)), (kind, col, changed)
        if kind == "first_name_replaced" and col in ("first_name", "recipient_first_name"):
            assert r[col].lower() in first_names and r[col].lower() != (b[col] or "").lower()
        elif kind in ("email_blanked", "phone_blanked", "address_blanked"):
            assert all(not r[x] and b[x] for x in col.split("+"))
        elif kind == "email_in_phone_field":
            email, phone = col.split(">")
            assert not r[email] and r[phone] == b[email] and "@" in r[phone]
        elif kind == "birth_date_day_month_swapped":
            y, m, d = _date(b[col])
            assert _date(r[col]) == (y, d, m) and m != d
        elif kind == "birth_date_digit_typo":
            y, m, d = _date(b[col])
            y2, m2, d2 = _date(r[col])  # still a date of the calendar
            dt.date(y2, m2, d2)
            assert y2 == y and (m2, d2) != (m, d)
            diffs = sum(a != b_ for a, b_ in zip(f"{m:02d}{d:02d}", f"{m2:02d}{d2:02d}"))
            assert diffs == 1
        elif kind == "last_name_dropped" and col in ("last_name", "recipient_last_name"):
            assert not r[col] and b[col]
        elif kind == "names_swapped" and "+" in col:
            a, b2 = col.split("+")
            assert (r[a], r[b2]) == (b[b2], b[a])
    assert seen == set(shapes.KIND_WEIGHTS), set(shapes.KIND_WEIGHTS) - seen


def read_all(out):
    for key in PERSON_TABLES:
        for r in read(out, key)[1]:
            yield dict(r, record_table=key, source_id=r[CONTRACT[key]["key"]])


def _date(v):
    if "/" in v:
        m, d, y = v.split("/")
    else:
        y, m, d = v.split("-")
    return int(y), int(m), int(d)


def test_heavy_corruption_at_zero_changes_nothing(default, shaped):
    out = shaped("heavy_corruption", corruption={"share": 0.0, "typo_rate": 0.0})
    for key, c in CONTRACT.items():
        assert (out / "raw" / c["path"]).read_bytes() == (default / "raw" / c["path"]).read_bytes(), key
    assert truth(out, "corruptions") == []


# --- CLI ---

def test_cli_shapes_and_errors(tmp_path):
    def run(*args):
        return subprocess.run([sys.executable, "-m", "customer360.synth", "--customers", "30", "--seed", "2",
                               "--as-of", AS_OF, *args], capture_output=True, text=True)
    res = run("--out", str(tmp_path / "a"), "--shape", "non_us,no_email_phone", "--shape", "no_loader_columns",
              "--country", "de")
    assert res.returncode == 0, res.stderr
    m = manifest(tmp_path / "a")
    assert m["shapes"] == ["no_email_phone", "no_loader_columns", "non_us"] and m["country"] == "DE"
    for args, msg in [(("--shape", "bogus"), "unknown shape"), (("--country", "GB"), "--country needs"),
                      (("--shape", "non_us", "--country", "FR"), "not supported"),
                      (("--corruption-share", "0.3"), "need --shape heavy_corruption")]:
        res = run("--out", str(tmp_path / "b"), *args)
        assert res.returncode == 2 and msg in res.stderr, (args, res.stderr)
    help_text = run("--help").stdout
    assert all(name in help_text for name in shapes.SHAPES)


def test_heavy_corruption_combined_lists_only_what_shows(shaped):
    base = shaped("no_email_phone")
    out = shaped("heavy_corruption,no_email_phone")
    diff, _ = _diff_rows(out, base)
    listed = truth(out, "corruptions")
    assert diff == {(r["record_table"], r["source_id"]) for r in listed} and diff
    assert not {"email_blanked", "phone_blanked", "email_in_phone_field"} & {r["corruption"] for r in listed}
    ids = shaped("id_only")
    both = shaped("heavy_corruption,id_only")
    assert truth(both, "corruptions") == []
    for key, c in CONTRACT.items():
        assert (both / "raw" / c["path"]).read_bytes() == (ids / "raw" / c["path"]).read_bytes(), key


def test_record_evidence_says_what_each_record_still_shows(default, shaped):
    keys = [r["record_key"] for r in truth(default, "person_records")]
    full = {r["record_key"]: r for r in truth(shaped("no_loader_columns"), "record_evidence")}
    assert list(full) == keys
    gone = {f"{m['record_table'].replace('.', ':')}:{m['source_id']}" for m in truth(default, "malformed_rows")
            if m["defect_type"] == "missing_id"}  # rows whose id was removed on purpose show nothing
    assert gone and all(any(r[f] == "true" for f in shapes.EVIDENCE) == (k not in gone) for k, r in full.items())
    assert sum(r["email"] == "true" for r in full.values()) > len(keys) / 3
    none = truth(shaped("no_email_phone"), "record_evidence")
    assert not any(r["email"] == "true" or r["phone"] == "true" for r in none)
    assert [r["name"] for r in none] == [full[r["record_key"]]["name"] for r in none]
    ids = truth(shaped("id_only"), "record_evidence")
    assert not any(r[f] == "true" for r in ids for f in shapes.EVIDENCE[:-1])
    by_table = {}
    for r in ids:
        by_table.setdefault(r["record_key"].rsplit(":", 1)[0], set()).add(r["reference"])
    assert by_table["orders:orders"] >= {"true"} and by_table["billing:customers"] >= {"true"}
    assert by_table["policy:policy_holders"] == {"false"}  # no other person record names a policy holder

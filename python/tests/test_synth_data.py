"""Properties of the synthetic data set: contract, determinism, extra share, truth, defects, noise."""

import collections
import csv
import datetime as dt
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pyarrow.parquet as pq
import pytest
import yaml

from customer360.synth import generate

ROOT = Path(__file__).resolve().parents[2]
AS_OF = "2026-06-30"
N = 300
RATE = 0.01
PERSON_TABLES = ["crm.contacts", "crm.leads", "marketing.sends", "orders.orders", "orders.projects",
                 "billing.customers", "support.tickets", "web.registrations", "policy.policy_holders",
                 "pos.loyalty_members"]  # every row belongs to a person
NAME_RE = {"crm.contacts": ("first_name", "last_name"), "crm.leads": ("first_name", "last_name"),
           "policy.policy_holders": ("first_name", "last_name"), "web.registrations": ("first_name", "last_name")}


def contract():
    """{'system.table': (file path suffix, [columns], id column)} from the staging source YAML."""
    out = {}
    for f in sorted(ROOT.glob("models/staging/*/_*__sources.yml")):
        src = yaml.safe_load(f.read_text())["sources"][0]
        for t in src["tables"]:
            if "file_format" not in t.get("meta", {}):
                continue  # the landing audit, written by the build itself
            if t["meta"].get("optional"):
                continue  # the stewards' corrections: filed by people, not exported by a system
            ext = t["meta"]["file_format"]
            out[f"{src['name']}.{t['name']}"] = (f"{src['name']}/{t['name']}.{ext}",
                                                 [c["name"] for c in t["columns"]], t["meta"]["primary_key"])
    return out


CONTRACT = contract()


def read(out, key):
    path = Path(out) / "raw" / CONTRACT[key][0]
    if path.suffix == ".parquet":
        return pq.read_table(path).to_pylist()
    with open(path, newline="", encoding="utf-8") as f:
        return [{k: (v if v != "" else None) for k, v in r.items()} for r in csv.DictReader(f)]


def truth(out, name):
    with open(Path(out) / "truth" / f"{name}.csv", newline="", encoding="utf-8") as f:
        return [{k: (v if v != "" else None) for k, v in r.items()} for r in csv.DictReader(f)]


def files(out):
    return sorted(p for p in Path(out).rglob("*") if p.is_file())


def clean(v):
    return v.strip().replace("\u00a0", "").strip() if v else None


@pytest.fixture(scope="module")
def base(tmp_path_factory):
    out = tmp_path_factory.mktemp("base")
    generate(N, 7, str(out), AS_OF, RATE)
    return out


@pytest.fixture(scope="module")
def data(base):
    """Every table read once, plus the truth files."""
    tables = {k: read(base, k) for k in CONTRACT}
    return dict(out=base, t=tables, records=truth(base, "person_records"), persons=truth(base, "persons"),
                malformed=truth(base, "malformed_rows"))


def test_columns_match_contract(base):
    assert CONTRACT, "no source contracts found"
    for key, (suffix, cols, _) in CONTRACT.items():
        path = base / "raw" / suffix
        assert path.exists(), key
        if path.suffix == ".parquet":
            got = pq.read_schema(path).names
        else:
            with open(path, encoding="utf-8") as f:
                got = next(csv.reader(f))
        assert got == cols, key
    manifest = json.loads((base / "raw" / "_manifest.json").read_text())
    assert set(manifest["row_counts"]) == set(CONTRACT)
    assert all(n > 0 for n in manifest["row_counts"].values())
    assert manifest["seed"] == 7 and manifest["as_of"] == AS_OF and manifest["customers"] == N


def test_files_are_utf8_and_manifest_last(base):
    for p in files(base):
        if p.suffix == ".csv":
            p.read_bytes().decode("utf-8")
    manifest = base / "raw" / "_manifest.json"
    assert all(p.stat().st_mtime_ns <= manifest.stat().st_mtime_ns for p in files(base))


def test_same_seed_same_bytes_other_seed_differs(base, tmp_path):
    generate(N, 7, str(tmp_path / "again"), AS_OF, RATE)
    a, b = files(base), files(tmp_path / "again")
    assert [p.relative_to(base) for p in a] == [p.relative_to(tmp_path / "again") for p in b]
    for x, y in zip(a, b):
        assert x.read_bytes() == y.read_bytes(), x.name
    generate(N, 8, str(tmp_path / "other"), AS_OF, RATE)
    assert (base / "raw/crm/contacts.csv").read_bytes() != (tmp_path / "other/raw/crm/contacts.csv").read_bytes()
    assert (base / "truth/persons.csv").read_bytes() != (tmp_path / "other/truth/persons.csv").read_bytes()


def test_extra_share_appends_to_identical_base(base, tmp_path):
    generate(N, 7, str(tmp_path / "x"), AS_OF, RATE, extra_share=0.05)
    x = tmp_path / "x"
    before = after = 0
    for key, (suffix, _, _) in CONTRACT.items():
        p, q = base / "raw" / suffix, x / "raw" / suffix
        if p.suffix == ".parquet":
            a, b = pq.read_table(p), pq.read_table(q)
            assert b.slice(0, a.num_rows).equals(a), key
            before, after = before + a.num_rows, after + b.num_rows
        else:
            a, b = p.read_bytes(), q.read_bytes()
            assert b.startswith(a), key
            before, after = before + a.count(b"\n"), after + b.count(b"\n")
    assert 0.02 < after / before - 1 < 0.10
    old = {r["record_key"]: r["person_id"] for r in truth(base, "person_records")}
    new = {r["record_key"]: r["person_id"] for r in truth(x, "person_records")}
    assert all(new[k] == v for k, v in old.items())
    added = set(new) - set(old)
    assert added
    old_people = {r["person_id"] for r in truth(base, "persons")}
    assert any(new[k] in old_people for k in added), "no new activity for existing people"
    assert any(new[k] not in old_people for k in added), "no new people"
    # new rows bring new ids (duplicate-id defects aside)
    dup = {(r["record_table"], r["source_id"]) for r in truth(x, "malformed_rows") if r["defect_type"] == "duplicate_id"}
    for key in ("crm.contacts", "orders.orders", "marketing.sends"):
        ids = [clean(r[CONTRACT[key][2]]) for r in read(x, key)]
        counts = collections.Counter(i for i in ids if i)
        assert all(c == 1 or (key, i) in dup for i, c in counts.items()), key


def test_truth_covers_person_records(data):
    t, records = data["t"], data["records"]
    keys = {r["record_key"] for r in records}
    people = {r["person_id"]: r for r in data["persons"]}
    hh = {r["household_id"] for r in truth(data["out"], "households")}
    assert all(r["person_id"] in people and r["household_id"] in hh for r in records)
    assert all(people[r["person_id"]]["household_id"] == r["household_id"] for r in records)
    def key_of(table, row):
        system, name = table.split(".")
        return f"{system}:{name}:{clean(row[CONTRACT[table][2]])}"

    for table in PERSON_TABLES:
        rows = [r for r in t[table] if clean(r[CONTRACT[table][2]])]
        assert rows and all(key_of(table, r) in keys for r in rows), table
    # conditionally person-bearing tables
    bad = {(m["record_table"], m["source_id"]) for m in data["malformed"]}
    pos = [r for r in t["pos.transactions"] if clean(r["id"]) and ("pos.transactions", clean(r["id"])) not in bad]
    assert all(key_of("pos.transactions", r) in keys for r in pos
               if r["loyalty_card_number"] or r["customer_name"] or r["customer_email"])
    assert sum(key_of("pos.transactions", r) in keys for r in pos) < len(pos) / 2, "most store sales are anonymous"
    sessions = [r for r in t["web.sessions"] if clean(r["id"])]
    assert all(key_of("web.sessions", r) in keys for r in sessions if r["user_id"])
    assert any(key_of("web.sessions", r) in keys for r in sessions if not r["user_id"]), "anonymous, later known"
    assert any(key_of("web.sessions", r) not in keys for r in sessions), "truly anonymous visitors"
    resp = [r for r in t["surveys.responses"] if clean(r["id"])]
    assert all(key_of("surveys.responses", r) in keys for r in resp if r["recipient_email"] or r["recipient_phone"])
    calls = [r for r in t["contact_center.interactions"] if clean(r["id"])]
    assert all(key_of("contact_center.interactions", r) in keys for r in calls if r["caller_name"] or r["caller_email"])
    assert any(key_of("contact_center.interactions", r) not in keys for r in calls)
    # every truth key points at a landed row, except rows whose id was removed on purpose
    landed = set()
    for table in PERSON_TABLES + ["pos.transactions", "web.sessions", "surveys.responses", "contact_center.interactions"]:
        landed |= {key_of(table, r) for r in t[table]}
    lost = {k for k in keys if k not in landed}
    removed = {f"{m['record_table'].replace('.', ':')}:{m['source_id']}" for m in data["malformed"]
               if m["defect_type"] == "missing_id"}
    assert lost == removed & keys


def test_malformed_share_and_types(data):
    t, mal = data["t"], data["malformed"]
    by_table = collections.Counter(m["record_table"] for m in mal)
    total = sum(len(v) for v in t.values())
    assert 0.6 * RATE < len(mal) / total < 1.5 * RATE
    for key, rows in t.items():
        if len(rows) >= 1500:
            assert 0.3 * RATE < by_table[key] / len(rows) < 2.5 * RATE, key
    assert {m["defect_type"] for m in mal} == {"bad_date", "invalid_email", "bad_amount", "duplicate_id",
                                                 "dangling_reference", "whitespace", "mojibake", "missing_id"}
    email_ok = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
    for m in mal:
        key, sid, col = m["record_table"], m["source_id"], m["column"]
        rows = [r for r in t[key] if clean(r[CONTRACT[key][2]]) == sid]
        if m["defect_type"] == "duplicate_id":
            assert len(rows) == 2, m
            assert rows[0][col] != rows[1][col]
        elif m["defect_type"] == "missing_id":
            assert not rows
        elif m["defect_type"] == "invalid_email":
            assert len(rows) == 1 and not email_ok.match(rows[0][col]), m
        elif m["defect_type"] == "bad_amount":
            v = rows[0][col]
            assert v.startswith("-") or not re.fullmatch(r"\d+(\.\d+)?", v), m
        elif m["defect_type"] == "mojibake":
            assert "Ã" in rows[0][col] or "â" in rows[0][col] or "\ufffd" in rows[0][col], m
        elif m["defect_type"] == "whitespace":
            assert rows[0][col] != rows[0][col].strip() or "\u00a0" in rows[0][col], m
    # dangling references really point nowhere
    orders = {clean(r["id"]) for r in t["orders.orders"]}
    dangling = [m for m in mal if m["record_table"] == "orders.order_lines" and m["defect_type"] == "dangling_reference"]
    lines = {clean(r["id"]): r for r in t["orders.order_lines"]}
    assert all(lines[m["source_id"]]["order_id"] not in orders for m in dangling)
    # outside the defects, references resolve
    bad = {(m["record_table"], m["source_id"]) for m in mal}
    assert all(r["order_id"] in orders for r in t["orders.order_lines"] if ("orders.order_lines", clean(r["id"])) not in bad)
    cust = {clean(r["id"]) for r in t["billing.customers"]}
    assert all(r["customer_id"] in cust for r in t["billing.invoices"] if ("billing.invoices", clean(r["id"])) not in bad)


def test_people_look_different_across_systems(data):
    t, records = data["t"], data["records"]
    people = {r["person_id"]: r for r in data["persons"]}
    systems = collections.defaultdict(set)
    for r in records:
        systems[r["person_id"]].add(r["record_key"].split(":")[0])
    assert sum(len(s) >= 3 for s in systems.values()) / len(people) > 0.35
    owner = {r["record_key"]: r["person_id"] for r in records}
    for key, (fc, lc) in NAME_RE.items():
        sys_, tab = key.split(".")
        pairs = [(r, people[owner[f"{sys_}:{tab}:{clean(r[CONTRACT[key][2]])}"]]) for r in t[key]
                 if f"{sys_}:{tab}:{clean(r[CONTRACT[key][2]])}" in owner and r[fc] and r[lc]]
        same = sum(r[fc] == p["first_name"] and r[lc] == p["last_name"] for r, p in pairs) / len(pairs)
        assert 0.2 < same < 0.95, key
    contacts = [(r, people[owner["crm:contacts:" + clean(r["id"])]]) for r in t["crm.contacts"]
                if r["first_name"] and "crm:contacts:" + clean(r["id"] or "") in owner]
    assert any(p["preferred_name"] and r["first_name"] == p["preferred_name"] for r, p in contacts), "nicknames"
    holders = t["policy.policy_holders"]
    assert sum(1 for r in holders if r["last_name"] and r["last_name"].isupper()) > len(holders) / 3
    names = [r["customer_name"] for r in t["orders.orders"] if r["customer_name"]]
    assert sum("," in n for n in names) > len(names) * 0.05, "Last, First"
    phones = {re.sub(r"\d", "9", r["phone"]) for r in t["orders.orders"] if r["phone"]}
    assert len(phones) >= 5
    emails = [r["email"] for r in t["orders.orders"] if r["email"]]
    assert any("+" in e for e in emails) and any(e != e.lower() for e in emails)
    streets = " ".join(r["mailing_street"] or "" for r in t["crm.contacts"])
    assert re.search(r"\bSt\b", streets) and re.search(r"\bStreet\b", streets)
    zips = [r["shipping_zip"] for r in t["orders.orders"] if r["shipping_zip"]]
    assert any("-" in z for z in zips) and any(len(z) == 5 for z in zips)
    # households share an address; different people share a full name
    by_hh = collections.Counter(p["household_id"] for p in people.values())
    assert max(by_hh.values()) >= 2
    full = collections.Counter((p["first_name"], p["last_name"]) for p in people.values())
    assert any(n > 1 for n in full.values())
    assert any(p["previous_address_line_1"] for p in people.values()), "movers"


def test_planted_conflicts_match_rows(data):
    t, planted = data["t"], truth(data["out"], "planted_conflicts")
    assert len(planted) >= 3
    events = {clean(r["event_id"]): r for r in t["policy.policy_events"]}
    sends = {clean(r["id"]): r for r in t["marketing.sends"]}
    intent = {clean(r["id"]): r["intent"] for r in t["marketing.campaigns"]}
    owner = {r["record_key"]: r["person_id"] for r in data["records"]}
    holder_of_policy = {clean(r["policy_number"]): clean(r["holder_id"]) for r in t["policy.policies"]}
    for c in planted:
        ev = events[c["policy_event_record_key"].split(":")[2]]
        send = sends[c["marketing_send_record_key"].split(":")[2]]
        assert ev["event_type"] in ("cancellation_notice", "non_renewal_notice")
        assert intent[send["campaign_id"]] in ("cross_sell", "up_sell")
        notice = dt.datetime.strptime(ev["notice_sent_date"], "%m/%d/%Y").date()
        assert send["sent_at"][:10] == notice.isoformat()
        assert owner[c["marketing_send_record_key"]] == c["person_id"]
        holder = holder_of_policy[ev["policy_number"]]
        assert owner[f"policy:policy_holders:{holder}"] == c["person_id"]


def test_survey_triggers(data):
    t, trig = data["t"], truth(data["out"], "survey_triggers")
    resp = {clean(r["id"]): r for r in t["surveys.responses"]}
    projects = {clean(r["id"]) for r in t["orders.projects"]}
    tickets = {clean(r["id"]) for r in t["support.tickets"]}
    assert {r["touchpoint"] for r in trig} == {"delivery", "installation", "support"}
    removed = {(m["record_table"], m["source_id"]) for m in data["malformed"] if m["defect_type"] == "missing_id"}
    flags = collections.Counter(r["has_embedded_id"] for r in trig)
    assert flags["true"] > flags["false"] > 0
    for r in trig:
        row = resp.get(r["response_record_key"].split(":")[2])
        if row is None:
            continue  # its id was damaged on purpose
        system, table, tid = r["trigger_record_key"].split(":")
        assert tid in (projects if table == "projects" else tickets) or (f"{system}.{table}", tid) in removed
        embedded = row["ed_project_id"] if table == "projects" else row["ed_ticket_id"]
        assert (embedded == tid) == (r["has_embedded_id"] == "true")


def test_experience_drives_scores(data):
    resp = [r for r in data["t"]["surveys.responses"] if r["score"] and re.fullmatch(r"\d+", r["score"])]
    neg = [int(r["score"]) for r in resp if r["comment"] and re.search(r"refund|cancel|terrible", r["comment"], re.I)]
    rest = [int(r["score"]) for r in resp if not (r["comment"] and re.search(r"refund|cancel|terrible", r["comment"], re.I))]
    assert neg and sum(neg) / len(neg) < sum(rest) / len(rest) - 1
    consent = collections.Counter(r["consent_to_be_named"] for r in data["t"]["surveys.responses"])
    assert consent["true"] > consent["false"] > 0


def test_lifecycle_and_tasks(data):
    t = data["t"]
    contacts = {clean(r["id"]) for r in t["crm.contacts"]}
    opps = {clean(r["id"]): r for r in t["crm.opportunities"]}
    bad = {m["source_id"] for m in data["malformed"] if m["record_table"].startswith("crm.")}
    conv = [r for r in t["crm.leads"] if r["is_converted"] == "true" and clean(r["id"]) not in bad]
    assert conv and all(r["converted_contact_id"] in contacts | bad and r["converted_opportunity_id"] in opps.keys() | bad
                        for r in conv)
    assert sum(1 for r in t["crm.opportunities"] if r["stage_name"] == "Closed Won") > 0
    users = {clean(r["id"]): r for r in t["crm.users"]}
    ams = [u for u in users.values() if u["title"] == "Account Manager"]
    assert ams and all(users[u["manager_id"]]["title"] == "Sales Manager" for u in ams)
    tasks = t["crm.tasks"]
    overdue = [r for r in tasks if r["status"] != "Completed" and r["activity_date"] and r["activity_date"] < AS_OF]
    assert overdue and any(r["status"] == "Completed" for r in tasks)
    assert {"Call back about survey", "Follow up on complaint"} <= {r["subject"] for r in tasks}
    assert {"delivery", "installation"} == {r["project_type"] for r in t["orders.projects"]}
    assert any(r["type"] == "complaint" for r in t["support.tickets"])
    assert {"cancellation_notice", "non_renewal_notice", "cancelled"} <= {r["event_type"] for r in t["policy.policy_events"]}


def test_formats_and_nothing_in_the_future(data):
    t = data["t"]
    bad = {(m["record_table"], m["source_id"]) for m in data["malformed"]}

    def ok(key, r):
        return (key, clean(r[CONTRACT[key][2]])) not in bad

    limit = dt.datetime.fromisoformat(AS_OF).replace(tzinfo=dt.timezone.utc)
    for r in t["orders.orders"]:
        if ok("orders.orders", r):
            ts = dt.datetime.fromisoformat(r["created_at"])
            assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d\d:\d\d", r["created_at"])
            assert limit - dt.timedelta(days=3 * 366) < ts < limit
    for r in t["billing.invoices"]:
        if ok("billing.invoices", r):
            assert re.fullmatch(r"\d{10}", r["created"]) and re.fullmatch(r"\d+", r["amount_due"])
            assert int(r["created"]) < limit.timestamp()
    for r in t["contact_center.interactions"]:
        if ok("contact_center.interactions", r):
            assert re.fullmatch(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d", r["started_at_local"])
    for r in t["policy.policy_events"]:
        if ok("policy.policy_events", r):
            assert dt.datetime.strptime(r["event_date"], "%m/%d/%Y") < limit.replace(tzinfo=None)
    for r in t["crm.contacts"]:
        if ok("crm.contacts", r):
            assert r["_fivetran_synced"].endswith("Z") and r["_fivetran_synced"] < AS_OF + "T00:00:00Z"
            assert r["is_deleted"] in ("true", "false")
    for r in t["pos.transactions"]:
        if ok("pos.transactions", r):
            assert re.fullmatch(r".*T\d\d:\d\d:\d\d[+-]\d\d:\d\d", r["transacted_at"])


def test_cli_writes_data(tmp_path):
    out = tmp_path / "cli"
    res = subprocess.run([sys.executable, "-m", "customer360.synth", "--customers", "40", "--seed", "3", "--out",
                          str(out), "--as-of", "2025-01-31", "--error-rate", "0.02"],
                         capture_output=True, text=True, check=True, env={**os.environ})
    assert "wrote" in res.stdout
    m = json.loads((out / "raw" / "_manifest.json").read_text())
    assert m["as_of"] == "2025-01-31" and m["error_rate"] == 0.02 and m["extra_share"] == 0.0
    assert m["generator_version"] and sum(m["row_counts"].values()) == m["total_rows"]

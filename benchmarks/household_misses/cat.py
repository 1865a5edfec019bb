"""Categorise household pairwise misses: person errors propagated vs the household rule itself.

Actual: the build's crosswalk + households. Counterfactual: the same household SQL run on a crosswalk that
is the truth (customer = true person), over the same records. A pair missed in the actual build but not in
the counterfactual is a person error propagated; a pair missed in both is the household rule's."""
import csv, re, sys
from collections import Counter, defaultdict
from itertools import combinations
import duckdb

import os
ROOT = os.environ.get("HH_ROOT", "/work/main/data/matrix")
SQL_FILE = sys.argv[2] if len(sys.argv) > 2 else None


def compiled_sql(d):
    import glob
    return open(glob.glob(f"{ROOT}/{d}/target/compiled/**/int_identity__households.sql", recursive=True)[0]).read().replace('"dev".', '"customer360".')


def num(line, line2=None):
    """The digit groups of an address line (house number and unit number), order-free."""
    return frozenset(g.lstrip("0") for g in re.findall(r"\d+", f"{line or ''} {line2 or ''}"))


def pc(code):
    return re.sub(r"[^0-9A-Z]", "", (code or "").upper()).lstrip("0")[:5]


def pairf(cells_pred, cells_truth, both):
    tp = sum(n * (n - 1) // 2 for n in both.values())
    pp = sum(n * (n - 1) // 2 for n in cells_pred.values())
    tt = sum(n * (n - 1) // 2 for n in cells_truth.values())
    p, r = tp / pp, tp / tt
    return p, r, 2 * p * r / (p + r), tp, pp - tp, tt - tp


def score(pred, truth_h):
    cp, ct, cb = Counter(), Counter(), Counter()
    for k, h in truth_h.items():
        ph = pred.get(k, ("missing", k))
        cp[ph] += 1; ct[h] += 1; cb[(ph, h)] += 1
    for k, ph in pred.items():
        if k not in truth_h:
            cp[ph] += 1; ct[("unknown", k)] += 1; cb[(ph, ("unknown", k))] += 1
    return pairf(cp, ct, cb)


def run(d, sql_override=None):
    tp, th = {}, {}
    for r in csv.DictReader(open(f"{ROOT}/{d}/data/truth/person_records.csv")):
        tp[r["record_key"]] = r["person_id"]; th[r["record_key"]] = r["household_id"]
    tper = {r["person_id"]: r for r in csv.DictReader(open(f"{ROOT}/{d}/data/truth/persons.csv"))}
    con = duckdb.connect()
    con.execute(f"attach '{ROOT}/{d}/customer360.duckdb' as customer360 (read_only)")
    con.execute("use customer360")
    rows = con.execute("""select c.record_key, c.customer_id, h.household_id, h.household_basis, h.address_source_record_key
        from intermediate.int_identity__crosswalk c left join intermediate.int_identity__households h using (customer_id)""").fetchall()
    addr = {k: (l, u, p) for k, l, u, p in con.execute(
        "select record_key, address_line_1, address_unit, postal_code from intermediate.int_conform__persons where address_key is not null").fetchall()}
    sql = sql_override(d) if sql_override else compiled_sql(d)
    # counterfactual: crosswalk = truth persons (records without truth keep their customer)
    con.execute("create temp table truth_xw as select c.record_key, coalesce(t.person_id, 'c:' || c.customer_id) as customer_id "
                "from intermediate.int_identity__crosswalk c left join (select unnest(?) as record_key, unnest(?) as person_id) t using (record_key)",
                [list(tp), [tp[k] for k in tp]])
    cf_sql = sql.replace('"customer360"."intermediate"."int_identity__crosswalk"', "temp.main.truth_xw")
    cf = {c: (h, b, a) for c, h, b, a in con.execute(
        f"select customer_id, household_id, household_basis, address_source_record_key from ({cf_sql})").fetchall()}
    act_rows = rows
    if sql_override:  # the actual build, re-run with the given SQL
        act = {c: (h, b, a) for c, h, b, a in con.execute(
            f"select customer_id, household_id, household_basis, address_source_record_key from ({sql})").fetchall()}
        act_rows = [(k, c) + act.get(c, (None, None, None)) for k, c, *_ in rows]
    cust = {k: c for k, c, *_ in act_rows}
    pred = {k: (h or f"customer:{c}") for k, c, h, b, a in act_rows}
    cinfo = {c: (h, b, a) for k, c, h, b, a in act_rows}
    cfx = dict(con.execute("select record_key, customer_id from temp.main.truth_xw").fetchall())
    pred_cf = {k: (cf[c][0] or f"customer:{c}") for k, c in cfx.items()}
    s_act, s_cf = score(pred, th), score(pred_cf, th)
    # person purity of customers: majority person
    maj = defaultdict(Counter)
    for k, c in cust.items():
        if k in tp: maj[c][tp[k]] += 1
    majp = {c: m.most_common(1)[0][0] for c, m in maj.items()}

    def where(person, rec):
        """Which truth address of the person the record's address is: cur / prev / other / none."""
        if rec is None or rec not in addr: return "none"
        l, u, p = addr[rec]; t = tper[person]
        if (num(l, u), pc(p)) == (num(t["address_line_1"], t["address_line_2"]), pc(t["zip"])): return "cur"
        if t["previous_address_line_1"] and (num(l, u), pc(p)) == (num(t["previous_address_line_1"], t["previous_address_line_2"]), pc(t["previous_zip"])): return "prev"
        return "other"

    def reason_cf(pa, pb, fn):
        ha, ba, ra = cf[pa]; hb, bb, rb = cf[pb]
        if fn:
            if ha is None or hb is None: return "FN: no address, not placed by contact/surname"
            if "current_address" not in (ba,) or "current_address" not in (bb,):
                bs = {ba, bb} - {"current_address"}
                return "FN: placed by " + "/".join(sorted(bs)) + " (elsewhere)"
            wa, wb = where(pa, ra), where(pb, rb)
            if wa == wb == "cur" or wa == wb == "prev": return "FN: same address, different address_key (written differently)"
            if {wa, wb} == {"cur", "prev"}: return "FN: one at previous address (move not followed)"
            return f"FN: address not recognised ({'/'.join(sorted((wa, wb)))})"
        else:
            bs = {ba, bb} - {"current_address"}
            if bs: return "FP: placed by " + "/".join(sorted(bs))
            wa, wb = where(pa, ra), where(pb, rb)
            return f"FP: same address_key, truth addresses {'/'.join(sorted((wa, wb)))}"

    cats = Counter()
    examples = defaultdict(list)
    # FN: pairs in same truth household, different predicted; FP: same predicted household, different truth
    keys = [k for k in th if k in cust]
    by_th, by_ph = defaultdict(list), defaultdict(list)
    for k in keys:
        by_th[th[k]].append(k); by_ph[pred[k]].append(k)
    # pairs involving records not in crosswalk: counted separately
    miss_recs = [k for k in th if k not in cust]
    miss_by_h = Counter(th[k] for k in miss_recs)
    for h, m in miss_by_h.items():
        n = m * len(by_th[h]) + m * (m - 1) // 2
        cats[("person", "FN: record not in crosswalk (quarantined/anonymous)")] += n
    def classify(a, b, fn):
        cf_miss = (pred_cf[a] != pred_cf[b]) if fn else (pred_cf[a] == pred_cf[b])
        if not cf_miss:
            ca, cb = cust[a], cust[b]
            if fn and tp[a] == tp[b]: sub = "FN: one person split into two customers"
            elif fn and (majp[ca] != tp[a] or majp[cb] != tp[b]): sub = "FN: record merged into another person's customer"
            elif not fn and ca == cb: sub = "FP: two persons merged into one customer"
            elif not fn and (majp[ca] != tp[a] or majp[cb] != tp[b]): sub = "FP: record merged into another person's customer"
            else: sub = ("FN: " if fn else "FP: ") + "customer address/household differs from its person's (split or merge elsewhere)"
            return ("person", sub)
        return ("rule", reason_cf(tp[a], tp[b], fn))
    for h, ks in by_th.items():
        for a, b in combinations(ks, 2):
            if pred[a] != pred[b]:
                c = classify(a, b, True); cats[c] += 1
                if len(examples[c]) < 3: examples[c].append((tp[a], tp[b]))
    for h, ks in by_ph.items():
        for a, b in combinations(ks, 2):
            if th[a] != th[b]:
                c = classify(a, b, False); cats[c] += 1
                if len(examples[c]) < 3: examples[c].append((tp[a], tp[b]))
    # counterfactual misses that the actual build avoids (luck), for completeness
    return s_act, s_cf, cats, examples, (tp, th, tper, cf, con)


if __name__ == "__main__":
    for d in sys.argv[1].split(","):
        s_act, s_cf, cats, ex, _ = run(d)
        print(f"== {d}: actual P {s_act[0]:.4f} R {s_act[1]:.4f} F1 {s_act[2]:.4f} (FN {s_act[5]} FP {s_act[4]}) | "
              f"perfect persons P {s_cf[0]:.4f} R {s_cf[1]:.4f} F1 {s_cf[2]:.4f} (FN {s_cf[5]} FP {s_cf[4]})")
        tot = sum(cats.values())
        for (g, c), n in sorted(cats.items(), key=lambda x: (x[0][0], -x[1])):
            print(f"  {g:6s} {n:6d} {100*n/tot:5.1f}%  {c}   e.g. {ex[(g, c)][:2]}")

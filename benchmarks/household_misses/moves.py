import sys; sys.path.insert(0, "benchmarks/household_misses")
import cat
from cat import *
for d in sys.argv[1].split(","):
    s_act, s_cf, cats, ex, (tp, th, tper, cf, con) = run(d)
    recs = defaultdict(list)
    for k, p in tp.items(): recs[p].append(k)
    addr = {k: (l, u, p, s, t, f) for k, l, u, p, s, t, f in con.execute(
        "select record_key, address_line_1, address_unit, postal_code, source_system, source_table, first_seen_at from intermediate.int_conform__persons where address_key is not null").fetchall()}
    def where(person, l, u, p):
        t = tper[person]
        if (num(l, u), pc(p)) == (num(t["address_line_1"], t["address_line_2"]), pc(t["zip"])): return "cur"
        if t["previous_address_line_1"] and (num(l, u), pc(p)) == (num(t["previous_address_line_1"], t["previous_address_line_2"]), pc(t["previous_zip"])): return "prev"
        return "other"
    kinds = Counter(); srcs = Counter()
    for p, (h, b, r) in cf.items():
        if p not in tper or b != "current_address" or r not in addr: continue
        if where(p, *addr[r][:3]) != "prev": continue
        ws = Counter(where(p, *addr[k][:3]) for k in recs[p] if k in addr)
        n_mates = sum(1 for q in tper if tper[q]["household_id"] == tper[p]["household_id"] and q != p and q in cf)
        kinds[("has a record at the new address" if ws["cur"] else "no record at the new address", "mates in build" if n_mates else "alone")] += 1
        srcs[f"{addr[r][3]}.{addr[r][4]}" + (" (+cur in " + ",".join(sorted({addr[k][3]+'.'+addr[k][4] for k in recs[p] if k in addr and where(p, *addr[k][:3])=='cur'})) + ")" if ws["cur"] else "")] += 1
    print(d, dict(kinds)); print("   ", srcs.most_common(8))

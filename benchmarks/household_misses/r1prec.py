import sys; sys.path.insert(0, "benchmarks/household_misses")
from sim import *
for d in sys.argv[1].split(","):
    s_act, s_cf, cats, ex, (tp, th, tper, cf, con) = run(d, variant("r1"))
    # household id -> truth households of its current_address members
    hh_truth = defaultdict(Counter)
    for p, (h, b, r) in cf.items():
        if p in tper and b == "current_address": hh_truth[h][tper[p]["household_id"]] += 1
    ok = bad = 0; badkind = Counter()
    for p, (h, b, r) in cf.items():
        if p in tper and b == "surname":
            if tper[p]["household_id"] in hh_truth[h]: ok += 1
            else:
                bad += 1
                mates = [q for q in tper if tper[q]["household_id"] == tper[p]["household_id"] and q != p and q in cf]
                badkind["has mates in build" if mates else "no mates in build"] += 1
    print(d, "surname placements (perfect persons): right", ok, "wrong", bad, dict(badkind))

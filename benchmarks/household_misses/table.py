"""Household pairwise misses by cause, one column per shape (record pairs, as the pairwise score counts them)."""
import sys; sys.path.insert(0, "benchmarks/household_misses")
from cat import *
shapes = sys.argv[1].split(",")
res = {d: run(d) for d in shapes}
rows = sorted({c for d in shapes for c in res[d][2]}, key=lambda c: (c[0] != "person", c[1]))
w = 72
print(f"{'cause (record pairs)':{w}s}" + "".join(f"{d:>16s}" for d in shapes))
for line, key in (("pairwise F1 (build)", 2), ):
    print(f"{line:{w}s}" + "".join(f"{res[d][0][2]:16.4f}" for d in shapes))
print(f"{'pairwise F1 with perfect persons (truth as crosswalk)':{w}s}" + "".join(f"{res[d][1][2]:16.4f}" for d in shapes))
print(f"{'missed pairs: FN + FP':{w}s}" + "".join(f"{res[d][0][5] + res[d][0][4]:>16d}" for d in shapes))
for grp, title in (("person", "PERSON ERRORS PROPAGATED (not missed with perfect persons)"), ("rule", "HOUSEHOLD RULE (missed even with perfect persons)")):
    tot = {d: sum(n for c, n in res[d][2].items() if c[0] == grp) for d in shapes}
    allt = {d: sum(res[d][2].values()) for d in shapes}
    print(f"{title:{w}s}" + "".join(f"{tot[d]:>8d} ({100*tot[d]/allt[d]:4.1f}%)" for d in shapes))
    for c in rows:
        if c[0] != grp: continue
        print(f"  {c[1][:w-2]:{w-2}s}" + "".join(f"{res[d][2].get(c, 0):>8d} ({100*res[d][2].get(c, 0)/allt[d]:4.1f}%)" for d in shapes))

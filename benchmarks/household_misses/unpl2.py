import sys; sys.path.insert(0, "benchmarks/household_misses")
from cat import *
for d in sys.argv[1].split(","):
    s_act, s_cf, cats, ex, (tp, th, tper, cf, con) = run(d)
    recs = defaultdict(list)
    for k, p in tp.items(): recs[p].append(k)
    info = defaultdict(lambda: defaultdict(set))
    for k, ln, pc_, ph, em in con.execute("select record_key, last_name, postal_code, phone_e164, email_match_key from intermediate.int_conform__persons").fetchall():
        if k in tp:
            i = info[tp[k]]; i["ln"].add(ln); i["pc"].add(pc_); i["ph"].add(ph); i["em"].add(em)
    for i in info.values():
        for s in i.values(): s.discard(None)
    hh = defaultdict(list)
    for p in cf:
        if p in tper: hh[tper[p]["household_id"]].append(p)
    kinds = Counter(); pairs = Counter()
    nrec = Counter(tp.values())
    for p, (h, b, r) in cf.items():
        if p not in tper or h is not None: continue
        mates = [q for q in hh[tper[p]["household_id"]] if q != p]
        placed = [q for q in mates if cf[q][0] is not None]
        if not mates: k = "alone in truth household"
        elif not placed: k = "no mate placed either"
        else:
            same_ln = [q for q in placed if info[p]["ln"] & info[q]["ln"]]
            if not info[p]["pc"]:
                k = "no postcode; " + ("a placed mate shares the surname" if same_ln else "no placed mate shares the surname")
            else:
                hpc = {cf[q][0] for q in placed}
                k = "has postcode; " + ("surname shared, postcode differs" if same_ln and not any(info[p]["pc"] & info[q]["pc"] for q in same_ln) else "surname shared, same postcode" if same_ln else "no placed mate shares the surname")
        kinds[k] += 1
        pairs[k] += nrec[p] * sum(nrec[q] for q in mates)
    print(d); [print(f"   {n:4d} customers {pairs[k]:6d} pairs  {k}") for k, n in kinds.most_common()]

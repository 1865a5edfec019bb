"""Every prediction blocking rule's candidate pairs on a build's model input, against the generator's truth:
each rule's own pairs and true pairs, the true pairs only it finds, and the union of all rules — without
training or scoring, so a rule change can be measured in a minute at 1M records (DECISIONS §66).
usage: blocking_rule_pairs.py DB TRUTH_DIR   (DB: a build with intermediate.int_identity__model_input;
TRUTH_DIR: the generator's output folder, with truth/person_records.csv). The rules are those of the
customer360 package on the path (PYTHONPATH=<worktree>/python measures a branch's rules)."""
import sys
import time

import duckdb

from customer360.identity import settings

db, truth = sys.argv[1], sys.argv[2]
t = time.time()
con = duckdb.connect()
con.execute("set threads = 1")  # beside a build: one core
con.execute(f"attach '{db}' as b (read_only)")
con.execute(f"create temp table t as select record_key, person_id from read_csv('{truth}/truth/person_records.csv')")
con.execute("""create temp table mi as select m.*, t.person_id
               from b.intermediate.int_identity__model_input as m left join t on t.record_key = m.unique_id""")
names = [r.name for r in settings.BLOCKING_RULES]
con.execute("create temp table p (rule varchar, a varchar, b varchar, same boolean)")
for rule in settings.BLOCKING_RULES:
    con.execute(f"""insert into p select '{rule.name}', l.unique_id, r.unique_id, l.person_id = r.person_id
                    from mi as l join mi as r on ({rule.sql}) and l.unique_id < r.unique_id""")
con.execute("create temp table pairs as select a, b, any_value(same) as same, list(rule) as rules from p group by a, b")
counts = dict((r[0], r[1:]) for r in con.execute(
    "select rule, count(*), count(*) filter (where same) from p group by rule").fetchall())
print(f"profiles {con.execute('select count(*) from mi').fetchone()[0]:,}")
for name in names:
    others = [x for x in names if x != name]
    only = con.execute(f"""select count(*) from pairs
                           where same and list_contains(rules, '{name}') and not list_has_any(rules, {others!r})""").fetchone()[0]
    pairs, true = counts.get(name, (0, 0))
    print(f"{name:45s} pairs {pairs:>12,} true {true:>11,} true only by this rule {only:>8,}")
union, union_true = con.execute("select count(*), count(*) filter (where same) from pairs").fetchone()
print(f"all rules: {union:,} candidate pairs, {union_true:,} true ({time.time() - t:.0f} s)")

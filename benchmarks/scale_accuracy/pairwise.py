"""Person pairwise P/R/F1 of a build's crosswalk against the generator's truth, in SQL (every truth
record counts; a record not in the crosswalk is a singleton). usage: pairwise.py DB TRUTH_DIR"""
import duckdb, sys, time
db, truth = sys.argv[1], sys.argv[2]
t = time.time()
c = duckdb.connect()
c.execute("set memory_limit='8GB'")
c.execute(f"attach '{db}' as b (read_only)")
c.execute(f"create temp table t as select record_key, person_id from read_csv('{truth}/truth/person_records.csv')")
c.execute("""create temp table p as select t.record_key, t.person_id, coalesce(x.customer_id, 'singleton:' || t.record_key) as customer_id
             from t left join b.intermediate.int_identity__crosswalk x using (record_key)""")
pairs = lambda n: f"sum({n}::hugeint * ({n} - 1) / 2)"
tp = c.sql(f"select {pairs('n')} from (select count(*) n from p group by person_id, customer_id)").fetchone()[0]
true = c.sql(f"select {pairs('n')} from (select count(*) n from p group by person_id)").fetchone()[0]
pred = c.sql(f"select {pairs('n')} from (select count(*) n from p group by customer_id)").fetchone()[0]
P, R = tp / pred, tp / true
print(f"records={c.sql('select count(*) from p').fetchone()[0]:,} true_pairs={true:,} predicted_pairs={pred:,} tp={tp:,} P={P:.4f} R={R:.4f} F1={2*P*R/(P+R):.4f} ({time.time()-t:.0f} s)")

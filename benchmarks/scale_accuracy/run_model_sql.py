"""Run one SQL file against the 10M database (read-only attach) into a scratch DB; print wall, peak spill, peak RSS.
usage: run_model_sql.py SQL_FILE [MEMORY_LIMIT] [ALIAS=PATH ...]  (more files attached read-only, e.g. an earlier stage's output)"""
import duckdb, os, sys, time, threading, shutil, resource
sql = open(sys.argv[1]).read()
limit = sys.argv[2] if len(sys.argv) > 2 and '=' not in sys.argv[2] else '10GB'
attachments = [arg.split('=', 1) for arg in sys.argv[2:] if '=' in arg]
spill = '/work/bench10m/spill/exp'
shutil.rmtree(spill, ignore_errors=True); os.makedirs(spill)
out = '/work/bench10m/exp/out.duckdb'
for f in (out, out + '.wal'):
    if os.path.exists(f): os.remove(f)
c = duckdb.connect(out)
c.execute(f"set memory_limit='{limit}'; set temp_directory='{spill}'; set max_temp_directory_size='30GB'; set threads=2; set preserve_insertion_order=false")
c.execute("attach '/work/bench10m/10M/full.duckdb' as f (read_only)")
c.execute("use f")
for alias, path in attachments:
    c.execute(f"attach '{path}' as {alias} (read_only)")
peak = [0]; done = [False]
def poll():
    while not done[0]:
        s = sum(os.path.getsize(os.path.join(spill, x)) for x in os.listdir(spill) if os.path.isfile(os.path.join(spill, x)))
        peak[0] = max(peak[0], s); time.sleep(1)
threading.Thread(target=poll, daemon=True).start()
t = time.time(); l0 = os.getloadavg()[0]
try:
    c.execute(f"create table out.main.result as {sql}")
    n = c.sql("select count(*) from out.main.result").fetchone()[0]
    err = ''
except Exception as e:
    n = None; err = str(e).splitlines()[0]
done[0] = True
print(f"{sys.argv[1]}: rows={n} wall={time.time()-t:.1f}s peak_spill={peak[0]/2**30:.2f}GiB peak_rss={resource.getrusage(resource.RUSAGE_SELF).ru_maxrss/2**20:.2f}GiB load={l0:.2f} {err}")
c.close()

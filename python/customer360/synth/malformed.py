"""Defects injected into about `rate` of each table's rows, each one recorded for the truth files."""

import numpy as np
import pyarrow as pa

DEFECTS = ["bad_date", "invalid_email", "bad_amount", "duplicate_id", "dangling_reference", "whitespace",
           "mojibake", "missing_id"]
BAD_TS = ["2024-13-45", "N/A", "yesterday", "2023-02-30T25:61:00", "31/12/2023 10:00"]
BAD_EPOCH = ["N/A", "yesterday", "2024-13-45", "17O0000000"]
BAD_MDY = ["13/45/2024", "N/A", "yesterday", "2024-02-30", "00/00/0000"]
PADS = ["  {}", "{} ", "\u00a0{}", "{}\u00a0", " {}\u00a0 ", "\t{}"]


def _col(t, name):
    v = t.cols.get(name)
    if v is None:
        return [None] * len(t)
    if isinstance(v, (pa.Array, pa.ChunkedArray)):
        return v.to_pylist()
    return list(v)


def _bad_email(v, name, k):
    local = (v or f"{name or 'john'}.smith@gmail.com").split("@")[0].strip().lower().replace(" ", "")
    forms = [f"{local}@", f"{local} at gmail.com", f"{local}@gmail", f"{local}@@example.com", f"{local}.example.com"]
    return forms[k % 5]


def _bad_amount(v, kind, k):
    try:
        x = float(v)
    except (TypeError, ValueError):
        x = 30.0 if kind == "dec" else 3000
    if k % 3 == 0:
        return f"-{abs(x):.2f}" if kind == "dec" else f"-{int(abs(x)) or 3000}"
    if k % 3 == 1:
        return f"{int(abs(x))},{int(abs(x) * 100) % 100:02d}" if kind == "dec" else f"{int(abs(x)) // 100},50"
    return "abc"


def mojibake(text):
    """UTF-8 bytes read as Windows-1252: José -> JosÃ©."""
    return text.encode("utf-8").decode("cp1252", errors="replace")


def inject(t, rng, rate):
    """Damage about rate * len(t) rows of table t in place; returns (table, id, defect, column) rows."""
    n = len(t)
    if n == 0 or rate <= 0:
        return []
    k = int(rate * n + rng.random())
    free = np.flatnonzero(~t.protect) if t.protect is not None else np.arange(n)
    k = min(k, len(free))
    if k == 0:
        return []
    rows = np.sort(rng.choice(free, k, replace=False))
    R = t.roles
    kinds = ["duplicate_id", "whitespace", "missing_id"]
    kinds += ["bad_date"] if R.get("ts") else []
    kinds += ["invalid_email"] if R.get("email") else []
    kinds += ["bad_amount"] if R.get("amount") else []
    kinds += ["dangling_reference"] if R.get("ref") else []
    names = R.get("names", [])
    kinds += ["mojibake"] if names else []
    pick = rng.integers(0, len(kinds), k)
    u = rng.integers(0, 10_000, (k, 3))
    ids = _col(t, t.id_col)
    cache = {}

    def col(name):
        if name not in cache:
            cache[name] = _col(t, name)
        return cache[name]

    # rows with accented names, for the encoding defect (rare, so looked for across the table)
    taken = set(rows.tolist())
    accented = [i for i in free if i not in taken and any(not (col(c)[i] or "").isascii() for c in names)]
    accented.reverse()
    out, dups = [], []
    for j, r in enumerate(rows):
        kind = kinds[pick[j]]
        if kind == "mojibake" and accented and not any(not (col(c)[r] or "").isascii() for c in names):
            r = accented.pop()
        key = ids[r]
        if kind == "invalid_email" and not any(col(c)[r] for c in R["email"]):
            kind = "whitespace"  # only damage an email that was typed
        if kind == "dangling_reference" and not any(col(c)[r] for c, _ in R["ref"]):
            kind = "whitespace"  # only break a reference that was set
        if kind == "mojibake":
            cands = [c for c in names if col(c)[r] and col(c)[r] != mojibake(col(c)[r])]
            if not cands:
                kind = "whitespace"
            else:
                c = cands[u[j, 0] % len(cands)]
                col(c)[r] = mojibake(col(c)[r])
        if kind == "whitespace":
            c = ([t.id_col] + [c for c in names if col(c)[r]])[u[j, 0] % (1 + len([c for c in names if col(c)[r]]))]
            col(c)[r] = PADS[u[j, 1] % len(PADS)].format(col(c)[r])
        elif kind == "missing_id":
            c = t.id_col
            col(c)[r] = ["", None, "  "][u[j, 0] % 3]
        elif kind == "bad_date":
            c, fmt_kind = R["ts"][u[j, 0] % len(R["ts"])]
            vals = {"epoch": BAD_EPOCH, "mdy": BAD_MDY}.get(fmt_kind, BAD_TS)
            col(c)[r] = vals[u[j, 1] % len(vals)]
        elif kind == "invalid_email":
            cands = [c for c in R["email"] if col(c)[r]]
            c = cands[u[j, 0] % len(cands)]
            first = col(names[0])[r] if names else None
            col(c)[r] = _bad_email(col(c)[r], (first or "").split(" ")[0].lower() or None, u[j, 1])
        elif kind == "bad_amount":
            c, ak = R["amount"][u[j, 0] % len(R["amount"])]
            col(c)[r] = _bad_amount(col(c)[r], ak, u[j, 1])
        elif kind == "dangling_reference":
            cands = [(c, f) for c, f in R["ref"] if col(c)[r]]
            c, fake = cands[u[j, 0] % len(cands)]
            col(c)[r] = fake(rng, 1)[0]
        elif kind == "duplicate_id":
            c = t.loaded_col
            dups.append((r, int(u[j, 1] % 10 + 1)))
        out.append((t.key, key, kind, c))
    for name, vals in cache.items():
        t.cols[name] = vals
    if dups:
        _append_duplicates(t, dups)
    return out


def _append_duplicates(t, dups):
    """A second copy of each row with the same id and an older load time, appended at the end."""
    rows = [r for r, _ in dups]
    older = t.loaded_ts[rows] - np.array([d for _, d in dups], np.int64) * 86_400
    tab = t.arrow()
    extra = tab.take(pa.array(rows, pa.int64()))
    if t.loaded_col:
        i = tab.column_names.index(t.loaded_col)
        extra = extra.set_column(i, t.loaded_col, t.loaded_fmt(older))
    for c in t.columns:
        both = pa.concat_arrays([tab.column(c).combine_chunks(), extra.column(c).combine_chunks()])
        t.cols[c] = both
    t.loaded_ts = np.concatenate([t.loaded_ts, older])
    if t.protect is not None:
        t.protect = np.concatenate([t.protect, np.ones(len(rows), bool)])

"""Shared containers: a landed table, a cohort of people being generated, random streams."""

import zlib

import numpy as np
import pyarrow as pa

from .fmt import HOUR


def stream(seed, *names):
    """An independent PCG64 stream for (seed, names...): one per system and part."""
    keys = [int(seed)] + [zlib.crc32(str(n).encode()) for n in names]
    return np.random.Generator(np.random.PCG64(np.random.SeedSequence(keys)))


def to_arrow(col):
    if isinstance(col, (pa.Array, pa.ChunkedArray)):
        return col
    if isinstance(col, np.ndarray) and col.dtype != object:
        return pa.array(col.astype(str).tolist(), pa.string())
    return pa.array(list(col), pa.string())


class Table:
    """One landed table: columns in contract order plus what the defect injector needs to know.

    roles: ts  = required time columns with their kind ('iso' | 'plain' | 'offset' | 'epoch' | 'mdy')
           email = email columns; amount = [(col, 'dec' | 'cents')]; ref = [(col, fake_id_fn)]
           names = free-text name columns (whitespace, mojibake)
    """

    def __init__(self, system, name, columns, id_col, loaded, loaded_fmt, **roles):
        self.system, self.name, self.columns = system, name, list(columns)
        self.id_col, self.loaded_col = id_col, loaded
        self.loaded_fmt = loaded_fmt  # function: int64 ts array -> strings
        self.roles = roles
        self.cols = {}
        self.loaded_ts = None  # int64 array, the load time of each row
        self.protect = None  # rows the defect injector must leave alone

    @property
    def key(self):
        return f"{self.system}.{self.name}"

    def __len__(self):
        return len(self.cols[self.id_col])

    def set(self, **cols):
        for k, v in cols.items():
            if k not in self.columns:
                raise KeyError(f"{self.key}: unknown column {k}")
            self.cols[k] = v
        return self

    def arrow(self):
        n = len(self)
        arrays = []
        for c in self.columns:
            v = self.cols.get(c)
            arrays.append(pa.nulls(n, pa.string()) if v is None else to_arrow(v))
        return pa.table(arrays, names=self.columns)


class Cohort:
    """One round of generation: all base people, or the extra people plus some existing ones."""

    def __init__(self, world, tag, people, repeat):
        self.w, self.tag = world, tag
        self.people = np.asarray(people, np.int64)
        self.repeat = np.asarray(repeat, bool)  # existing person: new activity only
        self.tables = {}
        self.ev = {}
        self.links = []  # (record table key, ids, person indices)
        self.triggers = []  # survey response -> experience record
        self.conflicts = []  # planted notice/offer pairs

    def rng(self, system, part=""):
        return stream(self.w.seed, self.tag, system, part)

    def add(self, table):
        self.tables[(table.system, table.name)] = table
        return table

    def table(self, system, name):
        return self.tables[(system, name)]

    def link(self, system, name, ids, people):
        ids = ids.to_pylist() if isinstance(ids, pa.Array) else list(ids)
        self.links.append((system, name, ids, np.asarray(people, np.int64)))

    def new_people(self):
        return self.people[~self.repeat]


def loaded_after(rng, w, after):
    """Connector load times: after the record's last change, within the day before as_of."""
    after = np.asarray(after, np.int64)
    base = w.now - rng.integers(1 * HOUR, 30 * HOUR, len(after))
    late = after + rng.integers(300, 2 * HOUR, len(after))
    return np.minimum(np.maximum(base, late), w.now - 60)


def clip_now(w, ts, margin=60):
    return np.minimum(np.asarray(ts, np.int64), w.now - margin)


def pick_w(rng, options, weights, n):
    wt = np.asarray(weights, float)
    return np.asarray(options, dtype=object)[rng.choice(len(options), n, p=wt / wt.sum())]


def tf(mask):
    """Booleans as true/false text."""
    return np.where(np.asarray(mask, bool), "true", "false").astype(object)


def opt(values, mask):
    """Object array with None where mask is false."""
    out = np.asarray(values, dtype=object).copy()
    out[~np.asarray(mask, bool)] = None
    return out


def daytime(rng, w, ts, first=13, last=25):
    """Move each time to a random daytime hour of its UTC day (13-25 h UTC = 8 am-8 pm New York),
    never later than an hour before as_of."""
    ts = np.asarray(ts, np.int64)
    day = ts // 86_400 * 86_400 + rng.integers(first * HOUR, last * HOUR, len(ts))
    return np.minimum(day, w.now - HOUR - rng.integers(0, HOUR, len(ts)))

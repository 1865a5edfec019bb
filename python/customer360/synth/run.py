"""Orchestration: population -> source systems (in dependency order) -> defects -> files -> truth."""

import datetime as dt
import os
import shutil

import numpy as np
import pyarrow as pa

from . import (billing, contact_center, crm, malformed, marketing, orders, policy, pos, support, surveys,
               truth, web, writer)
from .core import Cohort, stream
from .population import World, grow

VERSION = "1.0.0"
PEOPLE_PER_CUSTOMER = 1.8  # customers plus prospects
REFERENCE = [crm.users, surveys.definitions, pos.stores, marketing.campaigns]  # base cohort only
STEPS = [crm.build, orders.build, billing.build, support.build, surveys.build, policy.build,
         contact_center.build, marketing.build, crm.tasks, pos.build, web.build]
SYSTEMS = [crm, marketing, orders, billing, support, contact_center, surveys, pos, web, policy]


def _cohort(w, tag, people, repeat, steps, rate, tick=lambda label: None):
    c = Cohort(w, tag, people, repeat)
    for step in steps:
        step(c)
        tick(f"{tag}: {_step_name(step)}")
    defects = []
    for key in sorted(c.tables):
        defects += malformed.inject(c.tables[key], stream(w.seed, tag, "malformed", *key), rate)
    return c, defects


def _step_name(step):
    return f"{step.__module__.rsplit('.', 1)[-1]}.{step.__name__}"


def generate(customers, seed, out, as_of=None, error_rate=0.01, extra_share=0.0, progress=None):
    """Write raw/<system>/<table>.* , truth/*.csv and raw/_manifest.json (last) under out.

    ``progress(label, done, total)``, when given, is called as each step ends: the population, each
    system's build step per cohort, each table written, the truth files (see customer360.progress).
    """
    n_steps = 1 + len(REFERENCE + STEPS) + (1 + len(STEPS) if extra_share > 0 else 0) \
        + sum(len(mod.COLS) for mod in SYSTEMS) + 1
    done = 0

    def tick(label):
        nonlocal done
        done += 1
        if progress is not None:
            progress(label, done, n_steps)

    as_of = as_of or dt.datetime.now(dt.timezone.utc).date()
    if isinstance(as_of, str):
        as_of = dt.date.fromisoformat(as_of)
    w = World(seed, (as_of - dt.date(1970, 1, 1)).days, customers, error_rate)
    n_people = int(round(customers * PEOPLE_PER_CUSTOMER))
    base = grow(w, stream(seed, "base", "population"), n_people, customers, "base")
    tick("base: population")
    cohorts, defects = [], []
    c, d = _cohort(w, "base", base, np.zeros(len(base), bool), REFERENCE + STEPS, error_rate, tick)
    cohorts.append(c)
    defects += d
    if extra_share > 0:
        rng = stream(seed, "extra", "population")
        n_new = max(1, int(round(n_people * extra_share * 0.75)))
        new = grow(w, rng, n_new, int(round(customers * extra_share * 0.75)), "extra")
        old = np.sort(rng.choice(base, min(len(base), int(round(n_people * extra_share))), replace=False))
        people = np.concatenate([new, old])
        tick("extra: population")
        c, d = _cohort(w, "extra", people, np.r_[np.zeros(len(new), bool), np.ones(len(old), bool)], STEPS,
                       error_rate, tick)
        cohorts.append(c)
        defects += d

    raw = os.path.join(out, "raw")
    for folder in (raw, os.path.join(out, "truth")):
        shutil.rmtree(folder, ignore_errors=True)
    os.makedirs(raw, exist_ok=True)
    counts = {}
    for mod in SYSTEMS:
        for name in mod.COLS:
            parts = [ch.tables[(mod.SYS, name)].arrow() for ch in cohorts if (mod.SYS, name) in ch.tables]
            table = pa.concat_tables(parts) if len(parts) > 1 else parts[0]
            writer.write_table(raw, mod.SYS, name, table)
            counts[f"{mod.SYS}.{name}"] = table.num_rows
            tick(f"wrote {mod.SYS}/{name}")
    n_links = truth.write(w, cohorts, defects, out)
    tick("wrote truth")
    manifest = dict(seed=seed, as_of=as_of.isoformat(), customers=customers, error_rate=error_rate,
                    extra_share=extra_share, generator_version=VERSION, row_counts=counts,
                    total_rows=sum(counts.values()), persons=len(w.people), households=len(w.hh),
                    person_records=n_links, malformed_rows=len(defects))
    writer.write_json(os.path.join(raw, "_manifest.json"), manifest)
    return manifest

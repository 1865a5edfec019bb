"""Orchestration: population -> source systems (in dependency order) -> defects -> files -> truth."""

import datetime as dt
import os
import shutil

import numpy as np
import pyarrow as pa

from . import (billing, contact_center, crm, malformed, marketing, orders, policy, pos, shapes, support, surveys,
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


def make_country(code):
    from .country import country  # phonenumbers and pycountry load only for the non_us shape

    return country(code)


def shape_spec(shape=None, country=None, corruption=None, drop_empty_columns=False, seed=0):
    """Validate the export-shape options; returns a shapes.Spec (no shape = the default export)."""
    names = shapes.parse_shapes([shape] if isinstance(shape, str) else shape)
    if country and "non_us" not in names:
        raise ValueError("--country needs --shape non_us")
    if corruption and "heavy_corruption" not in names:
        raise ValueError("corruption parameters need --shape heavy_corruption")
    if drop_empty_columns and not {"no_email_phone", "id_only"} & set(names):
        raise ValueError("--drop-empty-columns needs --shape no_email_phone or id_only")
    params = dict(shapes.CORRUPTION_DEFAULTS, **(corruption or {}))
    for k, v in params.items():
        if k not in shapes.CORRUPTION_DEFAULTS or not 0 <= float(v) <= 1:
            raise ValueError(f"corruption parameter {k}={v!r}: expected share or typo_rate between 0 and 1")
    code = (country or shapes.COUNTRY_DEFAULT).upper() if "non_us" in names else None
    if code:
        make_country(code)  # fails early on an unsupported country
    return shapes.Spec(names, seed=seed, country=code, drop_empty_columns=drop_empty_columns,
                       corruption={k: float(v) for k, v in params.items()} if "heavy_corruption" in names else {})


def _step_name(step):
    return f"{step.__module__.rsplit('.', 1)[-1]}.{step.__name__}"


def generate(customers, seed, out, as_of=None, error_rate=0.01, extra_share=0.0, progress=None, shape=None,
             country=None, corruption=None, drop_empty_columns=False):
    """Write raw/<system>/<table>.* , truth/*.csv and raw/_manifest.json (last) under out.

    ``progress(label, done, total)``, when given, is called as each step ends: the population, each
    system's build step per cohort, each table written, the truth files (see customer360.progress).
    shape: export shapes (names or one comma-separated string, see shapes.SHAPES); country: ISO code for
    non_us (GB, DE, AU); corruption: heavy_corruption parameters (share, typo_rate).
    """
    spec = shape_spec(shape, country, corruption, drop_empty_columns, seed)
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
    w = World(seed, (as_of - dt.date(1970, 1, 1)).days, customers, error_rate,
              make_country(spec.country) if spec.country else None)
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
    if not spec.default:
        owners = {f"{s}:{n}:{i}": int(p) for ch in cohorts for s, n, ids, people in ch.links
                  for i, p in zip(ids, people)}
        skip = {(d[0], d[1]) for d in defects}
    for mod in SYSTEMS:
        for name in mod.COLS:
            parts = [ch.tables[(mod.SYS, name)].arrow() for ch in cohorts if (mod.SYS, name) in ch.tables]
            table = pa.concat_tables(parts) if len(parts) > 1 else parts[0]
            if not spec.default:
                table = spec.apply(f"{mod.SYS}.{name}", table, owners, w.people["gender"], skip)
                if table is None:
                    tick(f"left out {mod.SYS}/{name}")
                    continue
            writer.write_table(raw, mod.SYS, name, table)
            counts[f"{mod.SYS}.{name}"] = table.num_rows
            tick(f"wrote {mod.SYS}/{name}")
    if not spec.default:
        defects = [(t, i, k, c2) for t, i, k, c in defects
                   for c2 in [spec.defect_kept(t, i, c, k)] if c2 is not None]
    n_links = truth.write(w, cohorts, defects, out, None if spec.default else spec)
    tick("wrote truth")
    manifest = dict(seed=seed, as_of=as_of.isoformat(), customers=customers, error_rate=error_rate,
                    extra_share=extra_share, generator_version=VERSION, row_counts=counts,
                    total_rows=sum(counts.values()), persons=len(w.people), households=len(w.hh),
                    person_records=n_links, malformed_rows=len(defects))
    if not spec.default:
        manifest.update(spec.manifest())
        if spec.country:
            manifest["shape_params"]["non_us"]["contact_center_timezone"] = w.country.contact_center_tz
    writer.write_json(os.path.join(raw, "_manifest.json"), manifest)
    return manifest

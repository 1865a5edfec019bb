"""Realism of the synthetic people: how often full names repeat, and one owner per mailbox."""

import collections
import csv
from pathlib import Path

import numpy as np
import pytest

from customer360.synth import generate, lists
from customer360.synth.population import World, grow, mailbox

AS_OF_DAYS = 20_634  # 2026-06-30


def people(seed, n_people, n_customers):
    w = World(seed, AS_OF_DAYS, n_customers, 0.01)
    grow(w, np.random.default_rng(seed), n_people, n_customers, "base")
    return w


def test_mailbox_canonical_form():
    assert mailbox("John.Smith+news@GMAIL.com") == "johnsmith@gmail.com"
    assert mailbox("j.o.h.n.smith@googlemail.com") == "johnsmith@gmail.com"
    assert mailbox("John.Smith@Yahoo.com") == "john.smith@yahoo.com"  # dots count outside Gmail


def test_surname_pool_has_long_tail_after_real_names():
    assert len(lists.LAST) > 3000 and len(set(lists.LAST)) == len(lists.LAST)
    assert lists.LAST[:3] == ["Smith", "Johnson", "Williams"]


@pytest.mark.parametrize("seed", [42, 7])
def test_full_name_collision_share_is_realistic(seed):
    """--customers 5000 makes 9,000 people: a few percent share their full name, not a quarter."""
    w = people(seed, 9000, 5000)
    names = list(zip(w.people["first"], w.people["last"]))
    counts = collections.Counter(names)
    share = sum(counts[n] > 1 for n in names) / len(names)
    assert 0.03 <= share <= 0.08, share
    assert max(counts.values()) >= 2  # common names still collide


def owners(rows):
    """Canonical mailbox -> who owns it (a person, or a household for its shared address)."""
    out = collections.defaultdict(set)
    for person, household, email, work, shared in rows:
        for e in (email, work):
            if e:
                out[mailbox(e)].add(("person", person))
        if shared:
            out[mailbox(shared)].add(("household", household))
    return out


def test_one_owner_per_mailbox_in_world():
    w = people(3, 20_000, 10_000)
    P, H = w.people, w.hh
    rows = zip(P["person_id"], P["hh"], P["email"], P["work"], (H["shared"][h] for h in P["hh"]))
    clash = {m: o for m, o in owners(rows).items() if len(o) > 1}
    assert not clash, list(clash.items())[:5]
    shared_used = collections.Counter(H["shared"][h] for h in P["hh"] if H["shared"][h])
    assert shared_used and min(shared_used.values()) >= 2  # household addresses stay shared


def test_one_owner_per_mailbox_in_truth(tmp_path):
    generate(600, 11, str(tmp_path), "2026-06-30", 0.01)
    with open(Path(tmp_path) / "truth" / "persons.csv", newline="", encoding="utf-8") as f:
        rows = [(r["person_id"], r["household_id"], r["email"], r["work_email"], r["household_email"])
                for r in csv.DictReader(f)]
    clash = {m: o for m, o in owners(rows).items() if len(o) > 1}
    assert not clash, list(clash.items())[:5]

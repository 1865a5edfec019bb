"""Unit checks of the generator's building blocks: formats, time zones, noise, population."""

import datetime as dt
import zoneinfo

import numpy as np

from customer360.synth import fmt, malformed, noise
from customer360.synth.core import stream
from customer360.synth.population import World, grow


def test_dates_and_times_match_datetime():
    rng = np.random.default_rng(1)
    ts = rng.integers(0, 2_000_000_000, 2000)
    iso = fmt.utc(ts).to_pylist()
    mdy = fmt.mdy(ts).to_pylist()
    for t, a, b in zip(ts, iso, mdy):
        d = dt.datetime.fromtimestamp(int(t), dt.timezone.utc)
        assert a == d.strftime("%Y-%m-%dT%H:%M:%SZ")
        assert b == d.strftime("%m/%d/%Y")
    y, m, d = fmt.civil(ts // fmt.DAY)
    assert (fmt.days_from_civil(y, m, d) == ts // fmt.DAY).all()


def test_utc_offsets_follow_the_zone_rules():
    rng = np.random.default_rng(2)
    ts = rng.integers(1_600_000_000, 1_800_000_000, 3000)
    for tz in fmt.TZ_STD:
        want = [dt.datetime.fromtimestamp(int(t), zoneinfo.ZoneInfo(tz)).utcoffset() for t in ts]
        got = fmt.utc_offset(ts, tz)
        assert [int(w.total_seconds() // 60) for w in want] == got.tolist(), tz
    local = fmt.with_offset(np.array([1_740_820_930]), np.array([-300])).to_pylist()[0]
    assert local == "2025-03-01T04:22:10-05:00"
    assert dt.datetime.fromisoformat(local).timestamp() == 1_740_820_930


def test_ids_are_unique_and_fixed_width():
    seq = np.arange(200_000)
    codes = fmt.fixed(fmt.scramble(seq, 9)).to_pylist()
    assert len(set(codes)) == len(codes) and {len(c) for c in codes} == {9}
    assert fmt.seq_id("PH", np.array([7]), 7).to_pylist() == ["PH0000007"]
    assert fmt.money(np.array([12.5, -3, 1234.567])).to_pylist() == ["12.50", "-3.00", "1234.57"]


def test_noise_functions():
    r = np.random.default_rng(3).random(500)
    for x in r:
        out = noise.typo("Jennifer", x)
        assert abs(len(out) - 8) <= 1
    assert noise.phone_style("6175550100", 0) == "(617) 555-0100"
    assert noise.phone_style("6175550100", 3) == "+1 617 555 0100"
    assert malformed.mojibake("José") == "JosÃ©"
    malformed.mojibake("Müller").encode("utf-8")


def test_population_is_plausible():
    w = World(5, 20_000, 300, 0.01)
    people = grow(w, stream(5, "t", "population"), 540, 300, "base")
    P = w.people
    assert len(people) == 540 and P["cust"].sum() == 300
    assert len(set(P["email"])) == 540 and len(set(P["mobile"])) == 540 and len(set(P["ssn"])) == 540
    assert all(s[:3] not in ("000", "666") and s[0] != "9" for s in P["ssn"])
    assert (P["nick"] != "").mean() > 0.1
    assert (w.hh["prev"] >= 0).mean() > 0.05
    # same inputs, same people
    w2 = World(5, 20_000, 300, 0.01)
    grow(w2, stream(5, "t", "population"), 540, 300, "base")
    assert list(w2.people["email"]) == list(P["email"])

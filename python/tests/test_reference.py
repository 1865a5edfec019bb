"""The library-derived reference seeds: committed files equal the builder's output, known mappings hold."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from customer360 import reference

SEEDS = Path(__file__).resolve().parents[2] / "seeds"


@pytest.fixture(scope="module")
def rendered() -> dict[str, str]:
    return reference.render_seeds()


def _rows(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(text.splitlines()))


def test_committed_seeds_equal_builder_output(rendered):
    stale = [name for name, text in rendered.items() if (SEEDS / name).read_text(encoding="utf-8") != text]
    assert not stale, f"run `python -m customer360.reference --out seeds` to refresh: {stale}"


def test_check_mode_reports_no_difference():
    assert reference.main(["--out", str(SEEDS), "--check"]) == 0


def test_builder_is_deterministic(rendered):
    assert reference.render_seeds() == rendered


@pytest.mark.parametrize(
    ("variant", "abbreviation"),
    [("STREET", "ST"), ("STR", "ST"), ("AVENUE", "AVE"), ("AV", "AVE"), ("BOULEVARD", "BLVD"),
     ("ROAD", "RD"), ("LANE", "LN"), ("DRIVE", "DR"), ("COURT", "CT"), ("PARKWAY", "PKWY"),
     ("HIGHWAY", "HWY"), ("TERRACE", "TER"), ("CIRCLE", "CIR")],
)
def test_street_suffixes(rendered, variant, abbreviation):
    mapping = {r["suffix_input"]: r["suffix_abbreviation"] for r in _rows(rendered["ref_usps_street_suffixes.csv"])}
    assert mapping[variant] == abbreviation


def test_street_suffixes_are_single_words(rendered):
    assert all(" " not in r["suffix_input"] for r in _rows(rendered["ref_usps_street_suffixes.csv"]))


def test_unit_designators(rendered):
    rows = {r["designator_input"]: r for r in _rows(rendered["ref_usps_unit_designators.csv"])}
    assert rows["APARTMENT"]["designator_abbreviation"] == "APT"
    assert rows["SUITE"]["designator_abbreviation"] == "STE"
    assert rows["UNIT"]["designator_abbreviation"] == "UNIT"
    assert rows["#"]["designator_abbreviation"] == "UNIT"
    assert rows["UPPER"]["designator_abbreviation"] == "UPPR"
    assert rows["APT"]["requires_identifier"] == "true"
    assert rows["REAR"]["requires_identifier"] == "false"


def test_directionals(rendered):
    mapping = {r["direction_input"]: r["direction_abbreviation"] for r in _rows(rendered["ref_usps_directionals.csv"])}
    assert mapping["NORTH"] == "N"
    assert mapping["SOUTHWEST"] == "SW"
    assert mapping["NORTH-WEST"] == "NW"
    assert mapping["E"] == "E"


def test_us_states(rendered):
    rows = {r["state_input"]: r for r in _rows(rendered["ref_us_states.csv"])}
    assert rows["CALIFORNIA"]["state_code"] == "CA"
    assert rows["CALIF"]["state_code"] == "CA"
    assert rows["CA"]["input_kind"] == "code"
    assert rows["DISTRICT OF COLUMBIA"]["state_code"] == "DC"
    assert rows["PUERTO RICO"]["state_kind"] == "territory"
    codes = {r["state_code"] for r in rows.values()}
    assert len(codes) == 50 + 1 + 5 + 3 + 3  # states, DC, territories, freely associated, armed forces
    assert all(rows[code]["state_code"] == code for code in codes)


@pytest.mark.parametrize(
    ("nickname", "canonical"),
    [("bill", "william"), ("billy", "william"), ("will", "william"), ("bob", "robert"),
     ("peggy", "margaret"), ("liz", "elizabeth"), ("jack", "john"), ("tom", "thomas"),
     ("mike", "michael"), ("dick", "richard"), ("gabe", "gabriel")],
)
def test_preferred_nicknames(rendered, nickname, canonical):
    preferred = {
        r["nickname"]: r["canonical_first_name"]
        for r in _rows(rendered["ref_nicknames.csv"])
        if r["is_preferred"] == "true"
    }
    assert preferred[nickname] == canonical


@pytest.mark.parametrize("name", ["john", "william", "mary", "mark", "lisa", "albert", "michael"])
def test_common_given_names_stand_on_their_own(rendered, name):
    preferred = {r["nickname"] for r in _rows(rendered["ref_nicknames.csv"]) if r["is_preferred"] == "true"}
    assert name not in preferred


def test_at_most_one_preferred_canonical_per_nickname(rendered):
    counts: dict[str, int] = {}
    for row in _rows(rendered["ref_nicknames.csv"]):
        counts[row["nickname"]] = counts.get(row["nickname"], 0) + (row["is_preferred"] == "true")
    assert max(counts.values()) == 1


def test_curated_preferences_are_library_candidates():
    candidates = reference.nickname_candidates()
    for nickname, canonical in reference.PREFERRED_CANONICAL.items():
        assert nickname in candidates, nickname
        assert canonical is None or canonical in candidates[nickname], nickname

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


def test_countries(rendered):
    rows = {r["country_code"]: r for r in _rows(rendered["ref_countries.csv"])}
    assert len(rows) == 249
    assert {r["country_alpha_3"] for r in rows.values()} >= {"USA", "AUS", "GBR", "DEU"}
    au, gb, de, us = rows["AU"], rows["GB"], rows["DE"], rows["US"]
    assert (au["calling_code"], au["trunk_prefix"], au["international_prefix"]) == ("61", "0", "0011")
    assert (au["national_number_min_length"], au["national_number_max_length"]) == ("5", "12")
    assert (gb["calling_code"], gb["trunk_prefix"], gb["national_number_max_length"]) == ("44", "0", "10")
    assert (us["calling_code"], us["international_prefix"], us["national_number_min_length"]) == ("1", "011", "10")
    assert (au["postal_code_digits"], de["postal_code_digits"], gb["postal_code_digits"]) == ("4", "5", "")
    assert us["uses_usps_zip"] == rows["PR"]["uses_usps_zip"] == "true" and au["uses_usps_zip"] == "false"
    assert rows["AQ"]["calling_code"] == ""  # no phone plan: only international numbers are read


@pytest.mark.parametrize(
    ("spelling", "code"),
    [("US", "US"), ("USA", "US"), ("U.S.A.", "US"), ("United States", "US"), ("United States of America", "US"),
     ("UK", "GB"), ("Great Britain", "GB"), ("England", "GB"), ("Scotland", "GB"), ("Wales", "GB"),
     ("Northern Ireland", "GB"), ("United Kingdom", "GB"), ("Deutschland", "DE"), ("Germany", "DE"),
     ("AUS", "AU"), ("Australia", "AU"), ("South Korea", "KR"), ("Korea, Republic of", "KR"),
     ("Vietnam", "VN"), ("Viet Nam", "VN"), ("Côte d'Ivoire", "CI"), ("Österreich", "AT"), ("NA", "NA")],
)
def test_country_names(rendered, spelling, code):
    mapping = {r["country_input"]: r["country_code"] for r in _rows(rendered["ref_country_names.csv"])}
    assert mapping[reference.lookup_key(spelling)] == code


def test_country_name_keys_are_in_lookup_form(rendered):
    rows = _rows(rendered["ref_country_names.csv"])
    assert all(reference.lookup_key(r["country_input"]) == r["country_input"] for r in rows)
    assert len({r["country_code"] for r in rows}) == 249


@pytest.mark.parametrize(
    ("country", "spelling", "code", "iso_code"),
    [("AU", "wa", "WA", "AU-WA"), ("US", "wa", "WA", "US-WA"), ("AU", "Western Australia", "WA", "AU-WA"),
     ("US", "Washington", "WA", "US-WA"), ("AU", "nsw", "NSW", "AU-NSW"), ("AU", "New South Wales", "NSW", "AU-NSW"),
     ("US", "Calif.", "CA", "US-CA"), ("US", "n. mex.", "NM", "US-NM"), ("US", "Puerto Rico", "PR", "US-PR"),
     ("US", "District of Columbia", "DC", "US-DC"), ("US", "Washington, D.C.", "DC", "US-DC"),
     ("US", "U.S. Virgin Islands", "VI", "US-VI"), ("US", "AE", "AE", ""), ("US", "Marshall Islands", "MH", ""),
     ("DE", "Bayern", "BY", "DE-BY"), ("DE", "Baden-Württemberg", "BW", "DE-BW"), ("CA", "Ontario", "ON", "CA-ON"),
     ("GB", "England", "ENG", "GB-ENG"), ("GB", "City of Bristol", "BST", "GB-BST"), ("ES", "Gerona", "GI", "ES-GI")],
)
def test_country_subdivisions(rendered, country, spelling, code, iso_code):
    rows = {(r["country_code"], r["subdivision_input"]): r for r in _rows(rendered["ref_country_subdivisions.csv"])}
    row = rows[(country, reference.lookup_key(spelling))]
    assert (row["subdivision_code"], row["subdivision_iso_code"]) == (code, iso_code)


def test_ambiguous_subdivision_names_are_dropped(rendered):
    """Spain's La Rioja is an autonomous community and a province: a lookup must not guess."""
    import pycountry

    keys = {(r["country_code"], r["subdivision_input"]) for r in _rows(rendered["ref_country_subdivisions.csv"])}
    assert ("ES", "LA RIOJA") not in keys
    assert ("ES", "RI") in keys and ("ES", "LO") in keys  # both are still found by their codes
    assert len(keys) == len(_rows(rendered["ref_country_subdivisions.csv"]))  # (country, spelling) is a key
    codes = {(r["country_code"], r["subdivision_iso_code"]) for r in _rows(rendered["ref_country_subdivisions.csv"])}
    assert all((s.country_code, s.code) in codes for s in pycountry.subdivisions)  # every subdivision is there


def test_us_subdivisions_keep_every_usps_spelling(rendered):
    rows = {(r["country_code"], r["subdivision_input"]): r["subdivision_code"]
            for r in _rows(rendered["ref_country_subdivisions.csv"])}
    us_states = reference.build_us_states()
    assert len({r["state_code"] for r in us_states}) == 50 + 1 + 5 + 3 + 3  # states, DC, territories, FAS, armed forces
    for row in us_states:
        assert rows[("US", reference.lookup_key(str(row["state_input"])))] == row["state_code"], row


@pytest.mark.parametrize(
    ("text", "key"),
    [("Baden-Württemberg", "BADEN WURTTEMBERG"), ("U.S.A.", "USA"), ("  n. mex. ", "N MEX"),
     ("Côte d’Ivoire", "COTE DIVOIRE"), ("Korea, Republic of", "KOREA REPUBLIC OF"), ("Straße", "STRASSE"),
     ("AU-WA", "AU WA"), ("Illes Balears [Islas Baleares]", "ILLES BALEARS ISLAS BALEARES"), ("...", "")],
)
def test_lookup_key(text, key):
    assert reference.lookup_key(text) == key


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

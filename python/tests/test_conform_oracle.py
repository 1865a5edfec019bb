"""Cross-check the conform macros (SQL) against Python libraries on a few hundred generated inputs.

dbt compiles one inline query that applies `phone_e164`, `full_name_parts`, `standardize_streets`,
`repair_mojibake` and `reference_lookup_key` to five input tables; the compiled SQL runs in an in-memory
DuckDB that holds the inputs and the reference seeds (loaded from seeds/*.csv), and its answers are
compared with phonenumbers (E.164 of US, GB, DE and AU numbers read with the record's country),
nameparser (HumanName), usaddress-scourgify (normalize_address_record), Python's own codecs (UTF-8
misread as Windows-1252 and back) and the seed builder's key (customer360.reference.lookup_key, on every
country and subdivision name of pycountry).
One dbt parse + compile, about 10 s.
"""

from __future__ import annotations

import csv
import random
import re
from pathlib import Path

import duckdb
import phonenumbers
import pytest
from nameparser import HumanName
from scourgify import normalize_address_record
from scourgify.exceptions import UnParseableAddressError

from customer360.synth.malformed import mojibake  # UTF-8 read as Windows-1252, as the generator garbles names

ROOT = Path(__file__).resolve().parents[2]
SEEDS = ROOT / "seeds"
SPLIT = "-- @@next query@@"

INLINE_SQL = f"""
select raw, country, {{{{ phone_e164('raw', 'country') }}}} as e164 from oracle_phones
{SPLIT}
select raw, {{{{ full_name_parts('raw') }}}} as parts from oracle_names
{SPLIT}
{{{{ standardize_streets('oracle_streets', 'raw') }}}}
{SPLIT}
select raw, {{{{ repair_mojibake('raw') }}}} as repaired, {{{{ name_clean(repair_mojibake('raw')) }}}} as name_key
from oracle_mojibake
{SPLIT}
select raw, {{{{ reference_lookup_key('raw') }}}} as lookup_key from oracle_place_names
"""


# ------------------------------------------------------------------------------------------------
# Inputs
# ------------------------------------------------------------------------------------------------

def phone_inputs(rng: random.Random) -> tuple[list[str], list[str]]:
    """(valid US numbers in many formats, numbers that must be rejected)."""
    valid: list[str] = []
    while len(valid) < 120:
        area, exchange, line = rng.randint(200, 999), rng.randint(200, 999), rng.randint(0, 9999)
        national = f"{area}{exchange}{line:04d}"
        if not phonenumbers.is_valid_number(phonenumbers.parse(national, "US")):
            continue  # unassigned area code: phonenumbers has no answer to compare with
        a, e, s = national[:3], national[3:6], national[6:]
        formats = [
            f"({a}) {e}-{s}", f"{a}-{e}-{s}", f"{a}.{e}.{s}", national, f"1-{a}-{e}-{s}",
            f"+1 {a} {e} {s}", f"+1 ({a}) {e}-{s}", f"1 ({a}) {e} {s}", f"{a}-{e}-{s} x{rng.randint(1, 999)}",
            f"({a}) {e}-{s} ext. {rng.randint(1, 99)}",
        ]
        valid.append(rng.choice(formats))
    for region in ["GB", "DE", "FR", "MX", "IN", "AU", "JP", "BR", "ES", "IT"]:
        for number_type in [phonenumbers.PhoneNumberType.FIXED_LINE, phonenumbers.PhoneNumberType.MOBILE]:
            example = phonenumbers.example_number_for_type(region, number_type)
            if example is not None:
                valid.append(phonenumbers.format_number(example, phonenumbers.PhoneNumberFormat.INTERNATIONAL))
    invalid: list[str] = []
    for _ in range(60):
        a = f"{rng.choice('01')}{rng.randint(0, 99):02d}"  # area code starting with 0 or 1
        e = f"{rng.randint(200, 999)}"
        s = f"{rng.randint(0, 9999):04d}"
        invalid.append(rng.choice([f"({a}) {e}-{s}", f"{a}-{e}-{s}", f"+1 {a} {e} {s}"]))
    for _ in range(20):
        invalid.append(str(rng.randint(10**5, 10**8)))  # too short
        invalid.append(f"{rng.randint(200, 999)}-{rng.choice('01')}{rng.randint(10, 99)}-{rng.randint(1000, 9999)}")
    return valid, invalid


COUNTRY_REGIONS = ["GB", "DE", "AU"]


def _random_valid_numbers(rng: random.Random, region: str, count: int) -> list[phonenumbers.PhoneNumber]:
    """Valid fixed-line and mobile numbers of a region: its example numbers with the last digits drawn."""
    numbers: list[phonenumbers.PhoneNumber] = []
    for number_type in [phonenumbers.PhoneNumberType.FIXED_LINE, phonenumbers.PhoneNumberType.MOBILE]:
        example = phonenumbers.example_number_for_type(region, number_type)
        national = str(example.national_number)
        found, tries = 0, 0
        while found < count // 2 and tries < 2000:
            tries += 1
            drawn = national[:-4] + "".join(rng.choice("0123456789") for _ in range(4))
            number = phonenumbers.parse(f"+{example.country_code}{drawn}")
            if phonenumbers.is_valid_number(number):
                numbers.append(number)
                found += 1
    return numbers


def country_phone_inputs(rng: random.Random) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    """(valid (number, record country) pairs, pairs that must be rejected) for GB, DE and AU records.

    Valid: the country's own numbers written nationally (trunk prefix), internationally and in E.164,
    and other countries' numbers as dialled from it (its exit code: 00, AU 0011). Invalid: national
    numbers shorter or longer than any number of the country's plan."""
    fmt = phonenumbers.PhoneNumberFormat
    valid: list[tuple[str, str]] = []
    for region in COUNTRY_REGIONS:
        for number in _random_valid_numbers(rng, region, 30):
            valid.append((phonenumbers.format_number(number, rng.choice([fmt.NATIONAL, fmt.NATIONAL, fmt.INTERNATIONAL,
                                                                         fmt.E164])), region))
            other = rng.choice([r for r in COUNTRY_REGIONS + ["US", "FR"] if r != region])
            valid.append((phonenumbers.format_out_of_country_calling_number(number, other), other))
    invalid: list[tuple[str, str]] = []
    for region, short, long in [("GB", 5, 12), ("DE", 2, 16), ("AU", 3, 13)]:
        for _ in range(10):
            invalid.append(("0" + "".join(rng.choice("23456789") for _ in range(short)), region))
            invalid.append(("0" + "".join(rng.choice("23456789") for _ in range(long)), region))
    return valid, invalid


def place_name_inputs() -> list[str]:
    """Every spelling the country and subdivision seeds are built from, as pycountry writes it."""
    import pycountry

    from customer360 import reference

    names = []
    for country in pycountry.countries:
        names += [getattr(country, a, None) for a in ("name", "official_name", "common_name", "alpha_3")]
    for subdivision in pycountry.subdivisions:
        names += [subdivision.name, subdivision.code, *reference._subdivision_name_variants(subdivision.name)]
    names += list(reference.COUNTRY_ALIASES) + ["U.S.A.", "Calif.", "n. mex.", "Straße", "Côte d’Ivoire", "  Bayern  "]
    return sorted({n for n in names if n})


FIRST = ["John", "Mary", "Robert", "Patricia", "James", "Jennifer", "Michael", "Linda", "David", "Susan",
         "Carlos", "Aisha", "Wei", "Olga", "Kwame", "Priya", "Liam", "Emma", "Noah", "Sofia"]
MIDDLE = ["Quincy", "Ann", "Lee", "Marie", "James", "Rose", "Edward", "Grace"]
LAST = ["Smith", "Johnson", "Garcia", "Nguyen", "O'Brien", "Smith-Jones", "Okafor", "Kowalski", "Chen",
        "Patel", "de la Cruz", "van Dyke", "Miller", "Brown"]
SUFFIX = ["Jr.", "Sr.", "II", "III", "IV"]
TITLE = ["Dr.", "Mr.", "Mrs.", "Ms."]


def name_inputs(rng: random.Random) -> list[str]:
    names = []
    for _ in range(250):
        f, m, l = rng.choice(FIRST), rng.choice(MIDDLE), rng.choice(LAST)
        sfx, title = rng.choice(SUFFIX), rng.choice(TITLE)
        names.append(rng.choice([
            f"{f} {l}", f"{f} {m[0]}. {l}", f"{f} {m} {l}", f"{l}, {f}", f"{l}, {f} {m[0]}.",
            f"{title} {f} {l}", f"{f} {m} {l} {sfx}", f"{f} {l}, {sfx}", f"{f.upper()} {l.upper()}",
            f"{l}, {f} {m}", f"{title} {f} {m[0]}. {l} {sfx}",
        ]))
    return names


STREET_NAMES = ["Main", "Elm", "Oak", "Maple", "Cedar", "Washington", "Lincoln", "Jefferson", "Madison",
                "Pennsylvania", "Adams", "Franklin", "Sunset", "Highland", "Chestnut", "Walnut"]
SUFFIXES = ["Street", "St", "St.", "Avenue", "Ave", "Boulevard", "Blvd", "Road", "Rd", "Drive", "Dr",
            "Lane", "Ln", "Court", "Ct", "Place", "Terrace", "Parkway", "Circle", "Way"]
DIRECTIONS = ["North", "South", "East", "West", "N", "S", "E", "W", "Northwest", "SE"]
UNITS = ["Apt 4B", "Apartment 12", "Suite 100", "Ste 210", "Unit 7", "#5C", "Apt. 3"]


# letters of Latin-1 (À..ÿ), the range repair_mojibake covers
ACCENTED = ["José", "Sofía", "Renée", "Zoë", "Raúl", "Chloé", "Andrés", "Muñoz", "Peña", "Núñez",
            "François", "Björk", "Øyvind", "Ångström", "Þóra", "Ærøskøbing", "Gómez-Ruíz"]


def mojibake_inputs() -> list[str]:
    """Every letter À..ÿ garbled, in a word and as a capital, plus accented names in three cases."""
    letters = [chr(c) for c in range(0xC0, 0x100)]
    names = ACCENTED + [n.upper() for n in ACCENTED] + [n.lower() for n in ACCENTED]
    words = [f"x{letter}y" for letter in letters] + names
    return [mojibake(w) for w in words] + ["JOÃO", "Ana", "O'Brien"]


def street_inputs(rng: random.Random) -> list[str]:
    streets = []
    for _ in range(250):
        number = str(rng.randint(1, 9999))
        name, suffix = rng.choice(STREET_NAMES), rng.choice(SUFFIXES)
        parts = [number]
        if rng.random() < 0.3:
            parts.append(rng.choice(DIRECTIONS))
        parts += [name, suffix]
        if rng.random() < 0.2:
            # spelled out: the library reads a trailing single letter ('Blvd E') as a unit
            parts.append(rng.choice(DIRECTIONS[:4] + ["Northwest"]))
        if rng.random() < 0.4:
            parts.append(rng.choice(UNITS))
        streets.append(" ".join(parts))
    return streets


# ------------------------------------------------------------------------------------------------
# Running the macros
# ------------------------------------------------------------------------------------------------

def compile_inline(sql: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    from dbt.cli.main import dbtRunner

    monkeypatch.setenv("CUSTOMER360_DB_PATH", str(tmp_path / "oracle.duckdb"))
    monkeypatch.setenv("DBT_SEND_ANONYMOUS_USAGE_STATS", "false")
    result = dbtRunner().invoke([
        "compile", "--inline", sql, "--quiet",
        "--project-dir", str(ROOT), "--profiles-dir", str(ROOT),
        "--target-path", str(tmp_path / "target"), "--log-path", str(tmp_path / "logs"),
    ])
    assert result.success, result.exception
    return result.result.results[0].node.compiled_code


def load_seeds(con: duckdb.DuckDBPyConnection, compiled: str) -> None:
    """Create every seed the compiled SQL reads, under the name dbt rendered for it."""
    for database, schema, table in set(re.findall(r'"(\w+)"\."(\w+)"\."(ref_\w+)"', compiled)):
        if database not in {row[0] for row in con.execute("select database_name from duckdb_databases()").fetchall()}:
            con.execute(f'attach \':memory:\' as "{database}"')
        con.execute(f'create schema if not exists "{database}"."{schema}"')
        path = SEEDS / f"{table}.csv"
        with path.open(encoding="utf-8") as f:
            columns = next(csv.reader(f))
        casts = ", ".join(
            f'cast("{c}" as boolean) as "{c}"' if c.startswith(("is_", "requires_", "ignores_")) else f'"{c}"'
            for c in columns
        )
        con.execute(
            f'create table "{database}"."{schema}"."{table}" as select {casts} '
            f"from read_csv('{path}', header = true, all_varchar = true)"
        )


@pytest.fixture(scope="module")
def oracle_results(tmp_path_factory: pytest.TempPathFactory):
    rng = random.Random(20240607)
    valid_phones, invalid_phones = phone_inputs(rng)
    valid_country_phones, invalid_country_phones = country_phone_inputs(random.Random(20260301))
    names = name_inputs(rng)
    streets = street_inputs(rng)

    tmp_path = tmp_path_factory.mktemp("oracle")
    with pytest.MonkeyPatch.context() as monkeypatch:
        compiled = compile_inline(INLINE_SQL, tmp_path, monkeypatch)
    phone_sql, name_sql, street_sql, mojibake_sql, place_sql = compiled.split(SPLIT)

    con = duckdb.connect()
    load_seeds(con, compiled)
    con.execute("create table oracle_phones (raw varchar, country varchar)")
    con.executemany(
        "insert into oracle_phones values (?, ?)",
        sorted({(v, "US") for v in valid_phones + invalid_phones} | set(valid_country_phones + invalid_country_phones)),
    )
    for table, values in [
        ("oracle_place_names", place_name_inputs()),
        ("oracle_names", names),
        ("oracle_streets", streets),
        ("oracle_mojibake", mojibake_inputs()),
    ]:
        con.execute(f"create table {table} (raw varchar)")
        con.executemany(f"insert into {table} values (?)", [(v,) for v in values])

    phones = {(raw, country): e164 for raw, country, e164 in con.execute(phone_sql).fetchall()}
    parsed_names = {raw: parts for raw, parts in con.execute(name_sql).fetchall()}
    standardized = {row[0]: row[1:] for row in con.execute(street_sql).fetchall()}
    repaired = {row[0]: row[1:] for row in con.execute(mojibake_sql).fetchall()}
    place_keys = dict(con.execute(place_sql).fetchall())
    return {
        "valid_phones": valid_phones,
        "invalid_phones": invalid_phones,
        "valid_country_phones": valid_country_phones,
        "invalid_country_phones": invalid_country_phones,
        "place_keys": place_keys,
        "phones": phones,
        "names": parsed_names,
        "streets": standardized,
        "mojibake": repaired,
    }


# ------------------------------------------------------------------------------------------------
# Comparisons
# ------------------------------------------------------------------------------------------------

def test_valid_phones_match_phonenumbers_e164(oracle_results):
    mismatches = []
    for raw in oracle_results["valid_phones"]:
        expected = phonenumbers.format_number(phonenumbers.parse(raw, "US"), phonenumbers.PhoneNumberFormat.E164)
        if oracle_results["phones"][(raw, "US")] != expected:
            mismatches.append((raw, oracle_results["phones"][(raw, "US")], expected))
    assert not mismatches, mismatches[:10]


def test_invalid_phones_are_null_and_invalid_for_phonenumbers(oracle_results):
    wrong = []
    for raw in oracle_results["invalid_phones"]:
        try:
            library_valid = phonenumbers.is_valid_number(phonenumbers.parse(raw, "US"))
        except phonenumbers.NumberParseException:
            library_valid = False
        if oracle_results["phones"][(raw, "US")] is not None or library_valid:
            wrong.append((raw, oracle_results["phones"][(raw, "US")], library_valid))
    assert not wrong, wrong[:10]


def test_country_phones_match_phonenumbers_e164(oracle_results):
    """GB, DE and AU numbers, national (trunk prefix dropped) or dialled abroad, read with the record's country."""
    mismatches, compared = [], 0
    for raw, country in oracle_results["valid_country_phones"]:
        parsed = phonenumbers.parse(raw, country)
        if not phonenumbers.is_valid_number(parsed):
            continue
        compared += 1
        expected = phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)
        if oracle_results["phones"][(raw, country)] != expected:
            mismatches.append((raw, country, oracle_results["phones"][(raw, country)], expected))
    assert compared >= 150, compared
    assert not mismatches, mismatches[:10]


def test_country_phones_of_impossible_length_are_null_and_invalid_for_phonenumbers(oracle_results):
    wrong = []
    for raw, country in oracle_results["invalid_country_phones"]:
        try:
            # possible only when dialled locally (without the area code) is no usable E.164 number either
            library_possible = phonenumbers.is_possible_number_with_reason(
                phonenumbers.parse(raw, country)
            ) == phonenumbers.ValidationResult.IS_POSSIBLE
        except phonenumbers.NumberParseException:
            library_possible = False
        if oracle_results["phones"][(raw, country)] is not None or library_possible:
            wrong.append((raw, country, oracle_results["phones"][(raw, country)], library_possible))
    assert len(oracle_results["invalid_country_phones"]) >= 60
    assert not wrong, wrong[:10]


def test_place_name_keys_match_the_seed_builder(oracle_results):
    """reference_lookup_key (SQL) and reference.lookup_key (Python, which keys the seeds) agree on every name."""
    from customer360 import reference

    keys = oracle_results["place_keys"]
    mismatches = [(raw, keys[raw], reference.lookup_key(raw)) for raw in keys if keys[raw] != (reference.lookup_key(raw) or None)]
    assert len(keys) > 5000
    assert not mismatches, mismatches[:10]


SUFFIX_CODES = {"jr": "JR", "sr": "SR", "ii": "II", "iii": "III", "iv": "IV"}


def _clean(part: str) -> str | None:
    text = re.sub(r"\s+", " ", part.lower().replace(".", "")).strip()
    return text or None


def test_names_match_nameparser(oracle_results):
    mismatches = []
    for raw, parts in oracle_results["names"].items():
        human = HumanName(raw)
        expected = {
            "first_name": _clean(human.first),
            "middle_initial": (_clean(human.middle) or "")[:1] or None,
            "last_name": _clean(human.last),
            "name_suffix": SUFFIX_CODES.get(_clean(human.suffix) or ""),
        }
        if parts != expected:
            mismatches.append((raw, parts, expected))
    assert not mismatches, mismatches[:10]


def test_streets_match_scourgify(oracle_results):
    mismatches, compared = [], 0
    for raw, (street_line, street_unit, _unit_identifier) in oracle_results["streets"].items():
        try:
            library = normalize_address_record(
                {"address_line_1": raw, "city": "Springfield", "state": "IL", "postal_code": "62701"}
            )
        except UnParseableAddressError:
            continue  # the library's parser gives up (e.g. a post-directional before a unit)
        if re.search(r"\b(APARTMENT|APT|SUITE|STE|UNIT)\b|#", library["address_line_1"]):
            continue  # the library left the unit in line 1: it did not parse this one either
        compared += 1
        expected_unit = library["address_line_2"]
        if expected_unit and expected_unit.startswith("# "):
            expected_unit = "UNIT " + expected_unit[2:]  # project rule: '#' is written UNIT
        if (street_line, street_unit) != (library["address_line_1"], expected_unit):
            mismatches.append((raw, street_line, street_unit, library["address_line_1"], expected_unit))
    assert compared >= 150
    assert not mismatches, mismatches[:10]


def test_enough_cases_were_compared(oracle_results):
    assert len(oracle_results["valid_phones"]) >= 100
    assert len(oracle_results["invalid_phones"]) >= 60
    assert len(oracle_results["names"]) >= 100
    assert len(oracle_results["streets"]) >= 100


def test_mojibake_is_repaired_as_pythons_codecs_undo_it(oracle_results):
    """repair_mojibake inverts the misreading wherever Windows-1252 defines the second byte."""
    mismatches, repaired = [], oracle_results["mojibake"]
    for raw, (fixed, _) in repaired.items():
        if "\ufffd" in raw:
            continue  # Á, Í, Ï, Ð, Ý: the second byte is lost, nothing to compare with
        expected = raw.encode("cp1252").decode("utf-8") if "Ã" in raw and raw != "JOÃO" else raw
        if fixed != expected:
            mismatches.append((raw, fixed, expected))
    assert not mismatches, mismatches[:10]
    assert len(repaired) > 100


def test_a_garbled_name_gives_the_same_key_as_the_correct_one(oracle_results):
    repaired = oracle_results["mojibake"]
    assert repaired[mojibake("José")][1] == "jose"
    assert repaired[mojibake("MUÑOZ")][1] == "munoz"
    assert repaired[mojibake("Gómez-Ruíz")][1] == "gomez-ruiz"
    assert repaired["JOÃO"][1] == "joao"

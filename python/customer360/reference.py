"""Build the library-derived reference seeds of the dbt project, deterministically.

    python -m customer360.reference --out seeds          # (re)write the CSV files
    python -m customer360.reference --out seeds --check  # exit 1 when a committed seed differs

Seeds written here (everything else in seeds/ is maintained by hand):

- ``ref_nicknames.csv`` from the ``nicknames`` package (its ``names.csv``, relationship ``has_nickname``).
- ``ref_usps_street_suffixes.csv``, ``ref_usps_unit_designators.csv`` and ``ref_usps_directionals.csv``
  from ``usaddress-scourgify`` (``scourgify.address_constants``), completed from USPS Publication 28
  where the library has no entry (each addition is listed below, with its appendix).
- ``ref_countries.csv`` (ISO 3166-1 from ``pycountry``; phone plan from ``phonenumbers``' metadata;
  fixed-digit postcodes from ``POSTAL_CODE_DIGITS`` below), ``ref_country_names.csv`` (every spelling
  of a country -> alpha-2) and ``ref_country_subdivisions.csv`` (ISO 3166-2 from ``pycountry``, plus
  the USPS spellings of US states that ``scourgify`` and Publication 28 list).

Rows are sorted and written with ``\\n`` line ends, so the output depends only on the library versions.
"""

from __future__ import annotations

import argparse
import csv
import io
import re
import sys
import unicodedata
from collections import defaultdict
from collections.abc import Callable, Iterable
from difflib import SequenceMatcher
from pathlib import Path

# --------------------------------------------------------------------------------------------------
# Nicknames
# --------------------------------------------------------------------------------------------------

#: Preferred canonical first name for common US nicknames whose library candidates are ambiguous or
#: where the generic rule (see ``preferred_canonical``) would pick a rare name. ``None`` means the name
#: stands on its own: it is a common given name in its own right and is not rewritten. Every value
#: must be one of the library's candidates for that nickname (checked when the seed is built).
PREFERRED_CANONICAL: dict[str, str | None] = {
    "abby": "abigail",
    "al": "albert",
    "albert": None,
    "alex": "alexander",
    "allie": "allison",
    "ally": "allison",
    "amy": None,
    "andy": "andrew",
    "austin": None,
    "bert": "albert",
    "betty": "elizabeth",
    "bill": "william",
    "billy": "william",
    "bob": "robert",
    "bobby": "robert",
    "carl": None,
    "cathy": "catherine",
    "chris": "christopher",
    "chuck": "charles",
    "cindy": "cynthia",
    "dan": "daniel",
    "danny": "daniel",
    "deb": "deborah",
    "debbie": "deborah",
    "dick": "richard",
    "don": "donald",
    "drew": "andrew",
    "ed": "edward",
    "eddie": "edward",
    "ellie": "eleanor",
    "erin": None,
    "evan": None,
    "frank": "francis",
    "fred": "frederick",
    "freddy": "frederick",
    "gary": None,
    "gus": "augustus",
    "hal": "harold",
    "hank": "henry",
    "harry": "harold",
    "jack": "john",
    "jackie": "jacqueline",
    "jan": "janet",
    "jeff": "jeffrey",
    "jenn": "jennifer",
    "jenny": "jennifer",
    "jerry": "gerald",
    "jess": "jessica",
    "jo": "josephine",
    "joe": "joseph",
    "joey": "joseph",
    "johnny": "john",
    "jon": "jonathan",
    "kate": "katherine",
    "kathy": "katherine",
    "katie": "kathryn",
    "kay": "katherine",
    "kelly": None,
    "ken": "kenneth",
    "kenny": "kenneth",
    "kim": "kimberly",
    "kit": "christopher",
    "kris": "kristopher",
    "larry": "lawrence",
    "laura": None,
    "lenny": "leonard",
    "les": "leslie",
    "lisa": None,
    "liz": "elizabeth",
    "lori": None,
    "lou": "louis",
    "lynn": None,
    "maggie": "margaret",
    "mandy": "amanda",
    "manny": "manuel",
    "marge": "margaret",
    "maria": None,
    "mark": None,
    "matt": "matthew",
    "max": "maxwell",
    "meg": "margaret",
    "mick": "michael",
    "mike": "michael",
    "mikey": "michael",
    "molly": "mary",
    "nan": "ann",
    "nat": "nathaniel",
    "nate": "nathaniel",
    "nell": "ellen",
    "nick": "nicholas",
    "nora": "eleanor",
    "ollie": "oliver",
    "pat": "patricia",
    "patsy": "patricia",
    "patty": "patricia",
    "peggy": "margaret",
    "phil": "phillip",
    "polly": "mary",
    "ralph": None,
    "rich": "richard",
    "rick": "richard",
    "ricky": "richard",
    "rob": "robert",
    "ron": "ronald",
    "ronnie": "ronald",
    "rosie": "rose",
    "sadie": "sarah",
    "sally": "sarah",
    "sam": "samuel",
    "sammy": "samuel",
    "sandy": "sandra",
    "sid": "sidney",
    "steve": "steven",
    "sue": "susan",
    "susan": None,
    "susie": "susan",
    "ted": "edward",
    "teddy": "theodore",
    "terry": "terence",
    "tess": "theresa",
    "tina": "christina",
    "tom": "thomas",
    "tommy": "thomas",
    "tony": "anthony",
    "val": "valerie",
    "vicky": "victoria",
    "vince": "vincent",
    "vinny": "vincent",
    "walt": "walter",
    "wes": "wesley",
    "will": "william",
    "willy": "william",
    "winnie": "winifred",
    "zach": "zachary",
}


def normalize_name(name: str) -> str:
    """The key form of a first name: lower case, periods removed, whitespace collapsed.

    Mirrors the ``name_clean`` dbt macro for the characters that occur in the library."""
    return re.sub(r"\s+", " ", name.strip().lower().replace(".", "")).strip()


def nickname_candidates() -> dict[str, set[str]]:
    """nickname -> every canonical first name the ``nicknames`` library lists for it."""
    import nicknames

    candidates: dict[str, set[str]] = defaultdict(set)
    for name1, relationship, name2 in nicknames.name_triplets():
        if relationship != "has_nickname":
            continue
        canonical, nickname = normalize_name(name1), normalize_name(name2)
        if canonical and nickname and canonical != nickname:
            candidates[nickname].add(canonical)
    return candidates


def _common_prefix(a: str, b: str) -> int:
    size = 0
    for x, y in zip(a, b):
        if x != y:
            break
        size += 1
    return size


def _common_substring(a: str, b: str) -> int:
    return SequenceMatcher(None, a, b, autojunk=False).find_longest_match(0, len(a), 0, len(b)).size


def _nicknames_of(candidates: dict[str, set[str]]) -> dict[str, set[str]]:
    """canonical name -> its nicknames (the inverse of ``candidates``)."""
    nicknames_of: dict[str, set[str]] = defaultdict(set)
    for nickname, canonicals in candidates.items():
        for canonical in canonicals:
            nicknames_of[canonical].add(nickname)
    return nicknames_of


def preferred_canonical(
    nickname: str,
    candidates: dict[str, set[str]],
    nicknames_of: dict[str, set[str]] | None = None,
) -> str | None:
    """The one canonical name a nickname is rewritten to, or None when the name stands on its own.

    1. ``PREFERRED_CANONICAL`` decides when it lists the nickname.
    2. A name the library also lists as a canonical name (it has nicknames of its own, e.g. john,
       mary) stands on its own: the library lists many pairs both ways, and rewriting full names
       merges distinct people.
    3. Otherwise the eligible candidates are those longer than the nickname that start with the same
       letter (gabe -> gabriel, not a distant name); none eligible: the name stands on its own.
    4. Among the eligible: longest common prefix with the nickname, then longest common substring,
       then the candidate with the most nicknames of its own, then alphabetical order.
    """
    if nickname in PREFERRED_CANONICAL:
        return PREFERRED_CANONICAL[nickname]
    if nicknames_of is None:
        nicknames_of = _nicknames_of(candidates)
    if nicknames_of.get(nickname):
        return None
    eligible = [c for c in candidates[nickname] if len(c) > len(nickname) and c[0] == nickname[0]]
    if not eligible:
        return None
    return min(
        eligible,
        key=lambda c: (
            -_common_prefix(nickname, c),
            -_common_substring(nickname, c),
            -len(nicknames_of.get(c, ())),
            c,
        ),
    )


def build_nicknames() -> list[dict[str, object]]:
    candidates = nickname_candidates()
    for nickname, canonical in PREFERRED_CANONICAL.items():
        if nickname not in candidates:
            raise ValueError(f"PREFERRED_CANONICAL: {nickname!r} is not a nickname in the library")
        if canonical is not None and canonical not in candidates[nickname]:
            raise ValueError(f"PREFERRED_CANONICAL: {canonical!r} is not a candidate for {nickname!r}")
    nicknames_of = _nicknames_of(candidates)
    rows = []
    for nickname in sorted(candidates):
        preferred = preferred_canonical(nickname, candidates, nicknames_of)
        for canonical in sorted(candidates[nickname]):
            rows.append(
                {
                    "nickname": nickname,
                    "canonical_first_name": canonical,
                    "is_preferred": canonical == preferred,
                }
            )
    return rows


# --------------------------------------------------------------------------------------------------
# USPS Publication 28 (through usaddress-scourgify)
# --------------------------------------------------------------------------------------------------

#: Suffix names for standard abbreviations that scourgify's LONGHAND_STREET_TYPES lacks (Pub 28 C1).
SUFFIX_NAMES_MISSING_IN_LIBRARY = {
    "BG": "BURG",
    "CLB": "CLUB",
    "CV": "COVE",
    "GRN": "GREEN",
    "WAYS": "WAYS",
}

#: Pub 28 Appendix C2: designators that require a secondary range (a number or letter after them).
UNIT_DESIGNATORS_REQUIRING_RANGE = {
    "APT", "BLDG", "DEPT", "FL", "HNGR", "KEY", "LOT", "PIER", "RM", "SLIP", "SPC", "STOP", "STE",
    "TRLR", "UNIT",
}

#: Pub 28 Appendix C2 corrections and additions to scourgify's OCCUPANCY_TYPE_ABBREVIATIONS:
#: C2 abbreviates UPPER as UPPR and spells HANGAR (scourgify: HANGER). '#' stands for an unknown
#: designator in Pub 28; by project rule it is normalised to UNIT.
UNIT_DESIGNATOR_OVERRIDES = {
    "UPPER": "UPPR",
    "HANGAR": "HNGR",
    "#": "UNIT",
}

#: Designators outside Pub 28 that addresses of other countries use for a flat (each requires an
#: identifier): FLAT is Royal Mail's word for an apartment ('Flat 4B, 12 High Street'). It stays
#: FLAT, as written; only the identifier enters the address key, so FLAT 4B and APT 4B are one unit.
NON_USPS_UNIT_DESIGNATORS = {"FLAT": "FLAT"}

#: Pub 28 Appendix B: two-letter codes of the states, DC, possessions and military "states".
#: Names of the 50 states and DC come from scourgify; the rest are listed here.
STATE_KIND_AND_NAME = {
    "DC": ("district", "DISTRICT OF COLUMBIA"),
    "AS": ("territory", "AMERICAN SAMOA"),
    "GU": ("territory", "GUAM"),
    "MP": ("territory", "NORTHERN MARIANA ISLANDS"),
    "PR": ("territory", "PUERTO RICO"),
    "VI": ("territory", "VIRGIN ISLANDS"),
    "FM": ("freely_associated_state", "FEDERATED STATES OF MICRONESIA"),
    "MH": ("freely_associated_state", "MARSHALL ISLANDS"),
    "PW": ("freely_associated_state", "PALAU"),
    "AA": ("armed_forces", "ARMED FORCES AMERICAS"),
    "AE": ("armed_forces", "ARMED FORCES EUROPE"),
    "AP": ("armed_forces", "ARMED FORCES PACIFIC"),
}

#: Other spellings of names in STATE_KIND_AND_NAME (Pub 28 Appendix B and common usage).
STATE_NAME_ALIASES = {
    "US VIRGIN ISLANDS": "VI",
    "U S VIRGIN ISLANDS": "VI",
    "WASHINGTON DC": "DC",
    "WASHINGTON D C": "DC",
    "D C": "DC",
    "P R": "PR",
}


def _usps_key(text: str) -> str:
    """The lookup form used by the street and state macros: upper case, periods removed, spaces collapsed."""
    return re.sub(r"\s+", " ", text.upper().replace(".", "")).strip()


def build_street_suffixes() -> list[dict[str, object]]:
    from scourgify import address_constants as ac

    rows = []
    for variant, abbreviation in ac.STREET_TYPE_ABBREVIATIONS.items():
        if " " in variant:  # multi-word highway pre-types: the standardiser maps single tokens
            continue
        name = ac.LONGHAND_STREET_TYPES.get(abbreviation) or SUFFIX_NAMES_MISSING_IN_LIBRARY[abbreviation]
        rows.append(
            {"suffix_input": _usps_key(variant), "suffix_abbreviation": abbreviation, "suffix_name": name}
        )
    return sorted(rows, key=lambda r: r["suffix_input"])


def build_unit_designators() -> list[dict[str, object]]:
    from scourgify import address_constants as ac

    by_input: dict[str, tuple[str, str]] = {}
    for name, abbreviation in ac.OCCUPANCY_TYPE_ABBREVIATIONS.items():
        abbreviation = UNIT_DESIGNATOR_OVERRIDES.get(name, abbreviation)
        by_input[name] = (abbreviation, "UNIT" if name == "#" else name)
    by_input["HANGAR"] = (UNIT_DESIGNATOR_OVERRIDES["HANGAR"], "HANGAR")
    for abbreviation, name in list(by_input.values()):
        by_input.setdefault(abbreviation, (abbreviation, name))
    for name, abbreviation in NON_USPS_UNIT_DESIGNATORS.items():
        by_input[name] = (abbreviation, name)
    rows = [
        {
            "designator_input": designator,
            "designator_abbreviation": abbreviation,
            "designator_name": name,
            "requires_identifier": (abbreviation in UNIT_DESIGNATORS_REQUIRING_RANGE
                                    or abbreviation in NON_USPS_UNIT_DESIGNATORS.values()),
        }
        for designator, (abbreviation, name) in by_input.items()
    ]
    return sorted(rows, key=lambda r: r["designator_input"])


def build_directionals() -> list[dict[str, object]]:
    from scourgify import address_constants as ac

    by_input: dict[str, str] = {}
    for name, abbreviation in ac.DIRECTIONAL_REPLACEMENTS.items():
        by_input[name] = abbreviation
        by_input[abbreviation] = abbreviation
    by_input.update(ac.AMBIGUOUS_DIRECTIONALS)
    names = {abbreviation: name for name, abbreviation in ac.DIRECTIONAL_REPLACEMENTS.items()}
    rows = [
        {"direction_input": d, "direction_abbreviation": a, "direction_name": names[a]}
        for d, a in by_input.items()
    ]
    return sorted(rows, key=lambda r: r["direction_input"])


def build_us_states() -> list[dict[str, object]]:
    """USPS spellings of US states, DC, territories, freely associated and armed-forces states -> code.

    No longer a seed of its own: its rows are the US part of ``ref_country_subdivisions``."""
    from scourgify import address_constants as ac

    names: dict[str, str] = {}
    for spelling, code in ac.STATE_ABBREVIATIONS.items():
        # the full name is the longest spelling (ALABAMA over ALA); DC's comes from Appendix B
        if len(spelling) > len(names.get(code, "")):
            names[code] = spelling
    kinds = {code: "state" for code in names}
    for code, (kind, name) in STATE_KIND_AND_NAME.items():
        kinds[code], names[code] = kind, name

    rows: dict[str, dict[str, object]] = {}

    def add(state_input: str, code: str, input_kind: str) -> None:
        key = _usps_key(state_input)
        if key in rows and rows[key]["state_code"] != code:
            raise ValueError(f"state spelling {key!r} maps to two codes")
        rows.setdefault(
            key,
            {
                "state_input": key,
                "state_code": code,
                "state_name": names[code],
                "state_kind": kinds[code],
                "input_kind": input_kind,
            },
        )

    for code in names:
        add(code, code, "code")
        add(names[code], code, "name")
    for spelling, code in ac.STATE_ABBREVIATIONS.items():
        add(spelling, code, "abbreviation")
    for spelling, code in STATE_NAME_ALIASES.items():
        add(spelling, code, "abbreviation")
    return sorted(rows.values(), key=lambda r: r["state_input"])


# --------------------------------------------------------------------------------------------------
# Countries (ISO 3166-1 / 3166-2 through pycountry, phone plans through phonenumbers)
# --------------------------------------------------------------------------------------------------

#: Countries whose postcodes are always this many digits, so a postcode a spreadsheet shortened by
#: dropping leading zeros can be padded back (``postal_code`` macro). Only countries where every
#: postcode is N digits and some start with 0 matter for padding; the others are listed so the
#: length is documented. Written forms with a separator (PL ``00-950``, JP ``100-0001``, BR
#: ``01310-100``, SE/CZ/GR ``123 45``) are the same digits once spaces and hyphens are removed.
#: Sources: the Universal Postal Union's addressing pages per country (upu.int, "Postal addressing
#: systems"), checked against each post's own format note. Countries not listed (GB, CA, NL, IE,
#: AR ...) have letters in their postcodes or no postcodes and are kept as written.
POSTAL_CODE_DIGITS: dict[str, int] = {
    # 3 digits
    "FO": 3, "IS": 3,
    # 4 digits
    "AL": 4, "AM": 4, "AT": 4, "AU": 4, "BE": 4, "BG": 4, "CH": 4, "CY": 4, "DK": 4, "GE": 4,
    "HU": 4, "LI": 4, "LU": 4, "MK": 4, "NO": 4, "NZ": 4, "PH": 4, "SI": 4, "TN": 4, "ZA": 4,
    # 5 digits (USPS ZIP countries use the ZIP rules instead, see USPS_ZIP_COUNTRIES)
    "BA": 5, "CZ": 5, "DE": 5, "DZ": 5, "EE": 5, "ES": 5, "FI": 5, "FR": 5, "GR": 5, "HR": 5,
    "ID": 5, "IT": 5, "KR": 5, "LT": 5, "MA": 5, "ME": 5, "MX": 5, "MY": 5, "PK": 5, "PL": 5,
    "RS": 5, "SE": 5, "SK": 5, "TH": 5, "TR": 5, "UA": 5,
    # 6 digits
    "BY": 6, "CN": 6, "IN": 6, "KZ": 6, "RO": 6, "RU": 6, "SG": 6, "VN": 6,
    # 7 and 8 digits
    "IL": 7, "JP": 7, "PT": 7, "BR": 8,
}

#: Countries and territories whose mail is addressed with USPS ZIP codes (5 digits or ZIP+4): the
#: US, its territories (ISO gives them their own alpha-2) and the freely associated states.
USPS_ZIP_COUNTRIES = {"US", "AS", "GU", "MP", "PR", "VI", "UM", "FM", "MH", "PW"}

#: Spellings of countries that are neither an ISO code nor a pycountry name, official name or common
#: name: short forms, English names of the UK's nations, local names of large countries, former names.
COUNTRY_ALIASES: dict[str, str] = {
    "USA": "US", "U S A": "US", "U S": "US", "UNITED STATES OF AMERICA": "US", "AMERICA": "US",
    "UK": "GB", "U K": "GB", "GREAT BRITAIN": "GB", "BRITAIN": "GB", "ENGLAND": "GB", "SCOTLAND": "GB",
    "WALES": "GB", "NORTHERN IRELAND": "GB",
    "DEUTSCHLAND": "DE", "GERMANY FEDERAL REPUBLIC OF": "DE", "BRD": "DE",
    "OSTERREICH": "AT", "SCHWEIZ": "CH", "SUISSE": "CH", "SVIZZERA": "CH", "ESPANA": "ES", "ITALIA": "IT",
    "BRASIL": "BR", "HOLLAND": "NL", "THE NETHERLANDS": "NL", "NEDERLAND": "NL", "BELGIQUE": "BE",
    "BELGIE": "BE", "EIRE": "IE", "POLSKA": "PL", "SVERIGE": "SE", "NORGE": "NO", "DANMARK": "DK",
    "SUOMI": "FI", "RUSSIA": "RU", "CZECH REPUBLIC": "CZ", "IVORY COAST": "CI", "SOUTH AFRICA": "ZA",
    "UAE": "AE", "NEW ZEALAND AOTEAROA": "NZ", "AOTEAROA": "NZ", "BURMA": "MM", "SWAZILAND": "SZ",
    "MACEDONIA": "MK", "TURKEY": "TR", "CAPE VERDE": "CV", "VATICAN": "VA", "PALESTINE": "PS",
    "REPUBLIC OF KOREA": "KR", "KOREA": "KR", "MEXIQUE": "MX", "PRC": "CN", "HONG KONG SAR": "HK",
}


def lookup_key(text: str) -> str:
    """The key every country and subdivision spelling is looked up by (macro ``reference_lookup_key``).

    Accents removed (NFD, combining marks dropped), upper case (``ß`` -> ``SS``), periods and
    apostrophes removed, every other run of characters that are not letters or digits made one
    space, trimmed: ``Baden-Württemberg`` -> ``BADEN WURTTEMBERG``, ``U.S.A.`` -> ``USA``,
    ``Côte d'Ivoire`` -> ``COTE DIVOIRE``."""
    decomposed = unicodedata.normalize("NFD", text)
    stripped = unicodedata.normalize("NFC", "".join(c for c in decomposed if unicodedata.category(c) != "Mn"))
    upper = stripped.upper()
    upper = re.sub(r"[.'\u2018\u2019`]", "", upper)
    spaced = "".join(c if c.isalnum() else " " for c in upper)
    return re.sub(r" +", " ", spaced).strip()


def _phone_plan(alpha_2: str) -> dict[str, object]:
    from phonenumbers import PhoneMetadata

    metadata = PhoneMetadata.metadata_for_region(alpha_2)
    if metadata is None:
        return {
            "calling_code": None, "trunk_prefix": None, "international_prefix": None,
            "national_number_min_length": None, "national_number_max_length": None,
        }
    lengths = [n for n in (metadata.general_desc.possible_length or ()) if n > 0]
    # the prefix dialled to call abroad, when it is one fixed string (AU 0011, US 011, RU 8~10 -> 810);
    # a pattern of several carrier prefixes is left out ('00' is always read as international)
    international = None
    for prefix in (metadata.preferred_international_prefix, metadata.international_prefix):
        digits = (prefix or "").replace("~", "")
        if re.fullmatch(r"\d+", digits):
            international = digits
            break
    return {
        "calling_code": str(metadata.country_code),
        "trunk_prefix": metadata.national_prefix or None,
        "international_prefix": international,
        "national_number_min_length": min(lengths) if lengths else None,
        "national_number_max_length": max(lengths) if lengths else None,
    }


def build_countries() -> list[dict[str, object]]:
    import pycountry

    codes = {c.alpha_2 for c in pycountry.countries}
    unknown = (set(POSTAL_CODE_DIGITS) | USPS_ZIP_COUNTRIES) - codes
    if unknown:
        raise ValueError(f"not ISO 3166-1 alpha-2 codes: {sorted(unknown)}")
    if set(POSTAL_CODE_DIGITS) & USPS_ZIP_COUNTRIES:
        raise ValueError("a USPS ZIP country is also in POSTAL_CODE_DIGITS")
    rows = []
    for country in pycountry.countries:
        rows.append(
            {
                "country_code": country.alpha_2,
                "country_alpha_3": country.alpha_3,
                "country_name": country.name,
                **_phone_plan(country.alpha_2),
                "postal_code_digits": 5 if country.alpha_2 in USPS_ZIP_COUNTRIES
                else POSTAL_CODE_DIGITS.get(country.alpha_2),
                "uses_usps_zip": country.alpha_2 in USPS_ZIP_COUNTRIES,
            }
        )
    return sorted(rows, key=lambda r: r["country_code"])


def build_country_names() -> list[dict[str, object]]:
    """Every spelling of a country -> its alpha-2, keyed by ``lookup_key``.

    Codes, names, official and common names from pycountry, then ``COUNTRY_ALIASES``. A key two
    countries share is dropped (none does in pycountry 26.2.16); an alias must not contradict a
    pycountry spelling."""
    import pycountry

    names = {c.alpha_2: c.name for c in pycountry.countries}
    candidates: dict[str, dict[str, str]] = defaultdict(dict)  # key -> {alpha_2: input_kind}
    for country in pycountry.countries:
        for kind in ("alpha_2", "alpha_3", "name", "official_name", "common_name"):
            value = getattr(country, kind, None)
            if value:
                candidates[lookup_key(value)].setdefault(country.alpha_2, kind)
    for spelling, code in COUNTRY_ALIASES.items():
        key = lookup_key(spelling)
        if key != spelling:
            raise ValueError(f"COUNTRY_ALIASES: {spelling!r} is not in lookup_key form")
        if code not in names:
            raise ValueError(f"COUNTRY_ALIASES: {code!r} is not an alpha-2 code")
        if key in candidates and code not in candidates[key]:
            raise ValueError(f"COUNTRY_ALIASES: {spelling!r} is already a spelling of {set(candidates[key])}")
        candidates[key].setdefault(code, "alias")
    rows = [
        {"country_input": key, "country_code": code, "country_name": names[code], "input_kind": kind}
        for key, by_code in candidates.items()
        if len(by_code) == 1
        for code, kind in by_code.items()
    ]
    return sorted(rows, key=lambda r: r["country_input"])


def _subdivision_name_variants(name: str) -> list[str]:
    """Other ways a pycountry subdivision name is written: the two names of 'Girona [Gerona]' and
    'Haute-Sangha / Mambéré-Kadéï', the name without a parenthesis ('Sofia (stolitsa)'), and the
    inverted forms of 'Bristol, City of' / 'Madrid, Comunidad de' (Bristol; City of Bristol)."""
    variants: list[str] = []
    bracket = re.fullmatch(r"(.+?)\s*\[(.+)\]", name)
    if bracket:
        variants += [bracket.group(1), re.sub(r"\s+[A-Z]{2}-[A-Z0-9]+$", "", bracket.group(2))]
    if " / " in name:
        variants += [part for part in name.split(" / ")]
    parenthesis = re.fullmatch(r"(.+?)\s*\(.+\)", name)
    if parenthesis:
        variants.append(parenthesis.group(1))
    for variant in [name, *variants]:
        parts = variant.split(", ")
        if len(parts) == 2 and len(parts[1].split()) <= 3 and " and " not in parts[1] and " y " not in parts[1]:
            variants += [parts[0], f"{parts[1]} {parts[0]}"]
    return [v for v in dict.fromkeys(variants) if v and v != name]


#: The subdivision spellings a lookup accepts, best first: a code beats a name, a name beats a
#: variant; a key two subdivisions of one country share at its best rank is dropped as ambiguous.
INPUT_KIND_RANK = {"code": 0, "name": 1, "usps_abbreviation": 1, "name_variant": 2}


def build_country_subdivisions() -> list[dict[str, object]]:
    """(country, spelling) -> ISO 3166-2 subdivision: its code after the hyphen, the ISO code, name and kind.

    Every pycountry subdivision is found by its code after the hyphen, its name and the name's
    variants (``_subdivision_name_variants``). The US also keeps every spelling ``build_us_states``
    gives from scourgify and USPS Publication 28 (CALIF, N MEX, the
    armed-forces codes AA/AE/AP and the freely associated states FM/MH/PW, which have USPS codes but
    no US ISO code). A spelling two subdivisions of one country share (Spain's La Rioja, Estonia's
    Tartu) is dropped: the lookup gives null rather than a guess."""
    import pycountry

    subdivisions: dict[tuple[str, str], dict[str, object]] = {}  # (country, code after hyphen) -> attributes
    for sub in pycountry.subdivisions:
        short = sub.code.split("-", 1)[1]
        subdivisions[(sub.country_code, short)] = {
            "subdivision_iso_code": sub.code,
            "subdivision_name": sub.name,
            "subdivision_kind": re.sub(r"[^a-z0-9]+", "_", sub.type.lower()).strip("_"),
        }
    for code, (kind, name) in STATE_KIND_AND_NAME.items():
        subdivisions.setdefault(
            ("US", code),
            {
                "subdivision_iso_code": None,
                "subdivision_name": name.title().replace(" Of ", " of "),
                "subdivision_kind": kind,
            },
        )

    candidates: dict[tuple[str, str], dict[str, str]] = defaultdict(dict)  # (country, key) -> {code: kind}

    def add(country: str, spelling: str, code: str, kind: str) -> None:
        key = lookup_key(spelling)
        if not key:
            return
        current = candidates[(country, key)].get(code)
        if current is None or INPUT_KIND_RANK[kind] < INPUT_KIND_RANK[current]:
            candidates[(country, key)][code] = kind

    for sub in pycountry.subdivisions:
        short = sub.code.split("-", 1)[1]
        add(sub.country_code, short, short, "code")
        add(sub.country_code, sub.name, short, "name")
        for variant in _subdivision_name_variants(sub.name):
            add(sub.country_code, variant, short, "name_variant")
    for row in build_us_states():
        kind = {"code": "code", "name": "name", "abbreviation": "usps_abbreviation"}[row["input_kind"]]
        add("US", str(row["state_input"]), str(row["state_code"]), kind)

    rows = []
    for (country, key), by_code in candidates.items():
        best = min(INPUT_KIND_RANK[k] for k in by_code.values())
        winners = [code for code, kind in by_code.items() if INPUT_KIND_RANK[kind] == best]
        if len(winners) != 1:
            continue  # ambiguous: two subdivisions of this country are written this way
        code = winners[0]
        rows.append(
            {
                "country_code": country,
                "subdivision_input": key,
                "subdivision_code": code,
                **subdivisions[(country, code)],
                "input_kind": by_code[code],
            }
        )
    return sorted(rows, key=lambda r: (r["country_code"], r["subdivision_input"]))


# --------------------------------------------------------------------------------------------------
# Output
# --------------------------------------------------------------------------------------------------

SEEDS: dict[str, tuple[list[str], Callable[[], list[dict[str, object]]]]] = {
    "ref_nicknames": (["nickname", "canonical_first_name", "is_preferred"], build_nicknames),
    "ref_usps_street_suffixes": (
        ["suffix_input", "suffix_abbreviation", "suffix_name"],
        build_street_suffixes,
    ),
    "ref_usps_unit_designators": (
        ["designator_input", "designator_abbreviation", "designator_name", "requires_identifier"],
        build_unit_designators,
    ),
    "ref_usps_directionals": (
        ["direction_input", "direction_abbreviation", "direction_name"],
        build_directionals,
    ),
    "ref_countries": (
        [
            "country_code", "country_alpha_3", "country_name", "calling_code", "trunk_prefix",
            "international_prefix", "national_number_min_length", "national_number_max_length",
            "postal_code_digits", "uses_usps_zip",
        ],
        build_countries,
    ),
    "ref_country_names": (
        ["country_input", "country_code", "country_name", "input_kind"],
        build_country_names,
    ),
    "ref_country_subdivisions": (
        [
            "country_code", "subdivision_input", "subdivision_code", "subdivision_iso_code",
            "subdivision_name", "subdivision_kind", "input_kind",
        ],
        build_country_subdivisions,
    ),
}


def _cell(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return "" if value is None else str(value)


def render_csv(columns: list[str], rows: Iterable[dict[str, object]]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(columns)
    for row in rows:
        writer.writerow([_cell(row[c]) for c in columns])
    return buffer.getvalue()


def render_seeds() -> dict[str, str]:
    """seed file name -> CSV text, for every seed this module builds."""
    return {f"{name}.csv": render_csv(columns, build()) for name, (columns, build) in SEEDS.items()}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=Path("seeds"), help="seed folder (default: seeds)")
    parser.add_argument("--check", action="store_true", help="compare only; exit 1 when a file differs")
    args = parser.parse_args(argv)
    stale = []
    for file_name, text in render_seeds().items():
        path = args.out / file_name
        current = path.read_text(encoding="utf-8") if path.exists() else None
        if current == text:
            continue
        stale.append(file_name)
        if not args.check:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
    verb = "differs" if args.check else "written"
    for file_name in stale:
        print(f"{args.out / file_name}: {verb}")
    return 1 if args.check and stale else 0


if __name__ == "__main__":
    sys.exit(main())

"""Build the library-derived reference seeds of the dbt project, deterministically.

    python -m customer360.reference --out seeds          # (re)write the CSV files
    python -m customer360.reference --out seeds --check  # exit 1 when a committed seed differs

Seeds written here (everything else in seeds/ is maintained by hand):

- ``ref_nicknames.csv`` from the ``nicknames`` package (its ``names.csv``, relationship ``has_nickname``).
- ``ref_usps_street_suffixes.csv``, ``ref_usps_unit_designators.csv``, ``ref_usps_directionals.csv`` and
  ``ref_us_states.csv`` from ``usaddress-scourgify`` (``scourgify.address_constants``), completed from
  USPS Publication 28 where the library has no entry (each addition is listed below, with its appendix).

Rows are sorted and written with ``\\n`` line ends, so the output depends only on the library versions.
"""

from __future__ import annotations

import argparse
import csv
import io
import re
import sys
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
    rows = [
        {
            "designator_input": designator,
            "designator_abbreviation": abbreviation,
            "designator_name": name,
            "requires_identifier": abbreviation in UNIT_DESIGNATORS_REQUIRING_RANGE,
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
    "ref_us_states": (
        ["state_input", "state_code", "state_name", "state_kind", "input_kind"],
        build_us_states,
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

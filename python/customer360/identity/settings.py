"""The probabilistic matching model's definition, built from the columns the data actually has.

Fellegi–Sunter via Splink: every comparison has ordered levels (null, exact ... else); each level's m and u
probabilities give it a match weight, and term-frequency adjustments make a match on a rare value count
for more than a match on a common one. Which comparisons and blocking rules take part is decided by the
data (``features.usable_columns``): a comparison drops out when its column is empty and comes in when the
column appears (a national id, a birth date, a postcode, an email, a phone). Everything here is plain
data, so it can be unit-tested without a database.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass
from typing import Any

#: Columns of the model input (besides ``unique_id``), as prepared by ``prepare.prepare_records``.
MATCH_COLUMNS = (
    "first_name",
    "first_name_canonical",
    "first_name_keys",
    "first_name_is_known",
    "middle_initial",
    "last_name",
    "email_key",
    "phone_e164",
    "national_id",
    "birth_date",
    "address_line_1",
    "postal_code",
    "city",
)

#: The column whose presence makes each comparison take part (the others it reads are derived from it).
COMPARISON_COLUMNS = {
    "first_name": "first_name",
    "last_name": "last_name",
    "middle_initial": "middle_initial",
    "email_key": "email_key",
    "phone_e164": "phone_e164",
    "national_id": "national_id",
    "birth_date": "birth_date",
    "street": "address_line_1",
    "postal_code": "postal_code",
    "city": "city",
}

ELSE_LABEL = "All other comparisons"
SAME_FIRST_NAME_LABEL = "same canonical first name"
FIRST_NAME_TYPO_LABEL = "first name typo (Jaro-Winkler >= 0.9 or one edit, not two real names)"
SWAPPED_NAMES_LABEL = "first and last name swapped"
#: A swapped pair's disagreeing first names are no evidence: the last-name comparison's swapped level
#: weighs the swap once, instead of a first-name disagreement weighing it a second time.
FIRST_NAME_NULL_LABEL = "first name missing, or first and last name swapped"
#: First and last name swapped (each up to a typo).
SWAPPED_NAMES_SQL = (
    "jaro_winkler_similarity(first_name_l, last_name_r) >= 0.9"
    " and jaro_winkler_similarity(last_name_l, first_name_r) >= 0.9"
)

#: The first-name comparison's lowest level short of "different" (Jaro-Winkler), and the last-name
#: comparison's similar level: the comparisons' own boundaries, which also narrow the name-typo blocking
#: rules to the pairs those levels can call alike.
FIRST_NAME_SIMILAR = 0.8
LAST_NAME_SIMILAR = 0.9


#: How a column of each record of a pair is written: in a comparison level (``first_name_l``) and in a
#: blocking rule (``l.first_name``).
LEVEL_SIDES = ("{}_l", "{}_r")
RULE_SIDES = ("l.{}", "r.{}")


def similar_sql(column: str, threshold: float, sides: tuple[str, str] = LEVEL_SIDES) -> str:
    """``column`` of the two records at least ``threshold`` alike by Jaro-Winkler."""
    left, right = (side.format(column) for side in sides)
    return f"jaro_winkler_similarity({left}, {right}) >= {threshold}"


def nickname_sql(sides: tuple[str, str] = LEVEL_SIDES) -> str:
    """Either record's first-name keys hold the other's first name (one a nickname of the other)."""
    left, right = sides
    return (
        f"list_contains({left.format('first_name_keys')}, {right.format('first_name')})"
        f" or list_contains({right.format('first_name_keys')}, {left.format('first_name')})"
    )


#: Floor of the term-frequency-adjusted u probability of names and places: a value seen once in the data (a
#: last name typed into the first-name field, a typo) is not a 1-in-100,000 coincidence between two people;
#: the floor caps what a rare value can add to the match weight. Not for an email or a phone
#: (``tf_floor=False``): two different people share one only when they share a mailbox or a line, and the
#: value's own frequency says how often that is. There the floor outweighed the data at scale: at 1M source
#: records the median email's frequency is 2.8e-5, so the floor took 5 bits off every shared email and phone
#: while the prior fell with the data (DECISIONS §68).
TF_MINIMUM_U_VALUE = 0.001


@dataclass(frozen=True)
class BlockingRule:
    """A named rule generating candidate pairs: records equal on ``keys``' expressions, and, for a rule
    with a ``narrowing``, among those only the pairs it holds for. ``sql`` is the whole rule as Splink
    joins on it; the keys alone bound its pairs (``training.pair_bounds``)."""

    name: str
    keys: str
    columns: tuple[str, ...]  # every column it needs to be usable
    narrowing: str = ""

    @property
    def sql(self) -> str:
        return f"{self.keys} and ({self.narrowing})" if self.narrowing else self.keys


def _equal(*columns: str) -> str:
    return " and ".join(f"l.{c} = r.{c}" for c in columns)


def _consonants(column: str) -> str:
    """SQL of ``column`` without its vowels (``translate`` deletes the characters it has no replacement for,
    on DuckDB and Spark alike); null when nothing is left, so vowel-only names do not all block together."""
    return f"nullif(translate({column}, 'aeiouy', ''), '')"


#: Rules generating the candidate pairs the model scores, in order (Splink scores each pair once, under
#: the first rule that finds it; ``match_key`` in its output is the rule's position among those used).
#: Every rule needs its columns; birth-date rules carry an initial so that a common date at scale does not
#: flood the comparisons, one per name so a typo in either name is still found.
BLOCKING_RULES: tuple[BlockingRule, ...] = (
    BlockingRule("same_email", _equal("email_key"), ("email_key",)),
    BlockingRule("same_phone", _equal("phone_e164"), ("phone_e164",)),
    BlockingRule("same_national_id", _equal("national_id"), ("national_id",)),
    BlockingRule("same_first_and_last_name", _equal("first_name_canonical", "last_name"), ("first_name", "last_name")),
    BlockingRule(
        "swapped_first_and_last_name",
        "l.first_name = r.last_name and l.last_name = r.first_name",
        ("first_name", "last_name"),
    ),
    # a last name mistyped after its fourth letter: only the pairs whose last names the last-name comparison
    # finds similar (Jaro-Winkler 0.9, its typo level), not every name sharing four letters (DECISIONS §66)
    BlockingRule(
        "same_first_name_and_last_name_prefix",
        "l.first_name_canonical = r.first_name_canonical and left(l.last_name, 4) = left(r.last_name, 4)",
        ("first_name", "last_name"),
        narrowing=similar_sql("last_name", LAST_NAME_SIMILAR, RULE_SIDES),
    ),
    # a vowel typed wrong, doubled, dropped or added in the last name ("tran" / "traan", "duarte" / "darte")
    BlockingRule(
        "same_first_name_and_last_name_consonants",
        "l.first_name_canonical = r.first_name_canonical"
        f" and {_consonants('l.last_name')} = {_consonants('r.last_name')}",
        ("first_name", "last_name"),
    ),
    # a first name mistyped after its second letter, or another form of it ("micey" / "mickey"); not one
    # initial: a common last name and one initial pair tens of records with each other at scale. Only the
    # pairs whose first names the first-name comparison finds alike at all (its lowest level, Jaro-Winkler
    # 0.8, or a nickname): other first names sharing two letters ("jacob" / "jasmine") are what this rule is
    # not for, and their number grows with the square of the records (DECISIONS §66)
    BlockingRule(
        "same_last_name_and_first_two_letters",
        "l.last_name = r.last_name and left(l.first_name, 2) = left(r.first_name, 2)",
        ("first_name", "last_name"),
        narrowing=similar_sql("first_name", FIRST_NAME_SIMILAR, RULE_SIDES) + " or " + nickname_sql(RULE_SIDES),
    ),
    BlockingRule("same_last_name_and_postcode", _equal("last_name", "postal_code"), ("last_name", "postal_code")),
    BlockingRule(
        "same_first_name_and_postcode", _equal("first_name_canonical", "postal_code"), ("first_name", "postal_code")
    ),
    BlockingRule("same_street_and_postcode", _equal("address_line_1", "postal_code"), ("address_line_1", "postal_code")),
    BlockingRule(
        "same_birth_date_and_first_initial",
        "l.birth_date = r.birth_date and left(l.first_name, 1) = left(r.first_name, 1)",
        ("birth_date", "first_name"),
    ),
    BlockingRule(
        "same_birth_date_and_last_initial",
        "l.birth_date = r.birth_date and left(l.last_name, 1) = left(r.last_name, 1)",
        ("birth_date", "last_name"),
    ),
    BlockingRule(
        "same_name_prefixes_and_postcode",
        "left(l.first_name, 2) = left(r.first_name, 2) and left(l.last_name, 2) = left(r.last_name, 2)"
        " and l.postal_code = r.postal_code",
        ("first_name", "last_name", "postal_code"),
    ),
    BlockingRule("same_birth_date_and_postcode", _equal("birth_date", "postal_code"), ("birth_date", "postal_code")),
    # the postcode mistyped and the names replaced or swapped: one birth date at one street line
    BlockingRule(
        "same_birth_date_and_street", _equal("birth_date", "address_line_1"), ("birth_date", "address_line_1")
    ),
    # first and last name swapped and one of them mistyped: both initials swapped, one birth date
    BlockingRule(
        "same_birth_date_and_swapped_initials",
        "l.birth_date = r.birth_date and left(l.first_name, 1) = left(r.last_name, 1)"
        " and left(l.last_name, 1) = left(r.first_name, 1)",
        ("birth_date", "first_name", "last_name"),
    ),
    # a national id mistyped after its first three characters. The key is ``<country>:<id>``
    # (int_identity__records), so its first six characters are the country and the id's first three; a
    # prefix of the key alone (``left(.., 3)``) was the country: with the birth year, every pair born in
    # one year (quadratic: 467,113 of FEBRL 4's 10,000 records' pairs, a quarter of the pairs at 10M)
    BlockingRule(
        "same_national_id_start_and_birth_year",
        "left(l.national_id, 6) = left(r.national_id, 6) and year(l.birth_date) = year(r.birth_date)",
        ("national_id", "birth_date"),
    ),
)

#: Rules for the expectation-maximisation passes: each pass estimates the m probabilities of every
#: comparison its rule does not fix, so the passes complement each other.
TRAINING_RULES: tuple[BlockingRule, ...] = (
    BlockingRule("same_first_and_last_name", _equal("first_name_canonical", "last_name"), ("first_name", "last_name")),
    BlockingRule("same_birth_date", _equal("birth_date"), ("birth_date",)),
    BlockingRule("same_street_and_postcode", _equal("address_line_1", "postal_code"), ("address_line_1", "postal_code")),
    BlockingRule("same_email", _equal("email_key"), ("email_key",)),
    BlockingRule("same_phone", _equal("phone_e164"), ("phone_e164",)),
    BlockingRule("same_national_id", _equal("national_id"), ("national_id",)),
)

#: Near-certain rules for estimating the prior (the share of random pairs that match): pairs agreeing on
#: a key and on enough else that two people would hardly share it.
PRIOR_RULES: tuple[BlockingRule, ...] = (
    BlockingRule("same_national_id_and_name",
                 "l.national_id = r.national_id and (l.last_name = r.last_name or l.birth_date = r.birth_date)",
                 ("national_id",)),
    BlockingRule("same_email_and_first_name", _equal("email_key", "first_name_canonical"), ("email_key", "first_name")),
    BlockingRule("same_phone_and_name", _equal("phone_e164", "first_name_canonical", "last_name"),
                 ("phone_e164", "first_name", "last_name")),
    BlockingRule("same_name_and_birth_date", _equal("first_name_canonical", "last_name", "birth_date"),
                 ("first_name", "last_name", "birth_date")),
    BlockingRule("same_name_and_street", _equal("first_name_canonical", "last_name", "address_line_1", "postal_code"),
                 ("first_name", "last_name", "address_line_1", "postal_code")),
)
#: The share of all true matching pairs the prior rules are taken to find (Splink's ``recall``) when the data
#: holds too few known pairs to measure it (``training.prior_recall``, DECISIONS §73).
PRIOR_RECALL = 0.7


def usable_rules(rules: tuple[BlockingRule, ...], usable: Collection[str]) -> list[BlockingRule]:
    """The rules whose every column is usable in the data."""
    return [rule for rule in rules if set(rule.columns) <= set(usable)]


def _level(
    sql: str, label: str, *, null: bool = False, tf_column: str | None = None, tf_floor: bool = True
) -> dict[str, Any]:
    """A comparison level; an exact level of ``tf_column`` weighed by the value's term frequency, floored
    at ``TF_MINIMUM_U_VALUE`` unless ``tf_floor`` is false."""
    level: dict[str, Any] = {"sql_condition": sql, "label_for_charts": label}
    if null:
        level["is_null_level"] = True
    if tf_column:
        level["tf_adjustment_column"] = tf_column
        level["tf_adjustment_weight"] = 1.0
        if tf_floor:
            level["tf_minimum_u_value"] = TF_MINIMUM_U_VALUE
    return level


def _null(column: str, label: str) -> dict[str, Any]:
    return _level(f"{column}_l is null or {column}_r is null", label, null=True)


ELSE = {"sql_condition": "ELSE", "label_for_charts": ELSE_LABEL}


def _comparison(name: str, description: str, levels: list[dict[str, Any]]) -> dict[str, Any]:
    return {"output_column_name": name, "comparison_description": description, "comparison_levels": levels + [ELSE]}


#: Birth dates one keystroke apart: one digit of YYYYMMDD changed or two neighbours swapped.
_BIRTH_DATE_TYPO = (
    "damerau_levenshtein(strftime(birth_date_l, '%Y%m%d'), strftime(birth_date_r, '%Y%m%d')) <= 1"
    " or (year(birth_date_l) = year(birth_date_r) and month(birth_date_l) = day(birth_date_r)"
    " and day(birth_date_l) = month(birth_date_r))"
)


def _one_edit(column: str) -> str:
    """``damerau_levenshtein(<column>_l, <column>_r) <= 1`` behind two cheap tests that cannot change its
    result, so the edit distance is computed only for pairs that might pass (u by random sampling
    compares millions of pairs on each level; at 1M records the email distance alone was most of it).

    1. The lengths differ by at most one: each edit changes the length by at most one. DuckDB's distance
       counts bytes and ``length`` code points; a byte edit changes the number of code points (bytes that
       do not continue a character) by at most one too.
    2. For strings of ASCII only (``strlen`` = ``length``, bytes are characters): the first or the last
       ``k = max(0, floor((m - 1) / 2))`` characters agree, m the shorter length. One edit at position p
       leaves a common prefix of p and a common suffix of at least m - p - 2 (a transposition takes two
       places), and p < k implies m - p - 2 >= m - k - 1 >= k. Other strings skip this test.
    """
    left, right = f"{column}_l", f"{column}_r"
    k = f"greatest(cast(floor((least(length({left}), length({right})) - 1) / 2) as integer), 0)"
    return (
        f"abs(length({left}) - length({right})) <= 1"
        f" and (strlen({left}) + strlen({right}) > length({left}) + length({right})"
        f" or left({left}, {k}) = left({right}, {k}) or right({left}, {k}) = right({right}, {k}))"
        f" and damerau_levenshtein({left}, {right}) <= 1"
    )


def comparison_library() -> dict[str, dict[str, Any]]:
    """Every comparison the model can use, by name. Levels are plain DuckDB SQL, so the saved model is
    self-describing; the weights of every level are learned from the data."""
    return {
        "first_name": _comparison(
            "first_name",
            "First name: canonical form, nickname, typo",
            [
                _level(
                    "first_name_l is null or first_name_r is null or ("
                    "first_name_canonical_l <> first_name_canonical_r and " + SWAPPED_NAMES_SQL + ")",
                    FIRST_NAME_NULL_LABEL,
                    null=True,
                ),
                _level("first_name_canonical_l = first_name_canonical_r", SAME_FIRST_NAME_LABEL,
                       tf_column="first_name_canonical"),
                _level(nickname_sql(), "one a nickname of the other"),
                # Jaro-Winkler misses a letter dropped from a short name ("ay" / "amy": 0.61), one edit does not
                _level(
                    "(jaro_winkler_similarity(first_name_l, first_name_r) >= 0.9 or " + _one_edit("first_name") + ")"
                    " and not coalesce(first_name_is_known_l and first_name_is_known_r, false)",
                    FIRST_NAME_TYPO_LABEL,
                ),
                _level(
                    similar_sql("first_name", FIRST_NAME_SIMILAR),
                    f"first name similar (Jaro-Winkler >= {FIRST_NAME_SIMILAR})",
                ),
            ],
        ),
        "last_name": _comparison(
            "last_name",
            "Last name: exact (term-frequency adjusted), a typo, or first and last swapped",
            [
                _null("last_name", "last name missing"),
                _level("last_name_l = last_name_r", "same last name", tf_column="last_name"),
                _level(
                    "least(length(last_name_l), length(last_name_r)) >= 4 and " + _one_edit("last_name"),
                    "last name one edit apart",
                ),
                _level(
                    similar_sql("last_name", LAST_NAME_SIMILAR),
                    f"last name similar (Jaro-Winkler >= {LAST_NAME_SIMILAR})",
                ),
                _level(SWAPPED_NAMES_SQL, SWAPPED_NAMES_LABEL),
            ],
        ),
        "middle_initial": _comparison(
            "middle_initial",
            "Middle initial",
            [_null("middle_initial", "middle initial missing"), _level("middle_initial_l = middle_initial_r", "same middle initial")],
        ),
        "email_key": _comparison(
            "email_key",
            "Email key (provider rules applied, plus tag dropped): exact or a one-letter typo",
            [
                _null("email_key", "email missing"),
                _level("email_key_l = email_key_r", "same email", tf_column="email_key", tf_floor=False),
                _level(_one_edit("email_key"), "email one edit apart"),
            ],
        ),
        "phone_e164": _comparison(
            "phone_e164",
            "Phone in E.164: exact or one digit apart",
            [
                _null("phone_e164", "phone missing"),
                _level("phone_e164_l = phone_e164_r", "same phone", tf_column="phone_e164", tf_floor=False),
                _level(_one_edit("phone_e164"), "phone one digit apart"),
            ],
        ),
        "national_id": _comparison(
            "national_id",
            "National id (normalised letters and digits): exact or one keystroke apart",
            [
                _null("national_id", "national id missing"),
                _level("national_id_l = national_id_r", "same national id"),
                _level(_one_edit("national_id"), "national id one keystroke apart"),
            ],
        ),
        "birth_date": _comparison(
            "birth_date",
            "Date of birth: exact, one keystroke apart or day and month swapped, same year",
            [
                _null("birth_date", "birth date missing"),
                _level("birth_date_l = birth_date_r", "same birth date"),
                _level(_BIRTH_DATE_TYPO, "birth date one keystroke apart or day and month swapped"),
                _level("year(birth_date_l) = year(birth_date_r)", "same birth year"),
            ],
        ),
        "street": _comparison(
            "street",
            "Street line (standardised): exact (term-frequency adjusted) or similar",
            [
                _null("address_line_1", "street missing"),
                _level("address_line_1_l = address_line_1_r", "same street", tf_column="address_line_1"),
                _level("jaro_winkler_similarity(address_line_1_l, address_line_1_r) >= 0.9", "street similar (Jaro-Winkler >= 0.9)"),
                _level("jaro_winkler_similarity(address_line_1_l, address_line_1_r) >= 0.7", "street alike (Jaro-Winkler >= 0.7)"),
            ],
        ),
        "postal_code": _comparison(
            "postal_code",
            "Postcode: exact (term-frequency adjusted) or one keystroke apart",
            [
                _null("postal_code", "postcode missing"),
                _level("postal_code_l = postal_code_r", "same postcode", tf_column="postal_code"),
                _level(_one_edit("postal_code"), "postcode one keystroke apart"),
            ],
        ),
        "city": _comparison(
            "city",
            "Town: exact (term-frequency adjusted) or similar",
            [
                _null("city", "town missing"),
                _level("city_l = city_r", "same town", tf_column="city"),
                _level("jaro_winkler_similarity(city_l, city_r) >= 0.9", "town similar (Jaro-Winkler >= 0.9)"),
            ],
        ),
    }


def comparisons(usable: Collection[str]) -> list[dict[str, Any]]:
    """The comparisons whose column is usable in the data, in a fixed order."""
    library = comparison_library()
    return [library[name] for name, column in COMPARISON_COLUMNS.items() if column in usable]


def settings_dict(
    usable: Collection[str],
    probability_two_random_records_match: float = 1e-4,
    blocking_rules: list[BlockingRule] | None = None,
) -> dict[str, Any]:
    """The Splink settings (dedupe of one table) for the usable columns, as a plain dictionary."""
    rules = usable_rules(BLOCKING_RULES, usable) if blocking_rules is None else blocking_rules
    return {
        "link_type": "dedupe_only",
        "unique_id_column_name": "unique_id",
        "probability_two_random_records_match": probability_two_random_records_match,
        "comparisons": comparisons(usable),
        "blocking_rules_to_generate_predictions": [{"blocking_rule": rule.sql} for rule in rules],
        "retain_matching_columns": False,
        "retain_intermediate_calculation_columns": False,
        "em_convergence": 0.0001,
        "max_iterations": 25,
    }


def blocking_rule_names(model: Mapping[str, Any]) -> list[str]:
    """Names of a model's prediction blocking rules in ``match_key`` order (by their SQL)."""
    by_sql = {rule.sql: rule.name for rule in BLOCKING_RULES}
    return [
        by_sql.get(rule["blocking_rule"], rule["blocking_rule"])
        for rule in model["blocking_rules_to_generate_predictions"]
    ]

"""The probabilistic matching model's definition: input columns, comparisons and named blocking rules.

Fellegi–Sunter via Splink: every comparison has ordered levels (null, exact ... else); each level's
m and u probabilities give it a match weight, and term-frequency adjustments make a match on a rare
name count for more than a match on a common one. Everything here is plain data or Splink creator
objects, so it can be unit-tested without a database.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

#: Columns the model reads (besides ``unique_id``), as prepared by ``prepare.prepare_records``.
MATCH_COLUMNS = (
    "first_name",
    "first_name_canonical",
    "first_name_keys",
    "first_name_is_known",
    "middle_initial",
    "last_name",
    "email_key",
    "phone_e164",
    "address_line_1",
    "postal_code",
    "birth_date",
)

#: Named blocking rules that generate the candidate pairs scored by the model. Splink scores each pair
#: once, under the first rule (in this order) that finds it; ``match_key`` in its output is the rule's
#: position here. Each rule is a set of columns that must be equal on both records.
BLOCKING_RULES: dict[str, tuple[str, ...]] = {
    "same_email": ("email_key",),
    "same_phone": ("phone_e164",),
    "same_first_and_last_name": ("first_name_canonical", "last_name"),
    "same_last_name_and_zip": ("last_name", "postal_code"),
    "same_first_name_and_zip": ("first_name_canonical", "postal_code"),
    "same_street_and_zip": ("address_line_1", "postal_code"),
    "same_birth_date": ("birth_date",),
}

#: Blocking rules for the expectation-maximisation passes: each pass estimates the m probabilities
#: of every comparison that its rule does not fix.
TRAINING_BLOCKING_RULES: dict[str, tuple[str, ...]] = {
    "same_first_and_last_name": ("first_name_canonical", "last_name"),
    "same_email": ("email_key",),
    "same_phone": ("phone_e164",),
}

#: Near-certain rules for estimating the prior (the share of random pairs that match), with the
#: share of all true matching pairs they are believed to find.
PRIOR_RULES: dict[str, str] = {
    "same_email_and_first_name": (
        "l.email_key = r.email_key and l.first_name_canonical = r.first_name_canonical"
    ),
    "same_phone_and_name": (
        "l.phone_e164 = r.phone_e164 and l.first_name_canonical = r.first_name_canonical"
        " and l.last_name = r.last_name"
    ),
}
PRIOR_RECALL = 0.75

#: Comparison levels that are evidence about the person beyond the name: an agreeing (or one-letter
#: mistyped) email, phone or birth date. A model link whose first names are not the same (only nicknames or a typo) needs such
#: evidence (``matching.Guard``): a household shares its street address. A link without it is "name
#: only" — weak evidence that attaches a small customer to another only when that is the only customer
#: it matches (see ``clustering``) — unless the same first name comes with the same street address.
IDENTIFIER_EVIDENCE_LEVELS: dict[str, tuple[str, ...]] = {
    "email_key": ("same email", "email one edit apart"),
    "phone_e164": ("same phone",),
    "birth_date": ("same birth date", "birth date within a month or day and month swapped"),
}

#: Fixed m probabilities of the birth-date levels the data may never show for one person (a mistyped
#: or swapped date): without them EM would make a different birth date an absolute veto.
BIRTH_DATE_TYPO_M = {"m_probability": 0.02, "fix_m_probability": True}
BIRTH_DATE_OTHER_M = {"m_probability": 0.01, "fix_m_probability": True}

SAME_FIRST_NAME_LABEL = "same canonical first name"
SAME_STREET_LABEL = "same street and ZIP"

#: Seed of the random sampling for u probabilities (reproducible training).
U_SAMPLING_SEED = 360
U_SAMPLING_MAX_PAIRS = 1e7


def blocking_rule_sql(columns: tuple[str, ...]) -> str:
    """``l.a = r.a and l.b = r.b`` for a blocking rule's columns."""
    if not columns:
        raise ValueError("a blocking rule needs at least one column")
    return " and ".join(f"l.{c} = r.{c}" for c in columns)


def blocking_rule_names() -> list[str]:
    """Rule names in ``match_key`` order (Splink numbers the rules from 0)."""
    return list(BLOCKING_RULES)


#: Floor of the term-frequency-adjusted u probability: a value seen once in the data (a last name typed
#: into the first-name field, a typo) is not a 1-in-100,000 coincidence between two people; the floor
#: caps what a rare value can add to the match weight.
TF_MINIMUM_U_VALUE = 0.001


def _level(sql: str, label: str, *, null: bool = False, tf_column: str | None = None) -> dict[str, Any]:
    level: dict[str, Any] = {"sql_condition": sql, "label_for_charts": label}
    if null:
        level["is_null_level"] = True
    if tf_column:
        level["tf_adjustment_column"] = tf_column
        level["tf_adjustment_weight"] = 1.0
        level["tf_minimum_u_value"] = TF_MINIMUM_U_VALUE
    return level


def _both_present(*columns: str) -> str:
    return " and ".join(f"{c}_l is not null and {c}_r is not null" for c in columns)


def comparisons() -> list[dict[str, Any]]:
    """The comparisons, one per attribute, each a list of levels from most to least similar.

    Levels are plain SQL (DuckDB) so that the saved model is self-describing.
    """
    else_level = {"sql_condition": "ELSE", "label_for_charts": "All other comparisons"}
    return [
        {
            "output_column_name": "first_name",
            "comparison_description": "First name: canonical form, nickname, typo",
            "comparison_levels": [
                _level("first_name_l is null or first_name_r is null", "first name missing", null=True),
                _level(
                    "first_name_canonical_l = first_name_canonical_r",
                    SAME_FIRST_NAME_LABEL,
                    tf_column="first_name_canonical",
                ),
                _level(
                    "list_contains(first_name_keys_l, first_name_r) or list_contains(first_name_keys_r, first_name_l)",
                    "one a nickname of the other",
                ),
                _level(
                    "jaro_winkler_similarity(first_name_l, first_name_r) >= 0.9"
                    " and not (first_name_is_known_l and first_name_is_known_r)",
                    "first name typo (Jaro-Winkler >= 0.9, not two real names)",
                ),
                else_level,
            ],
        },
        {
            "output_column_name": "last_name",
            "comparison_description": "Last name: exact (term-frequency adjusted) or a typo",
            "comparison_levels": [
                _level("last_name_l is null or last_name_r is null", "last name missing", null=True),
                _level("last_name_l = last_name_r", "same last name", tf_column="last_name"),
                _level(
                    "damerau_levenshtein(last_name_l, last_name_r) <= 1"
                    " and least(length(last_name_l), length(last_name_r)) >= 4",
                    "last name one edit apart",
                ),
                _level(
                    "jaro_winkler_similarity(last_name_l, last_name_r) >= 0.9",
                    "last name similar (Jaro-Winkler >= 0.9)",
                ),
                _level(
                    "first_name_l = last_name_r and last_name_l = first_name_r",
                    "first and last name swapped",
                ),
                else_level,
            ],
        },
        {
            "output_column_name": "middle_initial",
            "comparison_description": "Middle initial",
            "comparison_levels": [
                _level("middle_initial_l is null or middle_initial_r is null", "middle initial missing", null=True),
                _level("middle_initial_l = middle_initial_r", "same middle initial"),
                else_level,
            ],
        },
        {
            "output_column_name": "email_key",
            "comparison_description": "Email key (provider rules applied, plus tag dropped); emails are"
            " mostly made of the name, so only an exact match or a one-letter typo counts",
            "comparison_levels": [
                _level("email_key_l is null or email_key_r is null", "email missing", null=True),
                _level("email_key_l = email_key_r", "same email", tf_column="email_key"),
                _level(
                    "damerau_levenshtein(email_key_l, email_key_r) <= 1",
                    "email one edit apart",
                ),
                else_level,
            ],
        },
        {
            "output_column_name": "phone_e164",
            "comparison_description": "Phone in E.164",
            "comparison_levels": [
                _level("phone_e164_l is null or phone_e164_r is null", "phone missing", null=True),
                _level("phone_e164_l = phone_e164_r", "same phone", tf_column="phone_e164"),
                else_level,
            ],
        },
        {
            "output_column_name": "address",
            "comparison_description": "Street (USPS standardised) and ZIP",
            "comparison_levels": [
                _level(
                    "(address_line_1_l is null or address_line_1_r is null)"
                    " and (postal_code_l is null or postal_code_r is null)",
                    "address missing",
                    null=True,
                ),
                _level(
                    f"{_both_present('address_line_1')} and address_line_1_l = address_line_1_r"
                    " and postal_code_l = postal_code_r",
                    SAME_STREET_LABEL,
                ),
                _level("postal_code_l = postal_code_r", "same ZIP"),
                else_level,
            ],
        },
        {
            "output_column_name": "birth_date",
            "comparison_description": "Date of birth",
            "comparison_levels": [
                _level("birth_date_l is null or birth_date_r is null", "birth date missing", null=True),
                _level("birth_date_l = birth_date_r", "same birth date"),
                {
                    **_level(
                        "abs(date_diff('day', birth_date_l, birth_date_r)) <= 31"
                        " or (year(birth_date_l) = year(birth_date_r)"
                        " and month(birth_date_l) = day(birth_date_r) and day(birth_date_l) = month(birth_date_r))",
                        "birth date within a month or day and month swapped",
                    ),
                    **BIRTH_DATE_TYPO_M,
                },
                {**else_level, **BIRTH_DATE_OTHER_M},
            ],
        },
    ]


def settings_dict(
    blocking_rules: Mapping[str, tuple[str, ...]] | None = None,
    probability_two_random_records_match: float = 1e-4,
) -> dict[str, Any]:
    """The Splink settings (dedupe one table) as a plain dictionary."""
    rules = BLOCKING_RULES if blocking_rules is None else blocking_rules
    return {
        "link_type": "dedupe_only",
        "unique_id_column_name": "unique_id",
        "probability_two_random_records_match": probability_two_random_records_match,
        "comparisons": comparisons(),
        "blocking_rules_to_generate_predictions": [
            {"blocking_rule": blocking_rule_sql(cols)} for cols in rules.values()
        ],
        "retain_matching_columns": False,
        "retain_intermediate_calculation_columns": False,
        "em_convergence": 0.0001,
        "max_iterations": 25,
    }

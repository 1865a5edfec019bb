"""What proves two customers are two people: the only hard constraints of the clustering.

Everything else is evidence the model weighs (a different first name, a near birth date, another email
lower the match weight). A model link is not followed when the two customers it would join show:

- ``different national ids``: both carry national ids and none of one is equal, or one keystroke away,
  to one of the other's;
- ``birth dates a generation apart``: both carry birth dates, none within a keystroke of the other's, at
  least ``GENERATION_YEARS`` apart — a parent and a child of one name at one address.

A rule holds only where the data proves it: the trained model's m probability says how often one
person's records disagree that way, and a rule whose disagreement the model finds in more than
``PROOF_M`` of true matches is switched off for that data (``active_rules``). A public register whose
duplicates replace birth dates at random keeps birth dates as evidence only; a company whose systems
copy birth dates and national ids faithfully gets them as proof.

Different birth dates *and* different first names used to be a third rule. Measured on every shape it
was active on, it refused no pair that the model's cannot-links had not already kept apart (F1 gain 0),
and its activation test multiplied two m probabilities as if the two disagreements were independent, so a
public register switched it on and lost true pairs: it is retired (DECISIONS.md §49); the two
disagreements stay evidence in the model.

Besides these, the model's own judgement is a constraint: two customers are not joined when any pair of
their records was scored below the link threshold (``components.cluster``'s cannot-links).

Each rule is measured on every export shape (see DECISIONS.md); a customer is a ``Profile`` of every
value its records show, merged as customers join.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection
from dataclasses import dataclass, field

#: Birth years at least this far apart, with no birth date near another, are a parent and a child.
GENERATION_YEARS = 15
#: A disagreement is proof of two people only when the model finds it in at most this share of true
#: matches (its m probability for the level "All other comparisons").
PROOF_M = 0.005

RULES = {
    "national_id": "different national ids",
    "generation": "birth dates a generation apart",
}
#: The refusal named when the model itself scored a pair of the two customers as two people.
CANNOT_LINK_RULE = "scored_apart"
CANNOT_LINK_REASON = (
    "a pair of their records was scored below the link threshold, and the match weights of all the scored"
    " pairs between them do not add up to a match"
)


def one_edit(a: str, b: str) -> bool:
    """True when ``a`` and ``b`` are equal or one insertion, deletion, substitution or swap of two
    neighbouring characters apart (Damerau–Levenshtein distance at most 1)."""
    if a == b:
        return True
    la, lb = len(a), len(b)
    if abs(la - lb) > 1:
        return False
    if la == lb:
        diff = [i for i in range(la) if a[i] != b[i]]
        if len(diff) == 1:
            return True
        return len(diff) == 2 and diff[1] == diff[0] + 1 and a[diff[0]] == b[diff[1]] and a[diff[1]] == b[diff[0]]
    if la > lb:
        a, b = b, a
    i = next((k for k in range(len(a)) if a[k] != b[k]), len(a))
    return a[i:] == b[i + 1 :]


def _date_key(value) -> str:
    if isinstance(value, (dt.date, dt.datetime)):
        return value.strftime("%Y%m%d")
    return str(value).replace("-", "")[:8]


def dates_close(a: str, b: str) -> bool:
    """Birth dates (YYYYMMDD) equal, one keystroke apart, or with day and month swapped."""
    return one_edit(a, b) or (a[:4] == b[:4] and a[4:6] == b[6:8] and a[6:8] == b[4:6])


@dataclass
class Profile:
    """Every value of the kinds the constraints read, over a customer's records."""

    national_ids: set[str] = field(default_factory=set)
    birth_dates: set[str] = field(default_factory=set)

    @classmethod
    def of(cls, national_id=None, birth_date=None) -> "Profile":
        profile = cls()
        if national_id:
            profile.national_ids.add(str(national_id))
        if birth_date:
            profile.birth_dates.add(_date_key(birth_date))
        return profile

    def merge(self, other: "Profile") -> None:
        self.national_ids |= other.national_ids
        self.birth_dates |= other.birth_dates

    def is_empty(self) -> bool:
        return not (self.national_ids or self.birth_dates)


def _any_close(xs: set[str], ys: set[str], close) -> bool:
    return any(close(x, y) for x in xs for y in ys)


def _else_m(splink_model: dict, comparison: str) -> float | None:
    for c in splink_model.get("comparisons", []):
        if c["output_column_name"] == comparison:
            levels = [lv for lv in c["comparison_levels"] if lv.get("sql_condition") == "ELSE"]
            return levels[0].get("m_probability") if levels else None
    return None


def active_rules(splink_model: dict | None) -> frozenset[str]:
    """The rules the trained model supports as proof (see the module docstring). Without a model
    (nothing compared), none."""
    if not splink_model:
        return frozenset()
    m_id, m_birth = (_else_m(splink_model, c) for c in ("national_id", "birth_date"))
    active = set()
    if m_id is not None and m_id <= PROOF_M:
        active.add("national_id")
    if m_birth is not None and m_birth <= PROOF_M:
        active.add("generation")
    return frozenset(active)


def conflict(x: Profile, y: Profile, rules: Collection[str] = tuple(RULES)) -> str | None:
    """The rule (key of ``RULES``, among ``rules``) proving ``x`` and ``y`` are two people, or None."""
    if "national_id" in rules and x.national_ids and y.national_ids and not _any_close(
        x.national_ids, y.national_ids, one_edit
    ):
        return "national_id"
    if x.birth_dates and y.birth_dates and not _any_close(x.birth_dates, y.birth_dates, dates_close):
        years = [abs(int(a[:4]) - int(b[:4])) for a in x.birth_dates for b in y.birth_dates]
        if "generation" in rules and min(years) >= GENERATION_YEARS:
            return "generation"
    return None

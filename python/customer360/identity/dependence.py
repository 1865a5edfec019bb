"""A correction for fields that agree together between two different people of one household.

Fellegi–Sunter adds the evidence of each field as if the fields were independent among non-matching
pairs. They are not when people live together: two members of a household share a last name, a street,
a landline and sometimes a mailbox, so a pair agreeing on last name *and* street is far more common
among different people than the product of the two agreement rates says (on generated household data,
137 times: 7 bits of evidence counted twice). Records of one person then look no more alike than a
mother and her son, and the son's order joins the mother.

The correction is learned from the data at hand, like the u probabilities: in a seeded random sample of
record pairs that are almost surely different people (their first names clearly disagree and neither
their birth dates nor their national ids agree, as far as the data has them: a duplicate that replaced
its first name still carries its birth date), the share of pairs agreeing on each combination of the
shareable fields is set against the product of the single-field shares. A pair of the scored data agreeing exactly on that
combination gets ``log2(product / joint)`` added to its match weight (never more than 0). On data
without households (a public person register) the joint share is close to the product and the
correction is close to 0.

The sample says how often *two people with different first names* share those fields. A pair whose
first names agree (the same name, or one typed with a typo) is not that case: two members of one
household rarely carry one first name, so the correction is not applied to it (``correction_sql``'s
``first_names_agree``). A nickname is not agreement here: Liz may be Elizabeth or her sister Lisa.
Measured (DECISIONS §44) on the generated shapes and FEBRL: recall up everywhere, precision equal
but on the held-out seed (0.9958 → 0.9957).
"""

from __future__ import annotations

import itertools
import math
import re
from collections.abc import Collection, Mapping

import duckdb
import pyarrow as pa

from .settings import FIRST_NAME_SIMILAR, RULE_SIDES, nickname_sql, similar_sql

#: Fields people of one household may share, with the SQL of an exact agreement between pair sides ``l``
#: and ``r`` and the usable columns each needs. (Counting a typo as agreement too was measured and lost:
#: test set person F1 0.9954 → 0.9930.)
SHAREABLE = {
    "last_name": ("l.last_name = r.last_name", ("last_name",)),
    "street": ("l.address_line_1 = r.address_line_1", ("address_line_1",)),
    "postcode": ("l.postal_code = r.postal_code", ("postal_code",)),
    "city": ("l.city = r.city", ("city",)),
    "phone": ("l.phone_e164 = r.phone_e164", ("phone_e164",)),
    "email": ("l.email_key = r.email_key", ("email_key",)),
}
#: Records sampled on each side of the random pairs (about SAMPLE_RECORDS² pairs), at least.
SAMPLE_RECORDS = 2000
#: Sampled pairs per record, at least: two records of one household are found in a random pair at a rate
#: that falls as 1/records, so a fixed sample finds fewer of them as the data grows (at 10M source records,
#: 1.7M profiles, 2000 a side kept 1 of the 11 corrections 1M has); pairs in proportion to the records keep
#: the expected count constant. Up to ~170k records (every data set to 1M source records) 2000 still
#: decides (DECISIONS §60).
SAMPLE_PAIRS_PER_RECORD = 23
#: A combination needs at least this many sampled pairs agreeing on it to be corrected.
MIN_PAIRS = 5
#: What makes a sampled pair stand for two different people, per usable column: first names clearly
#: disagree (neither a nickname of the other nor as alike as the first-name comparison's "similar" level);
#: birth dates and national ids do not agree (nor sit one keystroke apart).
DIFFERENT_PEOPLE = {
    "first_name": (
        "l.first_name is not null and r.first_name is not null"
        " and l.first_name_canonical != r.first_name_canonical"
        f" and not ({nickname_sql(RULE_SIDES)})"
        f" and not ({similar_sql('first_name', FIRST_NAME_SIMILAR, RULE_SIDES)})"
    ),
    "birth_date": (
        "not coalesce(damerau_levenshtein(strftime(l.birth_date, '%Y%m%d'), strftime(r.birth_date, '%Y%m%d')) <= 1,"
        " false)"
    ),
    "national_id": "not coalesce(damerau_levenshtein(l.national_id, r.national_id) <= 1, false)",
}


def pattern_name(fields: Collection[str]) -> str:
    """A combination's name: its fields in ``SHAREABLE`` order joined by '+'."""
    return "+".join(f for f in SHAREABLE if f in fields)


def sample_size(records: int) -> int:
    """Records sampled on each side: ``SAMPLE_RECORDS``, or enough for ``SAMPLE_PAIRS_PER_RECORD`` pairs per
    record when that is more; never more than there are."""
    return min(records, max(SAMPLE_RECORDS, math.ceil(math.sqrt(SAMPLE_PAIRS_PER_RECORD * records))))


def estimate(records: pa.Table, usable: Collection[str], seed: int = 360) -> dict[str, float]:
    """The correction in bits (≤ 0) for each combination of two or more shareable fields."""
    fields = [f for f, (_, needs) in SHAREABLE.items() if set(needs) <= set(usable)]
    if len(fields) < 2 or records.num_rows < 2:
        return {}
    size = sample_size(records.num_rows)
    nonmatch = " and ".join(f"({sql})" for column, sql in DIFFERENT_PEOPLE.items() if column in usable) or "true"
    flags = ", ".join(f"({SHAREABLE[f][0]}) as {f}" for f in fields)
    con = duckdb.connect(":memory:")
    try:
        con.register("records", records)
        con.execute(
            f"create table side_a as select * from records using sample {size} rows (reservoir, {seed})"
        )
        con.execute(
            f"create table side_b as select * from records using sample {size} rows (reservoir, {seed + 1})"
        )
        rows = con.sql(
            f"""
            select {", ".join(f"coalesce({f}, false)" for f in fields)}, count(*)
            from (
                select {flags}
                from side_a as l, side_b as r
                where l.unique_id != r.unique_id and {nonmatch}
            )
            group by all
            """
        ).fetchall()
    finally:
        con.close()
    total = sum(row[-1] for row in rows)
    if total == 0:
        return {}
    single = {f: sum(row[-1] for row in rows if row[i]) / total for i, f in enumerate(fields)}
    corrections = {}
    for size_ in range(2, len(fields) + 1):
        for combination in itertools.combinations(fields, size_):
            idx = [fields.index(f) for f in combination]
            joint = sum(row[-1] for row in rows if all(row[i] for i in idx))
            product = math.prod(single[f] for f in combination)
            if joint >= MIN_PAIRS and product > 0:
                bits = math.log2(product / (joint / total))
                if bits < 0:
                    corrections[pattern_name(combination)] = round(bits, 4)
    return corrections


def correction_sql(
    corrections: Mapping[str, float], fields_usable: Collection[str], first_names_agree: str | None = None
) -> str:
    """SQL (over a Splink prediction table with the matching columns retained) of each pair's
    correction: the one of the largest combination of shareable fields the pair agrees on exactly that
    has a correction (falling back to its largest corrected sub-combination), else 0 — and 0 where
    ``first_names_agree`` (an SQL condition over the same table) holds: the correction describes people
    whose first names differ (module docstring)."""
    if not corrections:
        return "0.0"
    fields = [f for f, (_, needs) in SHAREABLE.items() if set(needs) <= set(fields_usable)]

    def side(sql: str) -> str:
        """SHAREABLE's SQL names the sides l./r.; a prediction table has <column>_l / <column>_r."""
        return re.sub(r"\b([lr])\.([a-z0-9_]+)", lambda m: f"{m.group(2)}_{m.group(1)}", sql)

    whens = []
    # largest combinations first: a pair agreeing on three fields takes the three-field correction
    for size_ in range(len(fields), 1, -1):
        for combination in itertools.combinations(fields, size_):
            name = pattern_name(combination)
            if name in corrections:
                condition = " and ".join(f"coalesce({side(SHAREABLE[f][0])}, false)" for f in combination)
                whens.append(f"when {condition} then {corrections[name]}")
    if not whens:
        return "0.0"
    agree = f"when coalesce({first_names_agree}, false) then 0.0 " if first_names_agree else ""
    return f"case {agree}{' '.join(whens)} else 0.0 end"

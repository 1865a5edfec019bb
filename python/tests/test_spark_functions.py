"""The DuckDB functions the Spark session registers as Python functions (customer360.spark.session):
each must give DuckDB's own answer, checked here against DuckDB itself."""

from __future__ import annotations

import duckdb
import pytest

from customer360.spark import session

TEXTS = ["Müller", "Øresund", "łódź", "José", "Ærø", "ﬁne", "ñandú", "Zoë", "plain", "", "Ångström"]
PAIRS = [("ab", "ba"), ("ca", "abc"), ("kitten", "sitting"), ("", "a"), ("jon", "john"), ("smith", "smyth"),
         ("anna", "anna"), ("mary ann", "maryann"), ("renée", "ruth"), ("søren", "soren")]


@pytest.mark.parametrize("text", TEXTS)
def test_strip_accents_is_duckdbs(text):
    assert session.strip_accents(text) == duckdb.execute("select strip_accents(?)", [text]).fetchone()[0]


@pytest.mark.parametrize(("left", "right"), PAIRS)
def test_damerau_levenshtein_is_duckdbs(left, right):
    expected = duckdb.execute("select damerau_levenshtein(?, ?)", [left, right]).fetchone()[0]
    assert session.damerau_levenshtein(left, right) == expected


def test_nulls_stay_null():
    assert session.strip_accents(None) is None
    assert session.damerau_levenshtein(None, "a") is None

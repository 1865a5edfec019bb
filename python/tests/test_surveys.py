"""Survey comment sentiment (VADER) and the survey link evaluation on a tiny fixture."""

import csv

import duckdb
import pyarrow as pa
import pytest

from customer360.evaluate import surveys as ev
from customer360.surveys import sentiment


def test_negative_comments_are_negative():
    table = pa.table({
        "response_key": ["r1", "r2", "r3", "r4", "r5"],
        "comment_text": ["Terrible service, nobody called me back.", "Great crew, very happy!", None, "   ",
                         "Average experience."],
    })
    out = sentiment.score_comments(table).to_pydict()
    assert out["response_key"] == ["r1", "r2", "r5"]  # empty comments are skipped
    assert out["is_negative"] == [True, False, False]
    assert out["compound_score"][0] < -0.05 < out["compound_score"][1]
    assert out["compound_score"][2] == 0.0


def test_threshold_is_inclusive():
    assert sentiment.is_negative(-0.05, -0.05)
    assert not sentiment.is_negative(-0.0499, -0.05)
    table = pa.table({"response_key": ["r"], "comment_text": ["Average experience."]})  # compound 0.0
    assert sentiment.score_comments(table, threshold=0.0).column("is_negative").to_pylist() == [True]


def test_empty_input_keeps_schema():
    out = sentiment.score_comments(pa.table({"response_key": pa.array([], pa.string()),
                                             "comment_text": pa.array([], pa.string())}))
    assert out.num_rows == 0 and out.schema == sentiment.SCHEMA


@pytest.fixture()
def fixture_db(tmp_path):
    db = tmp_path / "build.duckdb"
    con = duckdb.connect(str(db))
    con.execute("create schema intermediate")
    con.execute("""create table intermediate.int_surveys__response_links as select * from (values
        ('s:r:1', 'o:p:1', 'embedded_id'),
        ('s:r:2', 'o:p:9', 'time_window'),        -- wrong experience
        ('s:r:3', 't:t:3', 'time_window'),
        ('s:r:4', null, 'unlinked')
    ) as t(response_key, linked_experience_key, link_method)""")
    con.close()
    truth = tmp_path / "truth"
    truth.mkdir()
    with open(truth / "survey_triggers.csv", "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["response_record_key", "trigger_record_key", "touchpoint", "has_embedded_id"])
        w.writerows([["s:r:1", "o:p:1", "delivery", "true"], ["s:r:2", "o:p:2", "delivery", "false"],
                     ["s:r:3", "t:t:3", "support", "false"], ["s:r:4", "t:t:4", "support", "false"],
                     ["s:r:5", "o:p:5", "installation", "true"]])  # s:r:5 missing from the build
    return db, tmp_path


def test_link_accuracy(fixture_db, tmp_path):
    db, folder = fixture_db
    results = {(r.scope, r.group): (r.responses, r.correct) for r in ev.evaluate(db, folder)}
    assert results[("overall", "all")] == (5, 2)
    assert results[("link_method", "time_window")] == (2, 1)
    assert results[("link_method", "missing_from_build")] == (1, 0)
    assert results[("touchpoint", "support")] == (2, 1)
    assert results[("has_embedded_id", "true")] == (2, 1)
    out = tmp_path / "out.csv"
    assert ev.main(["--db", str(db), "--truth", str(folder), "--out", str(out)]) == 0
    rows = list(csv.DictReader(open(out)))
    assert {"scope": "overall", "group": "all", "metric": "accuracy", "value": "0.4"} in rows


def test_missing_links_table_is_reported(tmp_path):
    db = tmp_path / "empty.duckdb"
    duckdb.connect(str(db)).close()
    with pytest.raises(LookupError):
        ev.evaluate(db, "data/demo")


def _comment_words_sql(text_sql: str) -> str:
    """Render the dbt macro survey_comment_words (macros/surveys) with plain Jinja."""
    from pathlib import Path

    import jinja2

    macro_file = Path(__file__).resolve().parents[2] / "macros" / "surveys" / "survey_comment_words.sql"
    template = jinja2.Environment().from_string(macro_file.read_text() + "{{ survey_comment_words(arg) }}")
    return template.render(arg=text_sql)


@pytest.mark.parametrize(("text", "words"), [
    ("Don't call-back, REFUND!", ["dont", "call", "back", "refund"]),
    ("It\u2019s a follow-up.", ["its", "a", "follow", "up"]),
    ("  money   back ", ["money", "back"]),
])
def test_comment_and_phrase_share_one_word_rule(text, words):
    """The token model and the search macro split text with the same macro: apostrophes removed,
    hyphens and punctuation split words."""
    con = duckdb.connect()
    quoted = "'" + text.replace("'", "''") + "'"
    assert con.execute(f"select {_comment_words_sql(quoted)}").fetchone()[0] == words

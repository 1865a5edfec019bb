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


class _DuckdbDispatch:
    """What dbt's `adapter.dispatch` does for the DuckDB target, for macros rendered with plain Jinja:
    the duckdb__ implementation of a macro, else its default__ one, from the same macro files."""

    module = None

    def dispatch(self, name, macro_namespace=None):
        return getattr(self.module, f"duckdb__{name}", None) or getattr(self.module, f"default__{name}")


def _render_macros(macros: str, call: str, **context) -> str:
    """Render `call` with the macros of `macros` as dbt would for DuckDB: `adapter.dispatch` picks the DuckDB
    implementation and `return(x)` renders x (the macros here return only through it)."""
    import jinja2

    adapter = _DuckdbDispatch()
    env = jinja2.Environment()
    env.globals.update({"adapter": adapter, "return": lambda value: value})
    adapter.module = env.from_string(macros).make_module(context)
    return env.from_string(macros + call).render(**context)


def _comment_words_sql(text_sql: str) -> str:
    """Render the dbt macro survey_comment_words (macros/surveys) with plain Jinja."""
    from pathlib import Path

    macro_file = Path(__file__).resolve().parents[2] / "macros" / "surveys" / "survey_comment_words.sql"
    return _render_macros(macro_file.read_text(), "{{ survey_comment_words(arg) }}", arg=text_sql)


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


def _search_comments_sql(phrase: str, survey_id=None) -> str:
    """Render the dbt macro search_survey_comments (with the other macros of macros/surveys) with plain
    Jinja; ref() gives the bare model name, so the SQL runs on same-named tables."""
    from pathlib import Path

    macros = "".join(path.read_text() for path in sorted(
        (Path(__file__).resolve().parents[2] / "macros" / "surveys").glob("*.sql")))
    return _render_macros(macros, "{{ search_survey_comments(phrase, survey_id) }}",
                          phrase=phrase, survey_id=survey_id, ref=lambda name: name)


@pytest.fixture()
def comment_search_db():
    con = duckdb.connect()
    con.execute("""create table fct_survey_responses as select * from (values
        ('R1', 'S1', 'C1', 'Delivery NPS', 'delivery', 'nps', 'money back please', 3, -0.4, true,
         date '2026-05-01', date '2026-05-03'),
        ('R2', 'S2', null, 'Support CSAT', 'support', 'csat', 'I want my money back', 1, -0.3, false,
         date '2026-04-01', date '2026-04-20'))
        as t(survey_response_id, survey_id, customer_id, survey_name, touchpoint, metric, comment_text, score,
             sentiment_score, has_consent_to_be_named, recorded_month, recorded_date)""")
    con.execute("""create table fct_survey_comment_tokens as
        select survey_response_id, unnest(words) as token, unnest(range(1, len(words) + 1)) as token_position
        from (select survey_response_id, string_split(comment_text, ' ') as words from fct_survey_responses)""")
    con.execute("create table customer_360 as select 'C1' as customer_id, 'Ann Lee' as full_name")
    yield con
    con.close()


def test_comment_search_finds_the_phrase_in_every_survey_or_one(comment_search_db):
    ids = [row[0] for row in comment_search_db.execute(_search_comments_sql("money back")).fetchall()]
    assert ids == ["R1", "R2"]
    ids = [row[0] for row in comment_search_db.execute(_search_comments_sql("money back", "S2")).fetchall()]
    assert ids == ["R2"]


@pytest.mark.parametrize("survey_id", ["S1' or '1'='1", "x'; drop table customer_360; --", "it's", "S1\\"])
def test_comment_search_survey_id_is_a_value_not_sql(comment_search_db, survey_id):
    """A survey id with quotes is compared as text: no rows, no SQL run from it, no syntax error."""
    rows = comment_search_db.execute(_search_comments_sql("money back", survey_id)).fetchall()
    assert rows == []
    assert comment_search_db.execute("select count(*) from customer_360").fetchone()[0] == 1


def test_comment_search_phrase_with_quotes_is_a_value_not_sql(comment_search_db):
    assert comment_search_db.execute(_search_comments_sql("money' or '1'='1")).fetchall() == []

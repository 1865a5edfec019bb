"""Sentiment of open-ended survey comments with VADER (vaderSentiment: a lexicon and rules shipped with
the package, no download). `score_comments` takes an Arrow table with `response_key` and `comment_text`
and returns one row per non-empty comment with the compound score (-1 most negative .. +1 most
positive) and `is_negative` (compound at or below the threshold; -0.05 is VADER's usual cut-off)."""

from __future__ import annotations

from functools import lru_cache

import pyarrow as pa

DEFAULT_NEGATIVE_THRESHOLD = -0.05

SCHEMA = pa.schema([
    ("response_key", pa.string()),
    ("compound_score", pa.float64()),
    ("positive_share", pa.float64()),
    ("negative_share", pa.float64()),
    ("is_negative", pa.bool_()),
])


@lru_cache(maxsize=1)
def _analyzer():
    from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

    return SentimentIntensityAnalyzer()


def polarity(text: str) -> dict[str, float]:
    """VADER polarity scores of one text: neg, neu, pos shares and the compound score."""
    return _analyzer().polarity_scores(text)


def is_negative(compound: float, threshold: float = DEFAULT_NEGATIVE_THRESHOLD) -> bool:
    """A comment is negative when its compound score is at or below the threshold."""
    return compound <= threshold


def score_comments(comments: pa.Table, threshold: float = DEFAULT_NEGATIVE_THRESHOLD) -> pa.Table:
    """One row per response with a non-blank comment: compound score, shares and is_negative."""
    keys = comments.column("response_key").to_pylist()
    texts = comments.column("comment_text").to_pylist()
    out = {name: [] for name in SCHEMA.names}
    for key, text in zip(keys, texts):
        if key is None or text is None or not str(text).strip():
            continue
        scores = polarity(str(text))
        out["response_key"].append(key)
        out["compound_score"].append(float(scores["compound"]))
        out["positive_share"].append(float(scores["pos"]))
        out["negative_share"].append(float(scores["neg"]))
        out["is_negative"].append(is_negative(scores["compound"], threshold))
    return pa.table(out, schema=SCHEMA)

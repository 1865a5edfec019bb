"""Sentiment of every open-ended survey comment (one row per response with a comment): VADER compound
score and is_negative (compound <= var('survey_negative_sentiment_threshold')). The scoring lives in
the library (customer360.surveys.sentiment, tested with pytest); this model only hands the data over."""

from customer360.frames import to_arrow, to_model_result
from customer360.surveys import sentiment


def model(dbt, session):
    dbt.config(materialized="table")
    responses = to_arrow(dbt.ref("int_customer__survey_responses"))
    comments = responses.select(["response_key", "comment_text"])
    return to_model_result(
        sentiment.score_comments(comments, threshold=float(dbt.config.get("negative_threshold"))),
        session,
    )

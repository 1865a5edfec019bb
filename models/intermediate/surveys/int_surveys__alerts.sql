{#- Survey responses that raise an alert, one row per response, with every reason that applies:
    `low_score` — the score is at or below its metric's threshold (vars survey_alert_nps_max_score,
    survey_alert_csat_max_score, survey_alert_ces_max_score); `negative_sentiment` — the comment's
    VADER compound score is at or below var('survey_negative_sentiment_threshold')
    (int_surveys__comment_sentiment); `keyword` — the comment contains a keyword of
    ref_survey_alert_keywords from a word start: a keyword ending in `*` is a stem matching any word
    beginning with it (`\bstem\w*`: refund* → refunds, cancel* → cancelled), any other keyword is a
    whole word or phrase ending on a word boundary; negation is left to the sentiment. Only finished responses (is_finished) raise alerts: an
    unfinished one is counted apart (fct_survey_scores.unfinished_count). Consent is not applied here:
    the mart fct_survey_alerts names the customer only when the respondent agreed. -#}

with

responses as (
    select * from {{ ref('int_customer__survey_responses') }}
    where is_finished
),

sentiment as (
    select * from {{ ref('int_surveys__comment_sentiment') }}
),

keywords as (
    select * from {{ ref('ref_survey_alert_keywords') }}
),

keyword_patterns as (
    select
        reason,
        {{ survey_keyword_pattern('keyword') }} as pattern
    from keywords
),

keyword_hits as (
    select
        responses.response_key,
        {{ string_agg_distinct_sorted(
            'regexp_extract(lower(responses.comment_text), keyword_patterns.pattern, 0)', ', '
        ) }} as matched_keywords,
        {{ string_agg_distinct_sorted('keyword_patterns.reason', ', ') }} as keyword_reasons
    from responses
    inner join keyword_patterns
        on {{ regexp_matches_sql('lower(responses.comment_text)', 'keyword_patterns.pattern') }}
    group by responses.response_key
),

flagged as (
    select
        responses.response_key,
        responses.customer_id,
        responses.survey_id,
        responses.metric,
        responses.score,
        sentiment.compound_score as sentiment_score,
        keyword_hits.matched_keywords,
        keyword_hits.keyword_reasons,
        responses.has_consent_to_be_named,
        coalesce(
            (responses.metric = 'nps' and responses.score <= {{ var('survey_alert_nps_max_score') }})
            or (responses.metric = 'csat' and responses.score <= {{ var('survey_alert_csat_max_score') }})
            or (responses.metric = 'ces' and responses.score <= {{ var('survey_alert_ces_max_score') }}),
            false
        ) as is_low_score,
        coalesce(sentiment.compound_score <= {{ var('survey_negative_sentiment_threshold') }}, false)
            as is_negative_sentiment,
        keyword_hits.response_key is not null as has_alert_keyword,
        responses.recorded_date,
        responses.recorded_at
    from responses
    left join sentiment
        on responses.response_key = sentiment.response_key
    left join keyword_hits
        on responses.response_key = keyword_hits.response_key
),

final as (
    select
        response_key,
        customer_id,
        survey_id,
        metric,
        concat_ws(
            ', ',
            case when is_low_score then 'low_score' end,
            case when is_negative_sentiment then 'negative_sentiment' end,
            case when has_alert_keyword then 'keyword' end
        ) as alert_reasons,
        matched_keywords,
        keyword_reasons,
        score,
        sentiment_score,
        has_consent_to_be_named,
        is_low_score,
        is_negative_sentiment,
        has_alert_keyword,
        recorded_date,
        recorded_at
    from flagged
    where is_low_score or is_negative_sentiment or has_alert_keyword
)

select * from final

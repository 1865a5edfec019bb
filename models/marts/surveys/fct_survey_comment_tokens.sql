{#- Words of the open-ended survey comments for search, one row per response × token position:
    words by the macro survey_comment_words (lower case, apostrophes removed, split on anything but
    letters and digits — the same rule search_survey_comments applies to the phrase); `is_stop_word`
    marks common English words (kept so that phrases still match position by position). The customer
    and the response date are shown only under consent (from fct_survey_responses); an anonymous
    comment keeps its month only. Search with the macro search_survey_comments
    (analyses/survey_comment_search.sql). -#}

{%- set stop_words = [
    'a', 'an', 'and', 'are', 'as', 'at', 'be', 'but', 'by', 'for', 'from', 'had', 'has', 'have', 'i',
    'if', 'in', 'is', 'it', 'its', 'me', 'my', 'of', 'on', 'or', 'so', 'that', 'the', 'this', 'to',
    'was', 'we', 'were', 'will', 'with', 'you',
] %}

with

responses as (
    select * from {{ ref('fct_survey_responses') }}
    where comment_text is not null
),

split as (
    select
        survey_response_id,
        customer_id,
        survey_id,
        touchpoint,
        recorded_date,
        recorded_month,
        {{ survey_comment_words('comment_text') }} as tokens
    from responses
),

tokens as (
    select
        survey_response_id,
        customer_id,
        survey_id,
        touchpoint,
        recorded_date,
        recorded_month,
        {{ unnest_with_position('tokens', 'token', 'raw_position') }}
    from split
),

final as (
    select
        survey_response_id,
        customer_id,
        survey_id,
        touchpoint,
        token,
        cast(row_number() over (partition by survey_response_id order by raw_position) as integer)
            as token_position,
        token in (
            '{{ stop_words | join("', '") }}'
        ) as is_stop_word,
        recorded_date,
        recorded_month
    from tokens
    where token != ''
)

select * from final

{% macro search_survey_comments(phrase, survey_id=none) -%}
{#- SQL returning the survey comments that contain `phrase` (one or more words, matched in order on
    whole tokens of fct_survey_comment_tokens, case-insensitive), newest first, with the survey,
    score and the customer — named only when the respondent consented (fct_survey_responses nulls
    customer_id otherwise; the name comes from customer_360). The phrase is split into words by the
    same macro as the comments (survey_comment_words), so apostrophes and hyphens are treated alike on
    both sides. Optional `survey_id` restricts the search to one program. Both arguments become SQL
    string literals (sql_string_literal), never SQL. -#}
with

tokens as (
    select * from {{ ref('fct_survey_comment_tokens') }}
),

responses as (
    select * from {{ ref('fct_survey_responses') }}
),

customer_profiles as (
    select * from {{ ref('customer_360') }}
),

phrase_split as (
    select {{ survey_comment_words(sql_string_literal(phrase)) }} as words
),

phrase_words as (
    select
        unnest(words) as word,
        unnest(range(1, len(words) + 1)) as word_position
    from phrase_split
),

searched_words as (
    select
        word,
        cast(row_number() over (order by word_position) as integer) as word_position
    from phrase_words
    where word != ''
),

matches as (
    select distinct tokens.survey_response_id
    from tokens
    inner join searched_words
        on tokens.token = searched_words.word
    group by tokens.survey_response_id, tokens.token_position - searched_words.word_position
    having count(distinct searched_words.word_position) = (select count(*) from searched_words)
)

select
    responses.survey_response_id,
    responses.customer_id,
    customer_profiles.full_name as customer_name,
    responses.survey_name,
    responses.touchpoint,
    responses.metric,
    responses.comment_text,
    responses.score,
    responses.sentiment_score,
    responses.has_consent_to_be_named,
    responses.recorded_month,
    responses.recorded_date
from matches
inner join responses
    on matches.survey_response_id = responses.survey_response_id
left join customer_profiles
    on responses.customer_id = customer_profiles.customer_id
{%- if survey_id %}
where responses.survey_id = {{ sql_string_literal(survey_id) }}
{%- endif %}
order by responses.recorded_month desc, responses.recorded_date desc nulls last, responses.survey_response_id
{%- endmacro %}

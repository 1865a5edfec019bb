{% macro search_survey_comments(phrase, survey_id=none) -%}
{#- SQL returning the survey comments that contain `phrase` (one or more words, matched in order on
    whole tokens of fct_survey_comment_tokens, case-insensitive), newest first, with the survey,
    score and the customer — named only when the respondent consented (fct_survey_responses nulls
    customer_id otherwise; the name comes from customer_360). Optional `survey_id` restricts the search to one program. -#}
{%- set words = (phrase | lower | replace("'", "") | replace(",", " ") | replace(".", " ")).split() -%}
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

matches as (
    select distinct t1.survey_response_id
    from tokens as t1
    {%- for word in words[1:] %}
    inner join tokens as t{{ loop.index + 1 }}
        on
            t1.survey_response_id = t{{ loop.index + 1 }}.survey_response_id
            and t{{ loop.index + 1 }}.token_position = t1.token_position + {{ loop.index }}
            and t{{ loop.index + 1 }}.token = '{{ word }}'
    {%- endfor %}
    where t1.token = '{{ words[0] }}'
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
    responses.recorded_date
from matches
inner join responses
    on matches.survey_response_id = responses.survey_response_id
left join customer_profiles
    on responses.customer_id = customer_profiles.customer_id
{%- if survey_id %}
where responses.survey_id = '{{ survey_id }}'
{%- endif %}
order by responses.recorded_date desc, responses.survey_response_id
{%- endmacro %}

{#- Every survey response, one row each, consented or not: program, score, link to the rated
    experience, comment sentiment and, for named respondents, their segment, region and status.
    Consent rule: the customer (customer_id; names and emails live in customer_360), the response's
    source key and every quasi-identifier — the rated experience's key, link_gap_days, state_code,
    rfm_segment, customer_status, recorded_date and recorded_at — appear only when the respondent
    agreed to be named (has_consent_to_be_named). Otherwise `survey_response_id` is an anonymous id and
    those columns are null: the row keeps its program, score, comment and recorded_month only, so it
    cannot be joined back to a person (tests/surveys). Aggregates (fct_survey_scores) are computed from
    the intermediate models, so anonymous responses still count there with their attributes. -#}

with

responses as (
    select * from {{ ref('int_customer__survey_responses') }}
),

links as (
    select * from {{ ref('int_surveys__response_links') }}
),

sentiment as (
    select * from {{ ref('int_surveys__comment_sentiment') }}
),

alerts as (
    select * from {{ ref('int_surveys__alerts') }}
),

customers as (
    select * from {{ ref('dim_customers') }}
),

final as (
    select
        case
            when responses.has_consent_to_be_named then responses.response_key
            else 'anonymous:' || {{ pii_hash('responses.response_key') }}
        end as survey_response_id,
        case when responses.has_consent_to_be_named then responses.customer_id end as customer_id,
        case when responses.has_consent_to_be_named then links.linked_experience_key end as linked_experience_key,
        responses.survey_id,
        responses.survey_name,
        responses.survey_type,
        responses.touchpoint,
        responses.metric,
        responses.nps_group,
        links.link_method,
        links.unlinked_reason,
        responses.distribution_channel,
        case when responses.has_consent_to_be_named then customers.state_code end as state_code,
        case when responses.has_consent_to_be_named then customers.rfm_segment end as rfm_segment,
        case when responses.has_consent_to_be_named then customers.customer_status end as customer_status,
        responses.comment_text,
        alerts.alert_reasons,
        responses.score,
        case when responses.has_consent_to_be_named then links.link_gap_days end as link_gap_days,
        cast(sentiment.compound_score as double) as sentiment_score,
        responses.has_consent_to_be_named,
        responses.customer_id is not null as is_resolved_respondent,
        coalesce(links.is_linked, false) as is_linked,
        responses.comment_text is not null as has_comment,
        coalesce(sentiment.is_negative, false) as is_negative_comment,
        alerts.response_key is not null as is_alert,
        responses.is_score_out_of_range,
        responses.is_finished,
        case when responses.has_consent_to_be_named then responses.recorded_date end as recorded_date,
        cast(date_trunc('month', responses.recorded_date) as date) as recorded_month,
        case when responses.has_consent_to_be_named then responses.recorded_at end as recorded_at
    from responses
    left join links
        on responses.response_key = links.response_key
    left join sentiment
        on responses.response_key = sentiment.response_key
    left join alerts
        on responses.response_key = alerts.response_key
    left join customers
        on responses.customer_id = customers.customer_id
)

select * from final

{#- Survey responses of customers that may be used person by person: the responses of
    int_customer__survey_responses whose respondent agreed to be named to their account team
    (`has_consent_to_be_named`) and resolved to a customer. Scores are already checked against their
    survey's metric there (out-of-range scores nulled and flagged). Empty when the survey system is
    switched off. -#}

with

survey_responses as (
    select * from {{ ref('int_customer__survey_responses') }}
    where has_consent_to_be_named and customer_id is not null
),

final as (
    select
        response_key,
        customer_id,
        survey_id,
        coalesce(triggering_ticket_key, triggering_project_key, triggering_order_key) as triggering_record_key,
        triggering_ticket_key,
        survey_type,
        touchpoint,
        metric,
        comment_text,
        score,
        nps_group,
        is_score_out_of_range,
        is_finished,
        recorded_date,
        recorded_at
    from survey_responses
)

select * from final

{#- Consent to be named: no response whose respondent did not agree (has_consent_to_be_named false
    or null) can be joined back to a customer, name or email in a person-level output. Returns one row
    per leak with the model and what leaks:
    - fct_survey_responses, fct_survey_alerts, fct_survey_comment_tokens: the response's own key is
      shown, or an anonymous row carries a customer, name, email, owner, follow-up or time of day;
    - fct_customer_events: an event of the response (its record key) sits on a customer's timeline;
    - customer_360: a last survey time that only a non-consented response explains;
    - fct_customer_activity_feed: a ticket's satisfaction score where the ticket has no consented
      response (only non-consented ones). -#}

with

responses as (
    select * from {{ ref('int_surveys__responses') }}
),

not_consented as (
    select * from responses
    where not has_consent_to_be_named
),

consented as (
    select * from responses
    where has_consent_to_be_named
),

survey_responses as (
    select * from {{ ref('fct_survey_responses') }}
),

survey_alerts as (
    select * from {{ ref('fct_survey_alerts') }}
),

comment_tokens as (
    select * from {{ ref('fct_survey_comment_tokens') }}
),

customer_events as (
    select * from {{ ref('fct_customer_events') }}
),

customer_profiles as (
    select * from {{ ref('customer_360') }}
),

activity_feed as (
    select * from {{ ref('fct_customer_activity_feed') }}
),

response_leaks as (
    select
        'fct_survey_responses' as model_name,
        not_consented.response_key,
        'response key shown' as leak
    from not_consented
    inner join survey_responses
        on not_consented.response_key = survey_responses.survey_response_id
    union all
    select
        'fct_survey_responses' as model_name,
        survey_response_id as response_key,
        'anonymous row names a customer or time' as leak
    from survey_responses
    where
        not has_consent_to_be_named
        and (
            customer_id is not null or linked_experience_key is not null
            or recorded_at is not null or survey_response_id not like 'anonymous:%'
        )
),

alert_leaks as (
    select
        'fct_survey_alerts' as model_name,
        not_consented.response_key,
        'response key shown' as leak
    from not_consented
    inner join survey_alerts
        on not_consented.response_key = survey_alerts.survey_response_id
    union all
    select
        'fct_survey_alerts' as model_name,
        survey_response_id as response_key,
        'anonymous alert names a customer, owner or follow-up' as leak
    from survey_alerts
    where
        not is_named
        and (
            customer_id is not null or customer_name is not null or customer_email is not null
            or owner_user_id is not null or supervisor_user_id is not null or follow_up_key is not null
            or recorded_at is not null or survey_response_id not like 'anonymous:%'
        )
),

token_leaks as (
    select distinct
        'fct_survey_comment_tokens' as model_name,
        comment_tokens.survey_response_id as response_key,
        'anonymous comment names a customer' as leak
    from comment_tokens
    left join survey_responses
        on comment_tokens.survey_response_id = survey_responses.survey_response_id
    where
        comment_tokens.customer_id is not null
        and not coalesce(survey_responses.has_consent_to_be_named, false)
),

event_leaks as (
    select
        'fct_customer_events' as model_name,
        not_consented.response_key,
        'survey event on the customer timeline' as leak
    from not_consented
    inner join customer_events
        on not_consented.response_key = customer_events.record_key
),

profile_leaks as (
    select
        'customer_360' as model_name,
        customer_profiles.customer_id as response_key,
        'last survey time from a non-consented response' as leak
    from customer_profiles
    where
        customer_profiles.last_survey_response_at is not null
        and not exists (
            select 1 from consented
            where
                consented.customer_id = customer_profiles.customer_id
                and consented.recorded_at = customer_profiles.last_survey_response_at
        )
),

feed_leaks as (
    select
        'fct_customer_activity_feed' as model_name,
        activity_feed.activity_key as response_key,
        'ticket score without a consented response' as leak
    from activity_feed
    where
        activity_feed.satisfaction_score is not null
        and not exists (
            select 1 from consented
            where consented.triggering_ticket_key = activity_feed.activity_key
        )
),

final as (
    select * from response_leaks
    union all
    select * from alert_leaks
    union all
    select * from token_leaks
    union all
    select * from event_leaks
    union all
    select * from profile_leaks
    union all
    select * from feed_leaks
)

select * from final

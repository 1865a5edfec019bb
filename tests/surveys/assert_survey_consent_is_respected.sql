{#- Consent to be named: no response whose respondent did not agree (has_consent_to_be_named false
    or null) can be joined back to a customer, name or email in a person-level output. Returns one row
    per leak with the model and what leaks:
    - fct_survey_responses, fct_survey_alerts, fct_survey_comment_tokens: the response's own key is
      shown, or an anonymous row carries any person column or quasi-identifier (each listed below:
      customer, name, email, owner, follow-up, rated experience, state, segment, status, link gap,
      any date or time but the month);
    - the anonymous id is not a salted hash: the part after 'anonymous:' equals the md5 or sha256 of
      the response record key or source response id (as is, or trimmed and lower-cased);
    - fct_survey_coverage: an experience's response_count (or has_survey) exceeds what its consented
      responses explain, i.e. a non-consented response is counted on a named experience;
    - fct_customer_events: an event of the response (its record key) sits on a customer's timeline;
    - customer_360: a last survey time that only a non-consented response explains;
    - fct_customer_activity_feed: a ticket's satisfaction score where the ticket has no consented
      response (only non-consented ones). -#}

with

responses as (
    select * from {{ ref('int_customer__survey_responses') }}
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

response_links as (
    select * from {{ ref('int_surveys__response_links') }}
),

coverage as (
    select * from {{ ref('fct_survey_coverage') }}
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
        'anonymous row carries a customer or quasi-identifier' as leak
    from survey_responses
    where
        not has_consent_to_be_named
        and (
            customer_id is not null
            or linked_experience_key is not null
            or state_code is not null
            or rfm_segment is not null
            or customer_status is not null
            or link_gap_days is not null
            or recorded_date is not null
            or recorded_at is not null
            or survey_response_id not like 'anonymous:%'
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
        'anonymous alert carries a customer, owner, follow-up or date' as leak
    from survey_alerts
    where
        not is_named
        and (
            customer_id is not null
            or customer_name is not null
            or customer_email is not null
            or owner_user_id is not null
            or owner_name is not null
            or supervisor_user_id is not null
            or supervisor_name is not null
            or follow_up_key is not null
            or follow_up_match_method is not null
            or hours_to_first_contact is not null
            or hours_to_close is not null
            or recorded_date is not null
            or due_date is not null
            or recorded_at is not null
            or follow_up_created_at is not null
            or first_contact_at is not null
            or closed_at is not null
            or recovered_at is not null
            or survey_response_id not like 'anonymous:%'
        )
),

token_leaks as (
    select distinct
        'fct_survey_comment_tokens' as model_name,
        comment_tokens.survey_response_id as response_key,
        'anonymous comment carries a customer or date' as leak
    from comment_tokens
    left join survey_responses
        on comment_tokens.survey_response_id = survey_responses.survey_response_id
    where
        not coalesce(survey_responses.has_consent_to_be_named, false)
        and (
            comment_tokens.customer_id is not null
            or comment_tokens.recorded_date is not null
        )
),

unsalted_hashes as (
    select
        response_key,
        {{ unnest_list(list_of([
            'md5(response_key)',
            sha256_hex('response_key'),
            'md5(lower(trim(response_key)))',
            sha256_hex('lower(trim(response_key))'),
            'md5(response_id)',
            sha256_hex('response_id'),
            'md5(lower(trim(response_id)))',
            sha256_hex('lower(trim(response_id))')
        ])) }} as unsalted_hash
    from not_consented
),

anonymous_ids as (
    select
        'fct_survey_responses' as model_name,
        survey_response_id
    from survey_responses
    where survey_response_id like 'anonymous:%'
    union all
    select
        'fct_survey_alerts' as model_name,
        survey_response_id
    from survey_alerts
    where survey_response_id like 'anonymous:%'
    union all
    select distinct
        'fct_survey_comment_tokens' as model_name,
        survey_response_id
    from comment_tokens
    where survey_response_id like 'anonymous:%'
),

hash_leaks as (
    select
        anonymous_ids.model_name,
        unsalted_hashes.response_key,
        'anonymous id is an unsalted hash of the response key or id' as leak
    from anonymous_ids
    inner join unsalted_hashes
        on substr(anonymous_ids.survey_response_id, length('anonymous:') + 1) = unsalted_hashes.unsalted_hash
),

consented_counts as (
    select
        response_links.linked_experience_key,
        count(*) as consented_response_count
    from response_links
    inner join consented
        on response_links.response_key = consented.response_key
    where response_links.is_linked
    group by response_links.linked_experience_key
),

coverage_leaks as (
    select
        'fct_survey_coverage' as model_name,
        coverage.experience_key as response_key,
        'experience coverage counts a non-consented response' as leak
    from coverage
    left join consented_counts
        on coverage.experience_key = consented_counts.linked_experience_key
    where
        coverage.response_count > coalesce(consented_counts.consented_response_count, 0)
        or (coverage.has_survey and consented_counts.linked_experience_key is null)
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
    select * from hash_leaks
    union all
    select * from coverage_leaks
    union all
    select * from event_leaks
    union all
    select * from profile_leaks
    union all
    select * from feed_leaks
)

select * from final

{#- Survey alerts and how the loop was closed, one row per alerting response (int_surveys__alerts:
    a finished response with a low score, negative comment sentiment or an alert keyword). A named
    alert (respondent consented) goes to the customer's CRM owner and the owner's manager
    (int_customer__crm_owners), due var('survey_alert_sla_days') days after the response.
    Without consent the alert is anonymous: counted for the survey team, but customer, owner, the
    follow-up, recovery and every date but recorded_month are not shown (no one is told who answered).
    Closing the loop (named alerts): an eligible follow-up is a CRM task of the customer created at or
    after the response and within var('survey_follow_up_window_days') days (dates, 0..N) after it that
    either names the response id in its description (`response_id`) or has the "Call back about survey"
    subject and names no other response id (`survey_call_back`). Each task closes at most one alert:
    a task goes to the eligible alert it names, else to the customer's earliest eligible alert; each
    alert then takes, of the tasks given to it, the one naming it, else the earliest created.
    First contact = the first CRM task of the customer (any subject) completed after the response in
    that window; closed = the matched task completed. Within SLA = closed on or before the due date;
    overdue = not closed and the as-of date (var lifecycle_as_of_date, default today) is past due.
    Recovery: a later consented, finished response of the same customer to the same survey program
    within var('survey_recovery_window_days') days (0..N) with a higher score. -#}

{%- set follow_up_days = var('survey_follow_up_window_days') | int -%}

with

alerts as (
    select * from {{ ref('int_surveys__alerts') }}
),

responses as (
    select * from {{ ref('int_customer__survey_responses') }}
),

customer_profiles as (
    select * from {{ ref('customer_360') }}
),

owners as (
    select * from {{ ref('int_customer__crm_owners') }}
),

follow_ups as (
    select * from {{ ref('int_customer__crm_follow_ups') }}
),

alert_details as (
    select
        alerts.*,
        responses.response_id,
        responses.survey_name,
        responses.survey_type,
        responses.touchpoint,
        responses.comment_text,
        {{ dbt.dateadd('day', var('survey_alert_sla_days') | int, 'alerts.recorded_date') }} as raw_due_date
    from alerts
    inner join responses
        on alerts.response_key = responses.response_key
),

task_windows as (
    select
        alert_details.response_key,
        alert_details.response_id,
        alert_details.recorded_at as alert_recorded_at,
        follow_ups.follow_up_key,
        follow_ups.subject,
        follow_ups.description,
        follow_ups.created_at,
        follow_ups.completed_at
    from alert_details
    inner join follow_ups
        on
            alert_details.customer_id = follow_ups.customer_id
            and alert_details.recorded_at <= follow_ups.created_at
            and {{ date_diff_sql('day', 'alert_details.recorded_date', 'cast(follow_ups.created_at as date)') }}
            <= {{ follow_up_days }}
    where alert_details.has_consent_to_be_named
),

eligible_follow_ups as (
    select
        *,
        coalesce(contains(description, response_id), false) as names_response
    from task_windows
    where
        coalesce(contains(description, response_id), false)
        or (
            coalesce(subject = 'Call back about survey', false)
            and not coalesce(
                {{ regexp_contains("replace(description, response_id, '')", '\\bR_[A-Za-z0-9]{6,}') }}, false
            )
        )
),

task_assignments as (
    select * from eligible_follow_ups
    qualify row_number() over (
        partition by follow_up_key
        order by names_response desc, alert_recorded_at asc, response_key asc
    ) = 1
),

matched_follow_ups as (
    select * from task_assignments
    qualify row_number() over (
        partition by response_key
        order by names_response desc, created_at asc, follow_up_key asc
    ) = 1
),

first_contacts as (
    select
        response_key,
        min(completed_at) as first_contact_at
    from task_windows
    where completed_at is not null
    group by response_key
),

recoveries as (
    select
        alert_details.response_key,
        min(later.recorded_at) as recovered_at
    from alert_details
    inner join responses as later
        on
            alert_details.customer_id = later.customer_id
            and alert_details.survey_id = later.survey_id
            and alert_details.recorded_at < later.recorded_at
            and alert_details.score < later.score
            and later.has_consent_to_be_named
            and later.is_finished
            and {{ date_diff_sql('day', 'alert_details.recorded_date', 'later.recorded_date') }}
            <= {{ var('survey_recovery_window_days') }}
    where alert_details.has_consent_to_be_named
    group by alert_details.response_key
),

joined as (
    select
        alert_details.*,
        customer_profiles.full_name as customer_name,
        customer_profiles.email as customer_email,
        owners.owner_user_id,
        owners.owner_name,
        owners.owner_manager_user_id as supervisor_user_id,
        owners.owner_manager_name as supervisor_name,
        matched_follow_ups.follow_up_key,
        case
            when matched_follow_ups.names_response then 'response_id'
            when matched_follow_ups.follow_up_key is not null then 'survey_call_back'
        end as follow_up_match_method,
        matched_follow_ups.created_at as follow_up_created_at,
        first_contacts.first_contact_at,
        matched_follow_ups.completed_at as closed_at,
        recoveries.recovered_at
    from alert_details
    left join customer_profiles
        on alert_details.customer_id = customer_profiles.customer_id
    left join owners
        on alert_details.customer_id = owners.customer_id
    left join matched_follow_ups
        on alert_details.response_key = matched_follow_ups.response_key
    left join first_contacts
        on alert_details.response_key = first_contacts.response_key
    left join recoveries
        on alert_details.response_key = recoveries.response_key
),

final as (
    select
        case
            when has_consent_to_be_named then response_key
            else 'anonymous:' || {{ pii_hash('response_key') }}
        end as survey_response_id,
        case when has_consent_to_be_named then customer_id end as customer_id,
        case when has_consent_to_be_named then owner_user_id end as owner_user_id,
        case when has_consent_to_be_named then supervisor_user_id end as supervisor_user_id,
        case when has_consent_to_be_named then follow_up_key end as follow_up_key,
        survey_id,
        case when has_consent_to_be_named then customer_name end as customer_name,
        case when has_consent_to_be_named then customer_email end as customer_email,
        case when has_consent_to_be_named then owner_name end as owner_name,
        case when has_consent_to_be_named then supervisor_name end as supervisor_name,
        survey_name,
        survey_type,
        touchpoint,
        metric,
        alert_reasons,
        matched_keywords,
        keyword_reasons,
        comment_text,
        case
            when not has_consent_to_be_named then 'anonymous'
            when closed_at is not null then 'closed'
            when {{ as_of_date() }} > raw_due_date then 'overdue'
            else 'open'
        end as alert_status,
        case when has_consent_to_be_named then follow_up_match_method end as follow_up_match_method,
        score,
        cast(sentiment_score as double) as sentiment_score,
        case
            when has_consent_to_be_named
                then round({{ date_diff_sql('minute', 'recorded_at', 'first_contact_at') }} / {{
                    double_literal('60.0') }}, 1)
        end as hours_to_first_contact,
        case
            when has_consent_to_be_named
                then round({{ date_diff_sql('minute', 'recorded_at', 'closed_at') }} / {{
                    double_literal('60.0') }}, 1)
        end as hours_to_close,
        has_consent_to_be_named as is_named,
        is_low_score,
        is_negative_sentiment,
        has_alert_keyword,
        has_consent_to_be_named and owner_user_id is not null as has_owner,
        has_consent_to_be_named and follow_up_key is not null as has_follow_up,
        coalesce(has_consent_to_be_named and cast(closed_at as date) <= raw_due_date, false) as is_closed_within_sla,
        has_consent_to_be_named and closed_at is null and {{ as_of_date() }} > raw_due_date as is_overdue,
        has_consent_to_be_named and recovered_at is not null as is_recovered,
        case when has_consent_to_be_named then recorded_date end as recorded_date,
        cast(date_trunc('month', recorded_date) as date) as recorded_month,
        case when has_consent_to_be_named then cast(raw_due_date as date) end as due_date,
        case when has_consent_to_be_named then recorded_at end as recorded_at,
        case when has_consent_to_be_named then follow_up_created_at end as follow_up_created_at,
        case when has_consent_to_be_named then first_contact_at end as first_contact_at,
        case when has_consent_to_be_named then closed_at end as closed_at,
        case when has_consent_to_be_named then recovered_at end as recovered_at
    from joined
)

select * from final

{#- Everything a new communication can conflict with, as a period per customer, one row each:
    - every resolved outbound communication up to the as-of date (a one-day period on its date);
    - every complaint (int_customer__service_interactions.is_complaint): from the day it was opened
      to the day it was resolved, or to the as-of date while it is open (`open_complaint`); a
      complaint left unresolved without being open (an abandoned or transferred call) blocks its
      own day only;
    - every status period in which the customer was new, active or reactivated
      (int_customer__status_periods, the one place status is defined): `active_customer`, to
      its end or the as-of date.
    period_intent / period_group are what the conflict rules (ref_communication_conflict_rules)
    name as intent_b. -#}

with

outbound as (
    select * from {{ ref('int_communications__outbound') }}
),

service_interactions as (
    select * from {{ ref('int_customer__service_interactions') }}
),

status_transitions as (
    select * from {{ ref('int_customer__status_periods') }}
),

households as (
    select * from {{ ref('int_identity__households') }}
),

communication_periods as (
    select
        communication_key as period_key,
        customer_id,
        offer_key,
        source_system,
        communication_intent as period_intent,
        intent_group as period_group,
        'communication' as period_kind,
        false as is_ongoing,
        communication_date as started_date,
        communication_date as ended_date
    from outbound
    where is_resolved and communication_date <= {{ as_of_date() }}
),

complaint_periods as (
    select
        interaction_key as period_key,
        customer_id,
        cast(null as {{ dbt.type_string() }}) as offer_key,
        source_system,
        'open_complaint' as period_intent,
        'complaint' as period_group,
        'complaint' as period_kind,
        is_open as is_ongoing,
        cast(opened_at as date) as started_date,
        case
            when is_open then {{ as_of_date() }}
            else coalesce(cast(resolved_at as date), cast(opened_at as date))
        end as ended_date
    from service_interactions
    where is_complaint and cast(opened_at as date) <= {{ as_of_date() }}
),

status_periods as (
    select
        status_transition_id as period_key,
        customer_id,
        cast(null as {{ dbt.type_string() }}) as offer_key,
        'lifecycle' as source_system,
        'active_customer' as period_intent,
        'customer_status' as period_group,
        'status' as period_kind,
        status_ended_date is null as is_ongoing,
        status_started_date as started_date,
        coalesce(status_ended_date, {{ as_of_date() }}) as ended_date
    from status_transitions
    where customer_status in ('new', 'active', 'reactivated')
),

unioned as (
    select * from communication_periods
    union all
    select * from complaint_periods
    union all
    select * from status_periods
),

final as (
    select
        unioned.period_key,
        unioned.customer_id,
        households.household_id,
        unioned.offer_key,
        unioned.source_system,
        unioned.period_intent,
        unioned.period_group,
        unioned.period_kind,
        unioned.is_ongoing,
        unioned.started_date,
        unioned.ended_date
    from unioned
    left join households
        on unioned.customer_id = households.customer_id
)

select * from final

{#- Contracts (insurance and warranty policies) of customers, one row per policy: when cover started
    and, for a policy that is no longer in force, the day it ended and how. A cancelled policy ends on
    the day of its (latest) cancellation event, a non-renewed or lapsed one on its expiration date;
    an active policy has no end. The customer is the policy holder's (int_identity__crosswalk).
    Empty when the policy system is switched off. -#}

{% if source_enabled('policy') %}

with

policies as (
    select * from {{ ref('stg_policy__policies') }}
    where not is_rejected
),

policy_events as (
    select * from {{ ref('stg_policy__policy_events') }}
    where not is_rejected
),

crosswalk as (
    select * from {{ ref('int_identity__crosswalk') }}
),

cancellations as (
    select
        policy_id,
        max(event_date) as cancelled_date
    from policy_events
    where event_type = 'cancelled'
    group by policy_id
),

end_reasons as (
    -- the reason given by the latest notice or cancellation of the policy
    select
        policy_id,
        event_reason
    from policy_events
    where event_type in ('cancelled', 'cancellation_notice', 'non_renewal_notice') and event_reason is not null
    qualify row_number() over (
        partition by policy_id
        order by event_date desc nulls last, policy_event_id desc
    ) = 1
),

issues as (
    select
        policy_id,
        min(event_date) as issued_date
    from policy_events
    where event_type = 'issued'
    group by policy_id
),

contracts as (
    select
        policies.record_key as contract_key,
        crosswalk.customer_id,
        policies.policy_id,
        policies.product_line,
        policies.policy_status,
        case when policies.policy_status in ('cancelled', 'non_renewed', 'lapsed') then policies.policy_status end
            as end_type,
        case
            when policies.policy_status in ('cancelled', 'non_renewed', 'lapsed') then end_reasons.event_reason
        end as end_reason,
        policies.annual_premium_usd,
        coalesce(policies.effective_date, issues.issued_date) as started_date,
        case
            when policies.policy_status = 'cancelled'
                then coalesce(cancellations.cancelled_date, policies.expiration_date)
            when policies.policy_status in ('non_renewed', 'lapsed') then policies.expiration_date
        end as ended_date
    from policies
    inner join crosswalk
        on {{ record_key('policy', 'policy_holders', 'policies.policy_holder_id') }} = crosswalk.record_key
    left join cancellations
        on policies.policy_id = cancellations.policy_id
    left join end_reasons
        on policies.policy_id = end_reasons.policy_id
    left join issues
        on policies.policy_id = issues.policy_id
),

final as (
    select
        contract_key,
        customer_id,
        policy_id,
        product_line,
        policy_status,
        end_type,
        end_reason,
        annual_premium_usd,
        started_date,
        -- an end before the start (a data error) is read as ending on the start day
        case when ended_date < started_date then started_date else ended_date end as ended_date
    from contracts
    where started_date is not null
)

select * from final

{% else %}

select
    cast(null as {{ dbt.type_string() }}) as contract_key,
    cast(null as {{ dbt.type_string() }}) as customer_id,
    cast(null as {{ dbt.type_string() }}) as policy_id,
    cast(null as {{ dbt.type_string() }}) as product_line,
    cast(null as {{ dbt.type_string() }}) as policy_status,
    cast(null as {{ dbt.type_string() }}) as end_type,
    cast(null as {{ dbt.type_string() }}) as end_reason,
    cast(null as decimal(18, 2)) as annual_premium_usd,
    cast(null as date) as started_date,
    cast(null as date) as ended_date
where false

{% endif %}

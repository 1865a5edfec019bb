{#- The status rules, in one place: every change of a customer's status, to the day, from the day
    the customer was first seen up to the as-of date (var lifecycle_as_of_date, default today). The
    status on a day X follows from the purchases (orders and store sales not cancelled by the as-of
    date) and contracts (policies) known on X, first rule that applies (N = the lifecycle_* vars;
    days since = X minus the date):
      prospect     no purchase and no contract yet
      lost         contractual churn: no contract in force, the latest contract ended (cancelled,
                   non-renewed, lapsed) on or after the last purchase / contract start, and no
                   purchase in the last at_risk_days
      reactivated  the customer was lost on the day before a purchase or new contract fewer than
                   reactivated_days ago
      new          first purchase or contract fewer than new_days ago
      active       a contract in force, or fewer than at_risk_days since the last purchase / contract start
      at_risk      at_risk_days or more, fewer than lapsed_days
      lapsed       lapsed_days or more, fewer than lost_days
      lost         silent churn: lost_days or more since the last purchase / contract start
    The status can only change on a day something happens (first seen, purchase, contract start or
    end) or a threshold is crossed (a purchase day plus one of the N), so the rules are evaluated on
    those days only and consecutive equal statuses are merged. Read by fct_customer_status_transitions
    (its published copy) and by every model that needs a customer's status on a day
    (int_communications__contact_periods). -#}

{%- set new_days = var('lifecycle_new_days') | int -%}
{%- set reactivated_days = var('lifecycle_reactivated_days') | int -%}
{%- set at_risk_days = var('lifecycle_at_risk_days') | int -%}
{%- set lapsed_days = var('lifecycle_lapsed_days') | int -%}
{%- set lost_days = var('lifecycle_lost_days') | int %}

with

crosswalk as (
    select * from {{ ref('int_identity__crosswalk') }}
),

revenue_events as (
    select * from {{ ref('int_customer__revenue_events') }}
),

contracts as (
    select * from {{ ref('int_customer__contracts') }}
),

customers as (
    select
        customer_id,
        min(cast(first_seen_at as date)) as first_seen_date
    from crosswalk
    group by customer_id
),

-- purchases that count on the as-of date: placed by then and not cancelled by then
purchase_days as (
    select distinct
        customer_id,
        revenue_date as activity_date
    from revenue_events
    where
        revenue_event_type != 'refund'
        and revenue_date <= {{ as_of_date() }}
        and (cancelled_date is null or cancelled_date > {{ as_of_date() }})
),

-- contracts as known on the as-of date: an end after it has not happened yet
known_contracts as (
    select
        customer_id,
        started_date,
        case when ended_date <= {{ as_of_date() }} then ended_date end as ended_date,
        case when ended_date <= {{ as_of_date() }} then end_type end as end_type
    from contracts
    where started_date <= {{ as_of_date() }}
),

activity_days as (
    select
        customer_id,
        activity_date,
        bool_or(is_purchase) as is_purchase_day
    from (
        select
            customer_id,
            activity_date,
            true as is_purchase
        from purchase_days
        union all
        select
            customer_id,
            started_date as activity_date,
            false as is_purchase
        from known_contracts
    ) as activities
    group by customer_id, activity_date
),

-- from each day a contract starts or ends: how many are in force, when the latest one ended and how
contract_changes as (
    select
        customer_id,
        started_date as change_date,
        1 as in_force_change,
        cast(null as date) as ended_date,
        cast(null as {{ dbt.type_string() }}) as end_type
    from known_contracts
    union all
    select
        customer_id,
        ended_date as change_date,
        -1 as in_force_change,
        ended_date,
        end_type
    from known_contracts
    where ended_date is not null
),

contract_states as (
    select
        customer_id,
        change_date,
        sum(sum(in_force_change)) over running as contracts_in_force,
        max(max(ended_date)) over running as latest_contract_end_date,
        {{ last_value_ignore_nulls(string_agg_distinct_sorted('end_type', ',')) }} over running
            as latest_contract_end_type
    from contract_changes
    group by customer_id, change_date
    window running as (partition by customer_id order by change_date rows between unbounded preceding and current row)
),

activity_sequence as (
    select
        customer_id,
        activity_date,
        is_purchase_day,
        lag(activity_date) over by_date as previous_activity_date,
        max(case when is_purchase_day then activity_date end) over (
            {{ window_with_frame(
                'by_date', 'partition by customer_id order by activity_date',
                'rows between unbounded preceding and 1 preceding'
            ) }}
        ) as previous_purchase_date,
        min(activity_date) over (partition by customer_id) as first_activity_date
    from activity_days
    window by_date as (partition by customer_id order by activity_date)
),

-- the contract situation on the day before each purchase or contract start
activity_prior_contracts as (
    select
        activity_sequence.*,
        coalesce(contract_states.contracts_in_force, 0) > 0 as had_contract_in_force,
        contract_states.latest_contract_end_date as prior_contract_end_date
    from activity_sequence
    {{ asof_join(
        'left', 'contract_states', 'customer_id', 'activity_sequence.customer_id',
        'activity_sequence.activity_date - 1', 'change_date'
    ) }}
),

-- a purchase or contract start is a reactivation when the customer was lost the day before
activity_states as (
    select
        *,
        max(case when is_reactivation then activity_date end) over running as latest_reactivation_date,
        max(case when is_purchase_day then activity_date end) over running as last_purchase_date
    from (
        select
            *,
            previous_activity_date is not null
            and not had_contract_in_force
            and (
                (
                    prior_contract_end_date >= previous_activity_date
                    and (
                        previous_purchase_date is null
                        or {{ date_diff_sql(
                            'day', 'previous_purchase_date', 'activity_date - 1'
                        ) }} >= {{ at_risk_days }}
                    )
                )
                or {{ date_diff_sql('day', 'previous_activity_date', 'activity_date - 1') }} >= {{ lost_days }}
            ) as is_reactivation
        from activity_prior_contracts
    ) as flagged
    window running as (partition by customer_id order by activity_date rows between unbounded preceding and current row)
),

-- every day the status can change, with what happened that day (the first trigger in this order)
candidates as (
    select
        customer_id,
        first_seen_date as status_date,
        4 as trigger_rank
    from customers
    union all
    select
        customer_id,
        activity_date as status_date,
        case when is_purchase_day then 1 else 2 end as trigger_rank
    from activity_states
    union all
    select
        customer_id,
        ended_date as status_date,
        3 as trigger_rank
    from known_contracts
    where ended_date is not null
    union all
    select
        customer_id,
        {{ unnest_list(list_of([
            'activity_date + ' ~ at_risk_days,
            'activity_date + ' ~ lapsed_days,
            'activity_date + ' ~ lost_days,
            'case when activity_date = first_activity_date then activity_date + ' ~ new_days ~ ' end',
            'case when is_reactivation then activity_date + ' ~ reactivated_days ~ ' end',
        ])) }} as status_date,
        5 as trigger_rank
    from activity_states
),

candidate_days as (
    select
        customer_id,
        status_date,
        min(trigger_rank) as trigger_rank
    from candidates
    where status_date is not null and status_date <= {{ as_of_date() }}
    group by customer_id, status_date
),

evaluated as (
    select
        candidate_days.customer_id,
        candidate_days.status_date,
        candidate_days.trigger_rank,
        activity_states.first_activity_date,
        activity_states.activity_date as last_activity_date,
        activity_states.last_purchase_date,
        activity_states.latest_reactivation_date,
        contract_states.latest_contract_end_date,
        contract_states.latest_contract_end_type,
        coalesce(contract_states.contracts_in_force, 0) > 0 as has_contract_in_force
    from candidate_days
    {{ asof_join(
        'left', 'activity_states', 'customer_id', 'candidate_days.customer_id', 'candidate_days.status_date',
        'activity_date'
    ) }}
    {{ asof_join(
        'left', 'contract_states', 'customer_id', 'candidate_days.customer_id', 'candidate_days.status_date',
        'change_date'
    ) }}
),

classified as (
    select
        *,
        case
            when last_activity_date is null then 'prospect'
            when
                not has_contract_in_force
                and latest_contract_end_date >= last_activity_date
                and (
                    last_purchase_date is null
                    or {{ date_diff_sql('day', 'last_purchase_date', 'status_date') }} >= {{ at_risk_days }}
                )
                then 'contractual'
            when {{ date_diff_sql(
                'day', 'latest_reactivation_date', 'status_date'
            ) }} < {{ reactivated_days }} then 'reactivated'
            when {{ date_diff_sql('day', 'first_activity_date', 'status_date') }} < {{ new_days }} then 'new'
            when has_contract_in_force then 'active'
            when {{ date_diff_sql('day', 'last_activity_date', 'status_date') }} < {{ at_risk_days }} then 'active'
            when {{ date_diff_sql('day', 'last_activity_date', 'status_date') }} < {{ lapsed_days }} then 'at_risk'
            when {{ date_diff_sql('day', 'last_activity_date', 'status_date') }} < {{ lost_days }} then 'lapsed'
            else 'silent'
        end as status_rule
    from evaluated
),

statuses as (
    select
        *,
        case when status_rule in ('contractual', 'silent') then 'lost' else status_rule end as customer_status,
        case when status_rule in ('contractual', 'silent') then status_rule end as churn_type,
        case when status_rule = 'contractual' then latest_contract_end_type end as churn_reason
    from classified
),

changes as (
    select
        *,
        lag(customer_status) over by_date as previous_status,
        lag(churn_type) over by_date as previous_churn_type
    from statuses
    window by_date as (partition by customer_id order by status_date)
),

transitions as (
    select *
    from changes
    where
        previous_status is null
        or customer_status != previous_status
        or churn_type is distinct from previous_churn_type
),

final as (
    select
        customer_id || ':' || cast(status_date as {{ dbt.type_string() }}) as status_transition_id,
        customer_id,
        previous_status,
        customer_status,
        churn_type,
        churn_reason,
        case trigger_rank
            when 1 then 'purchase'
            when 2 then 'contract_started'
            when 3 then 'contract_ended'
            when 4 then 'first_seen'
            else 'days_elapsed'
        end as transition_trigger,
        lead(status_date) over by_date is null as is_current_status,
        last_activity_date,
        status_date as status_started_date,
        lead(status_date) over by_date - 1 as status_ended_date
    from transitions
    window by_date as (partition by customer_id order by status_date)
)

select * from final

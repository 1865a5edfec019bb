{%- set as_of_var = var('lifecycle_as_of_date', none) -%}
{%- set as_of = "cast('" ~ as_of_var ~ "' as date)" if as_of_var else 'current_date' -%}

{#- One row per customer: the golden record (int_identity__golden_records: best name, email, phone,
    current address, each chosen by survivorship), the household, the lifecycle stage and status as
    of the as-of date (var lifecycle_as_of_date, default today) and the customer's value. -#}

with

golden_records as (
    select * from {{ ref('int_identity__golden_records') }}
),

-- display name: each name part capitalised (the golden names are lower-case keys), then the suffix
named_golden_records as (
    select
        *,
        nullif(array_to_string(
            list_transform(
                string_split(concat_ws(' ', first_name, middle_initial, last_name), ' '),
                lambda name_part: upper(left(name_part, 1)) || substr(name_part, 2)
            ) || list_filter([name_suffix], lambda suffix: suffix is not null),
            ' '
        ), '') as full_name
    from golden_records
),

households as (
    select * from {{ ref('int_identity__households') }}
),

transitions as (
    select * from {{ ref('fct_customer_status_transitions') }}
),

stages as (
    select * from {{ ref('fct_customer_lifecycle_stages') }}
),

customer_value as (
    select * from {{ ref('fct_customer_value') }}
),

current_statuses as (
    select * from transitions
    where is_current_status
),

customer_entries as (
    select
        customer_id,
        min(status_started_date) as customer_since_date
    from transitions
    where customer_status != 'prospect'
    group by customer_id
),

funnel_stages as (
    select
        customer_id,
        arg_max(lifecycle_stage, stage_order) as furthest_funnel_stage,
        min(stage_entered_date) as first_funnel_date
    from stages
    where stage_group = 'funnel'
    group by customer_id
),

current_stages as (
    select * from stages
    where is_current_stage
),

final as (
    select
        named_golden_records.customer_id,
        named_golden_records.household_id,
        named_golden_records.first_name,
        named_golden_records.middle_initial,
        named_golden_records.last_name,
        named_golden_records.name_suffix,
        named_golden_records.full_name,
        named_golden_records.email,
        named_golden_records.phone,
        named_golden_records.address_line_1,
        named_golden_records.address_unit,
        named_golden_records.city,
        named_golden_records.state_code,
        named_golden_records.zip5,
        coalesce(current_statuses.customer_status, 'prospect') as customer_status,
        current_statuses.churn_type,
        current_statuses.churn_reason,
        coalesce(current_stages.lifecycle_stage, 'prospect') as lifecycle_stage,
        funnel_stages.furthest_funnel_stage,
        customer_value.rfm_segment,
        customer_value.rfm_score,
        cast(named_golden_records.source_record_count as integer) as source_record_count,
        cast(named_golden_records.source_system_count as integer) as source_system_count,
        cast(households.household_customer_count as integer) as household_customer_count,
        customer_value.purchase_count,
        customer_value.order_count,
        customer_value.lifetime_revenue_usd,
        customer_value.net_revenue_usd,
        customer_value.contracts_in_force_count,
        customer_value.clv_usd,
        customer_value.probability_alive,
        customer_entries.customer_since_date is not null as is_customer,
        coalesce(households.has_household, false) as has_household,
        named_golden_records.birth_date,
        {{ as_of }} as status_as_of_date,
        current_statuses.status_started_date as status_since_date,
        customer_entries.customer_since_date,
        customer_value.first_purchase_date,
        customer_value.last_purchase_date,
        named_golden_records.first_seen_at,
        named_golden_records.last_seen_at
    from named_golden_records
    left join households
        on named_golden_records.customer_id = households.customer_id
    left join current_statuses
        on named_golden_records.customer_id = current_statuses.customer_id
    left join current_stages
        on named_golden_records.customer_id = current_stages.customer_id
    left join funnel_stages
        on named_golden_records.customer_id = funnel_stages.customer_id
    left join customer_entries
        on named_golden_records.customer_id = customer_entries.customer_id
    left join customer_value
        on named_golden_records.customer_id = customer_value.customer_id
)

select * from final

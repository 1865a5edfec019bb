{#- One row per customer: the golden record (int_identity__golden_records, each attribute chosen by
    survivorship) without direct identifiers — email and phone as salted hashes, birth year only, no
    name or street (this table is published to the BI database) — the household, the lifecycle
    stage and status as of the as-of date (var lifecycle_as_of_date, default today) and the
    customer's value. Names and contact details are in customer_360, the account managers' view. -#}

with

golden_records as (
    select * from {{ ref('int_identity__golden_records') }}
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
        max_by(lifecycle_stage, stage_order) as furthest_funnel_stage,
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
        golden_records.customer_id,
        golden_records.household_id,
        {{ pii_hash('golden_records.email') }} as email_hash,
        {{ pii_hash('golden_records.phone') }} as phone_hash,
        golden_records.city,
        golden_records.state_code,
        golden_records.postal_code,
        golden_records.country_code,
        coalesce(current_statuses.customer_status, 'prospect') as customer_status,
        current_statuses.churn_type,
        current_statuses.churn_reason,
        coalesce(current_stages.lifecycle_stage, 'prospect') as lifecycle_stage,
        funnel_stages.furthest_funnel_stage,
        customer_value.rfm_segment,
        customer_value.rfm_score,
        cast(golden_records.source_record_count as integer) as source_record_count,
        cast(golden_records.source_system_count as integer) as source_system_count,
        cast(households.household_customer_count as integer) as household_customer_count,
        customer_value.purchase_count,
        customer_value.order_count,
        customer_value.lifetime_revenue_usd,
        customer_value.net_revenue_usd,
        customer_value.contracts_in_force_count,
        customer_value.clv_usd,
        customer_value.probability_alive,
        cast(year(golden_records.birth_date) as integer) as birth_year,
        customer_entries.customer_since_date is not null as is_customer,
        coalesce(households.has_household, false) as has_household,
        {{ as_of_date() }} as status_as_of_date,
        current_statuses.status_started_date as status_since_date,
        customer_entries.customer_since_date,
        customer_value.first_purchase_date,
        customer_value.last_purchase_date,
        golden_records.first_seen_at,
        golden_records.last_seen_at
    from golden_records
    left join households
        on golden_records.customer_id = households.customer_id
    left join current_statuses
        on golden_records.customer_id = current_statuses.customer_id
    left join current_stages
        on golden_records.customer_id = current_stages.customer_id
    left join funnel_stages
        on golden_records.customer_id = funnel_stages.customer_id
    left join customer_entries
        on golden_records.customer_id = customer_entries.customer_id
    left join customer_value
        on golden_records.customer_id = customer_value.customer_id
)

select * from final

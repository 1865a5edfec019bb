{#- One row per household (customers sharing a current address, int_identity__households): where it
    is, who lives there and what the household is worth together. The household status is the best
    status among its customers, in the order active (new, active, reactivated), at_risk, lapsed,
    lost, prospect. -#}

with

households as (
    select * from {{ ref('int_identity__households') }}
    where has_household
),

customers as (
    select * from {{ ref('dim_customers') }}
),

members as (
    select
        households.household_id,
        households.city,
        households.state_code,
        households.postal_code,
        households.country_code,
        customers.customer_id,
        customers.customer_status,
        customers.lifetime_revenue_usd,
        customers.net_revenue_usd,
        customers.clv_usd,
        customers.contracts_in_force_count,
        customers.customer_since_date,
        customers.last_purchase_date,
        case
            when customers.customer_status in ('new', 'active', 'reactivated') then 1
            when customers.customer_status = 'at_risk' then 2
            when customers.customer_status = 'lapsed' then 3
            when customers.customer_status = 'lost' then 4
            else 5
        end as status_rank
    from households
    inner join customers
        on households.customer_id = customers.customer_id
),

final as (
    select
        household_id,
        min(city) as city,
        min(state_code) as state_code,
        min(postal_code) as postal_code,
        min(country_code) as country_code,
        case min(status_rank)
            when 1 then 'active'
            when 2 then 'at_risk'
            when 3 then 'lapsed'
            when 4 then 'lost'
            else 'prospect'
        end as household_status,
        cast(count(*) as integer) as customer_count,
        cast(count(*) filter (where status_rank = 1) as integer) as active_customer_count,
        cast(count(*) filter (where customer_since_date is not null) as integer) as buying_customer_count,
        cast(sum(contracts_in_force_count) as integer) as contracts_in_force_count,
        cast(sum(lifetime_revenue_usd) as decimal(18, 2)) as lifetime_revenue_usd,
        cast(sum(net_revenue_usd) as decimal(18, 2)) as net_revenue_usd,
        cast(sum(clv_usd) as decimal(18, 2)) as clv_usd,
        min(customer_since_date) as customer_since_date,
        max(last_purchase_date) as last_purchase_date
    from members
    group by household_id
)

select * from final

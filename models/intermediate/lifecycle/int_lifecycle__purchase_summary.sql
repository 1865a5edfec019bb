{#- One row per customer with a purchase by the as-of date (var lifecycle_as_of_date, default
    today): the purchase history in the shape BG/NBD and Gamma-Gamma need. Purchases are orders and
    store sales not cancelled by the as-of date, counted per day (several purchases on one day are
    one purchase occasion, their amounts added). -#}

{%- set as_of_var = var('lifecycle_as_of_date', none) -%}
{%- set as_of = "cast('" ~ as_of_var ~ "' as date)" if as_of_var else 'current_date' %}

with

revenue_events as (
    select * from {{ ref('int_lifecycle__revenue_events') }}
),

purchase_days as (
    select
        customer_id,
        revenue_date as purchase_date,
        sum(amount_usd) as purchase_day_usd
    from revenue_events
    where
        revenue_event_type != 'refund'
        and revenue_date <= {{ as_of }}
        and (cancelled_date is null or cancelled_date > {{ as_of }})
    group by customer_id, revenue_date
),

numbered as (
    select
        *,
        min(purchase_date) over (partition by customer_id) as first_purchase_date
    from purchase_days
),

final as (
    select
        customer_id,
        count(*) - 1 as repeat_purchase_count,
        date_diff('day', min(purchase_date), max(purchase_date)) as recency_days,
        date_diff('day', min(purchase_date), {{ as_of }}) as tenure_days,
        avg(purchase_day_usd) filter (where purchase_date > first_purchase_date) as average_repeat_purchase_usd,
        min(purchase_date) as first_purchase_date,
        max(purchase_date) as last_purchase_date
    from numbered
    group by customer_id
)

select * from final

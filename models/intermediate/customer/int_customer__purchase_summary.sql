{#- One row per customer with a purchase by the as-of date (var lifecycle_as_of_date, default
    today): the purchase history in the shape BG/NBD and Gamma-Gamma need. Purchases are orders and
    store sales not cancelled by the as-of date, counted per day (several purchases on one day are
    one purchase occasion, their amounts added). -#}


with

revenue_events as (
    select * from {{ ref('int_customer__revenue_events') }}
),

purchase_days as (
    select
        customer_id,
        revenue_date as purchase_date,
        sum(amount_usd) as purchase_day_usd
    from revenue_events
    where
        revenue_event_type != 'refund'
        and revenue_date <= {{ as_of_date() }}
        and (cancelled_date is null or cancelled_date > {{ as_of_date() }})
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
        {{ date_diff_sql('day', 'min(purchase_date)', 'max(purchase_date)') }} as recency_days,
        {{ date_diff_sql('day', 'min(purchase_date)', as_of_date()) }} as tenure_days,
        {{ decimal_average(
            'purchase_day_usd', 2, 'purchase_date > first_purchase_date'
        ) }} as average_repeat_purchase_usd,
        min(purchase_date) as first_purchase_date,
        max(purchase_date) as last_purchase_date
    from numbered
    group by customer_id
)

select * from final

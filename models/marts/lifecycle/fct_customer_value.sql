{#- What each customer is worth, as of the as-of date (var lifecycle_as_of_date, default today), one
    row per customer:
    - revenue: purchases (orders and store sales) not cancelled by the as-of date, at what the
      customer was charged; refunds paid by then subtract, except refunds of cancelled orders
      (those orders count nothing already);
    - RFM scores 1-5 among customers with a purchase: recency (days since the last purchase, fewer
      is better), frequency (purchases), monetary (net revenue). score = 1 + floor(5 * percent_rank),
      capped at 5, over the customers ordered worst to best, so ties share a score and the most
      common value (one purchase) gets the lowest frequency score. Segments from R and F:
      champions (R 4-5, F 4-5), loyal (R 4-5 F 3, or R 3 F 4-5), promising (R 4-5, F 1-2),
      needs_attention (R 3, F 1-3), cannot_lose (R 1-2, F 4-5), slipping (R 1-2, F 3),
      hibernating (R 1-2, F 1-2);
    - CLV: BG/NBD + Gamma-Gamma estimates from int_customer__clv (null when the models
      could not be fitted: see clv_model_status);
    - contracts in force on the as-of date and their annual premium. -#}


with

crosswalk as (
    select * from {{ ref('int_identity__crosswalk') }}
),

revenue_events as (
    select * from {{ ref('int_customer__revenue_events') }}
    where revenue_date <= {{ as_of_date() }}
),

contracts as (
    select * from {{ ref('int_customer__contracts') }}
),

clv as (
    select * from {{ ref('int_customer__clv') }}
),

customers as (
    select distinct customer_id
    from crosswalk
),

counted_events as (
    select
        *,
        coalesce(cancelled_date <= {{ as_of_date() }}, false) as is_cancelled_by_as_of
    from revenue_events
),

revenue as (
    select
        customer_id,
        count(*) filter (where revenue_event_type = 'order' and not is_cancelled_by_as_of) as order_count,
        count(*) filter (where revenue_event_type = 'store_sale') as store_purchase_count,
        count(*) filter (where revenue_event_type = 'order' and is_cancelled_by_as_of) as cancelled_order_count,
        count(*) filter (where revenue_event_type != 'refund' and not is_cancelled_by_as_of) as purchase_count,
        count(distinct revenue_date) filter (
            where revenue_event_type != 'refund' and not is_cancelled_by_as_of
        ) as purchase_day_count,
        coalesce(sum(amount_usd) filter (
            where revenue_event_type != 'refund' and not is_cancelled_by_as_of
        ), 0) as lifetime_revenue_usd,
        coalesce(-sum(amount_usd) filter (
            where revenue_event_type = 'refund' and not is_cancelled_by_as_of
        ), 0) as refunded_usd,
        min(revenue_date) filter (
            where revenue_event_type != 'refund' and not is_cancelled_by_as_of
        ) as first_purchase_date,
        max(revenue_date) filter (
            where revenue_event_type != 'refund' and not is_cancelled_by_as_of
        ) as last_purchase_date
    from counted_events
    group by customer_id
),

contracts_in_force as (
    select
        customer_id,
        count(*) as contracts_in_force_count,
        sum(annual_premium_usd) as annual_premium_in_force_usd
    from contracts
    where started_date <= {{ as_of_date() }} and (ended_date is null or ended_date > {{ as_of_date() }})
    group by customer_id
),

customer_values as (
    select
        customers.customer_id,
        coalesce(revenue.order_count, 0) as order_count,
        coalesce(revenue.store_purchase_count, 0) as store_purchase_count,
        coalesce(revenue.purchase_count, 0) as purchase_count,
        coalesce(revenue.cancelled_order_count, 0) as cancelled_order_count,
        coalesce(revenue.purchase_day_count, 0) as purchase_day_count,
        cast(coalesce(revenue.lifetime_revenue_usd, 0) as decimal(18, 2)) as lifetime_revenue_usd,
        cast(coalesce(revenue.refunded_usd, 0) as decimal(18, 2)) as refunded_usd,
        cast(coalesce(revenue.lifetime_revenue_usd, 0) - coalesce(revenue.refunded_usd, 0) as decimal(18, 2))
            as net_revenue_usd,
        coalesce(contracts_in_force.contracts_in_force_count, 0) as contracts_in_force_count,
        cast(coalesce(contracts_in_force.annual_premium_in_force_usd, 0) as decimal(18, 2))
            as annual_premium_in_force_usd,
        {{ date_diff_sql('day', 'revenue.last_purchase_date', as_of_date()) }} as days_since_last_purchase,
        revenue.first_purchase_date,
        revenue.last_purchase_date
    from customers
    left join revenue
        on customers.customer_id = revenue.customer_id
    left join contracts_in_force
        on customers.customer_id = contracts_in_force.customer_id
),

buyers as (
    select * from customer_values
    where purchase_count > 0
),

scored as (
    select
        customer_id,
        cast(least(5, 1 + floor(5 * percent_rank() over (order by days_since_last_purchase desc))) as integer)
            as recency_score,
        cast(least(5, 1 + floor(5 * percent_rank() over (order by purchase_count))) as integer) as frequency_score,
        cast(least(5, 1 + floor(5 * percent_rank() over (order by net_revenue_usd))) as integer) as monetary_score
    from buyers
),

segmented as (
    select
        *,
        case
            when recency_score >= 4 and frequency_score >= 4 then 'champions'
            when recency_score >= 4 and frequency_score = 3 then 'loyal'
            when recency_score = 3 and frequency_score >= 4 then 'loyal'
            when recency_score >= 4 then 'promising'
            when recency_score = 3 then 'needs_attention'
            when frequency_score >= 4 then 'cannot_lose'
            when frequency_score = 3 then 'slipping'
            else 'hibernating'
        end as rfm_segment
    from scored
),

final as (
    select
        customer_values.customer_id,
        segmented.rfm_segment,
        cast(segmented.recency_score as {{ dbt.type_string() }})
        || cast(segmented.frequency_score as {{ dbt.type_string() }})
        || cast(segmented.monetary_score as {{ dbt.type_string() }}) as rfm_score,
        clv.clv_model_status,
        customer_values.order_count,
        customer_values.store_purchase_count,
        customer_values.purchase_count,
        customer_values.cancelled_order_count,
        customer_values.purchase_day_count,
        customer_values.lifetime_revenue_usd,
        customer_values.refunded_usd,
        customer_values.net_revenue_usd,
        cast(
            case
                when customer_values.purchase_count > 0
                    then {{ double_quotient_for_cast(
                        'customer_values.lifetime_revenue_usd', 'customer_values.purchase_count', 2
                    ) }}
            end as decimal(18, 2)
        ) as average_purchase_usd,
        customer_values.contracts_in_force_count,
        customer_values.annual_premium_in_force_usd,
        customer_values.days_since_last_purchase,
        segmented.recency_score,
        segmented.frequency_score,
        segmented.monetary_score,
        clv.probability_alive,
        clv.expected_purchase_count,
        cast(clv.expected_average_purchase_usd as decimal(18, 2)) as expected_average_purchase_usd,
        cast(clv.clv_usd as decimal(18, 2)) as clv_usd,
        customer_values.purchase_count > 0 as has_purchased,
        customer_values.first_purchase_date,
        customer_values.last_purchase_date
    from customer_values
    left join segmented
        on customer_values.customer_id = segmented.customer_id
    left join clv
        on customer_values.customer_id = clv.customer_id
)

select * from final

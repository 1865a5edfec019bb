{#- Customer experience and what it is worth, in aggregates only: one row per segment of customers
    (dim_customers.is_customer: at least one purchase or contract), with how many are retained (any
    status but lost on the as-of date) or lost, their net revenue and 12-month CLV. Segment types:
    - satisfaction_band: the customer's latest CSAT (int_customer__survey_responses) low (1-2), neutral (3),
      high (4-5), or no_response;
    - nps_group: the latest NPS response's group (promoter, passive, detractor) or no_response;
    - complaint_resolution: customers with a complaint (int_customer__service_interactions) of
      which one is still open or unresolved (`unresolved`) or all resolved (`resolved`), and
      `no_complaint`;
    - detractor_recovery: detractors who recovered (`recovered`, int_roi__detractor_recoveries: same
      survey program, within var('survey_recovery_window_days'), a higher non-detractor score) or did
      not (`not_recovered`); recovered ones carry the value credited to the program: CLV x gross
      margin x attribution rate (ref_roi_assumptions).
    Built on every finished survey response, consented or not (int_customer__survey_responses): the output is
    aggregate only, so an anonymous respondent is counted in its band without being named (leaving
    them out would put them in no_response and bias the bands). -#}

with

customers as (
    select * from {{ ref('dim_customers') }}
    where is_customer
),

survey_responses as (
    select * from {{ ref('int_customer__survey_responses') }}
    where score is not null and customer_id is not null and is_finished
),

service_interactions as (
    select * from {{ ref('int_customer__service_interactions') }}
),

recoveries as (
    select * from {{ ref('int_roi__detractor_recoveries') }}
),

assumptions as (
    select * from {{ ref('int_roi__assumptions') }}
),

latest_csat as (
    select
        customer_id,
        case when score <= 2 then 'low' when score = 3 then 'neutral' else 'high' end as satisfaction_band
    from survey_responses
    where metric = 'csat'
    qualify row_number() over (partition by customer_id order by recorded_at desc, response_key desc) = 1
),

latest_nps as (
    select
        customer_id,
        nps_group
    from survey_responses
    where metric = 'nps'
    qualify row_number() over (partition by customer_id order by recorded_at desc, response_key desc) = 1
),

ever_detractors as (
    select distinct customer_id
    from survey_responses
    where nps_group = 'detractor'
),

complaints as (
    select
        customer_id,
        bool_or(resolution_status != 'resolved') as has_unresolved_complaint
    from service_interactions
    where is_complaint
    group by customer_id
),

customer_segments as (
    select
        customers.customer_id,
        customers.customer_status = 'lost' as is_lost,
        coalesce(customers.net_revenue_usd, 0) as net_revenue_usd,
        coalesce(customers.clv_usd, 0) as clv_usd,
        coalesce(latest_csat.satisfaction_band, 'no_response') as satisfaction_band,
        coalesce(latest_nps.nps_group, 'no_response') as nps_group,
        case
            when complaints.customer_id is null then 'no_complaint'
            when complaints.has_unresolved_complaint then 'unresolved'
            else 'resolved'
        end as complaint_resolution,
        case
            when recoveries.customer_id is not null then 'recovered'
            when ever_detractors.customer_id is not null then 'not_recovered'
        end as detractor_recovery
    from customers
    left join latest_csat
        on customers.customer_id = latest_csat.customer_id
    left join latest_nps
        on customers.customer_id = latest_nps.customer_id
    left join complaints
        on customers.customer_id = complaints.customer_id
    left join recoveries
        on customers.customer_id = recoveries.customer_id
    left join ever_detractors
        on customers.customer_id = ever_detractors.customer_id
),

segment_rows as (
    select
        'satisfaction_band' as segment_type,
        satisfaction_band as segment,
        *
    from customer_segments
    union all
    select
        'nps_group' as segment_type,
        nps_group as segment,
        *
    from customer_segments
    union all
    select
        'complaint_resolution' as segment_type,
        complaint_resolution as segment,
        *
    from customer_segments
    union all
    select
        'detractor_recovery' as segment_type,
        detractor_recovery as segment,
        *
    from customer_segments
    where detractor_recovery is not null
),

aggregated as (
    select
        segment_type,
        segment,
        count(*) as customer_count,
        count(*) filter (where not is_lost) as retained_customer_count,
        count(*) filter (where is_lost) as lost_customer_count,
        sum(net_revenue_usd) as net_revenue_usd,
        {{ average_to_the_cent('net_revenue_usd') }} as avg_net_revenue_usd,
        sum(clv_usd) as clv_usd,
        {{ average_to_the_cent('clv_usd') }} as avg_clv_usd
    from segment_rows
    group by segment_type, segment
),

final as (
    select
        {{ dbt.concat(["aggregated.segment_type", "':'", "aggregated.segment"]) }} as customer_segment_id,
        aggregated.segment_type,
        aggregated.segment,
        cast(aggregated.customer_count as bigint) as customer_count,
        cast(aggregated.retained_customer_count as bigint) as retained_customer_count,
        cast(aggregated.lost_customer_count as bigint) as lost_customer_count,
        cast(round(aggregated.retained_customer_count / aggregated.customer_count, 4) as double) as retention_rate,
        cast(round(aggregated.lost_customer_count / aggregated.customer_count, 4) as double) as churn_rate,
        cast(aggregated.net_revenue_usd as decimal(18, 2)) as net_revenue_usd,
        cast(aggregated.avg_net_revenue_usd as decimal(18, 2)) as avg_net_revenue_usd,
        cast(aggregated.clv_usd as decimal(18, 2)) as clv_usd,
        cast(aggregated.avg_clv_usd as decimal(18, 2)) as avg_clv_usd,
        cast(
            case
                when aggregated.segment_type = 'detractor_recovery' and aggregated.segment = 'recovered'
                    then
                        cast(aggregated.clv_usd * assumptions.gross_margin_rate as decimal(18, 6))
                        * assumptions.recovered_detractor_attribution_rate
            end as decimal(18, 2)
        ) as attributed_value_usd
    from aggregated
    cross join assumptions
)

select * from final

{#- Status history at month grain: one row per customer per calendar month, from the month the
    customer was first seen to the month of the as-of date (var lifecycle_as_of_date, default today).
    The status is the one on the month's last day (the as-of date itself in its month), taken from
    fct_customer_status_transitions; short spells inside a month show in status_change_count. -#}


with

transitions as (
    select * from {{ ref('fct_customer_status_transitions') }}
),

customer_first_months as (
    select
        customer_id,
        cast(date_trunc('month', min(status_started_date)) as date) as first_month
    from transitions
    group by customer_id
),

customer_months as (
    select
        customer_id,
        {{ month_series_dates(
            'first_month', "cast(date_trunc('month', " ~ as_of_date() ~ ") as date)"
        ) }} as status_month
    from customer_first_months
),

snapshots as (
    select
        customer_id,
        status_month,
        least(last_day(status_month), {{ as_of_date() }}) as snapshot_date
    from customer_months
),

monthly_changes as (
    select
        customer_id,
        cast(date_trunc('month', status_started_date) as date) as status_month,
        count(*) as status_change_count
    from transitions
    group by customer_id, cast(date_trunc('month', status_started_date) as date)
),

statuses as (
    select
        snapshots.customer_id,
        snapshots.status_month,
        snapshots.snapshot_date,
        transitions.customer_status,
        transitions.churn_type
    from snapshots
    {{ asof_join(
        'inner', 'transitions', 'customer_id', 'snapshots.customer_id', 'snapshots.snapshot_date', 'status_started_date'
    ) }}
),

final as (
    select
        statuses.customer_id || ':' || {{ format_date_sql(
            'statuses.status_month', '%Y-%m'
        ) }} as customer_status_month_id,
        statuses.customer_id,
        statuses.customer_status,
        statuses.churn_type,
        lag(statuses.customer_status) over by_month as previous_month_status,
        coalesce(monthly_changes.status_change_count, 0) as status_change_count,
        coalesce(statuses.customer_status != lag(statuses.customer_status) over by_month, false)
            as is_status_changed,
        statuses.status_month,
        statuses.snapshot_date
    from statuses
    left join monthly_changes
        on
            statuses.customer_id = monthly_changes.customer_id
            and statuses.status_month = monthly_changes.status_month
    window by_month as (partition by statuses.customer_id order by statuses.status_month)
)

select * from final

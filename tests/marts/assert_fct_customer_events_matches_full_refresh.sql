{#- The incremental fct_customer_events equals a full refresh: the same rows as the non-incremental
    int_customer__events (a view over the conformed events and the identity crosswalk),
    nothing missing, nothing extra, nothing stale. Returns the differing rows with the side they
    are on. -#}

with

incremental_rows as (
    select * from {{ ref('fct_customer_events') }}
),

full_refresh_rows as (
    -- same columns in the same order: the mart's enforced contract mirrors the view's final select
    select * from {{ ref('int_customer__events') }}
),

only_incremental as (
    select * from incremental_rows
    except all
    select * from full_refresh_rows
),

only_full_refresh as (
    select * from full_refresh_rows
    except all
    select * from incremental_rows
),

final as (
    select
        'only in fct_customer_events' as side,
        *
    from only_incremental
    union all
    select
        'only in a full refresh' as side,
        *
    from only_full_refresh
)

select * from final

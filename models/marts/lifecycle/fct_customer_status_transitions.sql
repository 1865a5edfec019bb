{{ config(materialized='table') }}

{#- Every change of a customer's status, to the day, from the day the customer was first seen up to
    the as-of date (var lifecycle_as_of_date, default today): the published copy of
    int_customer__status_periods, where the status rules are defined (the one place; intermediate
    models that need a status read it there, never this mart). -#}

with

status_periods as (
    select * from {{ ref('int_customer__status_periods') }}
),

final as (
    select
        status_transition_id,
        customer_id,
        previous_status,
        customer_status,
        churn_type,
        churn_reason,
        transition_trigger,
        is_current_status,
        last_activity_date,
        status_started_date,
        status_ended_date
    from status_periods
)

select * from final

{#- The calendar MetricFlow joins metrics to (its time spine): one row per day from 2000-01-01 to
    2049-12-31, wider than any date in the marts (the generator's history starts after 2015). It reads
    no other model and holds no customer data. -#}

with

days as (
    {{ day_rows("date '2000-01-01'", "date '2050-01-01'") }}
),

final as (
    select date_day
    from days
)

select * from final

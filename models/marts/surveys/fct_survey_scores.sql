{#- Survey results, one row per survey program × analysis grain × grain value. Scores are computed per
    program (survey_id) only, so transactional and relationship results are never mixed into one
    number. Grains: `overall`, `month` (YYYY-MM of the response), `segment` (rfm_segment), `region`
    (state_code), `customer_status`, `link_method`; a respondent without a value (anonymous-link or
    unresolved) counts under `unknown`. Computed from the intermediate models, so every response
    counts with its respondent's attributes (dim_customers joined privately), consented or not — only
    aggregates leave this model. Only finished responses (is_finished) are scored and counted;
    unfinished ones are counted apart in unfinished_count. Formulas, over finished responses with a
    valid score: NPS = 100 × (promoters 9-10 − detractors 0-6) / scored; CSAT = 100 × share of 4-5 on
    1-5; CES = mean of 1-7 and 100 × share of easy 5-7. `metric_value` is the program's own metric.
    Small cells: when scored_count < var('survey_min_cell_size') the metrics and the score-band and
    alert counts are null and is_suppressed is true (response counts stay). So that such a cell cannot
    be derived as the overall row minus the other cells of its grain, when exactly one cell of a
    program's grain is below the minimum, the smallest other cell of that grain is suppressed too
    (complementary suppression). An overall row is suppressed only when it is below the minimum. -#}

{%- set grains = {
    'overall': "'all'",
    'month': format_date_sql('recorded_month', '%Y-%m') | trim,
    'segment': 'rfm_segment',
    'region': 'state_code',
    'customer_status': 'customer_status',
    'link_method': 'link_method',
} %}
{%- set min_cell = var('survey_min_cell_size') | int %}

with

responses as (
    select * from {{ ref('int_customer__survey_responses') }}
),

links as (
    select * from {{ ref('int_surveys__response_links') }}
),

alerts as (
    select * from {{ ref('int_surveys__alerts') }}
),

customers as (
    select * from {{ ref('dim_customers') }}
),

respondents as (
    select
        responses.survey_id,
        responses.survey_name,
        responses.survey_type,
        responses.touchpoint,
        responses.metric,
        links.link_method,
        customers.state_code,
        customers.rfm_segment,
        customers.customer_status,
        case when responses.is_finished then responses.score end as score,
        responses.is_finished,
        alerts.response_key is not null as is_alert,
        cast(date_trunc('month', responses.recorded_date) as date) as recorded_month
    from responses
    left join links
        on responses.response_key = links.response_key
    left join alerts
        on responses.response_key = alerts.response_key
    left join customers
        on responses.customer_id = customers.customer_id
),

by_grain as (
    {%- for grain, expression in grains.items() %}
    select
        survey_id,
        '{{ grain }}' as grain,
        coalesce(cast({{ expression }} as {{ dbt.type_string() }}), 'unknown') as grain_value,
        any_value(survey_name) as survey_name,
        any_value(survey_type) as survey_type,
        any_value(touchpoint) as touchpoint,
        any_value(metric) as metric,
        count(*) filter (where is_finished) as response_count,
        count(*) filter (where not is_finished) as unfinished_count,
        count(score) as scored_count,
        count(*) filter (where score >= 9) as promoter_count,
        count(*) filter (where score between 7 and 8) as passive_count,
        count(*) filter (where score <= 6) as detractor_count,
        count(*) filter (where score between 4 and 5) as satisfied_count,
        count(*) filter (where score between 5 and 7) as easy_count,
        count(*) filter (where is_alert) as alert_count,
        sum(score) as score_sum
    from respondents
    group by survey_id, grain, grain_value
    {%- if not loop.last %}
    union all
    {%- endif %}
    {%- endfor %}
),

small_cells as (
    select
        *,
        scored_count < {{ min_cell }} as is_below_minimum
    from by_grain
),

complemented as (
    select
        *,
        count(*) filter (where is_below_minimum) over (partition by survey_id, grain) = 1
        and row_number() over (
            partition by survey_id, grain, is_below_minimum
            order by scored_count asc, grain_value asc
        ) = 1
        and not is_below_minimum as is_complementary
    from small_cells
),

scored as (
    select
        *,
        is_below_minimum or is_complementary as is_suppressed,
        case
            when metric = 'nps' and scored_count > 0
                then round(100.0 * (promoter_count - detractor_count) / scored_count, 1)
        end as nps_score,
        case
            when metric = 'csat' and scored_count > 0
                then round(100.0 * satisfied_count / scored_count, 1)
        end as csat_percent,
        case
            when metric = 'ces' and scored_count > 0
                then round(score_sum / scored_count, 2)
        end as ces_average,
        case
            when metric = 'ces' and scored_count > 0
                then round(100.0 * easy_count / scored_count, 1)
        end as ces_easy_percent
    from complemented
),

final as (
    select
        survey_id || ':' || grain || ':' || grain_value as survey_score_id,
        survey_id,
        survey_name,
        survey_type,
        touchpoint,
        metric,
        grain,
        grain_value,
        cast(response_count as bigint) as response_count,
        cast(unfinished_count as bigint) as unfinished_count,
        cast(scored_count as bigint) as scored_count,
        cast(case when metric = 'nps' and not is_suppressed then promoter_count end as bigint) as promoter_count,
        cast(case when metric = 'nps' and not is_suppressed then passive_count end as bigint) as passive_count,
        cast(case when metric = 'nps' and not is_suppressed then detractor_count end as bigint) as detractor_count,
        cast(case when metric = 'csat' and not is_suppressed then satisfied_count end as bigint) as satisfied_count,
        cast(case when metric = 'ces' and not is_suppressed then easy_count end as bigint) as easy_count,
        cast(case when not is_suppressed then alert_count end as bigint) as alert_count,
        cast(case when not is_suppressed then nps_score end as double) as nps_score,
        cast(case when not is_suppressed then csat_percent end as double) as csat_percent,
        cast(case when not is_suppressed then ces_average end as double) as ces_average,
        cast(case when not is_suppressed then ces_easy_percent end as double) as ces_easy_percent,
        cast(case when not is_suppressed then coalesce(nps_score, csat_percent, ces_average) end as double)
            as metric_value,
        is_suppressed
    from scored
)

select * from final

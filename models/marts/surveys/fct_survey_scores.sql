{#- Survey results, one row per survey program × analysis grain × grain value. Scores are computed per
    program (survey_id) only, so transactional and relationship results are never mixed into one
    number. Grains: `overall`, `month` (YYYY-MM of the response), `segment` (rfm_segment), `region`
    (state_code), `customer_status`, `link_method`; a respondent without a value (anonymous or
    unresolved) counts under `unknown`. Every response counts, consented or not (aggregates only).
    Formulas, over responses with a valid score: NPS = 100 × (promoters 9-10 − detractors 0-6) /
    scored; CSAT = 100 × share of 4-5 on 1-5; CES = mean of 1-7 and 100 × share of easy 5-7.
    `metric_value` is the program's own metric (NPS, CSAT % or CES mean). -#}

{%- set grains = {
    'overall': "'all'",
    'month': "strftime(recorded_month, '%Y-%m')",
    'segment': 'rfm_segment',
    'region': 'state_code',
    'customer_status': 'customer_status',
    'link_method': 'link_method',
} %}

with

responses as (
    select * from {{ ref('fct_survey_responses') }}
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
        count(*) as response_count,
        count(score) as scored_count,
        count(*) filter (where score >= 9) as promoter_count,
        count(*) filter (where score between 7 and 8) as passive_count,
        count(*) filter (where score <= 6) as detractor_count,
        count(*) filter (where score between 4 and 5) as satisfied_count,
        count(*) filter (where score between 5 and 7) as easy_count,
        count(*) filter (where is_alert) as alert_count,
        sum(score) as score_sum
    from responses
    group by survey_id, grain, grain_value
    {%- if not loop.last %}
    union all
    {%- endif %}
    {%- endfor %}
),

scored as (
    select
        *,
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
    from by_grain
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
        cast(scored_count as bigint) as scored_count,
        cast(case when metric = 'nps' then promoter_count end as bigint) as promoter_count,
        cast(case when metric = 'nps' then passive_count end as bigint) as passive_count,
        cast(case when metric = 'nps' then detractor_count end as bigint) as detractor_count,
        cast(case when metric = 'csat' then satisfied_count end as bigint) as satisfied_count,
        cast(case when metric = 'ces' then easy_count end as bigint) as easy_count,
        cast(alert_count as bigint) as alert_count,
        cast(nps_score as double) as nps_score,
        cast(csat_percent as double) as csat_percent,
        cast(ces_average as double) as ces_average,
        cast(ces_easy_percent as double) as ces_easy_percent,
        cast(coalesce(nps_score, csat_percent, ces_average) as double) as metric_value
    from scored
)

select * from final

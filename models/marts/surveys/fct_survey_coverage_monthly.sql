{#- True survey coverage as aggregates, one row per touchpoint × month of the experience: experiences
    that should trigger a transactional survey (completed delivery, completed installation, solved
    ticket; ref_survey_touchpoints), how many of them at least one response rates
    (int_surveys__response_links, any link method) and the responses — every response counts here,
    consented or not, finished or not (the survey was answered). No customer, experience or response
    is shown. The per-experience view fct_survey_coverage counts consented responses only. -#}

with

experiences as (
    select * from {{ ref('int_surveys__experiences') }}
),

links as (
    select * from {{ ref('int_surveys__response_links') }}
    where is_linked
),

response_counts as (
    select
        linked_experience_key,
        count(*) as response_count
    from links
    group by linked_experience_key
),

monthly as (
    select
        experiences.touchpoint,
        cast(date_trunc('month', experiences.experience_at) as date) as experience_month,
        count(*) as experience_count,
        count(response_counts.linked_experience_key) as covered_experience_count,
        coalesce(sum(response_counts.response_count), 0) as response_count
    from experiences
    left join response_counts
        on experiences.experience_key = response_counts.linked_experience_key
    group by experiences.touchpoint, experience_month
),

final as (
    select
        touchpoint || ':' || {{ format_date_sql('experience_month', '%Y-%m') }} as survey_coverage_month_id,
        touchpoint,
        cast(experience_count as bigint) as experience_count,
        cast(covered_experience_count as bigint) as covered_experience_count,
        cast(response_count as bigint) as response_count,
        cast(round(100.0 * covered_experience_count / experience_count, 1) as double) as coverage_percent,
        experience_month
    from monthly
)

select * from final

{#- Survey coverage per experience: every experience that should trigger a transactional survey — a
    completed delivery, a completed installation, a solved ticket (ref_survey_touchpoints) — one row
    each, with the number of CONSENTED responses linked to it (int_surveys__response_links, any link
    method) and has_survey. A response whose respondent did not consent is not counted here: the row
    names the customer and the experience, so counting it would tell who answered anonymously. An
    experience rated only anonymously therefore shows as not covered here; the true coverage, all
    responses included, is in the aggregate fct_survey_coverage_monthly (touchpoint × month). -#}

with

experiences as (
    select * from {{ ref('int_surveys__experiences') }}
),

links as (
    select * from {{ ref('int_surveys__response_links') }}
    where is_linked
),

responses as (
    select * from {{ ref('int_customer__survey_responses') }}
),

consented_links as (
    select links.*
    from links
    inner join responses
        on links.response_key = responses.response_key
    where responses.has_consent_to_be_named
),

response_counts as (
    select
        linked_experience_key,
        count(*) as response_count
    from consented_links
    group by linked_experience_key
),

final as (
    select
        experiences.experience_key,
        experiences.customer_id,
        experiences.touchpoint,
        experiences.event_type,
        cast(coalesce(response_counts.response_count, 0) as bigint) as response_count,
        response_counts.linked_experience_key is not null as has_survey,
        cast(experiences.experience_at as date) as experience_date,
        experiences.experience_at
    from experiences
    left join response_counts
        on experiences.experience_key = response_counts.linked_experience_key
)

select * from final

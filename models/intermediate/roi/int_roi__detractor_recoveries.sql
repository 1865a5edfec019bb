{#- Detractors who recovered: one row per customer whose consented NPS responses
    (int_lifecycle__survey_responses) include a detractor score (0-6) followed by a later passive or
    promoter score. The detractor response is the customer's first one; the recovery is the first
    later non-detractor response. Only consented responses are used (approximation: the survey marts
    of the closed loop may define recovery more finely). -#}

with

survey_responses as (
    select * from {{ ref('int_lifecycle__survey_responses') }}
    where metric = 'nps' and nps_group is not null
),

first_detractions as (
    select
        customer_id,
        response_key as detractor_response_key,
        score as detractor_score,
        recorded_at as detracted_at
    from survey_responses
    where nps_group = 'detractor'
    qualify row_number() over (partition by customer_id order by recorded_at, response_key) = 1
),

recoveries as (
    select
        first_detractions.customer_id,
        first_detractions.detractor_response_key,
        survey_responses.response_key as recovery_response_key,
        survey_responses.nps_group as recovered_nps_group,
        first_detractions.detractor_score,
        survey_responses.score as recovery_score,
        first_detractions.detracted_at,
        survey_responses.recorded_at as recovered_at
    from first_detractions
    inner join survey_responses
        on
            first_detractions.customer_id = survey_responses.customer_id
            and first_detractions.detracted_at < survey_responses.recorded_at
            and survey_responses.nps_group != 'detractor'
    qualify row_number() over (
        partition by first_detractions.customer_id order by survey_responses.recorded_at, survey_responses.response_key
    ) = 1
),

final as (
    select
        customer_id,
        detractor_response_key,
        recovery_response_key,
        recovered_nps_group,
        cast(detractor_score as integer) as detractor_score,
        cast(recovery_score as integer) as recovery_score,
        cast(detracted_at as date) as detracted_date,
        cast(recovered_at as date) as recovered_date,
        detracted_at,
        recovered_at
    from recoveries
)

select * from final

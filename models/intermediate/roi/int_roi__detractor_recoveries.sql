{%- set window_days = var('survey_recovery_window_days') -%}

{#- Detractors who recovered, for the ROI aggregates: one row per customer with at least one
    recovered NPS detractor response. The one definition of recovery, the closed loop's
    (fct_survey_alerts): a later response of the same customer to the same survey program
    (survey_id), recorded within var('survey_recovery_window_days') ({{ window_days }}) days
    (whole days between the dates, 0..N) after the detractor response, with a higher score that is no
    longer a detractor (passive or promoter). Built on every response (int_customer__survey_responses,
    consented or not): the ROI marts publish aggregates only, so an anonymous respondent counts
    without being named. The row is the customer's first detractor response that recovered and its
    first recovering response. -#}

with

survey_responses as (
    select * from {{ ref('int_customer__survey_responses') }}
    where metric = 'nps' and nps_group is not null and customer_id is not null and is_finished
),

detractions as (
    select * from survey_responses
    where nps_group = 'detractor'
),

recoveries as (
    select
        detractions.customer_id,
        detractions.survey_id,
        detractions.response_key as detractor_response_key,
        later.response_key as recovery_response_key,
        later.nps_group as recovered_nps_group,
        detractions.score as detractor_score,
        later.score as recovery_score,
        detractions.recorded_at as detracted_at,
        later.recorded_at as recovered_at
    from detractions
    inner join survey_responses as later
        on
            detractions.customer_id = later.customer_id
            and detractions.survey_id = later.survey_id
            and detractions.recorded_at < later.recorded_at
            and detractions.score < later.score
            and later.nps_group != 'detractor'
            and {{ date_diff_sql('day', 'detractions.recorded_date', 'later.recorded_date') }} <= {{ window_days }}
    qualify row_number() over (
        partition by detractions.customer_id
        order by detractions.recorded_at, detractions.response_key, later.recorded_at, later.response_key
    ) = 1
),

final as (
    select
        customer_id,
        survey_id,
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

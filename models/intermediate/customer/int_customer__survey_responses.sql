{#- Every usable survey response (consented or not), one row per response: the survey program, the
    checked score and its band, the trigger ids passed in the embedded data, the consent flag and the
    respondent's customer. customer_id is kept here ONLY for internal linking (experiences, owners,
    aggregates by segment); person-level marts expose it only when has_consent_to_be_named (an
    anonymous-link response has no consent). A score outside its metric's range is nulled and flagged.
    Empty when the survey system is switched off. -#}

{% if source_enabled('surveys') %}

with

responses as (
    select * from {{ ref('stg_surveys__responses') }}
    where not is_rejected
),

surveys as (
    select * from {{ ref('stg_surveys__surveys') }}
    where not is_rejected
),

crosswalk as (
    select * from {{ ref('int_identity__crosswalk') }}
),

joined as (
    select
        responses.record_key as response_key,
        responses.response_id,
        crosswalk.customer_id,
        responses.survey_id,
        surveys.survey_name,
        surveys.survey_type,
        surveys.touchpoint,
        surveys.metric,
        {{ record_key('orders', 'orders', 'responses.triggering_order_id') }} as triggering_order_key,
        {{ record_key('orders', 'projects', 'responses.triggering_project_id') }} as triggering_project_key,
        {{ record_key('support', 'tickets', 'responses.triggering_ticket_id') }} as triggering_ticket_key,
        responses.distribution_channel,
        nullif(trim(responses.comment_text), '') as comment_text,
        responses.score as score_as_given,
        case
            when surveys.metric = 'nps' and responses.score between 0 and 10 then responses.score
            when surveys.metric = 'csat' and responses.score between 1 and 5 then responses.score
            when surveys.metric = 'ces' and responses.score between 1 and 7 then responses.score
        end as score,
        coalesce(responses.is_finished, false) as is_finished,
        coalesce(responses.has_consent_to_be_named, false) as has_consent_to_be_named,
        responses.recorded_at
    from responses
    left join crosswalk
        on responses.record_key = crosswalk.record_key
    left join surveys
        on responses.survey_id = surveys.survey_id
),

final as (
    select
        response_key,
        response_id,
        customer_id,
        survey_id,
        triggering_order_key,
        triggering_project_key,
        triggering_ticket_key,
        survey_name,
        survey_type,
        touchpoint,
        metric,
        distribution_channel,
        comment_text,
        case
            when metric = 'nps' and score >= 9 then 'promoter'
            when metric = 'nps' and score >= 7 then 'passive'
            when metric = 'nps' then 'detractor'
        end as nps_group,
        cast(score as integer) as score,
        score_as_given is not null and score is null as is_score_out_of_range,
        is_finished,
        has_consent_to_be_named,
        cast(recorded_at as date) as recorded_date,
        recorded_at
    from joined
)

select * from final

{% else %}

select
    cast(null as {{ dbt.type_string() }}) as response_key,
    cast(null as {{ dbt.type_string() }}) as response_id,
    cast(null as {{ dbt.type_string() }}) as customer_id,
    cast(null as {{ dbt.type_string() }}) as survey_id,
    cast(null as {{ dbt.type_string() }}) as triggering_order_key,
    cast(null as {{ dbt.type_string() }}) as triggering_project_key,
    cast(null as {{ dbt.type_string() }}) as triggering_ticket_key,
    cast(null as {{ dbt.type_string() }}) as survey_name,
    cast(null as {{ dbt.type_string() }}) as survey_type,
    cast(null as {{ dbt.type_string() }}) as touchpoint,
    cast(null as {{ dbt.type_string() }}) as metric,
    cast(null as {{ dbt.type_string() }}) as distribution_channel,
    cast(null as {{ dbt.type_string() }}) as comment_text,
    cast(null as {{ dbt.type_string() }}) as nps_group,
    cast(null as integer) as score,
    cast(null as boolean) as is_score_out_of_range,
    cast(null as boolean) as is_finished,
    cast(null as boolean) as has_consent_to_be_named,
    cast(null as date) as recorded_date,
    cast(null as timestamp) as recorded_at
where false

{% endif %}

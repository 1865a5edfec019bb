{#- Survey responses of customers that may be used person by person: only responses whose
    respondent agreed to be named to their account team (`has_consent_to_be_named`) are kept. The
    score is checked against its survey's metric (NPS 0-10, CSAT 1-5, CES 1-7); a score outside the
    range is nulled. The customer is the response's (int_identity__crosswalk). Empty when the survey
    system is switched off. -#}

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
        crosswalk.customer_id,
        responses.survey_id,
        surveys.survey_type,
        surveys.touchpoint,
        surveys.metric,
        coalesce(
            {{ record_key('support', 'tickets', 'responses.triggering_ticket_id') }},
            {{ record_key('orders', 'projects', 'responses.triggering_project_id') }},
            {{ record_key('orders', 'orders', 'responses.triggering_order_id') }}
        ) as triggering_record_key,
        {{ record_key('support', 'tickets', 'responses.triggering_ticket_id') }} as triggering_ticket_key,
        responses.comment_text,
        responses.score as score_as_given,
        case
            when surveys.metric = 'nps' and responses.score between 0 and 10 then responses.score
            when surveys.metric = 'csat' and responses.score between 1 and 5 then responses.score
            when surveys.metric = 'ces' and responses.score between 1 and 7 then responses.score
        end as score,
        responses.is_finished,
        responses.recorded_at
    from responses
    inner join crosswalk
        on responses.record_key = crosswalk.record_key
    left join surveys
        on responses.survey_id = surveys.survey_id
    where responses.has_consent_to_be_named
),

final as (
    select
        response_key,
        customer_id,
        survey_id,
        triggering_record_key,
        triggering_ticket_key,
        survey_type,
        touchpoint,
        metric,
        comment_text,
        score,
        case
            when metric = 'nps' and score >= 9 then 'promoter'
            when metric = 'nps' and score >= 7 then 'passive'
            when metric = 'nps' then 'detractor'
        end as nps_group,
        score_as_given is not null and score is null as is_score_out_of_range,
        is_finished,
        cast(recorded_at as date) as recorded_date,
        recorded_at
    from joined
)

select * from final

{% else %}

select
    cast(null as {{ dbt.type_string() }}) as response_key,
    cast(null as {{ dbt.type_string() }}) as customer_id,
    cast(null as {{ dbt.type_string() }}) as survey_id,
    cast(null as {{ dbt.type_string() }}) as triggering_record_key,
    cast(null as {{ dbt.type_string() }}) as triggering_ticket_key,
    cast(null as {{ dbt.type_string() }}) as survey_type,
    cast(null as {{ dbt.type_string() }}) as touchpoint,
    cast(null as {{ dbt.type_string() }}) as metric,
    cast(null as {{ dbt.type_string() }}) as comment_text,
    cast(null as integer) as score,
    cast(null as {{ dbt.type_string() }}) as nps_group,
    cast(null as boolean) as is_score_out_of_range,
    cast(null as boolean) as is_finished,
    cast(null as date) as recorded_date,
    cast(null as timestamp) as recorded_at
where false

{% endif %}

with

source as (
    select * from {{ source('surveys', 'responses') }}
),

renamed as (
    select
        {{ clean_text('id') }} as response_id,
        {{ clean_text('survey_id') }} as survey_id,
        {{ clean_text('ed_order_id') }} as triggering_order_id,
        {{ clean_text('ed_project_id') }} as triggering_project_id,
        {{ clean_text('ed_ticket_id') }} as triggering_ticket_id,
        {{ clean_text('recipient_first_name', null_words=false) }} as recipient_first_name,
        {{ clean_text('recipient_last_name', null_words=false) }} as recipient_last_name,
        {{ clean_text('recipient_email') }} as recipient_email,
        {{ clean_text('recipient_phone') }} as recipient_phone,
        {{ category('distribution_channel') }} as distribution_channel,
        {{ clean_text('comment') }} as comment_text,
        {{ parse_integer('score') }} as score,
        {{ parse_boolean('is_finished') }} as is_finished,
        {{ parse_boolean('consent_to_be_named') }} as has_consent_to_be_named,
        {{ parse_timestamp_utc('start_date') }} as started_at,
        {{ parse_timestamp_utc('recorded_date') }} as recorded_at,
        coalesce({{ parse_timestamp_utc('_loaded_at') }}, _file_modified_at) as loaded_at,
        {{ unparsed_fields({
            'score': parse_integer('score'),
            'is_finished': parse_boolean('is_finished'),
            'consent_to_be_named': parse_boolean('consent_to_be_named'),
            'start_date': parse_timestamp_utc('start_date'),
            'recorded_date': parse_timestamp_utc('recorded_date'),
            '_loaded_at': parse_timestamp_utc('_loaded_at'),
        }) }} as unparsed_fields,
        _source_row_number as source_row_number,
        {{ raw_row_json('source') }} as raw_row
    from source
),

validated as (
    select
        *,
        {{ rejection_reason([
            ('response_id is null', 'missing id'),
            ('survey_id is null', 'missing survey_id'),
            ('recorded_at is null', 'missing or invalid recorded_date'),
        ], unique_id='response_id') }} as rejection_reason
    from renamed
),

final as (
    select
        {{ record_key('surveys', 'responses', 'response_id') }} as record_key,
        response_id,
        survey_id,
        triggering_order_id,
        triggering_project_id,
        triggering_ticket_id,
        recipient_first_name,
        recipient_last_name,
        recipient_email,
        recipient_phone,
        distribution_channel,
        comment_text,
        score,
        unparsed_fields,
        rejection_reason,
        source_row_number,
        case when rejection_reason is not null then raw_row end as rejected_raw_row,
        rejection_reason is not null as is_rejected,
        is_finished,
        has_consent_to_be_named,
        started_at,
        recorded_at,
        loaded_at
    from validated
)

select * from final

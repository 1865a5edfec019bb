with

source as (
    select * from {{ source('contact_center', 'interactions') }}
),

renamed as (
    select
        {{ clean_text('id') }} as interaction_id,
        {{ clean_text('ticket_id') }} as ticket_id,
        {{ clean_text('agent_id') }} as agent_id,
        {{ category('channel') }} as channel,
        {{ category('queue') }} as queue,
        {{ category('reason_code') }} as contact_reason,
        {{ category('outcome') }} as outcome,
        {{ clean_text('caller_name', null_words=false) }} as caller_name,
        {{ clean_text('caller_email') }} as caller_email,
        {{ clean_text('caller_phone') }} as caller_phone,
        {{ clean_text('caller_postal_code') }} as caller_postal_code,
        {{ parse_integer('duration_seconds') }} as duration_seconds,
        {{ parse_local_timestamp_utc('started_at_local', var('contact_center_timezone')) }} as started_at,
        coalesce({{ parse_timestamp_utc('exported_at') }}, _file_modified_at) as loaded_at,
        {{ unparsed_fields({
            'duration_seconds': parse_integer('duration_seconds'),
            'started_at_local': parse_local_timestamp_utc('started_at_local', var('contact_center_timezone')),
            'exported_at': parse_timestamp_utc('exported_at'),
        }) }} as unparsed_fields,
        _source_row_number as source_row_number,
        {{ raw_row_json('source') }} as raw_row
    from source
),

validated as (
    select
        *,
        {{ rejection_reason([
            ('interaction_id is null', 'missing id'),
            ('channel is null', 'missing channel'),
            ('started_at is null', 'missing or invalid started_at_local'),
        ], unique_id='interaction_id') }} as rejection_reason
    from renamed
),

final as (
    select
        {{ record_key('contact_center', 'interactions', 'interaction_id') }} as record_key,
        interaction_id,
        ticket_id,
        agent_id,
        channel,
        queue,
        contact_reason,
        outcome,
        caller_name,
        caller_email,
        caller_phone,
        caller_postal_code,
        duration_seconds,
        unparsed_fields,
        rejection_reason,
        source_row_number,
        case when rejection_reason is not null then raw_row end as rejected_raw_row,
        rejection_reason is not null as is_rejected,
        started_at,
        loaded_at
    from validated
)

select * from final

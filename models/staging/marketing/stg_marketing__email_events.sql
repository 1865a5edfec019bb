with

source as (
    select * from {{ source('marketing', 'email_events') }}
),

renamed as (
    select
        {{ clean_text('id') }} as email_event_id,
        {{ clean_text('send_id') }} as send_id,
        {{ category('event_type') }} as event_type,
        {{ clean_text('url') }} as clicked_url,
        {{ parse_timestamp_utc('occurred_at') }} as occurred_at,
        coalesce({{ parse_timestamp_utc('_loaded_at') }}, _file_modified_at) as loaded_at,
        {{ unparsed_fields({
            'occurred_at': parse_timestamp_utc('occurred_at'),
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
            ('email_event_id is null', 'missing id'),
            ('send_id is null', 'missing send_id'),
            ('event_type is null', 'missing event_type'),
            ('occurred_at is null', 'missing or invalid occurred_at'),
        ], unique_id='email_event_id') }} as rejection_reason
    from renamed
),

final as (
    select
        {{ record_key('marketing', 'email_events', 'email_event_id') }} as record_key,
        email_event_id,
        send_id,
        event_type,
        clicked_url,
        unparsed_fields,
        rejection_reason,
        source_row_number,
        case when rejection_reason is not null then raw_row end as rejected_raw_row,
        rejection_reason is not null as is_rejected,
        occurred_at,
        loaded_at
    from validated
)

select * from final

with

source as (
    select * from {{ source('policy', 'policy_events') }}
),

renamed as (
    select
        {{ clean_text('event_id') }} as policy_event_id,
        {{ clean_text('policy_number') }} as policy_id,
        {{ category('event_type') }} as event_type,
        {{ category('reason_code') }} as event_reason,
        {{ parse_date('notice_sent_date', '%m/%d/%Y') }} as notice_sent_date,
        {{ parse_date('event_date', '%m/%d/%Y') }} as event_date,
        coalesce(cast({{ parse_date('extract_date', '%m/%d/%Y') }} as timestamp), _file_modified_at) as loaded_at,
        {{ unparsed_fields({
            'notice_sent_date': parse_date('notice_sent_date', '%m/%d/%Y'),
            'event_date': parse_date('event_date', '%m/%d/%Y'),
            'extract_date': parse_date('extract_date', '%m/%d/%Y'),
        }) }} as unparsed_fields,
        _source_row_number as source_row_number,
        {{ raw_row_json('source') }} as raw_row
    from source
),

validated as (
    select
        *,
        {{ rejection_reason([
            ('policy_event_id is null', 'missing id'),
            ('policy_id is null', 'missing policy_number'),
            ('event_type is null', 'missing event_type'),
            ('event_date is null', 'missing or invalid event_date'),
        ], unique_id='policy_event_id') }} as rejection_reason
    from renamed
),

final as (
    select
        {{ record_key('policy', 'policy_events', 'policy_event_id') }} as record_key,
        policy_event_id,
        policy_id,
        event_type,
        event_reason,
        unparsed_fields,
        rejection_reason,
        source_row_number,
        case when rejection_reason is not null then raw_row end as rejected_raw_row,
        rejection_reason is not null as is_rejected,
        notice_sent_date,
        event_date,
        loaded_at
    from validated
)

select * from final

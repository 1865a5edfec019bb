{#- Landed as Parquet, possibly with typed columns: the macros cast to text first, so the SQL is the
    same as for CSV sources. -#}
with

source as (
    select * from {{ source('web', 'page_events') }}
),

renamed as (
    select
        {{ clean_text('id') }} as page_event_id,
        {{ clean_text('session_id') }} as session_id,
        {{ clean_text('cookie_id') }} as cookie_id,
        {{ clean_text('user_id') }} as web_user_id,
        {{ category('event_type') }} as event_type,
        {{ clean_text('page_path') }} as page_path,
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
            ('page_event_id is null', 'missing id'),
            ('session_id is null', 'missing session_id'),
            ('cookie_id is null', 'missing cookie_id'),
            ('event_type is null', 'missing event_type'),
            ('occurred_at is null', 'missing or invalid occurred_at'),
        ], unique_id='page_event_id') }} as rejection_reason
    from renamed
),

final as (
    select
        {{ record_key('web', 'page_events', 'page_event_id') }} as record_key,
        page_event_id,
        session_id,
        cookie_id,
        web_user_id,
        event_type,
        page_path,
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

{#- Landed as Parquet, possibly with typed columns: the macros cast to text first, so the SQL is the
    same as for CSV sources. -#}
with

source as (
    select * from {{ source('web', 'sessions') }}
),

renamed as (
    select
        {{ clean_text('id') }} as session_id,
        {{ clean_text('cookie_id') }} as cookie_id,
        {{ clean_text('user_id') }} as web_user_id,
        {{ clean_text('landing_page') }} as landing_page_path,
        {{ clean_text('referrer') }} as referrer_host,
        {{ clean_text('utm_source') }} as utm_source,
        {{ clean_text('utm_campaign') }} as utm_campaign,
        {{ category('device_type') }} as device_type,
        {{ parse_timestamp_utc('started_at') }} as started_at,
        {{ parse_timestamp_utc('ended_at') }} as ended_at,
        coalesce({{ parse_timestamp_utc('_loaded_at') }}, _file_modified_at) as loaded_at,
        {{ unparsed_fields({
            'started_at': parse_timestamp_utc('started_at'),
            'ended_at': parse_timestamp_utc('ended_at'),
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
            ('session_id is null', 'missing id'),
            ('cookie_id is null', 'missing cookie_id'),
            ('started_at is null', 'missing or invalid started_at'),
        ], unique_id='session_id') }} as rejection_reason
    from renamed
),

final as (
    select
        {{ record_key('web', 'sessions', 'session_id') }} as record_key,
        session_id,
        cookie_id,
        web_user_id,
        landing_page_path,
        referrer_host,
        utm_source,
        utm_campaign,
        device_type,
        unparsed_fields,
        rejection_reason,
        source_row_number,
        case when rejection_reason is not null then raw_row end as rejected_raw_row,
        rejection_reason is not null as is_rejected,
        started_at,
        ended_at,
        loaded_at
    from validated
)

select * from final

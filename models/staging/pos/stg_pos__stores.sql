with

source as (
    select * from {{ source('pos', 'stores') }}
),

renamed as (
    select
        {{ clean_text('id') }} as store_id,
        {{ clean_text('name') }} as store_name,
        {{ clean_text('city') }} as city,
        {{ clean_text('state') }} as state,
        {{ clean_text('timezone') }} as time_zone,
        {{ parse_date('opened_date') }} as opened_date,
        coalesce({{ parse_timestamp_utc('_loaded_at') }}, _file_modified_at) as loaded_at,
        {{ unparsed_fields({
            'opened_date': parse_date('opened_date'),
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
            ('store_id is null', 'missing id'),
        ], unique_id='store_id') }} as rejection_reason
    from renamed
),

final as (
    select
        {{ record_key('pos', 'stores', 'store_id') }} as record_key,
        store_id,
        store_name,
        city,
        state,
        time_zone,
        unparsed_fields,
        rejection_reason,
        source_row_number,
        case when rejection_reason is not null then raw_row end as rejected_raw_row,
        rejection_reason is not null as is_rejected,
        opened_date,
        loaded_at
    from validated
)

select * from final

with

source as (
    select * from {{ source('pos', 'loyalty_members') }}
),

renamed as (
    select
        {{ clean_text('card_number') }} as loyalty_card_number,
        {{ clean_text('home_store_id') }} as home_store_id,
        {{ clean_text('first_name', null_words=false) }} as first_name,
        {{ clean_text('last_name', null_words=false) }} as last_name,
        {{ clean_text('email') }} as email,
        {{ clean_text('phone') }} as phone,
        {{ clean_text('postal_code') }} as postal_code,
        {{ parse_timestamp_utc('enrolled_at') }} as enrolled_at,
        coalesce({{ parse_timestamp_utc('_loaded_at') }}, _file_modified_at) as loaded_at,
        {{ unparsed_fields({
            'enrolled_at': parse_timestamp_utc('enrolled_at'),
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
            ('loyalty_card_number is null', 'missing id'),
        ], unique_id='loyalty_card_number') }} as rejection_reason
    from renamed
),

final as (
    select
        {{ record_key('pos', 'loyalty_members', 'loyalty_card_number') }} as record_key,
        loyalty_card_number,
        home_store_id,
        first_name,
        last_name,
        email,
        phone,
        postal_code,
        unparsed_fields,
        rejection_reason,
        source_row_number,
        case when rejection_reason is not null then raw_row end as rejected_raw_row,
        rejection_reason is not null as is_rejected,
        enrolled_at,
        loaded_at
    from validated
)

select * from final

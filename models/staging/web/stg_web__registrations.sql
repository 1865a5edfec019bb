with

source as (
    select * from {{ source('web', 'registrations') }}
),

renamed as (
    select
        {{ clean_text('id') }} as web_user_id,
        {{ clean_text('cookie_id') }} as cookie_id,
        {{ clean_text('first_name', null_words=false) }} as first_name,
        {{ clean_text('last_name', null_words=false) }} as last_name,
        {{ clean_text('email') }} as email,
        {{ clean_text('phone') }} as phone,
        {{ clean_text('postal_code') }} as postal_code,
        {{ parse_boolean('is_marketing_opt_in') }} as is_marketing_opt_in,
        {{ parse_timestamp_utc('registered_at') }} as registered_at,
        coalesce({{ parse_timestamp_utc('_loaded_at') }}, _file_modified_at) as loaded_at,
        {{ unparsed_fields({
            'is_marketing_opt_in': parse_boolean('is_marketing_opt_in'),
            'registered_at': parse_timestamp_utc('registered_at'),
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
            ('web_user_id is null', 'missing id'),
        ], unique_id='web_user_id') }} as rejection_reason
    from renamed
),

final as (
    select
        {{ record_key('web', 'registrations', 'web_user_id') }} as record_key,
        web_user_id,
        cookie_id,
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
        is_marketing_opt_in,
        registered_at,
        loaded_at
    from validated
)

select * from final

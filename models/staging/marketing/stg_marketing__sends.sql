with

source as (
    select * from {{ source('marketing', 'sends') }}
),

renamed as (
    select
        {{ clean_text('id') }} as send_id,
        {{ clean_text('campaign_id') }} as campaign_id,
        {{ clean_text('recipient_id') }} as recipient_id,
        {{ category('channel') }} as channel,
        {{ clean_text('first_name', null_words=false) }} as first_name,
        {{ clean_text('last_name', null_words=false) }} as last_name,
        {{ clean_text('email') }} as email,
        {{ clean_text('address_line_1') }} as address_line_1,
        {{ clean_text('address_line_2') }} as address_line_2,
        {{ clean_text('city') }} as city,
        {{ clean_text('state') }} as state,
        {{ clean_text('postal_code') }} as postal_code,
        {{ parse_timestamp_utc('sent_at') }} as sent_at,
        coalesce({{ parse_timestamp_utc('_loaded_at') }}, _file_modified_at) as loaded_at,
        {{ unparsed_fields({
            'sent_at': parse_timestamp_utc('sent_at'),
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
            ('send_id is null', 'missing id'),
            ('campaign_id is null', 'missing campaign_id'),
            ('recipient_id is null', 'missing recipient_id'),
            ('channel is null', 'missing channel'),
            ('sent_at is null', 'missing or invalid sent_at'),
        ], unique_id='send_id') }} as rejection_reason
    from renamed
),

final as (
    select
        {{ record_key('marketing', 'sends', 'send_id') }} as record_key,
        send_id,
        campaign_id,
        recipient_id,
        channel,
        first_name,
        last_name,
        email,
        address_line_1,
        address_line_2,
        city,
        state,
        postal_code,
        unparsed_fields,
        rejection_reason,
        source_row_number,
        case when rejection_reason is not null then raw_row end as rejected_raw_row,
        rejection_reason is not null as is_rejected,
        sent_at,
        loaded_at
    from validated
)

select * from final

with

source as (
    select * from {{ source('billing', 'customers') }}
),

renamed as (
    select
        {{ clean_text('id') }} as billing_customer_id,
        {{ clean_text('name') }} as customer_name,
        {{ clean_text('email') }} as email,
        {{ clean_text('phone') }} as phone,
        {{ clean_text('address_line1') }} as address_line_1,
        {{ clean_text('address_line2') }} as address_line_2,
        {{ clean_text('address_city') }} as city,
        {{ clean_text('address_state') }} as state,
        {{ clean_text('address_postal_code') }} as postal_code,
        upper({{ clean_text('address_country') }}) as country_code,
        upper({{ clean_text('currency') }}) as currency_code,
        {{ parse_boolean('delinquent') }} as is_delinquent,
        {{ parse_epoch_utc('created') }} as created_at,
        coalesce({{ parse_timestamp_utc('_fivetran_synced') }}, _file_modified_at) as loaded_at,
        {{ unparsed_fields({
            'delinquent': parse_boolean('delinquent'),
            'created': parse_epoch_utc('created'),
            '_fivetran_synced': parse_timestamp_utc('_fivetran_synced'),
        }) }} as unparsed_fields,
        _source_row_number as source_row_number,
        {{ raw_row_json('source') }} as raw_row
    from source
),

validated as (
    select
        *,
        {{ rejection_reason([
            ('billing_customer_id is null', 'missing id'),
        ], unique_id='billing_customer_id') }} as rejection_reason
    from renamed
),

final as (
    select
        {{ record_key('billing', 'customers', 'billing_customer_id') }} as record_key,
        billing_customer_id,
        customer_name,
        email,
        phone,
        address_line_1,
        address_line_2,
        city,
        state,
        postal_code,
        country_code,
        currency_code,
        unparsed_fields,
        rejection_reason,
        source_row_number,
        case when rejection_reason is not null then raw_row end as rejected_raw_row,
        rejection_reason is not null as is_rejected,
        is_delinquent,
        created_at,
        loaded_at
    from validated
)

select * from final

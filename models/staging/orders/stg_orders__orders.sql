with

source as (
    select * from {{ source('orders', 'orders') }}
),

renamed as (
    select
        {{ clean_text('id') }} as order_id,
        {{ clean_text('billing_customer_id') }} as billing_customer_id,
        {{ clean_text('order_number') }} as order_number,
        {{ clean_text('customer_name', null_words=false) }} as customer_name,
        {{ clean_text('email') }} as email,
        {{ clean_text('phone') }} as phone,
        {{ clean_text('shipping_address_1') }} as shipping_address_line_1,
        {{ clean_text('shipping_address_2') }} as shipping_address_line_2,
        {{ clean_text('shipping_city') }} as shipping_city,
        upper({{ clean_text('shipping_province_code') }}) as shipping_state_code,
        {{ clean_text('shipping_zip') }} as shipping_postal_code,
        upper({{ clean_text('shipping_country_code') }}) as shipping_country_code,
        {{ category('channel') }} as order_channel,
        {{ category('financial_status') }} as financial_status,
        {{ category('fulfillment_status') }} as fulfillment_status,
        {{ category('cancel_reason') }} as cancel_reason,
        upper({{ clean_text('currency') }}) as currency_code,
        {{ parse_decimal('subtotal_price') }} as subtotal_usd,
        {{ parse_decimal('total_tax') }} as tax_usd,
        {{ parse_decimal('total_price') }} as total_usd,
        {{ parse_timestamp_utc('created_at') }} as created_at,
        {{ parse_timestamp_utc('cancelled_at') }} as cancelled_at,
        {{ parse_timestamp_utc('updated_at') }} as updated_at,
        coalesce({{ parse_timestamp_utc('updated_at') }}, _file_modified_at) as loaded_at,
        {{ unparsed_fields({
            'subtotal_price': parse_decimal('subtotal_price'),
            'total_tax': parse_decimal('total_tax'),
            'total_price': parse_decimal('total_price'),
            'created_at': parse_timestamp_utc('created_at'),
            'cancelled_at': parse_timestamp_utc('cancelled_at'),
            'updated_at': parse_timestamp_utc('updated_at'),
        }) }} as unparsed_fields,
        _source_row_number as source_row_number,
        {{ raw_row_json('source') }} as raw_row
    from source
),

validated as (
    select
        *,
        {{ rejection_reason([
            ('order_id is null', 'missing id'),
            ('total_usd is null', 'missing or invalid total_price'),
            ('total_usd < 0', 'negative total_price'),
            ('created_at is null', 'missing or invalid created_at'),
        ], unique_id='order_id') }} as rejection_reason
    from renamed
),

final as (
    select
        {{ record_key('orders', 'orders', 'order_id') }} as record_key,
        order_id,
        billing_customer_id,
        order_number,
        customer_name,
        email,
        phone,
        shipping_address_line_1,
        shipping_address_line_2,
        shipping_city,
        shipping_state_code,
        shipping_postal_code,
        shipping_country_code,
        order_channel,
        financial_status,
        fulfillment_status,
        cancel_reason,
        currency_code,
        subtotal_usd,
        tax_usd,
        total_usd,
        unparsed_fields,
        rejection_reason,
        source_row_number,
        case when rejection_reason is not null then raw_row end as rejected_raw_row,
        rejection_reason is not null as is_rejected,
        created_at,
        cancelled_at,
        updated_at,
        loaded_at
    from validated
)

select * from final

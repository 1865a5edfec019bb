with

source as (
    select * from {{ source('orders', 'order_lines') }}
),

renamed as (
    select
        {{ clean_text('id') }} as order_line_id,
        {{ clean_text('order_id') }} as order_id,
        {{ clean_text('sku') }} as sku,
        {{ clean_text('product_title') }} as product_name,
        {{ category('product_category') }} as product_category,
        {{ parse_integer('quantity') }} as quantity,
        {{ parse_decimal('price') }} as unit_price_usd,
        {{ parse_decimal('total_discount') }} as discount_usd,
        {{ parse_timestamp_utc('updated_at') }} as updated_at,
        coalesce({{ parse_timestamp_utc('updated_at') }}, _file_modified_at) as loaded_at,
        {{ unparsed_fields({
            'quantity': parse_integer('quantity'),
            'price': parse_decimal('price'),
            'total_discount': parse_decimal('total_discount'),
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
            ('order_line_id is null', 'missing id'),
            ('order_id is null', 'missing order_id'),
            ('quantity is null or quantity = 0', 'missing or invalid quantity'),
            ('quantity < 0', 'negative quantity'),
            ('unit_price_usd is null', 'missing or invalid price'),
            ('unit_price_usd < 0', 'negative price'),
        ], unique_id='order_line_id') }} as rejection_reason
    from renamed
),

final as (
    select
        {{ record_key('orders', 'order_lines', 'order_line_id') }} as record_key,
        order_line_id,
        order_id,
        sku,
        product_name,
        product_category,
        quantity,
        unit_price_usd,
        discount_usd,
        unparsed_fields,
        rejection_reason,
        source_row_number,
        case when rejection_reason is not null then raw_row end as rejected_raw_row,
        rejection_reason is not null as is_rejected,
        updated_at,
        loaded_at
    from validated
)

select * from final

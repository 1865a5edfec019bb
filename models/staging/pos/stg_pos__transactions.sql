with

source as (
    select * from {{ source('pos', 'transactions') }}
),

renamed as (
    select
        {{ clean_text('id') }} as transaction_id,
        {{ clean_text('store_id') }} as store_id,
        {{ clean_text('register_id') }} as register_id,
        {{ clean_text('loyalty_card_number') }} as loyalty_card_number,
        {{ clean_text('customer_name', null_words=false) }} as customer_name,
        {{ clean_text('customer_email') }} as customer_email,
        {{ category('tender_type') }} as tender_type,
        {{ parse_integer('item_count') }} as item_count,
        {{ parse_decimal('total_amount') }} as total_amount_usd,
        {{ parse_decimal('tax_amount') }} as tax_amount_usd,
        {{ parse_timestamp_utc('transacted_at') }} as transacted_at,
        coalesce({{ parse_timestamp_utc('_loaded_at') }}, _file_modified_at) as loaded_at,
        {{ unparsed_fields({
            'item_count': parse_integer('item_count'),
            'total_amount': parse_decimal('total_amount'),
            'tax_amount': parse_decimal('tax_amount'),
            'transacted_at': parse_timestamp_utc('transacted_at'),
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
            ('transaction_id is null', 'missing id'),
            ('store_id is null', 'missing store_id'),
            ('transacted_at is null', 'missing or invalid transacted_at'),
            ('total_amount_usd is null', 'missing or invalid total_amount'),
            ('total_amount_usd < 0', 'negative total_amount'),
        ], unique_id='transaction_id') }} as rejection_reason
    from renamed
),

final as (
    select
        {{ record_key('pos', 'transactions', 'transaction_id') }} as record_key,
        transaction_id,
        store_id,
        register_id,
        loyalty_card_number,
        customer_name,
        customer_email,
        tender_type,
        item_count,
        total_amount_usd,
        tax_amount_usd,
        unparsed_fields,
        rejection_reason,
        source_row_number,
        case when rejection_reason is not null then raw_row end as rejected_raw_row,
        rejection_reason is not null as is_rejected,
        transacted_at,
        loaded_at
    from validated
)

select * from final

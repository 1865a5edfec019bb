with

source as (
    select * from {{ source('billing', 'payments') }}
),

renamed as (
    select
        {{ clean_text('id') }} as payment_id,
        {{ clean_text('invoice_id') }} as invoice_id,
        {{ clean_text('customer_id') }} as billing_customer_id,
        {{ category('status') }} as payment_status,
        {{ category('payment_method_type') }} as payment_method_type,
        {{ clean_text('failure_code') }} as failure_code,
        upper({{ clean_text('currency') }}) as currency_code,
        {{ cents_to_usd('amount') }} as amount_usd,
        {{ parse_epoch_utc('created') }} as created_at,
        coalesce({{ parse_timestamp_utc('_fivetran_synced') }}, _file_modified_at) as loaded_at,
        {{ unparsed_fields({
            'amount': cents_to_usd('amount'),
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
            ('payment_id is null', 'missing id'),
            ('billing_customer_id is null', 'missing customer_id'),
            ('amount_usd is null or amount_usd = 0', 'missing or invalid amount'),
            ('amount_usd < 0', 'negative amount'),
            ('payment_status is null', 'missing status'),
            ('created_at is null', 'missing or invalid created'),
        ], unique_id='payment_id') }} as rejection_reason
    from renamed
),

final as (
    select
        {{ record_key('billing', 'payments', 'payment_id') }} as record_key,
        payment_id,
        invoice_id,
        billing_customer_id,
        payment_status,
        payment_method_type,
        failure_code,
        currency_code,
        amount_usd,
        unparsed_fields,
        rejection_reason,
        source_row_number,
        case when rejection_reason is not null then raw_row end as rejected_raw_row,
        rejection_reason is not null as is_rejected,
        created_at,
        loaded_at
    from validated
)

select * from final

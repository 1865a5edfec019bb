with

source as (
    select * from {{ source('billing', 'invoices') }}
),

renamed as (
    select
        {{ clean_text('id') }} as invoice_id,
        {{ clean_text('customer_id') }} as billing_customer_id,
        {{ clean_text('order_id') }} as order_id,
        {{ clean_text('number') }} as invoice_number,
        {{ category('status') }} as invoice_status,
        upper({{ clean_text('currency') }}) as currency_code,
        {{ cents_to_usd('amount_due') }} as amount_due_usd,
        {{ cents_to_usd('amount_paid') }} as amount_paid_usd,
        {{ parse_epoch_utc('created') }} as created_at,
        {{ parse_epoch_utc('due_date') }} as due_at,
        coalesce({{ parse_timestamp_utc('_fivetran_synced') }}, _file_modified_at) as loaded_at,
        {{ unparsed_fields({
            'amount_due': cents_to_usd('amount_due'),
            'amount_paid': cents_to_usd('amount_paid'),
            'created': parse_epoch_utc('created'),
            'due_date': parse_epoch_utc('due_date'),
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
            ('invoice_id is null', 'missing id'),
            ('billing_customer_id is null', 'missing customer_id'),
            ('invoice_status is null', 'missing status'),
            ('amount_due_usd is null', 'missing or invalid amount_due'),
            ('amount_due_usd < 0', 'negative amount_due'),
            ('created_at is null', 'missing or invalid created'),
        ], unique_id='invoice_id') }} as rejection_reason
    from renamed
),

final as (
    select
        {{ record_key('billing', 'invoices', 'invoice_id') }} as record_key,
        invoice_id,
        billing_customer_id,
        order_id,
        invoice_number,
        invoice_status,
        currency_code,
        amount_due_usd,
        amount_paid_usd,
        unparsed_fields,
        rejection_reason,
        source_row_number,
        case when rejection_reason is not null then raw_row end as rejected_raw_row,
        rejection_reason is not null as is_rejected,
        created_at,
        due_at,
        loaded_at
    from validated
)

select * from final

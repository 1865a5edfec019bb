with

source as (
    select * from {{ source('billing', 'refunds') }}
),

renamed as (
    select
        {{ clean_text('id') }} as refund_id,
        {{ clean_text('payment_id') }} as payment_id,
        {{ category('reason') }} as refund_reason,
        {{ category('status') }} as refund_status,
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
            ('refund_id is null', 'missing id'),
            ('payment_id is null', 'missing payment_id'),
            ('amount_usd is null or amount_usd = 0', 'missing or invalid amount'),
            ('amount_usd < 0', 'negative amount'),
            ('refund_status is null', 'missing status'),
            ('created_at is null', 'missing or invalid created'),
        ], unique_id='refund_id') }} as rejection_reason
    from renamed
),

final as (
    select
        {{ record_key('billing', 'refunds', 'refund_id') }} as record_key,
        refund_id,
        payment_id,
        refund_reason,
        refund_status,
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

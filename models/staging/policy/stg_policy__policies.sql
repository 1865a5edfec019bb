with

source as (
    select * from {{ source('policy', 'policies') }}
),

renamed as (
    select
        {{ clean_text('policy_number') }} as policy_id,
        {{ clean_text('holder_id') }} as policy_holder_id,
        {{ category('product_line') }} as product_line,
        {{ category('status') }} as policy_status,
        {{ parse_decimal('annual_premium') }} as annual_premium_usd,
        {{ parse_date('effective_date', '%m/%d/%Y') }} as effective_date,
        {{ parse_date('expiration_date', '%m/%d/%Y') }} as expiration_date,
        coalesce(cast({{ parse_date('extract_date', '%m/%d/%Y') }} as timestamp), _file_modified_at) as loaded_at,
        {{ unparsed_fields({
            'annual_premium': parse_decimal('annual_premium'),
            'effective_date': parse_date('effective_date', '%m/%d/%Y'),
            'expiration_date': parse_date('expiration_date', '%m/%d/%Y'),
            'extract_date': parse_date('extract_date', '%m/%d/%Y'),
        }) }} as unparsed_fields,
        _source_row_number as source_row_number,
        {{ raw_row_json('source') }} as raw_row
    from source
),

validated as (
    select
        *,
        {{ rejection_reason([
            ('policy_id is null', 'missing id'),
            ('policy_holder_id is null', 'missing holder_id'),
            ('policy_status is null', 'missing status'),
            ('effective_date is null', 'missing or invalid effective_date'),
        ], unique_id='policy_id') }} as rejection_reason
    from renamed
),

final as (
    select
        {{ record_key('policy', 'policies', 'policy_id') }} as record_key,
        policy_id,
        policy_holder_id,
        product_line,
        policy_status,
        annual_premium_usd,
        unparsed_fields,
        rejection_reason,
        source_row_number,
        case when rejection_reason is not null then raw_row end as rejected_raw_row,
        rejection_reason is not null as is_rejected,
        effective_date,
        expiration_date,
        loaded_at
    from validated
)

select * from final

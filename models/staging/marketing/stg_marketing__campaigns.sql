with

source as (
    select * from {{ source('marketing', 'campaigns') }}
),

renamed as (
    select
        {{ clean_text('id') }} as campaign_id,
        {{ clean_text('name') }} as campaign_name,
        {{ category('channel') }} as channel,
        {{ category('intent') }} as intent,
        {{ category('product_line') }} as product_line,
        {{ parse_decimal('budget_usd') }} as budget_usd,
        {{ parse_date('start_date') }} as start_date,
        {{ parse_date('end_date') }} as end_date,
        {{ parse_timestamp_utc('created_at') }} as created_at,
        coalesce({{ parse_timestamp_utc('_loaded_at') }}, _file_modified_at) as loaded_at,
        {{ unparsed_fields({
            'budget_usd': parse_decimal('budget_usd'),
            'start_date': parse_date('start_date'),
            'end_date': parse_date('end_date'),
            'created_at': parse_timestamp_utc('created_at'),
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
            ('campaign_id is null', 'missing id'),
            ('campaign_name is null', 'missing name'),
            ('channel is null', 'missing channel'),
            ('intent is null', 'missing intent'),
            ('created_at is null', 'missing or invalid created_at'),
        ], unique_id='campaign_id') }} as rejection_reason
    from renamed
),

final as (
    select
        {{ record_key('marketing', 'campaigns', 'campaign_id') }} as record_key,
        campaign_id,
        campaign_name,
        channel,
        intent,
        product_line,
        budget_usd,
        unparsed_fields,
        rejection_reason,
        source_row_number,
        case when rejection_reason is not null then raw_row end as rejected_raw_row,
        rejection_reason is not null as is_rejected,
        start_date,
        end_date,
        created_at,
        loaded_at
    from validated
)

select * from final

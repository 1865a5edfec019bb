with

source as (
    select * from {{ source('crm', 'opportunities') }}
),

renamed as (
    select
        {{ clean_text('id') }} as opportunity_id,
        {{ clean_text('account_id') }} as account_id,
        {{ clean_text('contact_id') }} as contact_id,
        {{ clean_text('owner_id') }} as owner_user_id,
        {{ clean_text('name') }} as opportunity_name,
        {{ category('stage_name') }} as opportunity_stage,
        {{ category('type') }} as opportunity_type,
        {{ category('lead_source') }} as lead_source,
        {{ parse_decimal('amount') }} as amount_usd,
        {{ parse_boolean('is_closed') }} as is_closed,
        {{ parse_boolean('is_won') }} as is_won,
        {{ parse_boolean('is_deleted') }} as is_deleted,
        {{ parse_date('close_date') }} as close_date,
        {{ parse_timestamp_utc('created_date') }} as created_at,
        {{ parse_timestamp_utc('last_modified_date') }} as last_modified_at,
        coalesce({{ parse_timestamp_utc('_fivetran_synced') }}, _file_modified_at) as loaded_at,
        {{ unparsed_fields({
            'amount': parse_decimal('amount'),
            'is_closed': parse_boolean('is_closed'),
            'is_won': parse_boolean('is_won'),
            'is_deleted': parse_boolean('is_deleted'),
            'close_date': parse_date('close_date'),
            'created_date': parse_timestamp_utc('created_date'),
            'last_modified_date': parse_timestamp_utc('last_modified_date'),
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
            ('opportunity_id is null', 'missing id'),
            ('opportunity_stage is null', 'missing stage_name'),
            ('created_at is null', 'missing or invalid created_date'),
        ], unique_id='opportunity_id') }} as rejection_reason
    from renamed
),

final as (
    select
        {{ record_key('crm', 'opportunities', 'opportunity_id') }} as record_key,
        opportunity_id,
        account_id,
        contact_id,
        owner_user_id,
        opportunity_name,
        opportunity_stage,
        opportunity_type,
        lead_source,
        amount_usd,
        unparsed_fields,
        rejection_reason,
        source_row_number,
        case when rejection_reason is not null then raw_row end as rejected_raw_row,
        rejection_reason is not null as is_rejected,
        is_closed,
        is_won,
        is_deleted,
        close_date,
        created_at,
        last_modified_at,
        loaded_at
    from validated
)

select * from final

with

source as (
    select * from {{ source('crm', 'accounts') }}
),

renamed as (
    select
        {{ clean_text('id') }} as account_id,
        {{ clean_text('owner_id') }} as owner_user_id,
        {{ clean_text('name') }} as account_name,
        {{ category('type') }} as account_type,
        {{ clean_text('billing_street') }} as billing_street,
        {{ clean_text('billing_city') }} as billing_city,
        {{ clean_text('billing_state') }} as billing_state,
        {{ clean_text('billing_postal_code') }} as billing_postal_code,
        {{ clean_text('billing_country') }} as billing_country,
        {{ clean_text('phone') }} as phone,
        {{ parse_boolean('is_deleted') }} as is_deleted,
        {{ parse_timestamp_utc('created_date') }} as created_at,
        {{ parse_timestamp_utc('last_modified_date') }} as last_modified_at,
        coalesce({{ parse_timestamp_utc('_fivetran_synced') }}, _file_modified_at) as loaded_at,
        {{ unparsed_fields({
            'is_deleted': parse_boolean('is_deleted'),
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
            ('account_id is null', 'missing id'),
            ('account_name is null', 'missing name'),
            ('created_at is null', 'missing or invalid created_date'),
        ], unique_id='account_id') }} as rejection_reason
    from renamed
),

final as (
    select
        {{ record_key('crm', 'accounts', 'account_id') }} as record_key,
        account_id,
        owner_user_id,
        account_name,
        account_type,
        billing_street,
        billing_city,
        billing_state,
        billing_postal_code,
        billing_country,
        phone,
        unparsed_fields,
        rejection_reason,
        source_row_number,
        case when rejection_reason is not null then raw_row end as rejected_raw_row,
        rejection_reason is not null as is_rejected,
        is_deleted,
        created_at,
        last_modified_at,
        loaded_at
    from validated
)

select * from final

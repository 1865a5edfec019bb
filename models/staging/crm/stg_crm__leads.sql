with

source as (
    select * from {{ source('crm', 'leads') }}
),

renamed as (
    select
        {{ clean_text('id') }} as lead_id,
        {{ clean_text('owner_id') }} as owner_user_id,
        {{ clean_text('converted_account_id') }} as converted_account_id,
        {{ clean_text('converted_contact_id') }} as converted_contact_id,
        {{ clean_text('converted_opportunity_id') }} as converted_opportunity_id,
        {{ clean_text('first_name', null_words=false) }} as first_name,
        {{ clean_text('last_name', null_words=false) }} as last_name,
        {{ clean_text('company') }} as company_name,
        {{ clean_text('email') }} as email,
        {{ clean_text('phone') }} as phone,
        {{ clean_text('street') }} as street,
        {{ clean_text('city') }} as city,
        {{ clean_text('state') }} as state,
        {{ clean_text('postal_code') }} as postal_code,
        {{ clean_text('country') }} as country,
        {{ category('status') }} as lead_status,
        {{ category('lead_source') }} as lead_source,
        {{ parse_boolean('is_converted') }} as is_converted,
        {{ parse_boolean('is_deleted') }} as is_deleted,
        {{ parse_date('converted_date') }} as converted_date,
        {{ parse_timestamp_utc('created_date') }} as created_at,
        {{ parse_timestamp_utc('last_modified_date') }} as last_modified_at,
        coalesce({{ parse_timestamp_utc('_fivetran_synced') }}, _file_modified_at) as loaded_at,
        {{ unparsed_fields({
            'is_converted': parse_boolean('is_converted'),
            'is_deleted': parse_boolean('is_deleted'),
            'converted_date': parse_date('converted_date'),
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
            ('lead_id is null', 'missing id'),
        ], unique_id='lead_id') }} as rejection_reason
    from renamed
),

final as (
    select
        {{ record_key('crm', 'leads', 'lead_id') }} as record_key,
        lead_id,
        owner_user_id,
        converted_account_id,
        converted_contact_id,
        converted_opportunity_id,
        first_name,
        last_name,
        company_name,
        email,
        phone,
        street,
        city,
        state,
        postal_code,
        country,
        lead_status,
        lead_source,
        unparsed_fields,
        rejection_reason,
        source_row_number,
        case when rejection_reason is not null then raw_row end as rejected_raw_row,
        rejection_reason is not null as is_rejected,
        is_converted,
        is_deleted,
        converted_date,
        created_at,
        last_modified_at,
        loaded_at
    from validated
)

select * from final

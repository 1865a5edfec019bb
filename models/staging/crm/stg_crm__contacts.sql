with

source as (
    select * from {{ source('crm', 'contacts') }}
),

renamed as (
    select
        {{ clean_text('id') }} as contact_id,
        {{ clean_text('account_id') }} as account_id,
        {{ clean_text('owner_id') }} as owner_user_id,
        {{ clean_text('salutation') }} as salutation,
        {{ clean_text('first_name', null_words=false) }} as first_name,
        {{ clean_text('middle_name', null_words=false) }} as middle_name,
        {{ clean_text('last_name', null_words=false) }} as last_name,
        {{ clean_text('suffix') }} as name_suffix,
        {{ clean_text('email') }} as email,
        {{ clean_text('phone') }} as phone,
        {{ clean_text('mobile_phone') }} as mobile_phone,
        {{ clean_text('mailing_street') }} as mailing_street,
        {{ clean_text('mailing_city') }} as mailing_city,
        {{ clean_text('mailing_state') }} as mailing_state,
        {{ clean_text('mailing_postal_code') }} as mailing_postal_code,
        {{ clean_text('mailing_country') }} as mailing_country,
        {{ category('lead_source') }} as lead_source,
        {{ parse_boolean('is_deleted') }} as is_deleted,
        {{ parse_birth_date('birthdate') }} as birth_date,
        {{ clean_text('national_id') }} as national_id,
        {{ parse_timestamp_utc('created_date') }} as created_at,
        {{ parse_timestamp_utc('last_modified_date') }} as last_modified_at,
        coalesce({{ parse_timestamp_utc('_fivetran_synced') }}, _file_modified_at) as loaded_at,
        {{ unparsed_fields({
            'is_deleted': parse_boolean('is_deleted'),
            'birthdate': parse_birth_date('birthdate'),
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
            ('contact_id is null', 'missing id'),
        ], unique_id='contact_id') }} as rejection_reason
    from renamed
),

final as (
    select
        {{ record_key('crm', 'contacts', 'contact_id') }} as record_key,
        contact_id,
        account_id,
        owner_user_id,
        salutation,
        first_name,
        middle_name,
        last_name,
        name_suffix,
        email,
        phone,
        mobile_phone,
        mailing_street,
        mailing_city,
        mailing_state,
        mailing_postal_code,
        mailing_country,
        lead_source,
        unparsed_fields,
        rejection_reason,
        source_row_number,
        case when rejection_reason is not null then raw_row end as rejected_raw_row,
        rejection_reason is not null as is_rejected,
        is_deleted,
        birth_date,
        national_id,
        created_at,
        last_modified_at,
        loaded_at
    from validated
)

select * from final

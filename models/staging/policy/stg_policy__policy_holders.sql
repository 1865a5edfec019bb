{#- The national id (source column ssn; restricted PII) is kept as typed: the conformed layer
    normalises it and checks it by the rule of the record's country (int_conform__persons). -#}

with

source as (
    select * from {{ source('policy', 'policy_holders') }}
),

renamed as (
    select
        {{ clean_text('holder_id') }} as policy_holder_id,
        {{ clean_text('first_name', null_words=false) }} as first_name,
        {{ clean_text('middle_name', null_words=false) }} as middle_name,
        {{ clean_text('last_name', null_words=false) }} as last_name,
        {{ clean_text('name_suffix', null_words=false) }} as name_suffix,
        {{ clean_text('ssn') }} as national_id,
        {{ clean_text('email') }} as email,
        {{ clean_text('phone') }} as phone,
        {{ clean_text('address_line_1') }} as address_line_1,
        {{ clean_text('address_line_2') }} as address_line_2,
        {{ clean_text('city') }} as city,
        {{ clean_text('state') }} as state,
        {{ clean_text('zip') }} as postal_code,
        {{ clean_text('country') }} as country,
        {{ parse_birth_date('birth_date', '%m/%d/%Y') }} as birth_date,
        {{ parse_date('created_date', '%m/%d/%Y') }} as created_date,
        coalesce(cast({{ parse_date('extract_date', '%m/%d/%Y') }} as timestamp), _file_modified_at) as loaded_at,
        {{ unparsed_fields({
            'birth_date': parse_birth_date('birth_date', '%m/%d/%Y'),
            'created_date': parse_date('created_date', '%m/%d/%Y'),
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
            ('policy_holder_id is null', 'missing id'),
        ], unique_id='policy_holder_id') }} as rejection_reason
    from renamed
),

final as (
    select
        {{ record_key('policy', 'policy_holders', 'policy_holder_id') }} as record_key,
        policy_holder_id,
        first_name,
        middle_name,
        last_name,
        name_suffix,
        national_id,
        email,
        phone,
        address_line_1,
        address_line_2,
        city,
        state,
        postal_code,
        country,
        unparsed_fields,
        rejection_reason,
        source_row_number,
        case when rejection_reason is not null then raw_row end as rejected_raw_row,
        rejection_reason is not null as is_rejected,
        birth_date,
        created_date,
        loaded_at
    from validated
)

select * from final

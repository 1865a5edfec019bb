{#- SSN (restricted PII): separators (space, dash, dot) removed; kept only when exactly 9 digits and not
    a pattern the SSA never issues (area 000, 666 or 9xx, group 00, serial 0000). -#}
{%- set ssn_digits = "regexp_replace(" ~ clean_text('ssn') ~ ", '[ .-]', '', 'g')" -%}
{%- set ssn -%}
    case
        when regexp_full_match({{ ssn_digits }}, '[0-8][0-9]{8}')
            and left({{ ssn_digits }}, 3) not in ('000', '666')
            and substr({{ ssn_digits }}, 4, 2) != '00'
            and right({{ ssn_digits }}, 4) != '0000'
            then {{ ssn_digits }}
    end
{%- endset -%}

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
        {{ ssn }} as ssn,
        {{ clean_text('email') }} as email,
        {{ clean_text('phone') }} as phone,
        {{ clean_text('address_line_1') }} as address_line_1,
        {{ clean_text('address_line_2') }} as address_line_2,
        {{ clean_text('city') }} as city,
        {{ clean_text('state') }} as state,
        {{ clean_text('zip') }} as postal_code,
        {{ parse_date('birth_date', '%m/%d/%Y') }} as birth_date,
        {{ parse_date('created_date', '%m/%d/%Y') }} as created_date,
        coalesce(cast({{ parse_date('extract_date', '%m/%d/%Y') }} as timestamp), _file_modified_at) as loaded_at,
        {{ unparsed_fields({
            'ssn': ssn,
            'birth_date': parse_date('birth_date', '%m/%d/%Y'),
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
        ssn,
        right(ssn, 4) as ssn_last4,
        email,
        phone,
        address_line_1,
        address_line_2,
        city,
        state,
        postal_code,
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

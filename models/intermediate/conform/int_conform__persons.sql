{#- Every usable person-bearing record in the shared nomenclature, read by the record's country
    (its own country column, else var source_countries of its system, else var default_country):
    names parsed and cleaned with the canonical first name, email normalised with its match key,
    phone in E.164 by the country's phone plan, street in USPS abbreviations with the unit split
    out, subdivision (ISO 3166-2) and postcode per country, national id normalised and checked by
    the country's rule. Values as given are kept. -#}

with

person_records_as_given as (
    select * from {{ ref('int_conform__person_records') }}
),

person_records as (
    select
        *,
        {{ record_country_code(
            'person_records_as_given.country', 'person_records_as_given.source_system'
        ) }} as country_code
    from person_records_as_given
),

unit_designators as (
    select * from {{ ref('ref_usps_unit_designators') }}
),

with_full_street as (
    -- a second address line joins the street when it holds a unit: a digit, a '#' or a unit designator
    -- first ('Apt 4B', '#4B', 'Rear'). A name alone (a building or an estate: 'Kersley Mews',
    -- 'Rosetta Village'; 'c/o' someone) is not part of the street line, so the records of systems that
    -- leave it out have the same street (DECISIONS §76)
    select
        person_records.*,
        nullif(concat_ws(' ', person_records.street, person_records.unit), '') as street_as_given,
        nullif(concat_ws(
            ' ',
            person_records.street,
            case
                when
                    {{ regexp_contains('person_records.unit', '[0-9#]') }}
                    or unit_designators.designator_input is not null
                    then person_records.unit
            end
        ), '') as full_street
    from person_records
    left join unit_designators
        on regexp_extract(upper(trim(person_records.unit)), '^[A-Z]+', 0) = unit_designators.designator_input
),

standardized_streets as (
    {{ standardize_streets('with_full_street', 'full_street') }}
),

repaired_names as (
    -- mojibake (UTF-8 read as Windows-1252: JosÃ©) put back before the names are parsed
    select
        record_key,
        {{ repair_mojibake('full_name') }} as full_name,
        {{ repair_mojibake('first_name') }} as first_name,
        {{ repair_mojibake('last_name') }} as last_name
    from person_records
),

parsed_names as (
    select
        repaired_names.record_key,
        {{ full_name_parts('repaired_names.full_name') }} as full_name_parts,
        {{ name_clean('repaired_names.first_name') }} as first_name_clean,
        {{ name_clean('repaired_names.last_name') }} as last_name_clean
    from repaired_names
),

names as (
    -- a first-name field holding "john q" keeps "john" and gives the middle initial "q"; a last-name
    -- field holding "nanny v" (a given name and initial in the wrong field) keeps "nanny"
    select
        parsed_names.record_key,
        coalesce(
            {{ name_without_trailing_initial('parsed_names.first_name_clean') }},
            parsed_names.full_name_parts.first_name
        ) as first_name,
        {{ trailing_initial('parsed_names.first_name_clean') }} as middle_initial_from_first_name,
        coalesce(
            {{ name_without_trailing_initial('parsed_names.last_name_clean') }},
            parsed_names.full_name_parts.last_name
        ) as last_name,
        {{ trailing_initial('parsed_names.last_name_clean') }} as middle_initial_from_last_name,
        parsed_names.full_name_parts.middle_initial as middle_initial_from_full_name,
        parsed_names.full_name_parts.name_suffix as name_suffix_from_full_name
    from parsed_names
),

conformed as (
    select
        person_records.record_key,
        person_records.source_system,
        person_records.source_table,
        person_records.source_record_id,
        person_records.person_role,
        coalesce(
            person_records.full_name,
            nullif(concat_ws(' ', person_records.first_name, person_records.middle_name, person_records.last_name), '')
        ) as full_name_as_given,
        names.first_name,
        {{ first_name_canonical('names.first_name') }} as first_name_canonical,
        coalesce(
            {{ middle_initial('person_records.middle_name') }},
            names.middle_initial_from_first_name,
            names.middle_initial_from_last_name,
            names.middle_initial_from_full_name
        ) as middle_initial,
        names.last_name,
        coalesce({{ name_suffix('person_records.name_suffix') }}, names.name_suffix_from_full_name) as name_suffix,
        person_records.email as email_as_given,
        {{ email_normalized('person_records.email') }} as email,
        case
            when {{ is_valid_email('person_records.email') }} then {{ email_match_key('person_records.email') }}
        end as email_match_key,
        {{ email_domain('person_records.email') }} as email_domain,
        person_records.phone as phone_as_given,
        {{ phone_e164('person_records.phone', 'person_records.country_code') }} as phone_e164,
        with_full_street.street_as_given,
        standardized_streets.street_line as address_line_1,
        standardized_streets.street_unit as address_unit,
        standardized_streets.unit_identifier as address_unit_identifier,
        upper({{ name_clean('person_records.city') }}) as city,
        {{ subdivision_code('person_records.state', 'person_records.country_code') }} as state_code,
        person_records.postal_code as postal_code_as_given,
        {{ postal_code('person_records.postal_code', 'person_records.country_code') }} as postal_code,
        person_records.country as country_as_given,
        person_records.country_code,
        {{ national_id_normalized('person_records.national_id') }} as national_id,
        person_records.source_customer_key,
        coalesce({{ is_valid_email('person_records.email') }}, false) as is_email_valid,
        {{ is_national_id_valid(
            national_id_normalized('person_records.national_id'), 'person_records.country_code'
        ) }} as is_national_id_valid,
        person_records.birth_date,
        person_records.first_seen_at,
        person_records.last_seen_at
    from person_records
    inner join names
        on person_records.record_key = names.record_key
    inner join with_full_street
        on person_records.record_key = with_full_street.record_key
    left join standardized_streets
        on with_full_street.full_street = standardized_streets.street_raw
),

final as (
    select
        record_key,
        source_system,
        source_table,
        source_record_id,
        person_role,
        full_name_as_given,
        first_name,
        first_name_canonical,
        middle_initial,
        last_name,
        name_suffix,
        email_as_given,
        email,
        email_match_key,
        email_domain,
        phone_as_given,
        phone_e164,
        street_as_given,
        address_line_1,
        address_unit,
        address_unit_identifier,
        city,
        state_code,
        postal_code_as_given,
        postal_code,
        country_as_given,
        country_code,
        case
            when address_line_1 is not null and postal_code is not null
                then concat_ws('|', address_line_1, coalesce(address_unit_identifier, ''), postal_code, country_code)
            -- no postcode (a country without them, an export without the column): the town and its
            -- state in its place, five parts so it never equals a postcode's key (DECISIONS §75)
            when address_line_1 is not null and city is not null
                then concat_ws(
                    '|', address_line_1, coalesce(address_unit_identifier, ''), city, coalesce(state_code, ''),
                    country_code
                )
        end as address_key,
        national_id,
        source_customer_key,
        is_email_valid,
        is_national_id_valid,
        birth_date,
        first_seen_at,
        last_seen_at
    from conformed
)

select * from final

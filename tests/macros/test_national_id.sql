-- national_id_normalized and is_national_id_valid: every row returned is a case where a macro's output
-- differs from the expected value. Rows without a country are US ids; each row also checks that the macro
-- without a country argument applies the rule of var default_country, whatever that var is set to.
with

cases as (
    select
        case_values.id_raw,
        case_values.country_code,
        case_values.expected_national_id,
        case_values.expected_is_valid
    from (
        values
        -- US Social Security numbers (as the staging rule checked them before)
        ('123-45-6789', null, '123456789', true),
        ('123 45 6789', 'US', '123456789', true),
        ('123.45.6789', 'US', '123456789', true),
        ('000-12-3456', 'US', '000123456', false),
        ('666-12-3456', 'US', '666123456', false),
        ('912-34-5678', 'US', '912345678', false),
        ('123-00-4567', 'US', '123004567', false),
        ('123-45-0000', 'US', '123450000', false),
        ('12345678', 'US', '12345678', false),
        ('1234567890', 'US', '1234567890', false),
        ('111-11-1111', 'US', '111111111', false),
        -- United Kingdom: National Insurance numbers, with spaces and lower case
        ('AB 12 34 56 C', 'GB', 'AB123456C', true),
        ('ab123456c', 'GB', 'AB123456C', true),
        ('QQ 12 34 56 C', 'GB', 'QQ123456C', false),
        ('GB 12 34 56 A', 'GB', 'GB123456A', false),
        ('AB 12 34 56 E', 'GB', 'AB123456E', false),
        ('AO 12 34 56 A', 'GB', 'AO123456A', false),
        -- Germany: 11-digit tax id
        ('12 345 678 901', 'DE', '12345678901', true),
        ('02345678901', 'DE', '02345678901', false),
        ('1234567890', 'DE', '1234567890', false),
        -- Australia: 8-9 digit TFN; a 7-digit register number is kept but not a valid TFN
        ('123 456 782', 'AU', '123456782', true),
        ('12345678', 'AU', '12345678', true),
        ('1234567', 'AU', '1234567', false),
        -- generic rule elsewhere: 5 to 20 letters and digits, not one repeated character
        ('X1234567', 'NZ', 'X1234567', true),
        ('1234', 'NZ', '1234', false),
        ('AAAAAAA', 'NZ', 'AAAAAAA', false),
        ('A1B2C3D4E5F6G7H8J9K0L', 'NZ', 'A1B2C3D4E5F6G7H8J9K0L', false),
        ('12345', null, '12345', false),
        ('-', 'US', null, false),
        ('N/A', 'US', null, false),
        (' . ', 'US', null, false),
        (null, 'US', null, false)
    ) as case_values (id_raw, country_code, expected_national_id, expected_is_valid)
),

normalized as (
    select
        cases.*,
        {{ national_id_normalized('cases.id_raw') }} as actual_national_id
    from cases
),

results as (
    select
        normalized.*,
        {{ is_national_id_valid(
            'normalized.actual_national_id', "coalesce(normalized.country_code, 'US')"
        ) }} as actual_is_valid,
        {{ is_national_id_valid('normalized.actual_national_id') }} as actual_without_country,
        {{ is_national_id_valid(
            'normalized.actual_national_id', default_country_literal()
        ) }} as actual_with_default_country
    from normalized
),

final as (
    select *
    from results
    where
        actual_national_id is distinct from expected_national_id
        or actual_is_valid is distinct from expected_is_valid
        or actual_without_country is distinct from actual_with_default_country
)

select * from final

-- phone_e164: every row returned is a case where the macro's output differs from the expected value.
-- Rows without a country are US numbers; each row also checks that the macro without a country argument
-- reads the number as var default_country does, so the test passes whatever that var is set to.
with

cases as (
    select
        case_values.phone_raw,
        case_values.expected,
        case_values.country_code
    from (
        values
        ('(555) 234-5678', '+15552345678', null),
        ('555.234.5678', '+15552345678', null),
        ('555-234-5678', '+15552345678', null),
        ('5552345678', '+15552345678', null),
        ('1-555-234-5678', '+15552345678', null),
        ('1 (555) 234 5678', '+15552345678', null),
        ('+1 555 234 5678', '+15552345678', null),
        ('+1-555-234-5678', '+15552345678', null),
        ('  555 234 5678  ', '+15552345678', null),
        ('555-234-5678 x123', '+15552345678', null),
        ('555-234-5678x123', '+15552345678', null),
        ('555-234-5678 ext 123', '+15552345678', null),
        ('555-234-5678 ext. 12', '+15552345678', null),
        ('555-234-5678, Extension 4', '+15552345678', null),
        ('555-234-5678 #7', '+15552345678', null),
        ('(212) 555-0100', '+12125550100', null),
        ('+44 20 7946 0958', '+442079460958', null),
        ('+49 (30) 123456', '+4930123456', null),
        ('011 44 20 7946 0958', '+442079460958', null),
        ('+86 10 1234 5678', '+861012345678', null),
        ('055-234-5678', null, null),
        ('155-234-5678', null, null),
        ('555-034-5678', null, null),
        ('555-134-5678', null, null),
        ('234-5678', null, null),
        ('555-234-56789', null, null),
        ('2-555-234-5678', null, null),
        ('+1 055 234 5678', null, null),
        ('+44 1234', null, null),
        ('+1234567890123456', null, null),
        ('+44 1234 5678 9012 34', null, null),
        ('+44 1234 5678 9012 3', '+441234567890123', null),
        ('1-800-FLOWERS', null, null),
        ('call me', null, null),
        ('N/A', null, null),
        ('', null, null),
        (null, null, null),
        ('02 9876 5432', '+61298765432', 'AU'),
        ('(02) 9876-5432', '+61298765432', 'AU'),
        ('0412 345 678', '+61412345678', 'AU'),
        ('0011 44 20 7946 0958', '+442079460958', 'AU'),
        ('+61 2 9876 5432', '+61298765432', 'AU'),
        ('98 76', null, 'AU'),
        ('07700 900123', '+447700900123', 'GB'),
        ('020 7946 0958', '+442079460958', 'GB'),
        ('+44 (0)20 7946 0958', '+442079460958', 'GB'),
        ('447700900123', '+447700900123', 'GB'),
        ('00 49 30 1234567', '+49301234567', 'GB'),
        ('0123', null, 'GB'),
        ('020 7946 0958 1234', null, 'GB'),
        ('030 1234567', '+49301234567', 'DE'),
        ('0151 23456789', '+4915123456789', 'DE'),
        ('06 1234 5678', '+390612345678', 'IT'),
        ('8 495 123 45 67', '+74951234567', 'RU'),
        ('416-555-0100', '+14165550100', 'CA'),
        ('00 44 20 7946 0958', null, 'US'),
        ('003-225-5368', null, 'US'),
        ('00 44 20 7946 0958', null, 'AU'),
        ('00 44 20 7946 0958', '+442079460958', 'XX'),
        ('12345678', null, 'AQ'),
        ('+44 20 7946 0958', '+442079460958', 'AQ'),
        ('0298765432', null, 'XX'),
        ('0044 20 7946 0958', '+442079460958', 'FR')
    ) as case_values (phone_raw, expected, country_code)
),

results as (
    select
        cases.phone_raw,
        cases.country_code,
        cases.expected,
        {{ phone_e164('cases.phone_raw', "coalesce(cases.country_code, 'US')") }} as actual,
        {{ phone_e164('cases.phone_raw') }} as actual_without_country,
        {{ phone_e164('cases.phone_raw', default_country_literal()) }} as actual_with_default_country
    from cases
),

final as (
    select *
    from results
    where
        actual is distinct from expected
        or actual_without_country is distinct from actual_with_default_country
)

select * from final

-- email_normalized, is_valid_email, email_domain and email_match_key: every row returned is a case
-- where a macro's output differs from the expected value.
with

cases as (
    select
        case_values.email_raw,
        case_values.expected_normalized,
        case_values.expected_is_valid,
        case_values.expected_domain,
        case_values.expected_match_key
    from (
        values
        ('John.Smith@Gmail.com', 'john.smith@gmail.com', true, 'gmail.com', 'johnsmith@gmail.com'),
        (
            '  j.o.h.n.smith+promo@gmail.com ', 'j.o.h.n.smith+promo@gmail.com', true, 'gmail.com',
            'johnsmith@gmail.com'
        ),
        ('JohnSmith@googlemail.com', 'johnsmith@googlemail.com', true, 'googlemail.com', 'johnsmith@gmail.com'),
        ('john.smith+news@outlook.com', 'john.smith+news@outlook.com', true, 'outlook.com', 'john.smith@outlook.com'),
        ('john.smith+a+b@hotmail.com', 'john.smith+a+b@hotmail.com', true, 'hotmail.com', 'john.smith@hotmail.com'),
        ('jane+x@live.com', 'jane+x@live.com', true, 'live.com', 'jane@live.com'),
        ('jane.doe+shop@icloud.com', 'jane.doe+shop@icloud.com', true, 'icloud.com', 'jane.doe@icloud.com'),
        ('jane.doe@me.com', 'jane.doe@me.com', true, 'me.com', 'jane.doe@icloud.com'),
        ('jane.doe-shopping@yahoo.com', 'jane.doe-shopping@yahoo.com', true, 'yahoo.com', 'jane.doe@yahoo.com'),
        ('jane+shopping@yahoo.com', 'jane+shopping@yahoo.com', true, 'yahoo.com', 'jane+shopping@yahoo.com'),
        ('mary-ann.qxv@example.com', 'mary-ann.qxv@example.com', true, 'example.com', 'mary-ann.qxv@example.com'),
        ('mary.qxv+tag@example.com', 'mary.qxv+tag@example.com', true, 'example.com', 'mary.qxv+tag@example.com'),
        ('o''brien@company.co.uk', 'o''brien@company.co.uk', true, 'company.co.uk', 'o''brien@company.co.uk'),
        ('+tag@gmail.com', '+tag@gmail.com', true, 'gmail.com', null),
        ('john..smith@example.com', 'john..smith@example.com', false, null, null),
        ('.john@example.com', '.john@example.com', false, null, null),
        ('john@example', 'john@example', false, null, null),
        ('john@@example.com', 'john@@example.com', false, null, null),
        ('john smith@example.com', 'john smith@example.com', false, null, null),
        ('john@-example.com', 'john@-example.com', false, null, null),
        ('johnexample.com', 'johnexample.com', false, null, null),
        ('N/A', null, false, null, null),
        ('', null, false, null, null),
        (null, null, false, null, null)
    ) as case_values (email_raw, expected_normalized, expected_is_valid, expected_domain, expected_match_key)
),

results as (
    select
        cases.*,
        {{ email_normalized('email_raw') }} as actual_normalized,
        {{ is_valid_email('email_raw') }} as actual_is_valid,
        {{ email_domain('email_raw') }} as actual_domain,
        {{ email_match_key('email_raw') }} as actual_match_key
    from cases
),

final as (
    select *
    from results
    where
        actual_normalized is distinct from expected_normalized
        or actual_is_valid is distinct from expected_is_valid
        or actual_domain is distinct from expected_domain
        or actual_match_key is distinct from expected_match_key
)

select * from final

-- zip5 and state_code: every row returned is a case where a macro's output differs from the
-- expected value. The two macros are independent; each row tests one ZIP and one state spelling.
with

cases as (
    select
        case_values.zip_raw,
        case_values.expected_zip5,
        case_values.state_raw,
        case_values.expected_state_code
    from (
        values
        ('02134', '02134', 'MA', 'MA'),
        ('02134-1234', '02134', 'ma', 'MA'),
        ('021341234', '02134', 'Massachusetts', 'MA'),
        ('02134 1234', '02134', 'MASS.', 'MA'),
        ('2134', '02134', 'California', 'CA'),
        ('2134-1234', '02134', 'Calif.', 'CA'),
        ('21341234', '02134', 'calif', 'CA'),
        (' 2134 ', '02134', '  new   york ', 'NY'),
        ('2134.0', '02134', 'N. Mex.', 'NM'),
        ('601', '00601', 'Puerto Rico', 'PR'),
        ('90210', '90210', 'District of Columbia', 'DC'),
        ('90210-', null, 'Washington, D.C.', null),
        ('9021', '09021', 'D. C.', 'DC'),
        ('123456', null, 'Guam', 'GU'),
        ('12', null, 'U.S. Virgin Islands', 'VI'),
        ('K1A 0B6', null, 'Ontario', null),
        ('ABCDE', null, 'XX', null),
        ('N/A', null, 'N/A', null),
        ('', null, '', null),
        (null, null, null, null)
    ) as case_values (zip_raw, expected_zip5, state_raw, expected_state_code)
),

results as (
    select
        cases.*,
        {{ zip5('zip_raw') }} as actual_zip5,
        {{ state_code('state_raw') }} as actual_state_code
    from cases
),

final as (
    select *
    from results
    where
        actual_zip5 is distinct from expected_zip5
        or actual_state_code is distinct from expected_state_code
)

select * from final

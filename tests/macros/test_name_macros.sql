-- name_clean, name_suffix, middle_initial and first_name_canonical: every row returned is a case
-- where a macro's output differs from the expected value.
with

cases as (
    select
        case_values.name_raw,
        case_values.expected_clean,
        case_values.expected_suffix,
        case_values.expected_middle_initial,
        case_values.expected_canonical
    from (
        values
        -- (raw text, expected name_clean, expected name_suffix, expected middle_initial, expected first_name_canonical)
        ('John', 'john', null, 'j', 'john'),
        ('  JOHN  ', 'john', null, 'j', 'john'),
        ('Bill', 'bill', null, 'b', 'william'),
        ('BILLY', 'billy', null, 'b', 'william'),
        ('Bob', 'bob', null, 'b', 'robert'),
        ('Peggy', 'peggy', null, 'p', 'margaret'),
        ('Liz', 'liz', null, 'l', 'elizabeth'),
        ('Will', 'will', null, 'w', 'william'),
        ('William', 'william', null, 'w', 'william'),
        ('Mark', 'mark', null, 'm', 'mark'),
        ('Zyxw', 'zyxw', null, 'z', 'zyxw'),
        ('Mary-Jane', 'mary-jane', null, 'm', 'mary-jane'),
        ('Mary - Jane', 'mary-jane', null, 'm', 'mary-jane'),
        ('O’Brien', 'o''brien', null, 'o', 'o''brien'),
        ('José', 'jose', null, 'j', 'jose'),
        ('Søren', 'søren', null, 's', 'søren'),
        ('Q.', 'q', null, 'q', 'q'),
        ('J.R.', 'jr', 'JR', 'j', 'junior'),
        ('Jr.', 'jr', 'JR', 'j', 'junior'),
        ('junior', 'junior', 'JR', 'j', 'junior'),
        ('Sr', 'sr', 'SR', 's', 'sr'),
        ('III', 'iii', 'III', 'i', 'iii'),
        ('3rd', 'rd', 'III', 'r', 'rd'),
        ('iv', 'iv', 'IV', 'i', 'iv'),
        ('MD', 'md', null, 'm', 'md'),
        ('Smith, Jr!', 'smith jr', null, 's', 'smith jr'),
        ('-', null, null, null, null),
        ('', null, null, null, null),
        (null, null, null, null, null)
    ) as case_values (name_raw, expected_clean, expected_suffix, expected_middle_initial, expected_canonical)
),

results as (
    select
        cases.*,
        {{ name_clean('name_raw') }} as actual_clean,
        {{ name_suffix('name_raw') }} as actual_suffix,
        {{ middle_initial('name_raw') }} as actual_middle_initial,
        {{ first_name_canonical('name_raw') }} as actual_canonical
    from cases
),

final as (
    select *
    from results
    where
        actual_clean is distinct from expected_clean
        or actual_suffix is distinct from expected_suffix
        or actual_middle_initial is distinct from expected_middle_initial
        or actual_canonical is distinct from expected_canonical
)

select * from final

-- parse_date: every row returned is a case where the macro's output differs from the expected value,
-- for ISO text (no format) and for a legacy MM/DD/YYYY export; both also read the compact YYYYMMDD form.
with

cases as (
    select
        case_values.date_raw,
        case_values.expected_iso,
        case_values.expected_mdy
    from (
        values
        ('1915-11-11', date '1915-11-11', null),
        ('11/11/1915', null, date '1915-11-11'),
        ('19151111', date '1915-11-11', date '1915-11-11'),
        (' 20240229 ', date '2024-02-29', date '2024-02-29'),
        ('20230229', null, null),
        ('19151311', null, null),
        ('11111915', null, null),
        ('12311999', null, null),
        ('1915111', null, null),
        ('191511110', null, null),
        ('N/A', null, null),
        (null, null, null)
    ) as case_values (date_raw, expected_iso, expected_mdy)
),

results as (
    select
        cases.*,
        {{ parse_date('cases.date_raw') }} as actual_iso,
        {{ parse_date('cases.date_raw', '%m/%d/%Y') }} as actual_mdy
    from cases
),

final as (
    select *
    from results
    where actual_iso is distinct from expected_iso or actual_mdy is distinct from expected_mdy
)

select * from final

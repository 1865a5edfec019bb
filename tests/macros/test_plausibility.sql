-- Plausibility rules of the parse macros (macros/staging/parse_types.sql): every row returned is a case
-- where a macro's output differs from the expected value. Dates and times outside plausible_date_min ..
-- plausible_date_max (1900-01-01 .. 2100-12-31) are null, birth dates after the as-of date or before
-- plausible_birth_date_min are null, and an amount with more decimals than its column keeps is null
-- rather than rounded. (Null here means: named in the row's unparsed_fields by staging.)
with

date_cases as (
    select
        case_values.value_raw,
        case_values.expected_date,
        case_values.expected_birth_date,
        case_values.expected_timestamp
    from (
        values
        ('1900-01-01', date '1900-01-01', date '1900-01-01', timestamp '1900-01-01 00:00:00'),
        ('1899-12-31', null, null, null),
        ('0001-01-01', null, null, null),
        ('2100-12-31', date '2100-12-31', null, timestamp '2100-12-31 00:00:00'),
        ('2101-01-01', null, null, null),
        ('3024-05-01', null, null, null),
        ('9999-12-31', null, null, null),
        ('2099-03-04', date '2099-03-04', null, timestamp '2099-03-04 00:00:00'),
        ('1985-07-14', date '1985-07-14', date '1985-07-14', timestamp '1985-07-14 00:00:00'),
        ('19850714', date '1985-07-14', date '1985-07-14', null),
        (null, null, null, null)
    ) as case_values (value_raw, expected_date, expected_birth_date, expected_timestamp)
),

date_results as (
    select
        date_cases.*,
        {{ parse_date('date_cases.value_raw') }} as actual_date,
        {{ parse_birth_date('date_cases.value_raw') }} as actual_birth_date,
        {{ parse_timestamp_utc('date_cases.value_raw') }} as actual_timestamp
    from date_cases
),

date_failures as (
    select
        value_raw,
        'date' as failed_rule
    from date_results
    where
        actual_date is distinct from expected_date
        or actual_birth_date is distinct from expected_birth_date
        or actual_timestamp is distinct from expected_timestamp
),

other_time_cases as (
    select
        case_values.value_raw,
        case_values.expected_epoch,
        case_values.expected_local
    from (
        values
        ('1700000000', timestamp '2023-11-14 22:13:20', null),
        ('32503680000', null, null),
        ('-62135596800', null, null),
        ('9999-12-31 10:00:00', null, null),
        ('2024-03-01 10:00:00', null, timestamp '2024-03-01 15:00:00')
    ) as case_values (value_raw, expected_epoch, expected_local)
),

other_time_failures as (
    select
        value_raw,
        'time' as failed_rule
    from other_time_cases
    where
        {{ parse_epoch_utc('value_raw') }} is distinct from expected_epoch
        or {{ parse_local_timestamp_utc('value_raw', 'America/New_York') }} is distinct from expected_local
),

amount_cases as (
    select
        case_values.value_raw,
        case_values.expected_amount
    from (
        values
        ('12.99', 12.99),
        ('12.999', null),
        (' 12.345 ', null),
        ('12.500', 12.50),
        ('12', 12.00),
        ('-0.5', -0.50),
        ('12,50', null),
        ('abc', null),
        (null, null)
    ) as case_values (value_raw, expected_amount)
),

amount_failures as (
    select
        value_raw,
        'amount' as failed_rule
    from amount_cases
    where {{ parse_decimal('value_raw') }} is distinct from cast(expected_amount as decimal(18, 2))
),

final as (
    select * from date_failures
    union all
    select * from other_time_failures
    union all
    select * from amount_failures
)

select * from final

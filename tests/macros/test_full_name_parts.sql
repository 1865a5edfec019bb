-- full_name_first / _middle_initial / _last / _suffix (through full_name_parts): every row returned
-- is a case where the parsed parts differ from the expected ones.
with

cases as (
    select
        case_values.full_name,
        case_values.expected_first,
        case_values.expected_middle_initial,
        case_values.expected_last,
        case_values.expected_suffix
    from (
        values
        ('John Smith', 'john', null, 'smith', null),
        ('JOHN SMITH', 'john', null, 'smith', null),
        ('  john   smith ', 'john', null, 'smith', null),
        ('Smith, John', 'john', null, 'smith', null),
        ('Smith, John Q.', 'john', 'q', 'smith', null),
        ('Smith,John Quincy', 'john', 'q', 'smith', null),
        ('John Q. Smith', 'john', 'q', 'smith', null),
        ('John Quincy Adams Smith', 'john', 'q', 'smith', null),
        ('John Quincy Smith Jr.', 'john', 'q', 'smith', 'JR'),
        ('John Smith Sr', 'john', null, 'smith', 'SR'),
        ('John Smith III', 'john', null, 'smith', 'III'),
        ('John Smith 2nd', 'john', null, 'smith', 'II'),
        ('John Smith, Jr.', 'john', null, 'smith', 'JR'),
        ('Smith, John, Jr.', 'john', null, 'smith', 'JR'),
        ('Smith Jr., John', 'john', null, 'smith', 'JR'),
        ('Smith, John Q. IV', 'john', 'q', 'smith', 'IV'),
        ('Dr. John Smith', 'john', null, 'smith', null),
        ('Mrs. Jane A. Doe', 'jane', 'a', 'doe', null),
        ('Dr. Jane Doe, MD', 'jane', null, 'doe', null),
        ('Jane Doe PhD', 'jane', null, 'doe', null),
        ('Mary-Jane O''Neil', 'mary-jane', null, 'o''neil', null),
        ('Mary Jane O’Neil', 'mary', 'j', 'o''neil', null),
        ('Ludwig van Beethoven', 'ludwig', null, 'van beethoven', null),
        ('Maria de la Cruz', 'maria', null, 'de la cruz', null),
        ('Ana Maria de la Cruz', 'ana', 'm', 'de la cruz', null),
        ('José Núñez', 'jose', null, 'nunez', null),
        ('J. Edgar Hoover', 'j', 'e', 'hoover', null),
        ('Cher', 'cher', null, null, null),
        ('Dr.', null, null, null, null),
        ('', null, null, null, null),
        (null, null, null, null, null)
    ) as case_values (full_name, expected_first, expected_middle_initial, expected_last, expected_suffix)
),

results as (
    select
        cases.*,
        {{ full_name_first('full_name') }} as actual_first,
        {{ full_name_middle_initial('full_name') }} as actual_middle_initial,
        {{ full_name_last('full_name') }} as actual_last,
        {{ full_name_suffix('full_name') }} as actual_suffix
    from cases
),

final as (
    select *
    from results
    where
        actual_first is distinct from expected_first
        or actual_middle_initial is distinct from expected_middle_initial
        or actual_last is distinct from expected_last
        or actual_suffix is distinct from expected_suffix
)

select * from final

-- standardize_streets (street_words + street_parts_from_words, the distinct-then-join pattern): every
-- row returned is a case where the standardised street line, unit or unit identifier differs from the
-- expected one.
with

cases as (
    select
        case_values.street,
        case_values.expected_street_line,
        case_values.expected_street_unit,
        case_values.expected_unit_identifier
    from (
        values
        ('123 Main Street', '123 MAIN ST', null, null),
        ('123 main st.', '123 MAIN ST', null, null),
        ('123 MAIN STR', '123 MAIN ST', null, null),
        ('456 Park Avenue', '456 PARK AVE', null, null),
        ('456 Park Av', '456 PARK AVE', null, null),
        ('789 North Oak Boulevard', '789 N OAK BLVD', null, null),
        ('789 N. Oak Blvd.', '789 N OAK BLVD', null, null),
        ('12 Elm Street Southwest', '12 ELM ST SW', null, null),
        ('12 Elm St. South-West', '12 ELM ST SW', null, null),
        ('100 Court Street', '100 CT ST', null, null),
        ('1 Highway 9 West', '1 HWY 9 W', null, null),
        ('123 Main St Apt 4B', '123 MAIN ST', 'APT 4B', '4B'),
        ('123 Main St Apt. 4-B', '123 MAIN ST', 'APT 4B', '4B'),
        ('123 Main St, Apartment 4B', '123 MAIN ST', 'APT 4B', '4B'),
        ('123 Main St APT4B', '123 MAIN ST', 'APT 4B', '4B'),
        ('123 Main St Apt #4B', '123 MAIN ST', 'APT 4B', '4B'),
        ('123 Main St #4B', '123 MAIN ST', 'UNIT 4B', '4B'),
        ('123 Main St # 4B', '123 MAIN ST', 'UNIT 4B', '4B'),
        ('123 Main St Unit 4B', '123 MAIN ST', 'UNIT 4B', '4B'),
        ('500 Market Street Suite 100', '500 MARKET ST', 'STE 100', '100'),
        ('500 Market St Ste 100', '500 MARKET ST', 'STE 100', '100'),
        ('500 Market St Ste. A', '500 MARKET ST', 'STE A', 'A'),
        ('500 Market St Floor 3', '500 MARKET ST', 'FL 3', '3'),
        ('500 Market St Bldg 2 Apt 5', '500 MARKET ST', 'BLDG 2 APT 5', '2 APT 5'),
        ('12 Main St Rear', '12 MAIN ST', 'REAR', null),
        ('123 Main St #', '123 MAIN ST', null, null),
        ('Pier 39', 'PIER 39', null, null),
        ('Flat 4B, 140 Beech Street', '140 BEECH ST', 'FLAT 4B', '4B'),
        ('140 Beech Street Flat 4B', '140 BEECH ST', 'FLAT 4B', '4B'),
        ('Apartment 4B 140 Beech St', '140 BEECH ST', 'APT 4B', '4B'),
        ('Apt 4B, 123 Main St', '123 MAIN ST', 'APT 4B', '4B'),
        ('# 4B 123 Main St', '123 MAIN ST', 'UNIT 4B', '4B'),
        ('100 Mud Flat', '100 MUD FLT', null, null),
        ('Apt 4B Main St', 'APT 4B MAIN ST', null, null),
        ('Apt 4B', 'APT 4B', null, null),
        ('100 South Side', '100 S SIDE', null, null),
        ('100 Key West Ave', '100 KY W AVE', null, null),
        ('1600 Pennsylvania Ave NW', '1600 PENNSYLVANIA AVE NW', null, null),
        ('221B Baker St', '221B BAKER ST', null, null),
        ('123 1/2 Main St', '123 1/2 MAIN ST', null, null),
        ('O''Connell Street 5', 'OCONNELL ST 5', null, null),
        ('P.O. Box 123', 'PO BOX 123', null, null),
        ('p o box 123', 'PO BOX 123', null, null),
        ('Post Office Box 123', 'PO BOX 123', null, null),
        ('  ', null, null, null),
        ('Calle Niño 5', 'CALLE NINO 5', null, null)
    ) as case_values (street, expected_street_line, expected_street_unit, expected_unit_identifier)
),

standardized_streets as (
    {{ standardize_streets('cases', 'street') }}
),

results as (
    select
        cases.*,
        standardized_streets.street_line as actual_street_line,
        standardized_streets.street_unit as actual_street_unit,
        standardized_streets.unit_identifier as actual_unit_identifier
    from cases
    left join standardized_streets
        on cases.street = standardized_streets.street_raw
),

final as (
    select *
    from results
    where
        actual_street_line is distinct from expected_street_line
        or actual_street_unit is distinct from expected_street_unit
        or actual_unit_identifier is distinct from expected_unit_identifier
)

select * from final

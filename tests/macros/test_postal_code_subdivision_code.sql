-- postal_code and subdivision_code, per country: every row returned is a case where a macro's output
-- differs from the expected value. The two macros are independent; each row tests one postcode and one
-- subdivision spelling of one country.
with

cases as (
    select
        case_values.country_code,
        case_values.postal_raw,
        case_values.expected_postal_code,
        case_values.state_raw,
        case_values.expected_state_code
    from (
        values
        -- US: 5-digit ZIP rules, USPS state spellings
        ('US', '02134', '02134', 'MA', 'MA'),
        ('US', '02134-1234', '02134', 'ma', 'MA'),
        ('US', '021341234', '02134', 'Massachusetts', 'MA'),
        ('US', '02134 1234', '02134', 'MASS.', 'MA'),
        ('US', '2134', '02134', 'California', 'CA'),
        ('US', '2134-1234', '02134', 'Calif.', 'CA'),
        ('US', '21341234', '02134', 'calif', 'CA'),
        ('US', ' 2134 ', '02134', '  new   york ', 'NY'),
        ('US', '2134.0', '02134', 'N. Mex.', 'NM'),
        ('US', '601', '00601', 'Puerto Rico', 'PR'),
        ('US', '90210', '90210', 'District of Columbia', 'DC'),
        ('US', '90210-', null, 'Washington, D.C.', 'DC'),
        ('US', '9021', '09021', 'D. C.', 'DC'),
        ('US', '123456', null, 'Guam', 'GU'),
        ('US', '12', null, 'U.S. Virgin Islands', 'VI'),
        ('US', 'K1A 0B6', null, 'Ontario', null),
        ('US', 'ABCDE', null, 'XX', null),
        ('US', '02134', '02134', 'wa', 'WA'),
        ('US', '02134', '02134', 'US-WA', 'WA'),
        ('US', '02134', '02134', 'Armed Forces Europe', 'AE'),
        ('US', 'N/A', null, 'N/A', null),
        ('US', '', null, '', null),
        ('US', null, null, null, null),
        -- Australia: 4-digit postcodes, states and territories of ISO 3166-2:AU
        ('AU', '4223', '4223', 'wa', 'WA'),
        ('AU', '800', '0800', 'nsw', 'NSW'),
        ('AU', '4223.0', '4223', 'New South Wales', 'NSW'),
        ('AU', '42230', '42230', 'Western Australia', 'WA'),
        ('AU', '2000', '2000', 'AU-QLD', 'QLD'),
        ('AU', '2000', '2000', 'CA', null),
        ('AU', '2000', '2000', 'qld.', 'QLD'),
        -- Germany: 5 digits, Länder by code and local name
        ('DE', '01067', '01067', 'BY', 'BY'),
        ('DE', '1067', '01067', 'Bayern', 'BY'),
        ('DE', 'D-01067', 'D01067', 'Baden-Württemberg', 'BW'),
        ('DE', '10115', '10115', 'baden wurttemberg', 'BW'),
        ('DE', '10115', '10115', 'Berlin', 'BE'),
        -- United Kingdom: letters and digits, kept as written without the space
        ('GB', 'SW1A 1AA', 'SW1A1AA', 'ENG', 'ENG'),
        ('GB', 'sw1a-1aa', 'SW1A1AA', 'Bristol, City of', 'BST'),
        ('GB', 'EC1A 1BB', 'EC1A1BB', 'City of Edinburgh', 'EDH'),
        ('GB', 'UNKNOWN', null, 'Nowhere', null),
        -- Canada (no fixed-digit postcodes), Spain (an ambiguous name is null), unknown country
        ('CA', 'K1A 0B6', 'K1A0B6', 'ON', 'ON'),
        ('ES', '08001', '08001', 'La Rioja', null),
        ('ES', '8001', '08001', 'Girona', 'GI'),
        ('ES', '28001', '28001', 'Gerona', 'GI'),
        ('XX', '12-345', '12345', 'WA', null),
        (null, '4223', '4223', 'WA', null)
    ) as case_values (country_code, postal_raw, expected_postal_code, state_raw, expected_state_code)
),

results as (
    select
        cases.*,
        {{ postal_code('cases.postal_raw', 'cases.country_code') }} as actual_postal_code,
        {{ subdivision_code('cases.state_raw', 'cases.country_code') }} as actual_state_code
    from cases
),

final as (
    select *
    from results
    where
        actual_postal_code is distinct from expected_postal_code
        or actual_state_code is distinct from expected_state_code
)

select * from final

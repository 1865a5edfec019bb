{#- Customers grouped into households by their current address.

    Rules (documented in _identity__golden_models.yml):
    - A customer's current address is the standardised address of its most recent record that has
      one, among the records of its most trusted address tier in ref_source_trust (mailing-list
      addresses count only when nothing else has one, as list vendors lag moves). A record is as
      recent as its first_seen_at, when the source captured it with that address (last_seen_at also
      moves with edits of other fields and, for the policy extract, with every extract). After a
      move the newer address wins, so the customer joins the new household.
    - Customers with the same current address_key form one household: the street line, the unit
      identifier, the postcode and the country (`123 MAIN ST|4B|02139|US`, from int_conform__persons;
      the town and state stand in for a missing postcode).
      The unit is part of the key, so different apartments in one building are different households;
      its designator is not, because sources write one apartment as APT 4B, UNIT 4B or #4B.
    - Names play no part: roommates and partners with different surnames share a household.
    - household_id is a hash of the address_key, so it survives rebuilds and full refreshes and is
      the same whichever customers live there.
    - A customer without any address joins a household only on evidence that points to exactly one:
      first a phone number or email it shares with customers of that household (a landline or a
      family mailbox; keys shared by more than max_contact_sharers customers are ignored), else a
      surname and a postcode of its records (the two may come from different records) matching a
      member of exactly one household with that postcode in its country, else the same with a postcode
      any member of the household was recorded at (an earlier address: a loyalty card signed up for
      before the household moved). Otherwise it has none.
    - The customers left behind at an address follow a move: when relatives (customers sharing their
      surname or a phone) were seen at that address and later recorded at one new address, and nobody
      whose current address it is was recorded there since (the household is not seen to stay), each
      such customer's household is keyed on that new address (household_basis
      'followed_household_move'; the address columns are then the new address). -#}

{%- set max_contact_sharers = 10 %}

with

crosswalk as (
    select * from {{ ref('int_identity__crosswalk') }}
),

persons as (
    select * from {{ ref('int_conform__persons') }}
),

source_trust as (
    select * from {{ ref('ref_source_trust') }}
    where attribute_group = 'address'
),

customers as (
    select distinct customer_id
    from crosswalk
),

address_records as (
    select
        crosswalk.customer_id,
        persons.record_key,
        persons.source_system,
        persons.address_key,
        persons.address_line_1,
        persons.address_unit,
        persons.city,
        persons.state_code,
        persons.postal_code,
        persons.country_code,
        coalesce(source_trust.trust_rank, 1000) as trust_rank,
        coalesce(persons.first_seen_at, persons.last_seen_at) as recorded_at
    from persons
    inner join crosswalk
        on persons.record_key = crosswalk.record_key
    left join source_trust
        on
            persons.source_system = source_trust.source_system
            and persons.source_table = source_trust.source_table
    where persons.address_key is not null
),

current_addresses as (
    select *
    from address_records
    qualify row_number() over (
        partition by customer_id
        order by trust_rank asc, recorded_at desc nulls last, record_key asc
    ) = 1
),

customer_keys as (
    -- what an address-less customer can be placed by (its phone numbers, emails, surnames and postcodes),
    -- and what makes two customers relatives (a surname or a phone)
    select distinct
        crosswalk.customer_id,
        persons.phone_e164,
        persons.email_match_key,
        persons.last_name,
        persons.postal_code,
        persons.country_code
    from persons
    inner join crosswalk
        on persons.record_key = crosswalk.record_key
),

moves as (
    -- a customer seen at an older address before the current one: who left which address, and when
    -- the new address was recorded
    select distinct
        address_records.customer_id,
        address_records.address_key as old_address_key,
        current_addresses.record_key as new_address_record_key,
        current_addresses.recorded_at as new_address_recorded_at
    from address_records
    inner join current_addresses
        on address_records.customer_id = current_addresses.customer_id
    where address_records.address_key != current_addresses.address_key
),

address_occupants as (
    -- when anyone whose current address this is was last recorded there
    select
        address_key,
        max(recorded_at) as last_recorded_at
    from current_addresses
    group by address_key
),

move_candidates as (
    -- a customer at an address that another customer left after every customer still there was last
    -- recorded at it (DECISIONS §74: until then a customer had to be alone there)
    select
        current_addresses.customer_id,
        moves.customer_id as mover_customer_id,
        moves.new_address_record_key
    from current_addresses
    inner join address_occupants
        on current_addresses.address_key = address_occupants.address_key
    inner join moves
        on
            current_addresses.address_key = moves.old_address_key
            and current_addresses.customer_id != moves.customer_id
            -- implied by the occupants' latest time below, except for a customer without a time: it stays
            and current_addresses.recorded_at < moves.new_address_recorded_at
    where address_occupants.last_recorded_at < moves.new_address_recorded_at
),

relative_moves as (
    -- ... who is a relative: they share a surname or a phone
    select distinct
        move_candidates.customer_id,
        move_candidates.new_address_record_key
    from move_candidates
    inner join customer_keys as own_keys
        on move_candidates.customer_id = own_keys.customer_id
    inner join customer_keys as mover_keys
        on move_candidates.mover_customer_id = mover_keys.customer_id
    where
        own_keys.last_name = mover_keys.last_name
        or own_keys.phone_e164 = mover_keys.phone_e164
),

followed_moves as (
    -- the customer moved with them when all such relatives went to one new address
    select
        relative_moves.customer_id,
        min(relative_moves.new_address_record_key) as new_address_record_key
    from relative_moves
    inner join current_addresses as new_addresses
        on relative_moves.new_address_record_key = new_addresses.record_key
    group by relative_moves.customer_id
    having count(distinct new_addresses.address_key) = 1
),

household_addresses as (
    -- the address each addressed customer's household is keyed on: its own current address, or the
    -- new address of the relatives it moved with
    select
        own_addresses.customer_id,
        {{ dbt.hash('keyed_addresses.address_key') }} as household_id,
        keyed_addresses.record_key,
        keyed_addresses.source_system,
        keyed_addresses.address_key,
        keyed_addresses.address_line_1,
        keyed_addresses.address_unit,
        keyed_addresses.city,
        keyed_addresses.state_code,
        keyed_addresses.postal_code,
        keyed_addresses.country_code,
        keyed_addresses.recorded_at,
        followed_moves.customer_id is not null as is_followed_move
    from current_addresses as own_addresses
    left join followed_moves
        on own_addresses.customer_id = followed_moves.customer_id
    inner join current_addresses as keyed_addresses
        on coalesce(followed_moves.new_address_record_key, own_addresses.record_key) = keyed_addresses.record_key
),

addressed_customers as (
    select
        customer_id,
        household_id,
        address_key,
        postal_code,
        country_code
    from household_addresses
),

customer_contacts as (
    select
        customer_id,
        'phone:' || phone_e164 as contact_key
    from customer_keys
    where phone_e164 is not null
    union
    select
        customer_id,
        'email:' || email_match_key as contact_key
    from customer_keys
    where email_match_key is not null
),

household_contacts as (
    -- contacts held by few customers: a household landline or a family mailbox, not a placeholder
    -- number typed for everyone
    select *
    from customer_contacts
    qualify count(*) over (partition by contact_key) <= {{ max_contact_sharers }}
),

shared_contact_candidates as (
    select distinct
        own_contacts.customer_id,
        addressed_customers.household_id,
        'shared_contact' as household_basis,
        1 as basis_rank
    from household_contacts as own_contacts
    inner join household_contacts as other_contacts
        on
            own_contacts.contact_key = other_contacts.contact_key
            and own_contacts.customer_id != other_contacts.customer_id
    inner join addressed_customers
        on other_contacts.customer_id = addressed_customers.customer_id
    anti join addressed_customers as own_addresses
        on own_contacts.customer_id = own_addresses.customer_id
),

customer_surnames as (
    select distinct
        customer_id,
        last_name
    from customer_keys
    where last_name is not null
),

customer_postcodes as (
    select distinct
        customer_id,
        postal_code,
        country_code
    from customer_keys
    where postal_code is not null
),

unaddressed_surname_postcodes as (
    -- every surname with every postcode of an address-less customer: a record may carry only one of them
    select
        customer_surnames.customer_id,
        customer_surnames.last_name,
        customer_postcodes.postal_code,
        customer_postcodes.country_code
    from customer_surnames
    inner join customer_postcodes
        on customer_surnames.customer_id = customer_postcodes.customer_id
    anti join addressed_customers
        on customer_surnames.customer_id = addressed_customers.customer_id
),

household_surnames as (
    -- the surnames of a household's members at the household's postcode ...
    select distinct
        addressed_customers.household_id,
        addressed_customers.postal_code,
        addressed_customers.country_code,
        customer_surnames.last_name,
        2 as basis_rank
    from addressed_customers
    inner join customer_surnames
        on addressed_customers.customer_id = customer_surnames.customer_id
    union
    -- ... and at any postcode a member was recorded at (before the household moved)
    select distinct
        addressed_customers.household_id,
        customer_postcodes.postal_code,
        customer_postcodes.country_code,
        customer_surnames.last_name,
        3 as basis_rank
    from addressed_customers
    inner join customer_surnames
        on addressed_customers.customer_id = customer_surnames.customer_id
    inner join customer_postcodes
        on addressed_customers.customer_id = customer_postcodes.customer_id
),

surname_candidates as (
    select distinct
        unaddressed_surname_postcodes.customer_id,
        household_surnames.household_id,
        case household_surnames.basis_rank
            when 2 then 'surname_and_postal_code'
            else 'surname_and_earlier_postal_code'
        end as household_basis,
        household_surnames.basis_rank
    from unaddressed_surname_postcodes
    inner join household_surnames
        on
            unaddressed_surname_postcodes.last_name = household_surnames.last_name
            and unaddressed_surname_postcodes.postal_code = household_surnames.postal_code
            and unaddressed_surname_postcodes.country_code is not distinct from household_surnames.country_code
),

fallback_choices as (
    -- per customer and basis: the household, when that basis points to exactly one
    select
        customer_id,
        household_basis,
        basis_rank,
        min(household_id) as household_id
    from (
        select * from shared_contact_candidates
        union all
        select * from surname_candidates
    ) as candidates
    group by customer_id, household_basis, basis_rank
    having count(distinct household_id) = 1
),

fallback_households as (
    select *
    from fallback_choices
    qualify row_number() over (partition by customer_id order by basis_rank asc) = 1
),

households as (
    select
        customers.customer_id,
        coalesce(
            household_addresses.household_id,
            fallback_households.household_id
        ) as household_id,
        case
            when household_addresses.is_followed_move then 'followed_household_move'
            when household_addresses.address_key is not null then 'current_address'
            else fallback_households.household_basis
        end as household_basis,
        household_addresses.address_key,
        household_addresses.address_line_1,
        household_addresses.address_unit,
        household_addresses.city,
        household_addresses.state_code,
        household_addresses.postal_code,
        household_addresses.country_code,
        household_addresses.record_key as address_source_record_key,
        household_addresses.source_system as address_source_system,
        household_addresses.recorded_at as address_recorded_at
    from customers
    left join household_addresses
        on customers.customer_id = household_addresses.customer_id
    left join fallback_households
        on customers.customer_id = fallback_households.customer_id
),

final as (
    select
        customer_id,
        household_id,
        household_basis,
        address_key,
        address_line_1,
        address_unit,
        city,
        state_code,
        postal_code,
        country_code,
        address_source_record_key,
        address_source_system,
        case
            when household_id is not null then count(*) over (partition by household_id)
        end as household_customer_count,
        household_id is not null as has_household,
        address_key is not null as has_address,
        address_recorded_at
    from households
)

select * from final

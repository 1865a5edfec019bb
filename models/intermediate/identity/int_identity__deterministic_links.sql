{#- Record pairs that named, documented rules say are the same person: shared identifiers checked
    against the names (email, phone, national id) and source references that say "same person" (a lead and
    the contact it became, an order and its billing customer, a store sale and its loyalty card ...).

    Pairs are built without an n-squared explosion: for an identifier, records with the same key and
    the same canonical first name are linked to the subgroup's first record (a star); only the few
    subgroup anchors of one key are compared pairwise, and only those whose names are compatible are
    linked. A household shares emails and landlines, so a shared key alone never links two names, and
    a key whose records show two incompatible names links only the same name.

    Name checks: `same` = canonical first names equal, a one-letter typo (not between two real first
    names), an initial, or first and last swapped (each up to a typo), with compatible last names;
    `compatible` = `same`, or one first name a nickname of the other (ref_nicknames); `no_conflict` =
    compatible, or one record has no name.
    Every rule's precision is measured against the generator's truth (see the YAML description). -#}

{#- Each rule: name, kind, the model columns it requires to agree (training does not count the pair for
    those comparisons: pairs found by "same email" say nothing about how often one person's emails
    differ), and what it means. -#}
{%- set rules = [
    ('same_email_same_first_name', 'identifier', 'email_key,first_name',
        'Same email key (match key without plus tag) and the same canonical first name.'),
    ('same_email_compatible_name', 'identifier', 'email_key,first_name,last_name',
        'Same email key; the first names are one-letter typos, initials or (unless the email is shared by two people) nicknames of each other, and the last names agree (or first and last are swapped).'),
    ('same_email_nameless', 'identifier', 'email_key',
        'A record without a first name and an email whose named records are one person (all their names pairwise compatible): linked to that person (a last name, if any, must agree).'),
    ('same_phone_same_name', 'identifier', 'phone_e164,first_name,last_name',
        'Same E.164 phone, same last name and same canonical first name (a phone alone never links: household landlines).'),
    ('same_phone_compatible_name', 'identifier', 'phone_e164,first_name,last_name',
        'Same E.164 phone and the same name up to a one-letter typo or an initial (no nicknames: a landline is shared by a household).'),
    ('same_phone_nameless', 'identifier', 'phone_e164',
        'A record without a first name or email and a phone whose named records are one person (all their names pairwise compatible): linked to that person (a last name, if any, must agree).'),
    ('same_national_id', 'identifier', 'national_id',
        'Same national id number (social security number in the US) within one country: valid for the country, or at least five letters and digits.'),
    ('same_source_customer_key', 'identifier', '',
        'The same customer key of a source system (a billing customer, a loyalty card, a web account, a marketing recipient): the records it is on or that point to it are one customer, even without any personal data.'),
    ('lead_converted_to_contact', 'source_reference', '',
        'A converted CRM lead and the contact it was converted to (leads.converted_contact_id).'),
    ('order_billing_customer', 'source_reference', '',
        'An order and the billing customer it was charged to (orders.billing_customer_id).'),
    ('invoice_order_billing_customer', 'source_reference', '',
        'An order and the billing customer of an invoice issued for it (invoices.order_id, invoices.billing_customer_id).'),
    ('survey_response_trigger', 'source_reference', 'first_name,last_name',
        'A survey response and the job, ticket or order that triggered it, when the names are the same (up to a typo, initial or swap) or neither record carries a name: a job may be rated by another household member.'),
    ('call_opened_ticket', 'source_reference', '',
        'A contact-center interaction with some caller detail and the ticket it opened, unless the names conflict; when no call of the export carries any caller detail (an export of ids only), every call and the ticket it opened.'),
    ('ticket_about_order', 'source_reference', 'first_name,last_name',
        'A support ticket and the order it is about, when the names are the same (up to a typo, initial or swap) or neither record carries a name.'),
    ('project_for_order', 'source_reference', 'first_name,last_name',
        'A delivery or installation job and its order, when the site contact and the buyer have the same name (up to a typo, initial or swap) or neither record carries a name: the site contact is often another household member.'),
    ('pos_sale_loyalty_card', 'source_reference', '',
        'A store sale and the loyalty member whose card was scanned, unless a typed name conflicts.'),
    ('marketing_same_recipient', 'source_reference', '',
        'Marketing sends to the same marketing-platform recipient id.'),
    ('web_session_user', 'source_reference', '',
        'A web session logged in as a registered user and that registration.'),
    ('web_session_cookie', 'source_reference', '',
        'A web session on a browser cookie that only one registered user ever used (their registration cookie or a cookie they logged in on).'),
] -%}

with

records as (
    select * from {{ ref('int_identity__records') }}
),

rules as (
    {%- for name, kind, evidence, description in rules %}
    select
        '{{ name }}' as link_rule,
        '{{ kind }}' as link_rule_kind,
        {{ "'" ~ evidence ~ "'" if evidence else 'null' }} as evidence_fields,
        '{{ description | replace("'", "''") }}' as link_rule_description
    {%- if not loop.last %}
    union all
    {%- endif %}
    {%- endfor %}
),

-- identifier rules: stars within (key, canonical first name), then compatible anchors of one key
{%- set identifiers = [
    ('email', 'email_key', 'same_email_same_first_name', "first_name is not null"),
    ('phone', 'phone_e164', 'same_phone_same_name', "first_name is not null and last_name is not null"),
] %}
{% for label, key, star_rule, condition in identifiers %}
{{ label }}_members as (
    select
        record_key,
        {{ key }} as match_key,
        min(record_key) over (
            partition by {{ key }}, first_name_canonical{% if label == 'phone' %}, last_name{% endif %}
        ) as anchor_record_key
    from records
    where {{ key }} is not null and {{ condition }}
),

{{ label }}_stars as (
    select
        anchor_record_key as record_key_a,
        record_key as record_key_b,
        '{{ star_rule }}' as link_rule,
        'none' as name_check,
        match_key
    from {{ label }}_members
    where record_key != anchor_record_key
),

{{ label }}_anchors as (
    select distinct
        match_key,
        anchor_record_key
    from {{ label }}_members
),

{{ label }}_anchor_pairs as (
    select
        left_anchor.anchor_record_key as record_key_a,
        right_anchor.anchor_record_key as record_key_b,
        'same_{{ label }}_compatible_name' as link_rule,
        -- a landline is shared by a household: only the same name links on a phone, where an email
        -- also accepts a nickname (unless the email is shared by two people)
        '{{ "compatible" if label == "email" else "same" }}' as name_check,
        left_anchor.match_key
    from {{ label }}_anchors as left_anchor
    inner join {{ label }}_anchors as right_anchor
        on
            left_anchor.match_key = right_anchor.match_key
            and left_anchor.anchor_record_key < right_anchor.anchor_record_key
),
{% endfor %}

national_id_members as (
    select
        record_key,
        national_id as match_key,
        min(record_key) over (partition by national_id) as anchor_record_key
    from records
    where national_id is not null and (is_national_id_valid or length(national_id) >= 8)  -- 'AU:' and 5 more
),

national_id_stars as (
    select
        anchor_record_key as record_key_a,
        record_key as record_key_b,
        'same_national_id' as link_rule,
        'none' as name_check,
        match_key
    from national_id_members
    where record_key != anchor_record_key
),

source_key_stars as (
    -- records on or pointing to one source customer key (an order's billing customer, a store sale's card)
    select
        min(record_key) over (partition by source_customer_key) as record_key_a,
        record_key as record_key_b,
        'same_source_customer_key' as link_rule,
        'none' as name_check,
        source_customer_key as match_key
    from records
    where source_customer_key is not null
),

{% if source_enabled('contact_center') and source_enabled('support') %}
-- does the call export capture caller details at all? Without any (an export of ids only), a call's
-- ticket is all that tells whose call it was; with some, a call without any is a blocked number
call_export as (
    select count(coalesce(caller_name, caller_email, caller_phone)) > 0 as has_caller_details
    from {{ ref('stg_contact_center__interactions') }}
    where not is_rejected
),
{% endif %}

-- source references
reference_pairs as (
    select
        cast(null as {{ dbt.type_string() }}) as record_key_a,
        cast(null as {{ dbt.type_string() }}) as record_key_b,
        cast(null as {{ dbt.type_string() }}) as link_rule,
        cast(null as {{ dbt.type_string() }}) as name_check,
        cast(null as {{ dbt.type_string() }}) as match_key
    where false

    {%- if source_enabled('crm') %}
    union all
    select
        record_key as record_key_a,
        {{ record_key('crm', 'contacts', 'converted_contact_id') }} as record_key_b,
        'lead_converted_to_contact' as link_rule,
        'none' as name_check,
        null as match_key
    from {{ ref('stg_crm__leads') }}
    where not is_rejected and converted_contact_id is not null
    {%- endif %}

    {%- if source_enabled('orders') and source_enabled('billing') %}
    union all
    select
        record_key as record_key_a,
        {{ record_key('billing', 'customers', 'billing_customer_id') }} as record_key_b,
        'order_billing_customer' as link_rule,
        'none' as name_check,
        null as match_key
    from {{ ref('stg_orders__orders') }}
    where not is_rejected and billing_customer_id is not null
    union all
    select distinct
        {{ record_key('orders', 'orders', 'order_id') }} as record_key_a,
        {{ record_key('billing', 'customers', 'billing_customer_id') }} as record_key_b,
        'invoice_order_billing_customer' as link_rule,
        'none' as name_check,
        null as match_key
    from {{ ref('stg_billing__invoices') }}
    where not is_rejected and order_id is not null and billing_customer_id is not null
    {%- endif %}

    {%- if source_enabled('surveys') %}
    union all
    select
        record_key as record_key_a,
        {%- set triggers = [] %}
        {%- if source_enabled('orders') %}
        {%- do triggers.append(record_key('orders', 'projects', 'triggering_project_id')) %}
        {%- endif %}
        {%- if source_enabled('support') %}
        {%- do triggers.append(record_key('support', 'tickets', 'triggering_ticket_id')) %}
        {%- endif %}
        {%- if source_enabled('orders') %}
        {%- do triggers.append(record_key('orders', 'orders', 'triggering_order_id')) %}
        {%- endif %}
        {%- do triggers.append('null') %}
        coalesce({{ triggers | join(', ') }}) as record_key_b,
        'survey_response_trigger' as link_rule,
        'same' as name_check,
        null as match_key
    from {{ ref('stg_surveys__responses') }}
    where not is_rejected
    {%- endif %}

    {%- if source_enabled('contact_center') and source_enabled('support') %}
    union all
    select
        interactions.record_key as record_key_a,
        {{ record_key('support', 'tickets', 'interactions.ticket_id') }} as record_key_b,
        'call_opened_ticket' as link_rule,
        'no_conflict' as name_check,
        null as match_key
    from {{ ref('stg_contact_center__interactions') }} as interactions
    cross join call_export
    where
        not interactions.is_rejected
        and interactions.ticket_id is not null
        -- a call without any caller detail (a blocked number) is not attributed to anyone, unless no
        -- call of the export carries any (ids only): then the ticket it opened says whose it was
        and (
            coalesce(interactions.caller_name, interactions.caller_email, interactions.caller_phone) is not null
            or not call_export.has_caller_details
        )
    {%- endif %}

    {%- if source_enabled('support') and source_enabled('orders') %}
    union all
    select
        record_key as record_key_a,
        {{ record_key('orders', 'orders', 'order_id') }} as record_key_b,
        'ticket_about_order' as link_rule,
        'same' as name_check,
        null as match_key
    from {{ ref('stg_support__tickets') }}
    where not is_rejected and order_id is not null
    {%- endif %}

    {%- if source_enabled('orders') %}
    union all
    select
        record_key as record_key_a,
        {{ record_key('orders', 'orders', 'order_id') }} as record_key_b,
        'project_for_order' as link_rule,
        'same' as name_check,
        null as match_key
    from {{ ref('stg_orders__projects') }}
    where not is_rejected and order_id is not null
    {%- endif %}

    {%- if source_enabled('pos') %}
    union all
    select
        record_key as record_key_a,
        {{ record_key('pos', 'loyalty_members', 'loyalty_card_number') }} as record_key_b,
        'pos_sale_loyalty_card' as link_rule,
        'no_conflict' as name_check,
        null as match_key
    from {{ ref('stg_pos__transactions') }}
    where not is_rejected and loyalty_card_number is not null
    {%- endif %}

    {%- if source_enabled('marketing') %}
    union all
    select
        min(record_key) over (partition by recipient_id) as record_key_a,
        record_key as record_key_b,
        'marketing_same_recipient' as link_rule,
        'none' as name_check,
        null as match_key
    from {{ ref('stg_marketing__sends') }}
    where not is_rejected and recipient_id is not null
    {%- endif %}

    {%- if source_enabled('web') %}
    union all
    select
        record_key as record_key_a,
        {{ record_key('web', 'registrations', 'web_user_id') }} as record_key_b,
        'web_session_user' as link_rule,
        'none' as name_check,
        null as match_key
    from {{ ref('stg_web__sessions') }}
    where not is_rejected and web_user_id is not null
    {%- endif %}
),

{% if source_enabled('web') %}
cookie_users as (
    -- every (cookie, registered user) pair seen: registration cookies and logged-in sessions
    select
        cookie_id,
        web_user_id
    from {{ ref('stg_web__registrations') }}
    where not is_rejected and cookie_id is not null
    union
    select
        cookie_id,
        web_user_id
    from {{ ref('stg_web__sessions') }}
    where not is_rejected and cookie_id is not null and web_user_id is not null
),

single_user_cookies as (
    select
        cookie_id,
        min(web_user_id) as web_user_id
    from cookie_users
    group by cookie_id
    having count(distinct web_user_id) = 1
),

web_cookie_pairs as (
    select
        sessions.record_key as record_key_a,
        {{ record_key('web', 'registrations', 'single_user_cookies.web_user_id') }} as record_key_b,
        'web_session_cookie' as link_rule,
        'none' as name_check,
        null as match_key
    from {{ ref('stg_web__sessions') }} as sessions
    inner join single_user_cookies
        on sessions.cookie_id = single_user_cookies.cookie_id
    where not sessions.is_rejected and sessions.web_user_id is null
),
{% endif %}

candidate_pairs as (
    select * from email_stars
    union all
    select * from email_anchor_pairs
    union all
    select * from phone_stars
    union all
    select * from phone_anchor_pairs
    union all
    select * from national_id_stars
    union all
    select * from source_key_stars
    union all
    select * from reference_pairs
    {%- if source_enabled('web') %}
    union all
    select * from web_cookie_pairs
    {%- endif %}
),

ordered_pairs as (
    select distinct
        least(record_key_a, record_key_b) as record_key_a,
        greatest(record_key_a, record_key_b) as record_key_b,
        link_rule,
        name_check,
        match_key
    from candidate_pairs
    where record_key_a is not null and record_key_b is not null and record_key_a != record_key_b
),

compared as (
    -- both records must exist (references may dangle or point at quarantined rows)
    select
        ordered_pairs.*,
        left_record.has_name and right_record.has_name as both_named,
        not left_record.has_name and not right_record.has_name as is_neither_named,
        -- case, not and/or: the edit distances are only computed for the pairs that need them
        case
            when left_record.first_name is null or right_record.first_name is null then false
            when left_record.first_name_canonical = right_record.first_name_canonical then true
            -- an initial
            when least(length(left_record.first_name), length(right_record.first_name)) = 1
                then left(left_record.first_name, 1) = left(right_record.first_name, 1)
            -- a one-letter typo, unless both are real first names (gary / mary, carl / carol)
            when
                least(length(left_record.first_name), length(right_record.first_name)) >= 4
                and not coalesce(left_record.is_known_first_name and right_record.is_known_first_name, false)
                then damerau_levenshtein(left_record.first_name, right_record.first_name) <= 1
            else false
        end as is_first_name_same,
        -- one is a nickname of the other (not: both are nicknames of some third name)
        left_record.first_name is not null and right_record.first_name is not null and (
            {{ list_has('left_record.first_name_keys', 'right_record.first_name') }}
            or {{ list_has('right_record.first_name_keys', 'left_record.first_name') }}
        ) as is_first_name_nickname,
        case
            when
                left_record.last_name is null or right_record.last_name is null
                or left_record.last_name = right_record.last_name
                then true
            when least(length(left_record.last_name), length(right_record.last_name)) >= 4
                then damerau_levenshtein(left_record.last_name, right_record.last_name) <= 1
            else false
        end as is_last_name_compatible,
        -- first and last name swapped, each up to a one-letter typo
        case
            when
                left_record.first_name is null or right_record.first_name is null
                or left_record.last_name is null or right_record.last_name is null
                or least(length(left_record.first_name), length(left_record.last_name)) < 4
                then false
            -- the same name: already the same, whatever a swap would say
            when left_record.first_name = right_record.first_name and left_record.last_name = right_record.last_name
                then false
            else
                damerau_levenshtein(left_record.first_name, right_record.last_name) <= 1
                and damerau_levenshtein(left_record.last_name, right_record.first_name) <= 1
        end as is_name_swapped
    from ordered_pairs
    inner join records as left_record
        on ordered_pairs.record_key_a = left_record.record_key
    inner join records as right_record
        on ordered_pairs.record_key_b = right_record.record_key
),

checked as (
    select
        *,
        (is_first_name_same and is_last_name_compatible) or is_name_swapped as is_name_same,
        ((is_first_name_same or is_first_name_nickname) and is_last_name_compatible)
        or is_name_swapped as is_name_compatible
    from compared
),

shared_keys as (
    -- keys (an email, a phone) whose named records include two people: two subgroups whose names
    -- are not even compatible (a household landline or a family mailbox)
    select
        match_key,
        link_rule
    from checked
    where link_rule in ('same_email_compatible_name', 'same_phone_compatible_name')
    group by match_key, link_rule
    having bool_or(not is_name_compatible) or (link_rule = 'same_phone_compatible_name' and bool_or(not is_name_same))
),

accepted as (
    select checked.*
    from checked
    left join shared_keys
        on checked.match_key = shared_keys.match_key and checked.link_rule = shared_keys.link_rule
    where
        checked.name_check = 'none'
        -- on a shared key only the same name links; otherwise nicknames link too
        or (checked.name_check = 'compatible' and shared_keys.match_key is null and checked.is_name_compatible)
        or (checked.name_check = 'compatible' and checked.is_name_same)
        -- a reference between two records that carry no name (an export of ids only) is all there is
        -- to go by: followed, as a reference between two named records is when the names agree
        or (checked.name_check = 'same' and (checked.is_name_same or checked.is_neither_named))
        or (checked.name_check = 'no_conflict' and (checked.is_name_compatible or not checked.both_named))
),

{% for label, key, star_rule, condition in identifiers %}
{{ label }}_single_person_keys as (
    -- keys whose named records are one person: no two subgroups with incompatible names
    select
        {{ label }}_anchors.match_key,
        min({{ label }}_anchors.anchor_record_key) as anchor_record_key
    from {{ label }}_anchors
    left join shared_keys
        on
            {{ label }}_anchors.match_key = shared_keys.match_key
            and shared_keys.link_rule = 'same_{{ label }}_compatible_name'
    where shared_keys.match_key is null
    group by {{ label }}_anchors.match_key
),

{{ label }}_nameless as (
    -- a record without a first name (a last name, if any, must agree with the person's)
    select
        least({{ label }}_single_person_keys.anchor_record_key, records.record_key) as record_key_a,
        greatest({{ label }}_single_person_keys.anchor_record_key, records.record_key) as record_key_b,
        'same_{{ label }}_nameless' as link_rule,
        'single_person_key' as name_check,
        false as is_name_compatible
    from records
    inner join {{ label }}_single_person_keys
        on records.{{ key }} = {{ label }}_single_person_keys.match_key
    inner join records as anchor_record
        on {{ label }}_single_person_keys.anchor_record_key = anchor_record.record_key
    where
        records.record_kind = 'person_fields'
        and records.first_name is null
        and (
            records.last_name is null
            or anchor_record.last_name is null
            or records.last_name = anchor_record.last_name
            or damerau_levenshtein(records.last_name, anchor_record.last_name) <= 1
        )
        {%- if label == 'phone' %}
        and records.email_key is null
        {%- endif %}
),
{% endfor %}

all_links as (
    select
        record_key_a,
        record_key_b,
        link_rule,
        name_check,
        is_name_compatible
    from accepted
    union all
    select * from email_nameless
    union all
    select * from phone_nameless
),

final as (
    select
        all_links.record_key_a,
        all_links.record_key_b,
        all_links.link_rule,
        rules.link_rule_kind,
        rules.evidence_fields,
        rules.link_rule_description,
        all_links.name_check,
        all_links.is_name_compatible
    from all_links
    inner join rules
        on all_links.link_rule = rules.link_rule
)

select * from final

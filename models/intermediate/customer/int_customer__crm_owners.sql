{#- The CRM owner of each customer who has a CRM record: the user responsible for them. Rule: take
    the customer's most recently changed CRM contact that is not deleted; its account's owner is the
    customer's owner (the account owner manages the relationship), else the contact's own owner. A
    customer with no contact but a lead is owned by the owner of their most recently changed open or
    unconverted lead. The owner's manager (stg_crm__users.manager_id) is named with them. One row per
    customer with a CRM owner; empty when the CRM is switched off. -#}

{% if source_enabled('crm') %}

with

crosswalk as (
    select * from {{ ref('int_identity__crosswalk') }}
),

contacts as (
    select * from {{ ref('stg_crm__contacts') }}
    where not is_rejected and not coalesce(is_deleted, false)
),

leads as (
    select * from {{ ref('stg_crm__leads') }}
    where not is_rejected and not coalesce(is_deleted, false)
),

accounts as (
    select * from {{ ref('stg_crm__accounts') }}
    where not is_rejected and not coalesce(is_deleted, false)
),

users as (
    select * from {{ ref('stg_crm__users') }}
    where not is_rejected
),

contact_candidates as (
    select
        crosswalk.customer_id,
        contacts.record_key as crm_record_key,
        contacts.account_id,
        coalesce(accounts.owner_user_id, contacts.owner_user_id) as owner_user_id,
        case when accounts.owner_user_id is not null then 'account' else 'contact' end as owner_source,
        1 as source_rank,
        coalesce(contacts.last_modified_at, contacts.created_at) as changed_at
    from contacts
    inner join crosswalk
        on contacts.record_key = crosswalk.record_key
    left join accounts
        on contacts.account_id = accounts.account_id
    where coalesce(accounts.owner_user_id, contacts.owner_user_id) is not null
),

lead_candidates as (
    select
        crosswalk.customer_id,
        leads.record_key as crm_record_key,
        leads.converted_account_id as account_id,
        leads.owner_user_id,
        'lead' as owner_source,
        2 as source_rank,
        coalesce(leads.last_modified_at, leads.created_at) as changed_at
    from leads
    inner join crosswalk
        on leads.record_key = crosswalk.record_key
    where leads.owner_user_id is not null
),

candidates as (
    select * from contact_candidates
    union all
    select * from lead_candidates
),

owners as (
    select *
    from candidates
    qualify row_number() over (
        partition by customer_id
        order by source_rank asc, changed_at desc nulls last, crm_record_key asc
    ) = 1
),

final as (
    select
        owners.customer_id,
        owners.owner_user_id,
        owners.crm_record_key,
        owners.account_id as crm_account_id,
        owners.owner_source,
        concat_ws(' ', users.first_name, users.last_name) as owner_name,
        users.email as owner_email,
        users.job_title as owner_job_title,
        users.department as owner_department,
        users.manager_user_id as owner_manager_user_id,
        -- as the survey alerts have always shown it: empty when the owner has no manager on file,
        -- null when the owner is not a (usable) CRM user
        case
            when users.user_id is not null then concat_ws(' ', managers.first_name, managers.last_name)
        end as owner_manager_name,
        coalesce(users.is_active, false) as is_owner_active
    from owners
    left join users
        on owners.owner_user_id = users.user_id
    left join users as managers
        on users.manager_user_id = managers.user_id
)

select * from final

{% else %}

select
    cast(null as {{ dbt.type_string() }}) as customer_id,
    cast(null as {{ dbt.type_string() }}) as owner_user_id,
    cast(null as {{ dbt.type_string() }}) as crm_record_key,
    cast(null as {{ dbt.type_string() }}) as crm_account_id,
    cast(null as {{ dbt.type_string() }}) as owner_source,
    cast(null as {{ dbt.type_string() }}) as owner_name,
    cast(null as {{ dbt.type_string() }}) as owner_email,
    cast(null as {{ dbt.type_string() }}) as owner_job_title,
    cast(null as {{ dbt.type_string() }}) as owner_department,
    cast(null as {{ dbt.type_string() }}) as owner_manager_user_id,
    cast(null as {{ dbt.type_string() }}) as owner_manager_name,
    cast(null as boolean) as is_owner_active
where false

{% endif %}

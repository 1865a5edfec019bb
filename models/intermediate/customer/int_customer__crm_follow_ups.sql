{#- CRM follow-up tasks about customers, one row per task that is not deleted: what is to be done
    (subject and description, which may name a survey response id), by whom, by when, and whether it is still open (every status but completed is open, as in
    Salesforce: deferred tasks are postponed, not closed). The customer is the task's related contact
    or lead (int_identity__crosswalk). Empty when the CRM is switched off. -#}

{% if source_enabled('crm') %}

with

tasks as (
    select * from {{ ref('stg_crm__tasks') }}
    where not is_rejected and not coalesce(is_deleted, false)
),

users as (
    select * from {{ ref('stg_crm__users') }}
    where not is_rejected
),

crosswalk as (
    select * from {{ ref('int_identity__crosswalk') }}
),

related as (
    select
        tasks.*,
        case tasks.related_person_type
            when 'contact' then {{ record_key('crm', 'contacts', 'tasks.related_person_id') }}
            when 'lead' then {{ record_key('crm', 'leads', 'tasks.related_person_id') }}
        end as related_person_record_key
    from tasks
),

final as (
    select
        related.record_key as follow_up_key,
        crosswalk.customer_id,
        related.owner_user_id,
        related.related_person_record_key,
        concat_ws(' ', users.first_name, users.last_name) as owner_name,
        related.subject,
        related.description,
        related.task_type,
        related.task_status,
        related.priority,
        coalesce(related.task_status != 'completed', related.completed_at is null) as is_open,
        related.due_date,
        related.created_at,
        related.completed_at
    from related
    inner join crosswalk
        on related.related_person_record_key = crosswalk.record_key
    left join users
        on related.owner_user_id = users.user_id
)

select * from final

{% else %}

select
    cast(null as {{ dbt.type_string() }}) as follow_up_key,
    cast(null as {{ dbt.type_string() }}) as customer_id,
    cast(null as {{ dbt.type_string() }}) as owner_user_id,
    cast(null as {{ dbt.type_string() }}) as related_person_record_key,
    cast(null as {{ dbt.type_string() }}) as owner_name,
    cast(null as {{ dbt.type_string() }}) as subject,
    cast(null as {{ dbt.type_string() }}) as description,
    cast(null as {{ dbt.type_string() }}) as task_type,
    cast(null as {{ dbt.type_string() }}) as task_status,
    cast(null as {{ dbt.type_string() }}) as priority,
    cast(null as boolean) as is_open,
    cast(null as date) as due_date,
    cast(null as timestamp) as created_at,
    cast(null as timestamp) as completed_at
where false

{% endif %}

{#- Guard against runaway clusters: a wrong link between two busy records (a shared mailbox, a
    household landline) chains customers together. The guard counts the records of person-master
    tables (var data_inventory_person_master_tables: contacts, leads, billing customers, loyalty
    members, policy holders, registrations — one row should be one person), not transactions and
    events: a loyal customer may have hundreds of orders, but not dozens of CRM contacts. No customer
    may gather more of them than var('identity_max_cluster_size'). Fails with one row per customer over
    the limit. -#}

with

crosswalk as (
    select * from {{ ref('int_identity__crosswalk') }}
),

master_tables as (
    {%- for table_id in var('data_inventory_person_master_tables') %}
    select '{{ table_id }}' as source_table_id
    {%- if not loop.last %}
    union all
    {%- endif %}
    {%- endfor %}
),

person_master_records as (
    select crosswalk.customer_id
    from crosswalk
    inner join master_tables
        on crosswalk.source_system || ':' || crosswalk.source_table = master_tables.source_table_id
),

final as (
    select
        customer_id,
        count(*) as person_master_record_count
    from person_master_records
    group by customer_id
    having count(*) > {{ var('identity_max_cluster_size') }}
)

select * from final

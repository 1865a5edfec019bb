{#- The data inventory: one row per enabled source table. How much it holds (rows landed, usable,
    quarantined and the most common rejection reason), which person fields it holds and how complete
    each is among its person records (int_conform__person_records), how many of its records resolve
    to a customer (int_identity__crosswalk), how fresh it is (latest loaded_at), and which marts use it.
    Duplicates: only a person-master table (var data_inventory_person_master_tables: contacts, leads,
    billing customers, loyalty members, policy holders, web registrations — one row should be one
    person) can hold duplicate people: there, records of one customer beyond the first are duplicate
    person records. In an activity table (sends, orders, projects, tickets, calls, responses, store
    sales) several records of a customer are repeat activity; records_per_customer shows it for every
    table and the duplicate columns are null. Marts: read from the dbt graph at compile time, so the
    list cannot drift from the code. A mart uses a table directly when a path from its staging model
    to the mart avoids the identity models (int_identity__*): its data is read. A mart reached only
    through identity resolution uses the table only to know who the customer is. -#}

{%- set master_tables = var('data_inventory_person_master_tables') -%}

{#- marts downstream of each staging model, from graph.nodes: all paths, and paths that avoid the
    identity models (empty when a unit test compiles the model) -#}
{%- set marts_by_path = marts_by_staging_model(exclude=this.identifier) -%}
{%- set all_marts_by_staging_model = marts_by_path['all'] -%}
{%- set direct_marts_by_staging_model = marts_by_path['direct'] %}

with

source_tables as (
    select * from {{ ref('int_governance__source_tables') }}
),

person_records as (
    select * from {{ ref('int_conform__person_records') }}
),

crosswalk as (
    select * from {{ ref('int_identity__crosswalk') }}
),

rejected_rows as (
    select * from {{ ref('int_quarantine__rejected_rows') }}
),

mart_usage as (
    select
        cast(null as {{ dbt.type_string() }}) as staging_model,
        cast(null as {{ dbt.type_string() }}) as marts_using_directly,
        cast(null as {{ dbt.type_string() }}) as marts_using_through_identity_only,
        cast(null as integer) as direct_mart_count,
        cast(null as integer) as identity_only_mart_count
    where false
    {%- for model_name, marts in all_marts_by_staging_model.items() %}
    {%- set direct = direct_marts_by_staging_model.get(model_name, []) | unique | sort | list %}
    {%- set identity_only = marts | reject('in', direct) | unique | sort | list %}
    union all
    select
        '{{ model_name }}',
        {{ "'" ~ direct | join(", ") ~ "'" if direct else 'null' }},
        {{ "'" ~ identity_only | join(", ") ~ "'" if identity_only else 'null' }},
        {{ direct | length }},
        {{ identity_only | length }}
    {%- endfor %}
),

person_master_tables as (
    select cast(null as {{ dbt.type_string() }}) as source_table_id
    where false
    {%- for table_id in master_tables %}
    union all
    select '{{ table_id }}'
    {%- endfor %}
),

person_field_completeness as (
    select
        source_system,
        source_table,
        count(*) as person_record_count,
        {{ average_as_double(
            "case when coalesce(first_name, last_name, full_name) is not null then 1.0 else 0.0 end"
        ) }}
            as name_completeness,
        {{ average_as_double("case when email is not null then 1.0 else 0.0 end") }} as email_completeness,
        {{ average_as_double("case when phone is not null then 1.0 else 0.0 end") }} as phone_completeness,
        {{ average_as_double("case when street is not null then 1.0 else 0.0 end") }} as street_completeness,
        {{ average_as_double("case when postal_code is not null then 1.0 else 0.0 end") }} as postal_code_completeness,
        {{ average_as_double("case when birth_date is not null then 1.0 else 0.0 end") }} as birth_date_completeness,
        {{ average_as_double("case when national_id is not null then 1.0 else 0.0 end") }} as national_id_completeness
    from person_records
    group by source_system, source_table
),

resolution as (
    select
        source_system,
        source_table,
        count(*) as resolved_record_count,
        count(distinct customer_id) as customer_count
    from crosswalk
    group by source_system, source_table
),

customers_with_several_records as (
    select
        source_system,
        source_table,
        customer_id
    from crosswalk
    group by source_system, source_table, customer_id
    having count(*) > 1
),

several_records as (
    select
        source_system,
        source_table,
        count(*) as customers_with_several_records_count
    from customers_with_several_records
    group by source_system, source_table
),

top_rejection_reasons as (
    {{ most_frequent_value('rejected_rows', ['source_system', 'source_table'], 'rejection_reason') }}
),

joined as (
    select
        source_tables.*,
        top_rejection_reasons.rejection_reason as top_rejection_reason,
        mart_usage.marts_using_directly,
        mart_usage.marts_using_through_identity_only,
        coalesce(mart_usage.direct_mart_count, 0) as direct_mart_count,
        coalesce(mart_usage.identity_only_mart_count, 0) as identity_only_mart_count,
        person_master_tables.source_table_id is not null as is_person_master_table,
        coalesce(person_field_completeness.person_record_count, 0) as person_record_count,
        coalesce(resolution.resolved_record_count, 0) as resolved_record_count,
        coalesce(resolution.customer_count, 0) as customer_count,
        coalesce(several_records.customers_with_several_records_count, 0) as customers_with_several_records_count,
        person_field_completeness.name_completeness,
        person_field_completeness.email_completeness,
        person_field_completeness.phone_completeness,
        person_field_completeness.street_completeness,
        person_field_completeness.postal_code_completeness,
        person_field_completeness.birth_date_completeness,
        person_field_completeness.national_id_completeness
    from source_tables
    left join person_field_completeness
        on
            source_tables.source_system = person_field_completeness.source_system
            and source_tables.source_table = person_field_completeness.source_table
    left join resolution
        on
            source_tables.source_system = resolution.source_system
            and source_tables.source_table = resolution.source_table
    left join several_records
        on
            source_tables.source_system = several_records.source_system
            and source_tables.source_table = several_records.source_table
    left join top_rejection_reasons
        on
            source_tables.source_system = top_rejection_reasons.source_system
            and source_tables.source_table = top_rejection_reasons.source_table
    left join mart_usage
        on source_tables.staging_model = mart_usage.staging_model
    left join person_master_tables
        on source_tables.source_table_id = person_master_tables.source_table_id
),

final as (
    select
        source_table_id,
        source_system,
        source_table,
        staging_model,
        case
            when not is_file_present then 'absent'
            when landed_row_count = 0 and unreadable_line_count = 0 then 'empty'
            else 'landed'
        end as landing_status,
        file_path,
        missing_columns,
        nullif(concat_ws(
            ', ',
            case when name_completeness > 0 then 'name' end,
            case when email_completeness > 0 then 'email' end,
            case when phone_completeness > 0 then 'phone' end,
            case when street_completeness > 0 then 'street' end,
            case when postal_code_completeness > 0 then 'postal_code' end,
            case when birth_date_completeness > 0 then 'birth_date' end,
            case when national_id_completeness > 0 then 'national_id' end
        ), '') as person_fields,
        top_rejection_reason,
        marts_using_directly,
        marts_using_through_identity_only,
        cast(landed_row_count as bigint) as landed_row_count,
        cast(usable_row_count as bigint) as usable_row_count,
        cast(rejected_row_count as bigint) as rejected_row_count,
        cast(unreadable_line_count as bigint) as unreadable_line_count,
        cast(person_record_count as bigint) as person_record_count,
        cast(resolved_record_count as bigint) as resolved_record_count,
        cast(customer_count as bigint) as customer_count,
        -- duplicate people: only in person-master tables (elsewhere several records are repeat activity)
        cast(case when is_person_master_table then resolved_record_count - customer_count end as bigint)
            as duplicate_person_record_count,
        cast(case when is_person_master_table then customers_with_several_records_count end as bigint)
            as customers_with_duplicate_person_records_count,
        cast(direct_mart_count as integer) as direct_mart_count,
        cast(identity_only_mart_count as integer) as identity_only_mart_count,
        cast({{ date_diff_sql(
            'day', 'cast(last_loaded_at as date)', as_of_date()
        ) }} as integer) as days_since_last_load,
        cast(round(rejected_row_count / nullif(landed_row_count, 0), 4) as double) as rejected_row_share,
        cast(round(name_completeness, 4) as double) as name_completeness,
        cast(round(email_completeness, 4) as double) as email_completeness,
        cast(round(phone_completeness, 4) as double) as phone_completeness,
        cast(round(street_completeness, 4) as double) as street_completeness,
        cast(round(postal_code_completeness, 4) as double) as postal_code_completeness,
        cast(round(birth_date_completeness, 4) as double) as birth_date_completeness,
        cast(round(national_id_completeness, 4) as double) as national_id_completeness,
        cast(round(resolved_record_count / nullif(usable_row_count, 0), 4) as double) as resolved_record_share,
        cast(round(resolved_record_count / nullif(customer_count, 0), 4) as double) as records_per_customer,
        cast(
            case
                when is_person_master_table
                    then round((resolved_record_count - customer_count) / nullif(resolved_record_count, 0), 4)
            end as double
        ) as duplicate_person_record_share,
        person_record_count > 0 as is_person_table,
        is_person_master_table,
        last_loaded_at
    from joined
)

select * from final

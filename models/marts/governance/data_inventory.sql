{%- set as_of_var = var('lifecycle_as_of_date', none) -%}
{%- set as_of = "cast('" ~ as_of_var ~ "' as date)" if as_of_var else 'current_date' -%}

{#- The data inventory: one row per enabled source table. How much it holds (rows landed, usable,
    quarantined and the most common rejection reason), which person fields it holds and how complete
    each is among its person records (int_conform__person_records), how many of its records resolve
    to a customer (int_identity__crosswalk) and how many are duplicates inside the table (several
    records of one customer), how fresh it is (latest loaded_at), and which marts use it. The marts
    come from the dbt graph at compile time: every model under models/marts whose ancestors include
    the table's staging model, so the list cannot drift from the code. -#}

{#- marts downstream of each staging model, from graph.nodes -#}
{%- set marts_by_staging_model = {} -%}
{%- if execute -%}
{%- for node in graph.nodes.values()
    if node.resource_type == 'model' and node.original_file_path.startswith('models/marts/')
    and node.name != this.identifier -%}
{%- set queue = node.depends_on.nodes | list -%}
{%- set seen = [] -%}
{#- a breadth-first walk: the loop also visits the parents it appends -#}
{%- for parent in queue if parent not in seen -%}
{%- do seen.append(parent) -%}
{%- if parent in graph.nodes -%}
{%- do queue.extend(graph.nodes[parent].depends_on.nodes) -%}
{%- endif -%}
{%- if parent.startswith('model.') and graph.nodes.get(parent, {}).get('name', '').startswith('stg_') -%}
{%- do marts_by_staging_model.setdefault(graph.nodes[parent].name, []).append(node.name) -%}
{%- endif -%}
{%- endfor -%}
{%- endfor -%}
{%- endif %}

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
        cast(null as {{ dbt.type_string() }}) as marts_using,
        cast(null as integer) as mart_count
    where false
    {%- for model_name, marts in marts_by_staging_model.items() %}
    union all
    select
        '{{ model_name }}',
        '{{ marts | unique | sort | join(", ") }}',
        {{ marts | unique | list | length }}
    {%- endfor %}
),

person_field_completeness as (
    select
        source_system,
        source_table,
        count(*) as person_record_count,
        avg(case when coalesce(first_name, last_name, full_name) is not null then 1.0 else 0.0 end)
            as name_completeness,
        avg(case when email is not null then 1.0 else 0.0 end) as email_completeness,
        avg(case when phone is not null then 1.0 else 0.0 end) as phone_completeness,
        avg(case when street is not null then 1.0 else 0.0 end) as street_completeness,
        avg(case when postal_code is not null then 1.0 else 0.0 end) as postal_code_completeness,
        avg(case when birth_date is not null then 1.0 else 0.0 end) as birth_date_completeness,
        avg(case when ssn is not null then 1.0 else 0.0 end) as ssn_completeness
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

customers_with_duplicates as (
    select
        source_system,
        source_table,
        count(*) as customers_with_duplicates_count
    from crosswalk
    group by source_system, source_table, customer_id
    having count(*) > 1
),

duplicates as (
    select
        source_system,
        source_table,
        count(*) as customers_with_duplicates_count
    from customers_with_duplicates
    group by source_system, source_table
),

top_rejection_reasons as (
    select
        source_system,
        source_table,
        rejection_reason
    from rejected_rows
    group by source_system, source_table, rejection_reason
    qualify row_number() over (partition by source_system, source_table order by count(*) desc, rejection_reason) = 1
),

joined as (
    select
        source_tables.*,
        top_rejection_reasons.rejection_reason as top_rejection_reason,
        mart_usage.marts_using,
        coalesce(mart_usage.mart_count, 0) as mart_count,
        coalesce(person_field_completeness.person_record_count, 0) as person_record_count,
        coalesce(resolution.resolved_record_count, 0) as resolved_record_count,
        coalesce(resolution.customer_count, 0) as customer_count,
        coalesce(duplicates.customers_with_duplicates_count, 0) as customers_with_duplicates_count,
        person_field_completeness.name_completeness,
        person_field_completeness.email_completeness,
        person_field_completeness.phone_completeness,
        person_field_completeness.street_completeness,
        person_field_completeness.postal_code_completeness,
        person_field_completeness.birth_date_completeness,
        person_field_completeness.ssn_completeness
    from source_tables
    left join person_field_completeness
        on
            source_tables.source_system = person_field_completeness.source_system
            and source_tables.source_table = person_field_completeness.source_table
    left join resolution
        on
            source_tables.source_system = resolution.source_system
            and source_tables.source_table = resolution.source_table
    left join duplicates
        on
            source_tables.source_system = duplicates.source_system
            and source_tables.source_table = duplicates.source_table
    left join top_rejection_reasons
        on
            source_tables.source_system = top_rejection_reasons.source_system
            and source_tables.source_table = top_rejection_reasons.source_table
    left join mart_usage
        on source_tables.staging_model = mart_usage.staging_model
),

final as (
    select
        source_table_id,
        source_system,
        source_table,
        staging_model,
        nullif(concat_ws(
            ', ',
            case when name_completeness > 0 then 'name' end,
            case when email_completeness > 0 then 'email' end,
            case when phone_completeness > 0 then 'phone' end,
            case when street_completeness > 0 then 'street' end,
            case when postal_code_completeness > 0 then 'postal_code' end,
            case when birth_date_completeness > 0 then 'birth_date' end,
            case when ssn_completeness > 0 then 'ssn' end
        ), '') as person_fields,
        top_rejection_reason,
        marts_using,
        cast(landed_row_count as bigint) as landed_row_count,
        cast(usable_row_count as bigint) as usable_row_count,
        cast(rejected_row_count as bigint) as rejected_row_count,
        cast(person_record_count as bigint) as person_record_count,
        cast(resolved_record_count as bigint) as resolved_record_count,
        cast(customer_count as bigint) as customer_count,
        cast(resolved_record_count - customer_count as bigint) as duplicate_record_count,
        cast(customers_with_duplicates_count as bigint) as customers_with_duplicates_count,
        cast(mart_count as integer) as mart_count,
        cast(date_diff('day', cast(last_loaded_at as date), {{ as_of }}) as integer) as days_since_last_load,
        cast(round(rejected_row_count / nullif(landed_row_count, 0), 4) as double) as rejected_row_share,
        cast(round(name_completeness, 4) as double) as name_completeness,
        cast(round(email_completeness, 4) as double) as email_completeness,
        cast(round(phone_completeness, 4) as double) as phone_completeness,
        cast(round(street_completeness, 4) as double) as street_completeness,
        cast(round(postal_code_completeness, 4) as double) as postal_code_completeness,
        cast(round(birth_date_completeness, 4) as double) as birth_date_completeness,
        cast(round(ssn_completeness, 4) as double) as ssn_completeness,
        cast(round(resolved_record_count / nullif(usable_row_count, 0), 4) as double) as resolved_record_share,
        cast(round((resolved_record_count - customer_count) / nullif(resolved_record_count, 0), 4) as double)
            as duplicate_record_share,
        person_record_count > 0 as is_person_table,
        last_loaded_at
    from joined
)

select * from final

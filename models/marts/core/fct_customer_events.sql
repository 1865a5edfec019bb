{#- One timeline per customer: every conformed event whose person record (or, for sessions and
    card-only store sales, the event's own record) resolves to a customer, from the first prospect
    contact onward. Incremental (delete+insert on event_key): a run inserts the events that are new
    or whose row changed (a record re-assigned to another customer by identity resolution, a
    corrected source value) and deletes the events that no longer resolve, so the table always equals
    a full refresh, i.e. int_customer__events (checked by
    tests/marts/assert_fct_customer_events_matches_full_refresh.sql). -#}

{%- set compared_columns = [
    'customer_id', 'record_key', 'person_record_key', 'related_record_key', 'event_type', 'event_category',
    'direction', 'source_system', 'source_table', 'source_event_type', 'channel', 'event_detail',
    'resolved_through', 'amount_usd', 'is_customer_contact', 'is_purchase', 'event_date', 'occurred_at',
] %}

{#- Spark without Delta or Iceberg (local mode, DECISIONS §43) cannot delete rows: a table, rebuilt whole. -#}
{{ config(
    materialized='table' if target.type == 'spark' else 'incremental',
    unique_key='event_key',
    incremental_strategy='delete+insert',
    on_schema_change='fail',
    post_hook=[
        "{% if is_incremental() %}delete from {{ this }} as target where not exists (select 1 from "
        ~ "{{ ref('int_customer__events') }} as source where source.event_key = target.event_key)"
        ~ "{% endif %}"
    ],
) }}

with

customer_events as (
    select * from {{ ref('int_customer__events') }}
),

{% if is_incremental() %}
existing as (
    select * from {{ this }}
),
{% endif %}

changed as (
    select customer_events.*
    from customer_events
    {%- if is_incremental() %}
    left join existing
        on customer_events.event_key = existing.event_key
    where
        existing.event_key is null
        {%- for column in compared_columns %}
        or customer_events.{{ column }} is distinct from existing.{{ column }}
        {%- endfor %}
    {%- endif %}
),

final as (
    select
        event_key,
        customer_id,
        record_key,
        person_record_key,
        related_record_key,
        event_type,
        event_category,
        direction,
        source_system,
        source_table,
        source_event_type,
        channel,
        event_detail,
        resolved_through,
        amount_usd,
        is_customer_contact,
        is_purchase,
        event_date,
        occurred_at
    from changed
)

select * from final

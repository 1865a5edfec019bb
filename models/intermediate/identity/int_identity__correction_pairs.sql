{#- The stewards' corrections as record pairs, the form the clustering applies them in. A record key
    stands for itself. A customer id stands for the records that carried it in the previous build of
    int_identity__clusters (read as it stands before this build replaces it, like the clustering's own
    carry-over: not a ref, which would be a cycle), else, on a fresh database, for the record it is
    derived from ('C' + 16 hex of md5 of the record key). must_link joins one record of each side (that
    is enough to join two customers); must_not_link keeps every record of one side apart from every
    record of the other. A key that stands for no record of this build gives no pair (reported by
    int_identity__steward_corrections). One row per correction and record pair. -#}
{%- set previous_clusters = adapter.get_relation(
    database=this.database, schema=this.schema, identifier='int_identity__clusters'
) if execute else none -%}

with

corrections as (
    select * from {{ ref('stg_stewardship__corrections') }}
),

records as (
    select * from {{ ref('int_identity__records') }}
),

valid_corrections as (
    select
        correction_id,
        correction_type,
        subject_key_a,
        subject_key_b
    from corrections
    where not is_rejected
),

subject_keys as (
    select
        correction_id,
        correction_type,
        'a' as side,
        subject_key_a as subject_key
    from valid_corrections
    union all
    select
        correction_id,
        correction_type,
        'b' as side,
        subject_key_b as subject_key
    from valid_corrections
),

{% if previous_clusters is not none %}
previous_customers as (
    select
        customer_id,
        record_key
    from {{ previous_clusters }}
    where customer_id is not null
),
{% else %}
previous_customers as (
    select
        cast(null as {{ dbt.type_string() }}) as customer_id,
        cast(null as {{ dbt.type_string() }}) as record_key
    where false
),
{% endif %}

derived_customers as (
    select
        'C' || left(md5(record_key), 16) as customer_id,
        record_key
    from records
    where is_identifiable
),

by_record_key as (
    select
        subject_keys.correction_id,
        subject_keys.correction_type,
        subject_keys.side,
        subject_keys.subject_key,
        records.record_key,
        'record_key' as resolved_by
    from subject_keys
    inner join records
        on subject_keys.subject_key = records.record_key
),

by_previous_customer as (
    select
        subject_keys.correction_id,
        subject_keys.correction_type,
        subject_keys.side,
        subject_keys.subject_key,
        previous_customers.record_key,
        'previous_build_customer' as resolved_by
    from subject_keys
    inner join previous_customers
        on subject_keys.subject_key = previous_customers.customer_id
    -- a record that has left the data since the previous build stands for nothing
    inner join records
        on previous_customers.record_key = records.record_key
),

by_derived_customer as (
    select
        subject_keys.correction_id,
        subject_keys.correction_type,
        subject_keys.side,
        subject_keys.subject_key,
        derived_customers.record_key,
        'derived_customer_id' as resolved_by
    from subject_keys
    inner join derived_customers
        on subject_keys.subject_key = derived_customers.customer_id
    where not exists (
        select 1 from previous_customers
        where previous_customers.customer_id = subject_keys.subject_key
    )
),

resolved as (
    select * from by_record_key
    union all
    select * from by_previous_customer
    union all
    select * from by_derived_customer
),

representatives as (
    -- must_link: one record per side is enough; the smallest key, so every build picks the same
    select
        correction_id,
        side,
        min(record_key) as record_key
    from resolved
    where correction_type = 'must_link'
    group by correction_id, side
),

sides as (
    select resolved.*
    from resolved
    left join representatives
        on
            resolved.correction_id = representatives.correction_id
            and resolved.side = representatives.side
    where resolved.correction_type = 'must_not_link' or resolved.record_key = representatives.record_key
),

pairs as (
    select
        side_a.correction_id,
        side_a.correction_type,
        least(side_a.record_key, side_b.record_key) as record_key_a,
        greatest(side_a.record_key, side_b.record_key) as record_key_b,
        side_a.resolved_by as side_a_resolved_by,
        side_b.resolved_by as side_b_resolved_by
    from sides as side_a
    inner join sides as side_b
        on
            side_a.correction_id = side_b.correction_id
            and side_a.side = 'a'
            and side_b.side = 'b'
    -- a customer id on both sides of a must_not_link may share records: a record is not kept from itself
    where side_a.record_key != side_b.record_key
),

final as (
    select
        correction_id,
        correction_type,
        record_key_a,
        record_key_b,
        min(side_a_resolved_by) as side_a_resolved_by,
        min(side_b_resolved_by) as side_b_resolved_by
    from pairs
    group by correction_id, correction_type, record_key_a, record_key_b
)

select * from final

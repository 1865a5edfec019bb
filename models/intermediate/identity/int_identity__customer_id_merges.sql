{#- Customer ids that were retired, and the id their records carry now. Customer ids are derived from
    each customer's anchor record and carried over between builds, so a rebuild keeps them; an id is
    retired only when customers merge (the one seen first keeps its id). The snapshot snp_identity__customer_ids keeps every
    record's id history: a retired id is one that no current record carries any more; its records'
    current ids are the surviving ids. One row per retired id and surviving id. -#}

with

customer_id_history as (
    select * from {{ ref('snp_identity__customer_ids') }}
),

current_ids as (
    select
        record_key,
        customer_id
    from customer_id_history
    where dbt_valid_to is null
),

retired_ids as (
    select distinct customer_id_history.customer_id
    from customer_id_history
    left join current_ids
        on customer_id_history.customer_id = current_ids.customer_id
    where current_ids.customer_id is null
),

changes as (
    -- every record that carried a retired id, and the id it carries now
    select
        previous.customer_id as retired_customer_id,
        current_ids.customer_id as surviving_customer_id,
        previous.record_key,
        previous.dbt_valid_to as changed_at
    from customer_id_history as previous
    inner join retired_ids
        on previous.customer_id = retired_ids.customer_id
    inner join current_ids
        on previous.record_key = current_ids.record_key
),

final as (
    select
        retired_customer_id,
        surviving_customer_id,
        count(distinct record_key) as moved_record_count,
        min(changed_at) as retired_at
    from changes
    group by retired_customer_id, surviving_customer_id
)

select * from final

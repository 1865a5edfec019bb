{#- The merge log: every change of customer id the snapshot snp_identity__customer_ids has seen, as
    one row per previous id and current id. Customer ids are derived from each customer's anchor record
    and carried over between builds, so a rebuild keeps them; an id changes only when customers merge
    (the one seen first keeps its id; the other id is retired) or split (a steward's must_not_link,
    or links that are gone: the part holding most of the customer's records keeps the id, the other
    part's records move to a new id). -#}

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
    -- every record that carried another id before, and the id it carries now
    select
        previous.customer_id as previous_customer_id,
        current_ids.customer_id as current_customer_id,
        previous.record_key,
        previous.dbt_valid_to as changed_at
    from customer_id_history as previous
    inner join current_ids
        on previous.record_key = current_ids.record_key
    where
        previous.dbt_valid_to is not null
        and previous.customer_id != current_ids.customer_id
),

final as (
    select
        changes.previous_customer_id,
        changes.current_customer_id,
        case when retired_ids.customer_id is not null then 'merged' else 'split' end as id_change,
        count(distinct changes.record_key) as moved_record_count,
        min(changes.changed_at) as changed_at
    from changes
    left join retired_ids
        on changes.previous_customer_id = retired_ids.customer_id
    group by changes.previous_customer_id, changes.current_customer_id, retired_ids.customer_id
)

select * from final

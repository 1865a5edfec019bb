{#- Guard against runaway clusters: a wrong link between two busy records (a shared mailbox, a
    household landline) chains customers together. No customer may gather more source records than
    var('identity_max_cluster_size'); the largest true person in the demo data has 46. Fails with
    one row per customer over the limit. -#}
select
    customer_id,
    count(*) as record_count
from {{ ref('int_identity__crosswalk') }}
group by customer_id
having count(*) > {{ var('identity_max_cluster_size') }}

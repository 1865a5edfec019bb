{#- History of every resolved record's customer id (check strategy on customer_id): a new version of a
    record starts when its customer id changes (two customers merged, one split), and a record that
    leaves the crosswalk is closed. int_identity__customer_id_merges reads the retired ids from it. -#}
{% snapshot snp_identity__customer_ids %}

{{
    config(
        schema='snapshots',
        unique_key='record_key',
        strategy='check',
        check_cols=['customer_id'],
        hard_deletes='invalidate',
    )
}}

select
    record_key,
    customer_id
from {{ ref('int_identity__crosswalk') }}

{% endsnapshot %}

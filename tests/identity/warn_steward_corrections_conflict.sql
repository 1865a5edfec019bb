{{ config(severity='warn') }}

{#- The stewards' corrections win, but a conflict must not pass unseen: warns with one row per
    correction that overrides a deterministic rule, is overruled (a must_link that a must_not_link
    keeps apart) or names a record or customer this build does not have. -#}

with

steward_corrections as (
    select * from {{ ref('int_identity__steward_corrections') }}
),

final as (
    select
        correction_id,
        correction_type,
        correction_status,
        correction_outcome
    from steward_corrections
    where correction_status != 'applied' or has_rule_conflict
)

select * from final

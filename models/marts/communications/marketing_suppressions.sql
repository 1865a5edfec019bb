{#- Who must not receive which intent on the as-of date (var lifecycle_as_of_date, default today),
    and why: one row per customer, conflict rule and blocking period
    (int_communications__contact_periods) whose rule window covers the as-of date, i.e. a
    communication of the rule's intent_a sent today would be a conflict in
    fct_communication_conflicts. Scope customer: the period's own customer; scope household: every
    other customer of its household. suppressed_until_date is the last day the block holds (period
    end + window); null while an open complaint or an active status still holds. Rules that need the
    same offer (duplicate_offer) suppress only that offer (offer_key). -#}

with

periods as (
    select * from {{ ref('int_communications__contact_periods') }}
),

rules as (
    select * from {{ ref('ref_communication_conflict_rules') }}
),

households as (
    select * from {{ ref('int_identity__households') }}
),

active_blocks as (
    select
        rules.rule_id,
        rules.scope,
        rules.intent_a as suppressed_intent,
        rules.window_days,
        rules.requires_same_offer,
        periods.*
    from periods
    inner join rules
        on rules.intent_b in (periods.period_intent, periods.period_group)
    where
        {{ as_of_date() }} between periods.started_date - cast(rules.window_days as integer)
        and periods.ended_date + cast(rules.window_days as integer)
),

customer_blocks as (
    select
        customer_id as suppressed_customer_id,
        *
    from active_blocks
    where scope = 'customer'
),

household_blocks as (
    select
        households.customer_id as suppressed_customer_id,
        active_blocks.*
    from active_blocks
    inner join households
        on
            active_blocks.household_id = households.household_id
            and active_blocks.customer_id != households.customer_id
    where active_blocks.scope = 'household'
),

unioned as (
    select * from customer_blocks
    union all
    select * from household_blocks
),

final as (
    select
        {{ dbt.concat(["suppressed_customer_id", "'|'", "rule_id", "'|'", "period_key"]) }}
            as marketing_suppression_id,
        suppressed_customer_id as customer_id,
        rule_id,
        period_key as blocking_key,
        customer_id as blocking_customer_id,
        case when requires_same_offer then offer_key end as offer_key,
        suppressed_intent,
        scope,
        period_intent as blocking_intent,
        period_kind as blocking_kind,
        source_system as blocking_source_system,
        period_intent || ' (' || period_kind || ', ' || source_system || ') from '
        || {{ format_date_sql('started_date', '%Y-%m-%d') }}
        || case when ended_date > started_date then ' to ' || {{ format_date_sql(
            'ended_date', '%Y-%m-%d'
        ) }} else '' end
        || case when scope = 'household' then ' of another household member' else '' end
        || ': no ' || suppressed_intent
        || case when requires_same_offer then ' of ' || coalesce(offer_key, 'the same campaign') else '' end
        || ' within ' || cast(window_days as {{ dbt.type_string() }}) || ' days (rule '
        || rule_id || ')' as suppression_reason,
        cast(window_days as integer) as window_days,
        {{ as_of_date() }} as as_of_date,
        started_date as blocking_started_date,
        ended_date as blocking_ended_date,
        case
            when is_ongoing then null
            else ended_date + cast(window_days as integer)
        end as suppressed_until_date
    from unioned
)

select * from final

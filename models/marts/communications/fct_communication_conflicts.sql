{#- Every pair of communications (or a communication and a customer state) that a conflict rule of
    ref_communication_conflict_rules forbids, one row per rule and pair. The first side is an
    outbound communication whose intent or intent group is the rule's intent_a; the second is a
    contact period (int_communications__contact_periods: another communication, an open complaint
    or an active-customer status) whose intent or group is intent_b.
    - scope customer: both belong to the same customer; scope household: to two different
      customers of the same household.
    - days_apart: whole days from the communication to the nearest day of the period (0 when it
      falls inside); a pair conflicts when days_apart <= window_days (window 0 = the same day, or
      inside the period).
    - requires_same_offer: both carry the same offer (campaign); when intent_a = intent_b each pair
      is listed once (first side has the smaller key). -#}

with

outbound as (
    select * from {{ ref('int_communications__outbound') }}
    where is_resolved
),

periods as (
    select * from {{ ref('int_communications__contact_periods') }}
),

rules as (
    select * from {{ ref('ref_communication_conflict_rules') }}
),

offers_by_rule as (
    select
        rules.rule_id,
        rules.scope,
        rules.window_days,
        rules.intent_a,
        rules.intent_b,
        rules.requires_same_offer,
        outbound.*,
        -- the key both sides must share: the customer, or the household
        case rules.scope when 'customer' then outbound.customer_id else outbound.household_id end as scope_key
    from outbound
    inner join rules
        on rules.intent_a in (outbound.communication_intent, outbound.intent_group)
),

periods_by_scope as (
    select
        'customer' as scope,
        customer_id as scope_key,
        *
    from periods
    union all
    select
        'household' as scope,
        household_id as scope_key,
        *
    from periods
    where household_id is not null
),

candidate_pairs as (
    select
        offers_by_rule.rule_id,
        offers_by_rule.scope,
        offers_by_rule.window_days,
        offers_by_rule.communication_key,
        offers_by_rule.customer_id,
        offers_by_rule.household_id,
        offers_by_rule.communication_intent,
        offers_by_rule.source_system as communication_source_system,
        offers_by_rule.channel as communication_channel,
        offers_by_rule.communication_date,
        offers_by_rule.communicated_at,
        periods_by_scope.period_key as blocking_key,
        periods_by_scope.customer_id as blocking_customer_id,
        periods_by_scope.period_intent as blocking_intent,
        periods_by_scope.period_kind as blocking_kind,
        periods_by_scope.source_system as blocking_source_system,
        periods_by_scope.started_date as blocking_started_date,
        periods_by_scope.ended_date as blocking_ended_date,
        greatest(
            {{ date_diff_sql('day', 'offers_by_rule.communication_date', 'periods_by_scope.started_date') }},
            {{ date_diff_sql('day', 'periods_by_scope.ended_date', 'offers_by_rule.communication_date') }},
            0
        ) as days_apart
    from offers_by_rule
    inner join periods_by_scope
        on
            offers_by_rule.scope = periods_by_scope.scope
            and offers_by_rule.scope_key = periods_by_scope.scope_key
            and offers_by_rule.intent_b in (periods_by_scope.period_intent, periods_by_scope.period_group)
            and offers_by_rule.communication_key != periods_by_scope.period_key
    where
        -- household scope: another customer of the household
        (offers_by_rule.scope = 'customer' or offers_by_rule.customer_id != periods_by_scope.customer_id)
        and (not offers_by_rule.requires_same_offer or offers_by_rule.offer_key = periods_by_scope.offer_key)
        -- a rule pairing an intent with itself lists each pair once
        and (
            offers_by_rule.intent_a != offers_by_rule.intent_b
            or offers_by_rule.communication_key < periods_by_scope.period_key
        )
),

final as (
    select
        {{ dbt.concat(["rule_id", "'|'", "communication_key", "'|'", "blocking_key"]) }}
            as communication_conflict_id,
        rule_id,
        customer_id,
        household_id,
        communication_key,
        blocking_key,
        blocking_customer_id,
        scope,
        communication_intent,
        communication_source_system,
        communication_channel,
        blocking_intent,
        blocking_kind,
        blocking_source_system,
        cast(days_apart as integer) as days_apart,
        cast(window_days as integer) as window_days,
        days_apart = 0 as is_same_day,
        communication_date,
        blocking_started_date,
        blocking_ended_date,
        communicated_at
    from candidate_pairs
    where days_apart <= window_days
)

select * from final

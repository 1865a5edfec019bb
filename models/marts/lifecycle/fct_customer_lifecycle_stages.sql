{#- The lifecycle stages each customer entered, with the date, one row per entry.
    Funnel stages (entered once, at the first evidence in int_customer__events,
    the rows fct_customer_events publishes):
      1 subscriber           a marketing send or email engagement, or a web registration
      2 lead                 a CRM lead, a web quote request or form submission
      3 marketing_qualified  the lead became marketing-qualified
      4 sales_qualified      the lead became sales-qualified or was converted by sales
      5 opportunity          a deal was opened (or won or lost) for the person
      6 customer             the first purchase or contract (the first status after prospect, normally new)
    A funnel stage before customer counts only with evidence on or before the day the customer
    became one (later marketing to a customer is not a funnel step); stages may be skipped.
    Customer stages (entered every time the status changes to it, fct_customer_status_transitions):
      7 active, 8 at_risk, 9 lapsed, 10 lost (contractual or silent churn), 11 reactivated; the
      status new is the customer stage.
    The current stage is the latest status entry for a customer (new counts as customer), and the
    furthest funnel stage for a prospect. -#}

with

events as (
    select * from {{ ref('int_customer__events') }}
),

transitions as (
    select * from {{ ref('fct_customer_status_transitions') }}
),

stage_definitions as (
    select
        stage_values.lifecycle_stage,
        stage_values.stage_order
    from (
        values
        ('subscriber', 1),
        ('lead', 2),
        ('marketing_qualified', 3),
        ('sales_qualified', 4),
        ('opportunity', 5),
        ('customer', 6),
        ('active', 7),
        ('at_risk', 8),
        ('lapsed', 9),
        ('lost', 10),
        ('reactivated', 11)
    ) as stage_values (lifecycle_stage, stage_order)
),

customer_entries as (
    select
        customer_id,
        min(status_started_date) as customer_date
    from transitions
    where customer_status != 'prospect'
    group by customer_id
),

funnel_evidence as (
    select
        events.customer_id,
        case
            when events.event_category = 'marketing' or events.event_type = 'web_registered' then 'subscriber'
            when events.event_type in ('lead_created', 'web_quote_requested', 'web_form_submitted') then 'lead'
            when events.event_type = 'lead_marketing_qualified' then 'marketing_qualified'
            when events.event_type in ('lead_sales_qualified', 'lead_converted') then 'sales_qualified'
            when events.event_type in ('opportunity_created', 'opportunity_won', 'opportunity_lost') then 'opportunity'
        end as lifecycle_stage,
        events.event_key,
        events.event_type,
        events.source_system,
        events.occurred_at
    from events
    left join customer_entries
        on events.customer_id = customer_entries.customer_id
    where customer_entries.customer_date is null or events.event_date <= customer_entries.customer_date
),

funnel_entries as (
    select
        customer_id,
        lifecycle_stage,
        'funnel' as stage_group,
        event_key as evidence_event_key,
        event_type as evidence_event_type,
        source_system as evidence_source_system,
        cast(null as {{ dbt.type_string() }}) as churn_type,
        cast(occurred_at as date) as stage_entered_date,
        occurred_at as stage_entered_at,
        cast(null as date) as stage_exited_date
    from funnel_evidence
    where lifecycle_stage is not null
    qualify row_number() over (partition by customer_id, lifecycle_stage order by occurred_at, event_key) = 1
),

first_customer_statuses as (
    select *
    from transitions
    where customer_status != 'prospect'
    qualify row_number() over (partition by customer_id order by status_started_date, status_transition_id) = 1
),

-- the customer stage: the first status after prospect (normally new, which it stands for)
customer_stage_entries as (
    select
        customer_id,
        'customer' as lifecycle_stage,
        'customer' as stage_group,
        cast(null as {{ dbt.type_string() }}) as evidence_event_key,
        cast(null as {{ dbt.type_string() }}) as evidence_event_type,
        cast(null as {{ dbt.type_string() }}) as evidence_source_system,
        cast(null as {{ dbt.type_string() }}) as churn_type,
        status_started_date as stage_entered_date,
        cast(null as timestamp) as stage_entered_at,
        case when customer_status = 'new' then status_ended_date else status_started_date end as stage_exited_date
    from first_customer_statuses
),

status_entries as (
    select
        customer_id,
        customer_status as lifecycle_stage,
        'customer' as stage_group,
        cast(null as {{ dbt.type_string() }}) as evidence_event_key,
        cast(null as {{ dbt.type_string() }}) as evidence_event_type,
        cast(null as {{ dbt.type_string() }}) as evidence_source_system,
        churn_type,
        status_started_date as stage_entered_date,
        cast(null as timestamp) as stage_entered_at,
        status_ended_date as stage_exited_date
    from transitions
    where customer_status not in ('prospect', 'new')
),

unioned as (
    select * from funnel_entries
    union all
    select * from customer_stage_entries
    union all
    select * from status_entries
),

ranked as (
    select
        unioned.*,
        stage_definitions.stage_order,
        row_number() over (
            partition by unioned.customer_id
            order by
                unioned.stage_group = 'customer' desc,
                case when unioned.stage_group = 'customer' then unioned.stage_entered_date end desc,
                stage_definitions.stage_order desc
        ) = 1 as is_current_stage
    from unioned
    inner join stage_definitions
        on unioned.lifecycle_stage = stage_definitions.lifecycle_stage
),

final as (
    select
        customer_id || ':' || lifecycle_stage || ':' || {{ format_date_sql('stage_entered_date', '%Y-%m-%d') }}
            as lifecycle_stage_entry_id,
        customer_id,
        lifecycle_stage,
        stage_group,
        evidence_event_key,
        evidence_event_type,
        evidence_source_system,
        churn_type,
        stage_order,
        is_current_stage,
        stage_entered_date,
        stage_entered_at,
        stage_exited_date
    from ranked
)

select * from final

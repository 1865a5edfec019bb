{#- How survey alerts are being handled, one row per CRM owner, per supervisor (the owners' manager)
    and one `team` row for all alerts: alert counts, open / overdue / closed, share closed within the
    SLA, median hours to first contact and to close, recoveries. Anonymous alerts (no consent) have no
    owner and are counted on the team row only (`anonymous_alert_count`); named alerts of customers
    without a CRM owner count on the team row under `unassigned_alert_count`. -#}

{%- set levels = {
    'owner': ('owner_user_id', 'owner_name'),
    'supervisor': ('supervisor_user_id', 'supervisor_name'),
    'team': ("'all'", "'All alerts'"),
} %}

with

alerts as (
    select * from {{ ref('fct_survey_alerts') }}
),

summarised as (
    {%- for level, columns in levels.items() %}
    select
        '{{ level }}' as summary_level,
        {{ columns[0] }} as user_id,
        any_value({{ columns[1] }}) as user_name,
        count(*) as alert_count,
        count(*) filter (where not is_named) as anonymous_alert_count,
        count(*) filter (where is_named and not has_owner) as unassigned_alert_count,
        count(*) filter (where alert_status = 'open') as open_alert_count,
        count(*) filter (where is_overdue) as overdue_alert_count,
        count(*) filter (where alert_status = 'closed') as closed_alert_count,
        count(*) filter (where is_closed_within_sla) as closed_within_sla_count,
        count(*) filter (where is_recovered) as recovered_alert_count,
        count(*) filter (where is_named) as named_alert_count,
        median(hours_to_first_contact) as median_hours_to_first_contact,
        median(hours_to_close) as median_hours_to_close
    from alerts
    {%- if level != 'team' %}
    where {{ columns[0] }} is not null
    {%- endif %}
    group by summary_level, user_id
    {%- if not loop.last %}
    union all
    {%- endif %}
    {%- endfor %}
),

final as (
    select
        summary_level || ':' || user_id as alert_summary_id,
        user_id,
        summary_level,
        user_name,
        cast(alert_count as bigint) as alert_count,
        cast(named_alert_count as bigint) as named_alert_count,
        cast(anonymous_alert_count as bigint) as anonymous_alert_count,
        cast(unassigned_alert_count as bigint) as unassigned_alert_count,
        cast(open_alert_count as bigint) as open_alert_count,
        cast(overdue_alert_count as bigint) as overdue_alert_count,
        cast(closed_alert_count as bigint) as closed_alert_count,
        cast(closed_within_sla_count as bigint) as closed_within_sla_count,
        cast(recovered_alert_count as bigint) as recovered_alert_count,
        cast(
            case when named_alert_count > 0 then round(100.0 * closed_within_sla_count / named_alert_count, 1) end
            as double
        ) as within_sla_percent,
        cast(median_hours_to_first_contact as double) as median_hours_to_first_contact,
        cast(median_hours_to_close as double) as median_hours_to_close
    from summarised
)

select * from final

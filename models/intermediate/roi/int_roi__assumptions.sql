{#- The ROI assumptions (seed ref_roi_assumptions) as one row, one column per assumption, so the ROI
    marts read each price or rate by name. A missing seed row is a null column here;
    tests/roi/assert_roi_assumptions_are_complete.sql fails on it. -#}

with

assumption_rows as (
    select * from {{ ref('ref_roi_assumptions') }}
),

final as (
    select
        'current' as assumption_set_id,
        max(case when assumption_name = 'cost_per_mail_piece_usd' then value end)
            as cost_per_mail_piece_usd,
        max(case when assumption_name = 'cost_per_email_usd' then value end) as cost_per_email_usd,
        max(case when assumption_name = 'cost_per_other_channel_mailing_usd' then value end)
            as cost_per_other_channel_mailing_usd,
        max(case when assumption_name = 'cost_per_conflicting_contact_usd' then value end)
            as cost_per_conflicting_contact_usd,
        max(case when assumption_name = 'cost_per_repeat_contact_usd' then value end)
            as cost_per_repeat_contact_usd,
        max(case when assumption_name = 'program_cost_per_month_usd' then value end)
            as program_cost_per_month_usd,
        max(case when assumption_name = 'gross_margin_rate' then value end) as gross_margin_rate,
        max(case when assumption_name = 'recovered_detractor_attribution_rate' then value end)
            as recovered_detractor_attribution_rate,
        max(case when assumption_name = 'duplicate_mailing_avoidance_rate' then value end)
            as duplicate_mailing_avoidance_rate,
        max(case when assumption_name = 'conflict_avoidance_rate' then value end)
            as conflict_avoidance_rate
    from assumption_rows
)

select * from final

{#- The ROI assumptions (seed ref_roi_assumptions) as one row, one column per assumption, so the ROI
    marts read each price or rate by name, as decimal(18, 6) so the money the marts compute from them
    is exact decimal arithmetic (the same cents on every engine, whatever order rows are summed in; a
    price to a tenth of a cent, such as an email's 0.005, kept). A missing seed row is a null column here;
    tests/roi/assert_roi_assumptions_are_complete.sql fails on it. -#}

with

assumption_rows as (
    select * from {{ ref('ref_roi_assumptions') }}
),

typed_rows as (
    select
        assumption_name,
        cast(value as decimal(18, 6)) as assumption_value
    from assumption_rows
),

final as (
    select
        'current' as assumption_set_id,
        max(case when assumption_name = 'cost_per_mail_piece_usd' then assumption_value end)
            as cost_per_mail_piece_usd,
        max(case when assumption_name = 'cost_per_email_usd' then assumption_value end) as cost_per_email_usd,
        max(case when assumption_name = 'cost_per_other_channel_mailing_usd' then assumption_value end)
            as cost_per_other_channel_mailing_usd,
        max(case when assumption_name = 'cost_per_conflicting_contact_usd' then assumption_value end)
            as cost_per_conflicting_contact_usd,
        max(case when assumption_name = 'cost_per_repeat_contact_usd' then assumption_value end)
            as cost_per_repeat_contact_usd,
        max(case when assumption_name = 'program_cost_per_month_usd' then assumption_value end)
            as program_cost_per_month_usd,
        max(case when assumption_name = 'gross_margin_rate' then assumption_value end) as gross_margin_rate,
        max(case when assumption_name = 'recovered_detractor_attribution_rate' then assumption_value end)
            as recovered_detractor_attribution_rate,
        max(case when assumption_name = 'duplicate_mailing_avoidance_rate' then assumption_value end)
            as duplicate_mailing_avoidance_rate,
        max(case when assumption_name = 'conflict_avoidance_rate' then assumption_value end)
            as conflict_avoidance_rate
    from typed_rows
)

select * from final

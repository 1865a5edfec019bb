{#- The customer-data program month by month: one row per calendar month, the last
    var('roi_months') months up to the as-of month. Benefits (costs the program lets us avoid or
    value it creates), all priced with ref_roi_assumptions:
    - duplicate mailings avoided: marketing sends of a campaign the customer already got through
      another recipient record (int_communications__outbound.is_duplicate_mailing), at the cost of a
      mail piece, an email or (any other channel) cost_per_other_channel_mailing_usd, times
      duplicate_mailing_avoidance_rate (the share consolidation would really have avoided);
    - conflicts caught: outbound communications in a conflict (fct_communication_conflicts, every
      rule but duplicate_offer, which the duplicate mailings already count), each counted once, at
      the cost of a conflicting contact times conflict_avoidance_rate (the share the suppression
      list would really have avoided);
    - recovered detractors: customers whose NPS went from detractor to passive or promoter in the
      month (int_roi__detractor_recoveries), valued at their 12-month CLV (dim_customers.clv_usd)
      x gross margin x the attribution rate.
    Cost: the program cost per month. ROI = (benefit - cost) / cost. Repeat contacts and their
    handling cost are shown for information; they are not counted as a benefit.
    Money is decimal throughout (prices and rates as decimal(18, 6), each product rounded to six
    places, sums exact), so every engine gets the same cents; only the published columns are
    rounded to cents. -#}

with

outbound as (
    select * from {{ ref('int_communications__outbound') }}
),

conflicts as (
    select * from {{ ref('fct_communication_conflicts') }}
),

recoveries as (
    select * from {{ ref('int_roi__detractor_recoveries') }}
),

customers as (
    select * from {{ ref('dim_customers') }}
),

service_contacts as (
    select * from {{ ref('int_communications__service_contacts') }}
),

repeat_episodes as (
    select * from {{ ref('fct_repeat_contacts') }}
),

assumptions as (
    select * from {{ ref('int_roi__assumptions') }}
),

months as (
    select
        {{ month_series_dates(
            "cast(date_trunc('month', " ~ as_of_date() ~ ") as date) - "
            ~ months_interval(var('roi_months') ~ ' - 1'),
            "cast(date_trunc('month', " ~ as_of_date() ~ ") as date)"
        ) }} as report_month
),

duplicate_mailings as (
    select
        cast(date_trunc('month', outbound.communication_date) as date) as report_month,
        count(*) as duplicate_mailing_count,
        sum(
            case outbound.channel
                when 'direct_mail' then assumptions.cost_per_mail_piece_usd
                when 'email' then assumptions.cost_per_email_usd
                else assumptions.cost_per_other_channel_mailing_usd
            end
        ) as duplicate_mailing_cost_usd
    from outbound
    cross join assumptions
    where outbound.is_duplicate_mailing
    group by report_month
),

conflicted_communications as (
    select
        cast(date_trunc('month', communication_date) as date) as report_month,
        count(distinct communication_key) as conflicting_communication_count
    from conflicts
    where rule_id != 'duplicate_offer'
    group by report_month
),

recovered_detractors as (
    select
        cast(date_trunc('month', recoveries.recovered_date) as date) as report_month,
        count(*) as recovered_detractor_count,
        sum(coalesce(customers.clv_usd, 0)) as recovered_detractor_clv_usd
    from recoveries
    left join customers
        on recoveries.customer_id = customers.customer_id
    group by report_month
),

repeat_contacts as (
    select
        cast(date_trunc('month', service_contacts.contacted_date) as date) as report_month,
        count(*) as repeat_contact_count
    from service_contacts
    inner join repeat_episodes
        on service_contacts.contact_episode_id = repeat_episodes.repeat_contact_episode_id
    where service_contacts.contact_number_in_episode > 1
    group by report_month
),

joined as (
    select
        months.report_month,
        coalesce(duplicate_mailings.duplicate_mailing_count, 0) as duplicate_mailing_count,
        coalesce(conflicted_communications.conflicting_communication_count, 0) as conflicting_communication_count,
        coalesce(recovered_detractors.recovered_detractor_count, 0) as recovered_detractor_count,
        coalesce(repeat_contacts.repeat_contact_count, 0) as repeat_contact_count,
        cast(
            coalesce(duplicate_mailings.duplicate_mailing_cost_usd, 0) * assumptions.duplicate_mailing_avoidance_rate
            as decimal(18, 6)
        ) as duplicate_mailing_savings_usd,
        cast(
            cast(
                coalesce(conflicted_communications.conflicting_communication_count, 0)
                * assumptions.cost_per_conflicting_contact_usd as decimal(18, 6)
            )
            * assumptions.conflict_avoidance_rate as decimal(18, 6)
        ) as conflict_savings_usd,
        cast(
            cast(
                coalesce(recovered_detractors.recovered_detractor_clv_usd, 0) * assumptions.gross_margin_rate
                as decimal(18, 6)
            )
            * assumptions.recovered_detractor_attribution_rate as decimal(18, 6)
        ) as recovered_detractor_value_usd,
        cast(
            coalesce(repeat_contacts.repeat_contact_count, 0) * assumptions.cost_per_repeat_contact_usd
            as decimal(18, 6)
        ) as repeat_contact_cost_usd,
        assumptions.program_cost_per_month_usd as program_cost_usd
    from months
    cross join assumptions
    left join duplicate_mailings
        on months.report_month = duplicate_mailings.report_month
    left join conflicted_communications
        on months.report_month = conflicted_communications.report_month
    left join recovered_detractors
        on months.report_month = recovered_detractors.report_month
    left join repeat_contacts
        on months.report_month = repeat_contacts.report_month
),

with_totals as (
    select
        *,
        duplicate_mailing_savings_usd + conflict_savings_usd + recovered_detractor_value_usd as total_benefit_usd
    from joined
),

final as (
    select
        {{ format_date_sql('report_month', '%Y-%m') }} as report_month_id,
        cast(duplicate_mailing_count as integer) as duplicate_mailing_count,
        cast(conflicting_communication_count as integer) as conflicting_communication_count,
        cast(recovered_detractor_count as integer) as recovered_detractor_count,
        cast(repeat_contact_count as integer) as repeat_contact_count,
        cast(duplicate_mailing_savings_usd as decimal(18, 2)) as duplicate_mailing_savings_usd,
        cast(conflict_savings_usd as decimal(18, 2)) as conflict_savings_usd,
        cast(recovered_detractor_value_usd as decimal(18, 2)) as recovered_detractor_value_usd,
        cast(total_benefit_usd as decimal(18, 2)) as total_benefit_usd,
        cast(program_cost_usd as decimal(18, 2)) as program_cost_usd,
        cast(total_benefit_usd - program_cost_usd as decimal(18, 2)) as net_benefit_usd,
        cast(repeat_contact_cost_usd as decimal(18, 2)) as repeat_contact_cost_usd,
        cast(round((total_benefit_usd - program_cost_usd) / nullif(program_cost_usd, 0), 4) as double) as roi,
        report_month
    from with_totals
)

select * from final

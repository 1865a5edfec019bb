{#- What consolidating the customer data yields, over all loaded history, one row (as of the as-of
    date): source records per customer and the duplicates identity resolution removed
    (int_identity__crosswalk), duplicate mailings found and their cost (marketing sends of a campaign
    a customer already got through another recipient record, int_communications__outbound), conflicts
    caught (fct_communication_conflicts, every rule but duplicate_offer, each communication once) and
    their cost, customers suppressed today (marketing_suppressions), and repeat contacts
    (fct_repeat_contacts) with their handling cost. Prices from ref_roi_assumptions; a duplicate
    mailing on a channel other than email or direct_mail is priced at
    cost_per_other_channel_mailing_usd. These are the costs found in history; the share of them
    counted as a saving (the avoidance rates) is applied in roi_program_monthly. -#}

with

crosswalk as (
    select * from {{ ref('int_identity__crosswalk') }}
),

outbound as (
    select * from {{ ref('int_communications__outbound') }}
),

conflicts as (
    select * from {{ ref('fct_communication_conflicts') }}
),

suppressions as (
    select * from {{ ref('marketing_suppressions') }}
),

repeat_episodes as (
    select * from {{ ref('fct_repeat_contacts') }}
),

assumptions as (
    select * from {{ ref('int_roi__assumptions') }}
),

identity_figures as (
    select
        count(*) as source_record_count,
        count(distinct customer_id) as customer_count
    from crosswalk
),

mailing_figures as (
    select
        count(*) filter (where outbound.source_system = 'marketing') as marketing_send_count,
        count(*) filter (where outbound.is_duplicate_mailing) as duplicate_mailing_count,
        count(distinct outbound.customer_id) filter (where outbound.is_duplicate_mailing)
            as duplicate_mailing_customer_count,
        coalesce(sum(
            case
                when not outbound.is_duplicate_mailing then 0
                when outbound.channel = 'direct_mail' then assumptions.cost_per_mail_piece_usd
                when outbound.channel = 'email' then assumptions.cost_per_email_usd
                else assumptions.cost_per_other_channel_mailing_usd
            end
        ), 0) as duplicate_mailing_cost_usd
    from outbound
    cross join assumptions
),

conflict_figures as (
    select
        count(*) as conflict_pair_count,
        count(distinct communication_key) as conflicting_communication_count,
        count(distinct customer_id) as conflicted_customer_count
    from conflicts
    where rule_id != 'duplicate_offer'
),

suppression_figures as (
    select count(distinct customer_id) as suppressed_customer_count
    from suppressions
),

repeat_figures as (
    select
        count(*) as repeat_contact_episode_count,
        coalesce(sum(repeat_contact_count), 0) as repeat_contact_count
    from repeat_episodes
),

final as (
    select
        {{ as_of_date() }} as as_of_date,
        cast(identity_figures.source_record_count as bigint) as source_record_count,
        cast(identity_figures.customer_count as bigint) as customer_count,
        cast(identity_figures.source_record_count - identity_figures.customer_count as bigint)
            as duplicate_records_removed_count,
        cast(round(identity_figures.source_record_count / nullif(identity_figures.customer_count, 0), 2) as double)
            as source_records_per_customer,
        cast(mailing_figures.marketing_send_count as bigint) as marketing_send_count,
        cast(mailing_figures.duplicate_mailing_count as bigint) as duplicate_mailing_count,
        cast(mailing_figures.duplicate_mailing_customer_count as bigint) as duplicate_mailing_customer_count,
        cast(mailing_figures.duplicate_mailing_cost_usd as decimal(18, 2)) as duplicate_mailing_cost_usd,
        cast(conflict_figures.conflict_pair_count as bigint) as conflict_pair_count,
        cast(conflict_figures.conflicting_communication_count as bigint) as conflicting_communication_count,
        cast(conflict_figures.conflicted_customer_count as bigint) as conflicted_customer_count,
        cast(
            conflict_figures.conflicting_communication_count * assumptions.cost_per_conflicting_contact_usd
            as decimal(18, 2)
        ) as conflict_cost_usd,
        cast(suppression_figures.suppressed_customer_count as bigint) as suppressed_customer_count,
        cast(repeat_figures.repeat_contact_episode_count as bigint) as repeat_contact_episode_count,
        cast(repeat_figures.repeat_contact_count as bigint) as repeat_contact_count,
        cast(repeat_figures.repeat_contact_count * assumptions.cost_per_repeat_contact_usd as decimal(18, 2))
            as repeat_contact_cost_usd
    from identity_figures
    cross join mailing_figures
    cross join conflict_figures
    cross join suppression_figures
    cross join repeat_figures
    cross join assumptions
)

select * from final

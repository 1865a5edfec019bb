{#- Money a customer spent and got back: one row per purchase (an order placed, a store sale, or a
    payment when billing alone tells what customers paid: macro purchase_event_types) and per refund
    paid out. Orders carry the date they were cancelled (a cancelled order is not a
    purchase from that day on); a refund names the order it refunds when the billing chain
    refund → payment → invoice → order can be followed (in the conformed events), so refunds of
    cancelled orders are not subtracted twice. Amounts are what the customer was charged, in USD. -#}

with

customer_events as (
    select * from {{ ref('int_customer__events') }}
),

events as (
    select * from {{ ref('int_conform__events') }}
),

purchases as (
    select * from customer_events
    where is_purchase
),

cancellations as (
    select
        record_key,
        min(occurred_at) as cancelled_at
    from customer_events
    where event_type = 'order_cancelled'
    group by record_key
),

refunds as (
    select * from customer_events
    where event_type = 'refund_issued'
),

payment_invoices as (
    select distinct
        record_key as payment_record_key,
        related_record_key as invoice_record_key
    from events
    where source_system = 'billing' and source_table = 'payments'
),

invoice_orders as (
    select distinct
        record_key as invoice_record_key,
        related_record_key as order_record_key
    from events
    where source_system = 'billing' and source_table = 'invoices' and related_record_key is not null
),

purchase_rows as (
    select
        purchases.event_key as revenue_event_key,
        purchases.customer_id,
        purchases.record_key as purchase_record_key,
        case purchases.source_system
            when 'orders' then 'order'
            when 'pos' then 'store_sale'
            when 'billing' then 'payment'
            else purchases.event_type
        end as revenue_event_type,
        purchases.source_system,
        purchases.channel,
        purchases.amount_usd,
        cancellations.cancelled_at is not null as is_cancelled,
        purchases.occurred_at,
        cancellations.cancelled_at
    from purchases
    left join cancellations
        on purchases.record_key = cancellations.record_key
),

refund_rows as (
    select
        refunds.event_key as revenue_event_key,
        refunds.customer_id,
        invoice_orders.order_record_key as purchase_record_key,
        'refund' as revenue_event_type,
        refunds.source_system,
        refunds.channel,
        refunds.amount_usd,
        coalesce(cancellations.cancelled_at is not null, false) as is_cancelled,
        refunds.occurred_at,
        cancellations.cancelled_at
    from refunds
    left join payment_invoices
        on refunds.related_record_key = payment_invoices.payment_record_key
    left join invoice_orders
        on payment_invoices.invoice_record_key = invoice_orders.invoice_record_key
    left join cancellations
        on invoice_orders.order_record_key = cancellations.record_key
),

unioned as (
    select * from purchase_rows
    union all
    select * from refund_rows
),

final as (
    select
        revenue_event_key,
        customer_id,
        purchase_record_key,
        revenue_event_type,
        source_system,
        channel,
        coalesce(amount_usd, 0) as amount_usd,
        is_cancelled,
        cast(occurred_at as date) as revenue_date,
        cast(cancelled_at as date) as cancelled_date,
        occurred_at,
        cancelled_at
    from unioned
)

select * from final

{{ config(severity='warn') }}

{#- Two national ids (valid ones, per country) or two birth dates in one customer are two people
    merged (or a typo in a source that a reference tied to the customer): the clustering never joins
    such customers on a model link or an attachment. Warns with one row per customer to review. -#}

with

crosswalk as (
    select * from {{ ref('int_identity__crosswalk') }}
),

records as (
    select * from {{ ref('int_identity__records') }}
),

final as (
    select
        crosswalk.customer_id,
        count(distinct records.national_id) as national_id_count,
        count(distinct records.birth_date) as birth_date_count
    from crosswalk
    inner join records
        on crosswalk.record_key = records.record_key
    group by crosswalk.customer_id
    having count(distinct records.national_id) > 1 or count(distinct records.birth_date) > 1
)

select * from final

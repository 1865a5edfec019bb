{{ config(severity='warn') }}
{#- Events that name a person record which does not exist or was quarantined (an orphan reference).
    The generator plants some; in real data they point at gaps between systems. Warn, don't fail:
    the events are kept (counted in the timeline without a customer) and listed here. -#}
select
    event_key,
    person_record_key,
    source_system,
    source_table
from {{ ref('int_conform__events') }}
where person_record_key is not null and not has_known_person_record

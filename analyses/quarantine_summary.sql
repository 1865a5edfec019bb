-- Rejected rows by source table and reason, largest first: where a data steward starts.
-- Run with `dbt compile --select quarantine_summary` and paste, or `dbt show --select quarantine_summary`.
select
    source_system,
    source_table,
    rejection_reason,
    count(*) as rejected_rows,
    min(loaded_at) as first_loaded_at,
    max(loaded_at) as last_loaded_at
from {{ ref('int_quarantine__rejected_rows') }}
group by source_system, source_table, rejection_reason
order by rejected_rows desc

-- Every model published to the BI database (configured `+database: bi`; on Spark, schema `marts`) is
-- listed by the exposure of the BI database, and every exposure depends only on published models: the
-- lineage graph runs from each raw source to each consumer, and nothing a consumer reads is private.
-- Returns one row per violation.
{%- set published = [] -%}
{%- set private_reads = [] -%}
{%- set bi_exposure_models = [] -%}
{%- if execute -%}
{%- for node in graph.nodes.values() if node.resource_type == 'model' and node.config.database == 'bi' -%}
{%- do published.append(node.unique_id) -%}
{%- endfor -%}
{%- for exposure in graph.exposures.values() -%}
{%- for parent in exposure.depends_on.nodes -%}
{%- if exposure.name == 'bi_database' -%}
{%- do bi_exposure_models.append(parent) -%}
{%- endif -%}
{%- if parent.startswith('model.') and parent not in published -%}
{%- do private_reads.append(exposure.name ~ ' reads ' ~ parent) -%}
{%- endif -%}
{%- endfor -%}
{%- endfor -%}
{%- endif %}

with

violations as (
    select cast(null as {{ dbt.type_string() }}) as violation
    where false
    {%- for model in published if model not in bi_exposure_models %}
    union all
    select '{{ model }} is published but missing from exposure bi_database'
    {%- endfor %}
    {%- for read in private_reads %}
    union all
    select '{{ read }}, which is not published to the BI database'
    {%- endfor %}
)

select * from violations

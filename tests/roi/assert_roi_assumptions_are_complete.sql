{#- Every assumption an ROI model reads must be a row of ref_roi_assumptions exactly once, with a
    value: a missing row would price its figure at null (max(case ...) over no row) without any other
    test failing. The required names are read at compile time from the code of every model that refs
    the seed (each `assumption_name = '<name>'`), so the list cannot drift from the models. Fails with
    one row per required name that is missing, repeated or without a value. -#}
{%- set required = [] -%}
{%- if execute -%}
{%- for node in graph.nodes.values() if node.resource_type == 'model' -%}
{%- set reads_seed = namespace(value=false) -%}
{%- for parent in node.depends_on.nodes
    if parent.startswith('seed.') and parent.endswith('.ref_roi_assumptions') -%}
{%- set reads_seed.value = true -%}
{%- endfor -%}
{%- for name in modules.re.findall("assumption_name\\s*=\\s*'([a-z0-9_]+)'", node.raw_code)
    if reads_seed.value -%}
{%- if name not in required -%}
{%- do required.append(name) -%}
{%- endif -%}
{%- endfor -%}
{%- endfor -%}
{%- endif -%}
{%- if not required -%}
{%- do required.append('no ROI model reads ref_roi_assumptions') -%}
{%- endif %}

with

assumptions as (
    select * from {{ ref('ref_roi_assumptions') }}
),

required_names as (
    {%- for name in required | sort %}
    select '{{ name }}' as required_name
    {%- if not loop.last %}
    union all
    {%- endif %}
    {%- endfor %}
),

checked as (
    select
        required_names.required_name as assumption_name,
        count(assumptions.assumption_name) as row_count,
        count(assumptions.value) as value_count
    from required_names
    left join assumptions
        on required_names.required_name = assumptions.assumption_name
    group by required_names.required_name
)

select * from checked
where row_count != 1 or value_count != 1

{#- The marts downstream of each staging model, read from the dbt graph (graph.nodes) at compile time:
    a dict with `all` (staging model name -> marts reached by any path) and `direct` (-> marts reached
    by a path that avoids the identity models int_identity__*). `exclude` names a model left out (the
    caller itself). Empty when the graph is (a unit test compiling the model, or parse time). A macro,
    not loops in the model, so the model's template stays one slice for sqlfluff (the loops inline
    cost 2 of the lint's 13 CPU minutes). -#}
{% macro marts_by_staging_model(exclude=none) -%}
    {%- set by_path = {'all': {}, 'direct': {}} -%}
    {%- set graph_nodes = graph.get('nodes', {}) -%}
    {%- if execute -%}
    {%- for node in graph_nodes.values()
        if node.resource_type == 'model' and node.original_file_path.startswith('models/marts/')
        and node.name != exclude -%}
    {%- for stop_at_identity, marts_by_model in [(false, by_path['all']), (true, by_path['direct'])] -%}
    {%- set queue = node.get('depends_on', {}).get('nodes', []) | list -%}
    {%- set seen = [] -%}
    {#- a breadth-first walk: the loop also visits the parents it appends -#}
    {%- for parent in queue if parent not in seen -%}
    {%- do seen.append(parent) -%}
    {%- set parent_name = graph_nodes.get(parent, {}).get('name', '') -%}
    {%- if parent in graph_nodes and not (stop_at_identity and parent_name.startswith('int_identity__')) -%}
    {%- do queue.extend(graph_nodes[parent].get('depends_on', {}).get('nodes', [])) -%}
    {%- endif -%}
    {%- if parent.startswith('model.') and parent_name.startswith('stg_') -%}
    {%- do marts_by_model.setdefault(parent_name, []).append(node.name) -%}
    {%- endif -%}
    {%- endfor -%}
    {%- endfor -%}
    {%- endfor -%}
    {%- endif -%}
    {{ return(by_path) }}
{%- endmacro %}

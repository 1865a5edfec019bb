{#- A frame on a named window (`over (by_date rows between ...)`): DuckDB refines the named window in
    place; Spark cannot refine a named window, so there the window's definition is written out before
    the frame. `definition` must be the named window's own definition. Dispatched. -#}
{% macro window_with_frame(window_name, definition, frame) -%}
    {{ return(adapter.dispatch('window_with_frame', 'customer360')(window_name, definition, frame)) }}
{%- endmacro %}

{% macro default__window_with_frame(window_name, definition, frame) -%}
    {{ window_name }} {{ frame }}
{%- endmacro %}

{% macro spark__window_with_frame(window_name, definition, frame) -%}
    {{ definition }} {{ frame }}
{%- endmacro %}

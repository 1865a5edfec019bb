{#- The Spark implementations still missing (issue 18): each raises, when the model that calls it runs,
    an error naming the macro, so the project parses on Spark and a model that needs one fails loudly
    instead of building something different. Delete a line here when its spark__ macro exists. -#}
{% macro not_ported(macro_name) -%}
    {%- if execute -%}
        {{ exceptions.raise_compiler_error(
            "macro " ~ macro_name ~ " has no " ~ adapter.type() ~ " implementation yet (issue 18; DuckDB has one)"
        ) }}
    {%- endif -%}
    null
{%- endmacro %}


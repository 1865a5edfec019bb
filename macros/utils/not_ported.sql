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

{% macro spark__full_name_parts(column) -%}{{ not_ported('full_name_parts') }}{%- endmacro %}
{% macro spark__standardize_streets(relation, street_column) -%}{{ not_ported('standardize_streets') }}{%- endmacro %}
{% macro spark__street_parts_from_words(words, suffix_map, directional_map, designator_map, needs_identifier_map) -%}{{ not_ported('street_parts_from_words') }}{%- endmacro %}
{% macro spark__street_words(column) -%}{{ not_ported('street_words') }}{%- endmacro %}

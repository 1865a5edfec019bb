{#- Display name from conformed lower-case name parts: each part capitalised, then the suffix. -#}
{% macro display_name(first_name, middle_initial, last_name, name_suffix) -%}
    {{ return(adapter.dispatch('display_name', 'customer360')(first_name, middle_initial, last_name, name_suffix)) }}
{%- endmacro %}

{% macro default__display_name(first_name, middle_initial, last_name, name_suffix) -%}
    nullif(array_to_string(
        list_transform(
            string_split(concat_ws(' ', {{ first_name }}, {{ middle_initial }}, {{ last_name }}), ' '),
            lambda name_part: upper(left(name_part, 1)) || substr(name_part, 2)
        ) || list_filter([{{ name_suffix }}], lambda suffix: suffix is not null),
        ' '
    ), '')
{%- endmacro %}

{% macro spark__display_name(first_name, middle_initial, last_name, name_suffix) -%}
    nullif(array_join(
        concat(
            transform(
                split(concat_ws(' ', {{ first_name }}, {{ middle_initial }}, {{ last_name }}), ' '),
                name_part -> upper(left(name_part, 1)) || substr(name_part, 2)
            ),
            filter(array({{ name_suffix }}), suffix -> suffix is not null)
        ),
        ' '
    ), '')
{%- endmacro %}

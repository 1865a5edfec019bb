{#- Trim, fold every run of whitespace (incl. no-break and zero-width spaces, BOM) to one space,
    and turn empty strings and null tokens into SQL null. Null tokens are marks that stand for
    "no value" ('N/A', '#N/A', '-', '?'); with null_words (the default, for codes, ids and picklists)
    also the words NULL, NA and NONE. Names pass null_words=false: Na, Null and None are surnames.
    Works on text or typed input. -#}
{% macro clean_text(column, null_words=true) -%}
    {{ return(adapter.dispatch('clean_text', 'customer360')(column, null_words)) }}
{%- endmacro %}

{#- The upper-case tokens clean_text turns into null (besides the empty string). -#}
{% macro null_tokens(null_words=true) -%}
    {%- set marks = ['N/A', '#N/A', '-', '?'] -%}
    {{ return(marks + (['NULL', 'NA', 'NONE'] if null_words else [])) }}
{%- endmacro %}

{% macro default__clean_text(column, null_words=true) -%}
    case
        when upper(trim(cast({{ column }} as {{ dbt.type_string() }}))) in (
            ''{% for token in null_tokens(null_words) %}, '{{ token }}'{% endfor %}
        )
            then null
        else trim(cast({{ column }} as {{ dbt.type_string() }}))
    end
{%- endmacro %}

{% macro duckdb__clean_text(column, null_words=true) -%}
    nullif(
        case
            when upper(trim(cast({{ column }} as varchar))) in (
                {% for token in null_tokens(null_words) %}'{{ token }}'{{ ', ' if not loop.last }}{% endfor %}
            ) then null
            else trim(regexp_replace(cast({{ column }} as varchar), '[\s\x{00A0}\x{200B}\x{FEFF}]+', ' ', 'g'))
        end,
        ''
    )
{%- endmacro %}

{#- A picklist value as a lower snake_case category: 'Closed - Converted' -> 'closed_converted'. Dispatched. -#}
{% macro category(column) -%}
    {{ return(adapter.dispatch('category', 'customer360')(column)) }}
{%- endmacro %}

{% macro default__category(column) -%}
    nullif(trim(regexp_replace(lower({{ clean_text(column) }}), '[^a-z0-9]+', '_', 'g'), '_'), '')
{%- endmacro %}

{#- Spark: every match replaced without a flag; trim(BOTH .. FROM ..) as Spark's two-argument trim
    takes its arguments the other way round. -#}
{% macro spark__category(column) -%}
    nullif(trim(BOTH '_' FROM regexp_replace(lower({{ clean_text(column) }}), '[^a-z0-9]+', '_')), '')
{%- endmacro %}

{#- Spark: the same folding with a Java regular expression (the class spelt out, as RE2's \s is not
    Java's), as a raw literal; Spark's regexp_replace replaces every match. -#}
{% macro spark__clean_text(column, null_words=true) -%}
    nullif(
        case
            when upper(trim(cast({{ column }} as string))) in (
                {% for token in null_tokens(null_words) %}'{{ token }}'{{ ', ' if not loop.last }}{% endfor %}
            ) then null
            else trim(regexp_replace(cast({{ column }} as string), r'[\t\n\f\r \x{00A0}\x{200B}\x{FEFF}]+', ' '))
        end,
        ''
    )
{%- endmacro %}

{#- Every match of `pattern` (a regular expression in the syntax both RE2 and Java read) replaced by
    `replacement`: DuckDB needs the 'g' option (else only the first match), Spark replaces every match
    and reads the pattern as a raw literal, which cannot hold a quote: a quote written '' for DuckDB becomes
    the regular expression escape \x{27} there. Dispatched. -#}
{% macro regexp_replace_all(expression, pattern, replacement) -%}
    {{ return(adapter.dispatch('regexp_replace_all', 'customer360')(expression, pattern, replacement)) }}
{%- endmacro %}

{% macro default__regexp_replace_all(expression, pattern, replacement) -%}
    regexp_replace({{ expression }}, '{{ pattern }}', '{{ replacement }}', 'g')
{%- endmacro %}

{% macro spark__regexp_replace_all(expression, pattern, replacement) -%}
    regexp_replace({{ expression }}, r'{{ pattern | replace("''", "\\x{27}") }}', '{{ replacement }}')
{%- endmacro %}

{#- Whether the whole of `expression` matches `pattern`: DuckDB's regexp_full_match, Spark's rlike
    anchored. Dispatched. -#}
{% macro regexp_full_match(expression, pattern) -%}
    {{ return(adapter.dispatch('regexp_full_match', 'customer360')(expression, pattern)) }}
{%- endmacro %}

{% macro default__regexp_full_match(expression, pattern) -%}
    regexp_full_match({{ expression }}, '{{ pattern }}')
{%- endmacro %}

{% macro spark__regexp_full_match(expression, pattern) -%}
    ({{ expression }} rlike r'^(?:{{ pattern | replace("''", "\\x{27}") }})$')
{%- endmacro %}

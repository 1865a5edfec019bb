{#- Salted SHA-256 of a normalised identifier (trimmed, lower case), as hex. The salt is the DuckDB
    variable customer360_pii_salt, set on every connection at run time by the dbt-duckdb plugin
    customer360.privacy.salt_plugin, so it never appears in compiled SQL, the manifest or the docs.
    Null in, null out; the build fails if the salt is missing. -#}
{% macro pii_hash(expression) -%}
    {{ return(adapter.dispatch('pii_hash', 'customer360')(expression)) }}
{%- endmacro %}

{% macro default__pii_hash(expression) -%}
    case
        when {{ expression }} is null then null
        when getvariable('customer360_pii_salt') is null
            then error('PII salt missing: the customer360.privacy.salt_plugin plugin is not configured')
        else sha256(getvariable('customer360_pii_salt') || ':' || lower(trim({{ expression }})))
    end
{%- endmacro %}

{#- Spark: the salt is the session variable customer360_pii_salt, declared and bound as a parameter on
    every session by customer360.spark.session.prepare_session, so it is in no SQL text either. -#}
{% macro spark__pii_hash(expression) -%}
    case
        when {{ expression }} is null then null
        when customer360_pii_salt is null
            then raise_error('PII salt missing: customer360.spark.session.prepare_session did not run')
        else sha2(concat(customer360_pii_salt, ':', lower(trim({{ expression }}))), 256)
    end
{%- endmacro %}

{#- Unsalted SHA-256 (hex) of a text expression: what a hash that forgot the salt would hold (the
    privacy tests look for it in published columns). -#}
{% macro sha256_hex(expression) -%}
    {{ return(adapter.dispatch('sha256_hex', 'customer360')(expression)) }}
{%- endmacro %}
{% macro default__sha256_hex(expression) -%}
    sha256({{ expression }})
{%- endmacro %}
{% macro spark__sha256_hex(expression) -%}
    sha2({{ expression }}, 256)
{%- endmacro %}

{#- Typed parsing of landed text. Each returns null when the text does not parse; staging compares
    the cleaned text with the parsed value (see unparsed_fields) so a bad value is never silent. -#}

{% macro parse_timestamp_utc(column) -%}
    {{ return(adapter.dispatch('parse_timestamp_utc', 'customer360')(column)) }}
{%- endmacro %}

{% macro default__parse_timestamp_utc(column) -%}
    {{ dbt.safe_cast(clean_text(column), dbt.type_timestamp()) }}
{%- endmacro %}

{#- ISO-8601 with Z, an offset, or none (then taken as UTC), returned as a UTC timestamp without zone. -#}
{% macro duckdb__parse_timestamp_utc(column) -%}
    cast(try_cast({{ clean_text(column) }} as timestamptz) at time zone 'UTC' as timestamp)
{%- endmacro %}

{% macro parse_local_timestamp_utc(column, timezone) -%}
    {{ return(adapter.dispatch('parse_local_timestamp_utc', 'customer360')(column, timezone)) }}
{%- endmacro %}

{#- A wall-clock time with no offset, recorded in the IANA zone `timezone`, converted to UTC. -#}
{% macro duckdb__parse_local_timestamp_utc(column, timezone) -%}
    cast((try_cast({{ clean_text(column) }} as timestamp) at time zone '{{ timezone }}') at time zone 'UTC' as timestamp)
{%- endmacro %}

{% macro parse_epoch_utc(column) -%}
    {{ return(adapter.dispatch('parse_epoch_utc', 'customer360')(column)) }}
{%- endmacro %}

{#- Unix epoch seconds (Stripe's `created`) to a UTC timestamp. -#}
{% macro duckdb__parse_epoch_utc(column) -%}
    cast(to_timestamp(try_cast({{ clean_text(column) }} as bigint)) at time zone 'UTC' as timestamp)
{%- endmacro %}

{% macro parse_date(column, format=none) -%}
    {{ return(adapter.dispatch('parse_date', 'customer360')(column, format)) }}
{%- endmacro %}

{#- ISO dates by default; pass a strptime format such as '%m/%d/%Y' for legacy exports. Either way
    the compact form YYYYMMDD ('19151111', as many exports write dates) is also read: eight digits
    starting with 18, 19 or 20 followed by a month 01-12 and a day 01-31 cannot be a date in
    MMDDYYYY or DDMMYYYY (their third and fourth digits would be the month 18-20). -#}
{% macro duckdb__parse_date(column, format=none) -%}
    coalesce(
        {%- if format is none %}
        try_cast({{ clean_text(column) }} as date),
        {%- else %}
        cast(try_strptime({{ clean_text(column) }}, '{{ format }}') as date),
        {%- endif %}
        case
            when regexp_full_match(
                {{ clean_text(column) }}, '(18|19|20)[0-9]{2}(0[1-9]|1[0-2])(0[1-9]|[12][0-9]|3[01])'
            ) then cast(try_strptime({{ clean_text(column) }}, '%Y%m%d') as date)
        end
    )
{%- endmacro %}

{#- Money and other decimals; '12,50' or 'abc' do not parse. (dbt.safe_cast is a plain cast on
    some adapters, so DuckDB gets try_cast explicitly.) -#}
{% macro parse_decimal(column, precision=18, scale=2) -%}
    {{ return(adapter.dispatch('parse_decimal', 'customer360')(column, precision, scale)) }}
{%- endmacro %}

{% macro default__parse_decimal(column, precision, scale) -%}
    {{ dbt.safe_cast(clean_text(column), 'decimal(' ~ precision ~ ', ' ~ scale ~ ')') }}
{%- endmacro %}

{% macro duckdb__parse_decimal(column, precision, scale) -%}
    try_cast({{ clean_text(column) }} as decimal({{ precision }}, {{ scale }}))
{%- endmacro %}

{#- Whole numbers; '3.5' or 'abc' do not parse. -#}
{% macro parse_integer(column) -%}
    {{ return(adapter.dispatch('parse_integer', 'customer360')(column)) }}
{%- endmacro %}

{% macro default__parse_integer(column) -%}
    {{ dbt.safe_cast(clean_text(column), dbt.type_bigint()) }}
{%- endmacro %}

{#- DuckDB's try_cast rounds '7.5' to 8, so only whole-number text ('7', '7.0') is cast. -#}
{% macro duckdb__parse_integer(column) -%}
    case
        when regexp_full_match({{ clean_text(column) }}, '[+-]?[0-9]+(\.0*)?')
            then try_cast(try_cast({{ clean_text(column) }} as decimal(38, 2)) as bigint)
    end
{%- endmacro %}

{#- Integer cents (Stripe amounts) to US dollars with two decimals. -#}
{% macro cents_to_usd(column) -%}
    cast({{ parse_integer(column) }} / 100.0 as decimal(18, 2))
{%- endmacro %}

{% macro parse_boolean(column) -%}
    case
        when lower({{ clean_text(column) }}) in ('true', 't', '1', 'yes', 'y') then true
        when lower({{ clean_text(column) }}) in ('false', 'f', '0', 'no', 'n') then false
    end
{%- endmacro %}

{#- Spark implementations. Spark's session time zone is UTC (profiles.yml), so its TIMESTAMP holds the
    UTC wall clock the DuckDB build keeps as a TIMESTAMP without zone. Casts are try_cast (Spark's
    ANSI mode raises on bad text, as DuckDB's cast does). Spark's date cast is laxer than DuckDB's
    ('2024' or '2024-01' are dates to Spark), so text is first held to DuckDB's shapes. -#}
{% macro spark__parse_timestamp_utc(column) -%}
    case
        when {{ clean_text(column) }} rlike r'^[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}([ T].*)?$'
            then try_cast({{ clean_text(column) }} as timestamp)
    end
{%- endmacro %}

{% macro spark__parse_local_timestamp_utc(column, timezone) -%}
    to_utc_timestamp({{ spark__parse_timestamp_utc(column) }}, '{{ timezone }}')
{%- endmacro %}

{% macro spark__parse_epoch_utc(column) -%}
    timestamp_seconds(try_cast({{ clean_text(column) }} as bigint))
{%- endmacro %}

{% macro spark__parse_date(column, format=none) -%}
    coalesce(
        {%- if format is none %}
        case
            when {{ clean_text(column) }} rlike r'^[0-9]{4}([-/])[0-9]{1,2}\1[0-9]{1,2}( .*)?$'
                then try_cast(replace(split_part({{ clean_text(column) }}, ' ', 1), '/', '-') as date)
        end,
        {%- else %}
        try_to_date({{ clean_text(column) }}, '{{ spark_date_pattern(format) }}'),
        {%- endif %}
        case
            when {{ regexp_full_match(clean_text(column), '(18|19|20)[0-9]{2}(0[1-9]|1[0-2])(0[1-9]|[12][0-9]|3[01])') }}
                then try_to_date({{ clean_text(column) }}, 'yyyyMMdd')
        end
    )
{%- endmacro %}

{#- A strptime format ('%m/%d/%Y') as a Spark datetime pattern ('M/d/y': one or two digits, as
    strptime reads them). -#}
{% macro spark_date_pattern(format) -%}
    {{- format | replace('%Y', 'yyyy') | replace('%m', 'M') | replace('%d', 'd') | replace('%H', 'H')
        | replace('%M', 'm') | replace('%S', 's') -}}
{%- endmacro %}

{% macro spark__parse_decimal(column, precision, scale) -%}
    try_cast({{ clean_text(column) }} as decimal({{ precision }}, {{ scale }}))
{%- endmacro %}

{% macro spark__parse_integer(column) -%}
    case
        when {{ regexp_full_match(clean_text(column), '[+-]?[0-9]+(\.0*)?') }}
            then try_cast(try_cast({{ clean_text(column) }} as decimal(38, 2)) as bigint)
    end
{%- endmacro %}

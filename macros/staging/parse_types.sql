{#- Typed parsing of landed text. Each returns null when the text does not parse or is implausible;
    staging compares the cleaned text with the parsed value (see unparsed_fields) so a bad value is never
    silent. Plausibility, per column type (vars in dbt_project.yml):
    - dates and times: between plausible_date_min and plausible_date_max (1900-01-01 .. 2100-12-31), so
      0001-01-01, 3024-… and the 9999-12-31 "no end" sentinel are named, not taken as dates;
    - birth dates (parse_birth_date): from plausible_birth_date_min (1900-01-01) to the as-of date;
    - amounts and other decimals: no more decimals than the column keeps (12.999 is not rounded to 13.00;
      trailing zeros are fine: 12.500). -#}

{#- The parsed date or timestamp `expression` when it lies in the plausible window, else null. Dispatched:
    DuckDB computes `expression` once (computed_once), as it computes an expression as often as it is
    written (a date column parsed in the case form cost 4.6 times the once form, DECISIONS §71). -#}
{% macro plausible_date_or_null(expression, minimum=none, maximum=none) -%}
    {%- set minimum = minimum or "cast('" ~ var('plausible_date_min', '1900-01-01') ~ "' as date)" -%}
    {%- set maximum = maximum or "cast('" ~ var('plausible_date_max', '2100-12-31') ~ "' as date)" -%}
    {{ return(adapter.dispatch('plausible_date_or_null', 'customer360')(expression, minimum, maximum)) }}
{%- endmacro %}

{% macro default__plausible_date_or_null(expression, minimum, maximum) -%}
    case
        when {{ expression }} >= {{ minimum }} and {{ expression }} < {{ maximum }} + interval 1 day
            then {{ expression }}
    end
{%- endmacro %}

{% macro duckdb__plausible_date_or_null(expression, minimum, maximum) -%}
    {{ computed_once(
        expression,
        'c360_parsed',
        'case when c360_parsed >= ' ~ minimum ~ ' and c360_parsed < ' ~ maximum ~ ' + interval 1 day then c360_parsed end',
    ) }}
{%- endmacro %}

{#- DuckDB: `body`, an expression of the lambda parameter `name`, applied to `expression` computed once
    (the one-element list form duckdb__full_name_parts uses: list_transform([expression], lambda name:
    body)[1]). DuckDB evaluates a repeated subexpression each time it is written, however costly (a
    cleaned text re-cleaned per mention). `name` must be unique within the nesting (c360_text,
    c360_parsed). -#}
{% macro computed_once(expression, name, body) -%}
    list_transform([{{ expression }}], lambda {{ name }}: {{ body }})[1]
{%- endmacro %}

{% macro parse_timestamp_utc(column) -%}
    {{ return(plausible_date_or_null(adapter.dispatch('parse_timestamp_utc', 'customer360')(column))) }}
{%- endmacro %}

{% macro default__parse_timestamp_utc(column) -%}
    {{ dbt.safe_cast(clean_text(column), dbt.type_timestamp()) }}
{%- endmacro %}

{#- ISO-8601 with Z, an offset, or none (then taken as UTC), returned as a UTC timestamp without zone. -#}
{% macro duckdb__parse_timestamp_utc(column) -%}
    cast(try_cast({{ clean_text(column) }} as timestamptz) at time zone 'UTC' as timestamp)
{%- endmacro %}

{% macro parse_local_timestamp_utc(column, timezone) -%}
    {{ return(plausible_date_or_null(adapter.dispatch('parse_local_timestamp_utc', 'customer360')(column, timezone))) }}
{%- endmacro %}

{#- A wall-clock time with no offset, recorded in the IANA zone `timezone`, converted to UTC. -#}
{% macro duckdb__parse_local_timestamp_utc(column, timezone) -%}
    cast((try_cast({{ clean_text(column) }} as timestamp) at time zone '{{ timezone }}') at time zone 'UTC' as timestamp)
{%- endmacro %}

{% macro parse_epoch_utc(column) -%}
    {{ return(plausible_date_or_null(adapter.dispatch('parse_epoch_utc', 'customer360')(column))) }}
{%- endmacro %}

{#- Unix epoch seconds (Stripe's `created`) to a UTC timestamp. -#}
{% macro duckdb__parse_epoch_utc(column) -%}
    cast(to_timestamp(try_cast({{ clean_text(column) }} as bigint)) at time zone 'UTC' as timestamp)
{%- endmacro %}

{% macro parse_date(column, format=none) -%}
    {{ return(plausible_date_or_null(adapter.dispatch('parse_date', 'customer360')(column, format))) }}
{%- endmacro %}

{#- A birth date: a date (parse_date's formats) from plausible_birth_date_min to the as-of date. -#}
{% macro parse_birth_date(column, format=none) -%}
    {{ return(plausible_date_or_null(
        adapter.dispatch('parse_date', 'customer360')(column, format),
        minimum="cast('" ~ var('plausible_birth_date_min', '1900-01-01') ~ "' as date)",
        maximum=as_of_date(),
    )) }}
{%- endmacro %}

{#- ISO dates by default; pass a strptime format such as '%m/%d/%Y' for legacy exports. Either way
    the compact form YYYYMMDD ('19151111', as many exports write dates) is also read: eight digits
    starting with 18, 19 or 20 followed by a month 01-12 and a day 01-31 cannot be a date in
    MMDDYYYY or DDMMYYYY (their third and fourth digits would be the month 18-20). -#}
{% macro duckdb__parse_date(column, format=none) -%}
    {%- set first_reading = "try_cast(c360_text as date)" if format is none
        else "cast(try_strptime(c360_text, '" ~ format ~ "') as date)" -%}
    {{ computed_once(clean_text(column), 'c360_text', "coalesce(" ~ first_reading ~ ", case when regexp_full_match("
        ~ "c360_text, '(18|19|20)[0-9]{2}(0[1-9]|1[0-2])(0[1-9]|[12][0-9]|3[01])') then cast(try_strptime("
        ~ "c360_text, '%Y%m%d') as date) end)") }}
{%- endmacro %}

{#- Money and other decimals; '12,50' or 'abc' do not parse, nor does a value with more decimals than
    `scale` keeps ('12.999' at scale 2: it would be rounded). (dbt.safe_cast is a plain cast on some
    adapters, so DuckDB gets try_cast explicitly.) -#}
{% macro parse_decimal(column, precision=18, scale=2) -%}
    {{ return(adapter.dispatch('parse_decimal', 'customer360')(column, precision, scale)) }}
{%- endmacro %}

{% macro default__parse_decimal(column, precision, scale) -%}
    {{ dbt.safe_cast(clean_text(column), 'decimal(' ~ precision ~ ', ' ~ scale ~ ')') }}
{%- endmacro %}

{% macro duckdb__parse_decimal(column, precision, scale) -%}
    {%- set kept = 'try_cast(c360_text as decimal(' ~ precision ~ ', ' ~ scale ~ '))' -%}
    {{ computed_once(clean_text(column), 'c360_text',
        'case when try_cast(c360_text as decimal(38, 18)) = ' ~ kept ~ ' then ' ~ kept ~ ' end') }}
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
    {{ computed_once(clean_text(column), 'c360_text', "case when regexp_full_match(c360_text, '[+-]?[0-9]+(\\.0*)?')"
        ~ " then try_cast(try_cast(c360_text as decimal(38, 2)) as bigint) end") }}
{%- endmacro %}

{#- Integer cents (Stripe amounts) to US dollars with two decimals. -#}
{% macro cents_to_usd(column) -%}
    cast({{ parse_integer(column) }} / 100.0 as decimal(18, 2))
{%- endmacro %}

{#- Dispatched: DuckDB reads the cleaned text once (computed_once). -#}
{% macro parse_boolean(column) -%}
    {{ return(adapter.dispatch('parse_boolean', 'customer360')(column)) }}
{%- endmacro %}

{% macro default__parse_boolean(column) -%}
    case
        when lower({{ clean_text(column) }}) in ('true', 't', '1', 'yes', 'y') then true
        when lower({{ clean_text(column) }}) in ('false', 'f', '0', 'no', 'n') then false
    end
{%- endmacro %}

{% macro duckdb__parse_boolean(column) -%}
    {{ computed_once(clean_text(column), 'c360_text', "case when lower(c360_text) in ('true', 't', '1', 'yes', 'y') then true"
        ~ " when lower(c360_text) in ('false', 'f', '0', 'no', 'n') then false end") }}
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

{#- Spark: the same rule as DuckDB's (a value with more decimals than `scale` keeps does not parse). -#}
{% macro spark__parse_decimal(column, precision, scale) -%}
    case
        when try_cast({{ clean_text(column) }} as decimal(38, 18))
            = try_cast({{ clean_text(column) }} as decimal({{ precision }}, {{ scale }}))
            then try_cast({{ clean_text(column) }} as decimal({{ precision }}, {{ scale }}))
    end
{%- endmacro %}

{% macro spark__parse_integer(column) -%}
    case
        when {{ regexp_full_match(clean_text(column), '[+-]?[0-9]+(\.0*)?') }}
            then try_cast(try_cast({{ clean_text(column) }} as decimal(38, 2)) as bigint)
    end
{%- endmacro %}

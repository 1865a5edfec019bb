{#- The landing step: before any model runs, every enabled source table that the selected models read is
    checked against its contract and loaded from its file into the table its source() names
    (raw_<system>.<table>). Called by on-run-start (dbt_project.yml) for `dbt build` and `dbt run`.

    Per table, in words and never with a row's content:
    - no file: the table is created empty (every contract column, no rows) and a warning names the file;
      an enabled system none of whose files exist is an error (switch it off instead); a table whose
      contract says `meta.optional: true` (the stewards' corrections) is simply empty, without a word;
    - a file whose header cannot be read (empty, not UTF-8, no column names) or that lacks a required
      column: one error listing every such file and column, before any row is read;
    - an optional contract column the file lacks: a null column and a warning; a column the contract
      does not know: ignored, listed in landing.files;
    - a line that cannot be read as a row (more or fewer fields than the header, not UTF-8, a stray quote):
      kept out of the table and listed once, with its line number and the columns concerned, in
      landing.unreadable_lines (quarantined downstream);
    - a quote that opens a field and is never closed (every later line would vanish into it): an error
      naming the file and the line.
    - erasure (customer360 erase, DECISIONS.md "Erasure"): a row whose record is in the erasure ledger
      (salted hashes of '<system>:<table>:<primary key>'), or whose required reference (meta.references)
      points to an erased row, is taken out of the landed table and counted as erased; an optional
      reference to an erased row is emptied and counted. Tables are erased parents first, so the
      children of an erased row go with it, in this build and every later one.
    landing.files records one row per table (present or absent, bytes, modification time, rows landed,
    rows erased, references emptied, unreadable lines, missing and unknown columns). -#}
{% macro land_sources() -%}
    {%- if execute and flags.WHICH in ('build', 'run') -%}
        {%- do adapter.dispatch('land_sources', 'customer360')(landing_tables(selected_only=true)) -%}
    {%- endif -%}
    {{ return('') }}
{%- endmacro %}

{#- Every enabled source table with a landing file (the landing audit source itself excluded), as dicts:
    system, table, file (path under raw_path), file_format, primary_key, relation,
    columns [{name, required, references}].
    With selected_only, only the tables that a selected model reads directly. -#}
{% macro landing_tables(selected_only=false) -%}
    {%- set wanted = [] -%}
    {%- if selected_only -%}
        {%- for node in graph.nodes.values() -%}
            {%- if node.resource_type == 'model' and node.unique_id in selected_resources -%}
                {%- for parent in node.depends_on.nodes if parent.startswith('source.') -%}
                    {%- do wanted.append(parent) -%}
                {%- endfor -%}
            {%- endif -%}
        {%- endfor -%}
    {%- endif -%}
    {%- set tables = [] -%}
    {%- for source_node in graph.sources.values() | sort(attribute='unique_id') -%}
        {%- if source_node.meta.get('file_format') and (not selected_only or source_node.unique_id in wanted) -%}
            {%- set columns = [] -%}
            {%- for column in source_node.columns.values() -%}
                {%- set references = column.meta.get('references', []) -%}
                {%- do columns.append({
                    'name': column.name,
                    'required': column.meta.get('required', false),
                    'references': [references] if references is string else references,
                }) -%}
            {%- endfor -%}
            {%- do tables.append({
                'system': source_node.source_name,
                'table': source_node.name,
                'file': source_node.meta.get('file', source_node.source_name ~ '/' ~ source_node.name ~ '.' ~ source_node.meta.file_format),
                'file_format': source_node.meta.file_format,
                'primary_key': source_node.meta.get('primary_key'),
                'relation': api.Relation.create(
                    database=source_node.database, schema=source_node.schema, identifier=source_node.identifier
                ),
                'columns': columns,
                'optional': source_node.meta.get('optional', false),
            }) -%}
        {%- endif -%}
    {%- endfor -%}
    {{ return(tables) }}
{%- endmacro %}

{#- A SQL string literal. -#}
{% macro sql_literal(text) -%}
    '{{ text | string | replace("'", "''") }}'
{%- endmacro %}

{#- A quote that opens a field and is never closed swallows every line after it: one pass over the
    plan's CSV file (customer360_unterminated_quote, the same Python function registered on DuckDB and
    on Spark); stops the build with an error naming the file and the line, never the line's content.
    Engine-neutral: DuckDB calls it when its reader reported a stray quote, Spark for every CSV file. -#}
{% macro landing_check_unterminated_quote(plan) -%}
    {%- set quote = fromjson(run_query(
        'select customer360_unterminated_quote(' ~ sql_literal(plan.path) ~ ', '
        ~ sql_literal(plan.report.delimiter) ~ ')'
    ).columns[0].values()[0]) -%}
    {%- if quote.line -%}
        {{ exceptions.raise_compiler_error('The landing files do not meet the contract:\n  - ' ~ plan.path
            ~ ': line ' ~ quote.line ~ ' opens a quoted field that is never closed, so every line after it'
            ~ ' would be read into that field and lost; close or remove the quote in the export') }}
    {%- endif -%}
{%- endmacro %}

{#- The plan of every table to land, from the inspection of its file (customer360_inspect_file, a
    function both engines register): table, path, report, present {contract column: header name},
    missing (optional columns the file lacks), unknown (header names the contract does not know). Raises
    one error listing every file that breaks the contract, before any row is read. Engine-neutral. -#}
{% macro landing_plans(tables) -%}
    {%- set raw_path = var('raw_path') | string -%}
    {%- set errors = [] -%}
    {%- set plans = [] -%}
    {#- 1. inspect every file and compare its header with the contract, before reading any row -#}
    {%- for t in tables -%}
        {%- set path = raw_path ~ '/' ~ t.file -%}
        {%- set inspected = run_query(
            'select customer360_inspect_file(' ~ sql_literal(path) ~ ', ' ~ sql_literal(t.file_format) ~ ')'
        ) -%}
        {%- set report = fromjson(inspected.columns[0].values()[0]) -%}
        {%- set plan = {'table': t, 'path': path, 'report': report, 'present': {}, 'missing': [], 'unknown': []} -%}
        {%- if report.is_present and report.problem -%}
            {%- do errors.append(path ~ ': ' ~ report.problem) -%}
        {%- elif report.is_present -%}
            {%- set by_name = {} -%}
            {%- for name in report.columns -%}
                {%- do by_name.update({name | lower | trim: name}) -%}
            {%- endfor -%}
            {%- set contract_names = [] -%}
            {%- set missing_required = [] -%}
            {%- for column in t.columns -%}
                {%- do contract_names.append(column.name | lower) -%}
                {%- if column.name | lower in by_name -%}
                    {%- do plan.present.update({column.name: by_name[column.name | lower]}) -%}
                {%- elif column.required -%}
                    {%- do missing_required.append(column.name) -%}
                {%- else -%}
                    {%- do plan.missing.append(column.name) -%}
                {%- endif -%}
            {%- endfor -%}
            {%- for name in report.columns if name | lower | trim not in contract_names -%}
                {%- do plan.unknown.append(name) -%}
            {%- endfor -%}
            {%- if missing_required -%}
                {%- do errors.append(path ~ ': the header lacks required column(s) ' ~ missing_required | join(', ')
                    ~ ' (the contract is models/staging/' ~ t.system ~ '/_' ~ t.system ~ '__sources.yml)') -%}
            {%- endif -%}
        {%- endif -%}
        {%- do plans.append(plan) -%}
    {%- endfor -%}
    {#- an enabled system without a single file is a configuration error, not an empty system -#}
    {%- set all_tables = landing_tables() -%}
    {%- for system in plans | map(attribute='table.system') | unique -%}
        {%- set system_plans = plans | selectattr('table.system', 'equalto', system) | list -%}
        {%- set system_tables = all_tables | selectattr('system', 'equalto', system) | list -%}
        {%- if system_plans | length == system_tables | length
            and system_plans | rejectattr('table.optional') | list | length > 0
            and system_plans | selectattr('report.is_present') | list | length == 0 -%}
            {%- do errors.append(raw_path ~ '/' ~ system ~ '/: no file of system ' ~ system ~ ' exists; export its'
                ~ ' tables there, or switch it off with --vars \'{source_' ~ system ~ '_enabled: false}\'') -%}
        {%- endif -%}
    {%- endfor -%}
    {%- if errors -%}
        {{ exceptions.raise_compiler_error('The landing files do not meet the contract:\n  - ' ~ errors | join('\n  - ')) }}
    {%- endif -%}
    {{ return(plans) }}
{%- endmacro %}

{% macro duckdb__land_sources(tables) -%}
    {#- the audit tables exist whatever is selected, so the landing staging models always build -#}
    {%- call statement('landing_audit', auto_begin=false) -%}
        create schema if not exists landing;
        create table if not exists landing.files (
            source_system varchar,
            source_table varchar,
            file_path varchar,
            file_format varchar,
            is_present boolean,
            file_bytes bigint,
            file_modified_at timestamp,
            row_count bigint,
            unreadable_line_count bigint,
            missing_columns varchar,
            unknown_columns varchar,
            landed_at timestamp
        );
        alter table landing.files add column if not exists erased_row_count bigint;
        alter table landing.files add column if not exists erased_reference_count bigint;
        create table if not exists landing.unreadable_lines (
            source_system varchar,
            source_table varchar,
            file_path varchar,
            line_number bigint,
            column_name varchar,
            problem varchar
        );
        -- a system switched off since the last landing leaves nothing behind
        {%- set enabled = landing_tables() | map(attribute='system') | unique | list %}
        delete from landing.files where source_system not in ({{ "'" ~ enabled | join("', '") ~ "'" if enabled else "''" }});
        delete from landing.unreadable_lines where source_system not in ({{ "'" ~ enabled | join("', '") ~ "'" if enabled else "''" }});
    {%- endcall -%}
    {%- set plans = landing_plans(tables) -%}

    {#- 2. load: one table per source, and the audit of what was landed. With an erasure ledger, tables are
        landed parents first, each read into a temporary table (memory, never the database file or its WAL)
        from which the erased rows are taken out before the raw table is written. -#}
    {%- set erasing = land_sources_erasure_ledger() -%}
    {%- for plan in (erasure_ordered_plans(plans) if erasing else plans) -%}
        {%- set t = plan.table -%}
        {%- set erase_here = erasing and plan.report.is_present -%}
        {%- set landed_relation = 'landing_current' if erase_here else t.relation -%}
        {%- call statement('landing_' ~ t.system ~ '_' ~ t.table, auto_begin=false) -%}
            create schema if not exists {{ t.relation.schema }};
            delete from landing.files where source_system = '{{ t.system }}' and source_table = '{{ t.table }}';
            delete from landing.unreadable_lines where source_system = '{{ t.system }}' and source_table = '{{ t.table }}';
            {% if not plan.report.is_present %}
            create or replace table {{ t.relation }} as
            select
                {%- for column in t.columns %}
                cast(null as varchar) as {{ adapter.quote(column.name) }},
                {%- endfor %}
                cast(null as bigint) as _source_row_number,
                cast(null as timestamp) as _file_modified_at
            where false;
            {% else %}
            create or replace {{ 'temp ' if erase_here }}table {{ landed_relation }} as
            select
                {%- for column in t.columns %}
                {%- if column.name in plan.present %}
                {{ adapter.quote(plan.present[column.name]) }} as {{ adapter.quote(column.name) }},
                {%- else %}
                cast(null as varchar) as {{ adapter.quote(column.name) }},
                {%- endif %}
                {%- endfor %}
                _source_row_number,
                cast('{{ plan.report.file_modified_at }}' as timestamp) as _file_modified_at
            from (
                {%- if t.file_format == 'parquet' %}
                select *, file_row_number + 1 as _source_row_number
                from read_parquet({{ sql_literal(plan.path) }}, file_row_number = true)
                {%- else %}
                select *, row_number() over () as _source_row_number
                from read_csv(
                    {{ sql_literal(plan.path) }},
                    header = true,
                    auto_detect = false,
                    delim = {{ sql_literal(plan.report.delimiter) }},
                    quote = '"',
                    escape = '"',
                    columns = {
                        {%- for name in plan.report.columns %}
                        {{ sql_literal(name) }}: 'VARCHAR'{{ ',' if not loop.last }}
                        {%- endfor %}
                    },
                    store_rejects = true,
                    rejects_table = 'landing_rejected_lines',
                    rejects_scan = 'landing_rejected_scans'
                )
                {%- endif %}
            ) as landed;
            {% if t.file_format == 'csv' %}
            -- one row per line: a line short of two fields is one unreadable line, naming both columns
            insert into landing.unreadable_lines
            select
                '{{ t.system }}',
                '{{ t.table }}',
                {{ sql_literal(t.file) }},
                line,
                string_agg(distinct column_name, ', ' order by column_name),
                string_agg(distinct case error_type
                    when 'MISSING COLUMNS' then 'fewer fields than the header has columns'
                    when 'TOO MANY COLUMNS' then 'more fields than the header has columns'
                    when 'INVALID ENCODING' then 'not UTF-8 text'
                    when 'INVALID UNICODE' then 'not UTF-8 text'
                    when 'UNQUOTED VALUE' then 'a stray quote (a quote inside a field that is not quoted, or after a closing quote)'
                    when 'LINE SIZE OVER MAXIMUM' then 'the line is longer than the reader allows'
                    else lower(cast(error_type as varchar))
                end, '; ')
            from landing_rejected_lines
            group by line;
            drop table if exists landing_rejected_lines;
            drop table if exists landing_rejected_scans;
            {% endif %}
            {% if erase_here %}
            {{ land_sources_erase_rows(t, 'landing_current') }}
            {% endif %}
            {% endif %}
            insert into landing.files (
                source_system, source_table, file_path, file_format, is_present, file_bytes, file_modified_at,
                row_count, unreadable_line_count, missing_columns, unknown_columns, landed_at,
                erased_row_count, erased_reference_count
            )
            select
                '{{ t.system }}',
                '{{ t.table }}',
                {{ sql_literal(t.file) }},
                '{{ t.file_format }}',
                {{ 'true' if plan.report.is_present else 'false' }},
                {{ plan.report.file_bytes if plan.report.is_present else 'null' }},
                {{ "cast('" ~ plan.report.file_modified_at ~ "' as timestamp)" if plan.report.is_present else 'null' }},
                (select count(*) from {{ t.relation }}),
                (
                    select count(*) from landing.unreadable_lines
                    where source_system = '{{ t.system }}' and source_table = '{{ t.table }}'
                ),
                {{ sql_literal(plan.missing | join(', ')) if plan.missing else 'null' }},
                {{ sql_literal(plan.unknown | join(', ')) if plan.unknown else 'null' }},
                cast(now() at time zone 'UTC' as timestamp),
                {%- if erase_here %}
                (select count(*) from landing_erasure_marks where is_erased),
                (select count(*) from landing_erasure_marks where not is_erased and is_reference_emptied)
                {%- elif erasing %}
                0, 0
                {%- else %}
                null, null
                {%- endif %};
            {% if erase_here %}
            drop table landing_erasure_marks;
            drop table landing_current;
            {% endif %}
        {%- endcall -%}
        {#- a quote that opens a field and is never closed swallows every line after it: stop, naming the line -#}
        {%- if plan.report.is_present and t.file_format == 'csv' -%}
            {%- set quote_lines = run_query(
                "select count(*) from landing.unreadable_lines where source_system = '" ~ t.system
                ~ "' and source_table = '" ~ t.table ~ "' and problem like '%stray quote%'"
            ) -%}
            {%- if quote_lines.columns[0].values()[0] > 0 -%}
                {%- do landing_check_unterminated_quote(plan) -%}
            {%- endif -%}
        {%- endif -%}
        {%- if not plan.report.is_present and not t.optional -%}
            {%- do exceptions.warn('Landing: ' ~ plan.path ~ ' does not exist; ' ~ t.system ~ '.' ~ t.table
                ~ ' is empty in this build (data_inventory lists it as absent).') -%}
        {%- elif plan.missing -%}
            {%- do exceptions.warn('Landing: ' ~ plan.path ~ ' has no column(s) ' ~ plan.missing | join(', ')
                ~ '; they are empty in this build.') -%}
        {%- endif -%}
    {%- endfor -%}
    {%- set unreadable = run_query(
        "select source_system || '.' || source_table, count(*), min(line_number) from landing.unreadable_lines group by all order by 1"
    ) if plans else none -%}
    {%- if unreadable -%}
        {%- for row in unreadable.rows -%}
            {%- do exceptions.warn('Landing: ' ~ row[1] ~ ' line(s) of ' ~ row[0] ~ ' could not be read as rows (first: line '
                ~ row[2] ~ '); they are quarantined with their line numbers.') -%}
        {%- endfor -%}
    {%- endif -%}
{%- endmacro %}

{#- The erasure ledger: a CSV file written by `customer360 erase` (request_id, requested_at, key_kind,
    source_system, source_table, key_hash), by default beside the private database (and its salt file):
    <database>.erasure_ledger.csv; var erasure_ledger_path to put it elsewhere. On Spark, beside the
    warehouse folder and its salt file: <warehouse>.erasure_ledger.csv. -#}
{% macro erasure_ledger_path() -%}
    {{ return(var('erasure_ledger_path', none) or adapter.dispatch('erasure_ledger_default_path', 'customer360')()) }}
{%- endmacro %}

{% macro default__erasure_ledger_default_path() -%}
    {{ return(target.path ~ '.erasure_ledger.csv') }}
{%- endmacro %}

{% macro spark__erasure_ledger_default_path() -%}
    {{ return(env_var('CUSTOMER360_SPARK_WAREHOUSE', 'data/spark') ~ '.erasure_ledger.csv') }}
{%- endmacro %}

{#- The salted hash of a source row's key, '<system>:<table>:<id>' (the record_key of staging). -#}
{% macro erasure_key_hash(system, table, column) -%}
    {{ pii_hash("'" ~ system ~ ":" ~ table ~ ":' || trim(cast(" ~ adapter.quote(column) ~ " as " ~ dbt.type_string() ~ "))") }}
{%- endmacro %}

{#- Reads the erasure ledger into landing.erased_keys (salted hashes only); returns whether there is one.
    Without a ledger file nothing is erased and nothing is counted. -#}
{% macro land_sources_erasure_ledger() -%}
    {%- set ledger_path = erasure_ledger_path() -%}
    {%- set inspected = run_query(
        'select customer360_inspect_file(' ~ sql_literal(ledger_path) ~ ', ' ~ sql_literal('csv') ~ ')'
    ) -%}
    {%- set ledger = fromjson(inspected.columns[0].values()[0]) -%}
    {%- set ledger_columns = ['request_id', 'requested_at', 'key_kind', 'source_system', 'source_table', 'key_hash'] -%}
    {%- if ledger.is_present and (ledger.problem or ledger.columns | map('lower') | list != ledger_columns) -%}
        {{ exceptions.raise_compiler_error('The erasure ledger ' ~ ledger_path ~ ' cannot be read: '
            ~ (ledger.problem or 'its header is not ' ~ ledger_columns | join(','))) }}
    {%- endif -%}
    {%- do adapter.dispatch('land_sources_load_erased_keys', 'customer360')(ledger_path, ledger.is_present, ledger_columns) -%}
    {{ return(ledger.is_present) }}
{%- endmacro %}

{#- landing.erased_keys (source_system, source_table, key_hash) from the ledger's source_row lines; empty
    without a ledger. -#}
{% macro duckdb__land_sources_load_erased_keys(ledger_path, is_present, ledger_columns) -%}
    {%- call statement('landing_erasure_ledger', auto_begin=false) -%}
        create or replace table landing.erased_keys (source_system varchar, source_table varchar, key_hash varchar);
        {% if is_present %}
        insert into landing.erased_keys
        select distinct source_system, source_table, lower(key_hash)
        from read_csv(
            {{ sql_literal(ledger_path) }}, header = true, auto_detect = false,
            columns = { {%- for name in ledger_columns %}'{{ name }}': 'VARCHAR'{{ ',' if not loop.last }}{% endfor -%} }
        )
        where key_kind = 'source_row';
        {% endif %}
    {%- endcall -%}
{%- endmacro %}

{#- Spark: the same table as Parquet, read with Spark's CSV reader (all text, columns by position: the
    header was checked by land_sources_erasure_ledger), one statement per call. -#}
{% macro spark__land_sources_load_erased_keys(ledger_path, is_present, ledger_columns) -%}
    {%- do run_query('drop table if exists landing.erased_keys') -%}
    {%- if is_present -%}
        {%- set read_sql -%}
        create or replace temporary view landing_erasure_ledger (
            {%- for name in ledger_columns %}
            {{ name }} string{{ ',' if not loop.last }}
            {%- endfor %}
        )
        using csv
        options (path {{ sql_literal(ledger_path) }}, header 'true', enforceSchema 'true', quote '"', escape '"',
            multiLine 'true', mode 'FAILFAST', encoding 'UTF-8')
        {%- endset -%}
        {%- do run_query(read_sql) -%}
        {%- do run_query('create table landing.erased_keys using parquet as'
            ~ ' select distinct source_system, source_table, lower(key_hash) as key_hash'
            ~ " from landing_erasure_ledger where key_kind = 'source_row'") -%}
        {%- do run_query('drop view if exists landing_erasure_ledger') -%}
    {%- else -%}
        {%- do run_query('create table landing.erased_keys using parquet as select cast(null as string) as source_system,'
            ~ ' cast(null as string) as source_table, cast(null as string) as key_hash where false') -%}
    {%- endif -%}
{%- endmacro %}

{#- The tables parents first: a table comes after every table its references point to (a reference
    cycle, none in the contract, keeps the remaining tables in contract order at the end). -#}
{% macro erasure_order(tables) -%}
    {%- set keys = [] -%}
    {%- for t in tables -%}{%- do keys.append(t.system ~ '.' ~ t.table) -%}{%- endfor -%}
    {%- set ordered = [] -%}
    {%- set placed = [] -%}
    {%- for _ in tables -%}
        {%- for t in tables -%}
            {%- set key = t.system ~ '.' ~ t.table -%}
            {%- set waiting = [] -%}
            {%- for column in t.columns -%}
                {%- for referenced in column.references if referenced != key and referenced in keys and referenced not in placed -%}
                    {%- do waiting.append(referenced) -%}
                {%- endfor -%}
            {%- endfor -%}
            {%- if key not in placed and not waiting -%}
                {%- do placed.append(key) -%}
                {%- do ordered.append(t) -%}
            {%- endif -%}
        {%- endfor -%}
    {%- endfor -%}
    {%- for t in tables if (t.system ~ '.' ~ t.table) not in placed -%}
        {%- do ordered.append(t) -%}
    {%- endfor -%}
    {{ return(ordered) }}
{%- endmacro %}

{#- The landing plans in erasure_order (parents first). -#}
{% macro erasure_ordered_plans(plans) -%}
    {%- set ordered_plans = [] -%}
    {%- for t in erasure_order(plans | map(attribute='table') | list) -%}
        {%- do ordered_plans.append(plans | selectattr('table.system', 'equalto', t.system)
            | selectattr('table.table', 'equalto', t.table) | first) -%}
    {%- endfor -%}
    {{ return(ordered_plans) }}
{%- endmacro %}

{#- Writes table t's raw relation from the landed rows without the erased rows (dispatched). -#}
{% macro land_sources_erase_rows(t, landed) -%}
    {{ return(adapter.dispatch('land_sources_erase_rows', 'customer360')(t, landed)) }}
{%- endmacro %}

{#- DuckDB: SQL that writes table t's raw relation from the temporary table `landed` without the erased rows: a
    row whose key is in landing.erased_keys, or whose required reference (meta.references) points to an
    erased row, is left out (and its key joins landing.erased_keys, so its children follow it); an
    optional reference to an erased row is emptied. Leaves landing_erasure_marks (is_erased,
    is_reference_emptied per _source_row_number) for the audit. -#}
{% macro duckdb__land_sources_erase_rows(t, landed) -%}
    {%- set required_refs = [] -%}
    {%- set optional_refs = [] -%}
    {%- for column in t.columns if column.references -%}
        {%- do (required_refs if column.required else optional_refs).append(column) -%}
    {%- endfor -%}
    {%- set own_hash = erasure_key_hash(t.system, t.table, t.primary_key) if t.primary_key else 'cast(null as varchar)' -%}
            create or replace temp table landing_erasure_marks as
            select
                marks.*,
                false {%- for column in optional_refs %} or marks.{{ adapter.quote('erase_' ~ column.name) }}{% endfor %}
                    as is_reference_emptied
            from (
            select
                _source_row_number,
                {{ own_hash }} as key_hash,
                (
                    coalesce({{ own_hash }} in (
                        select key_hash from landing.erased_keys
                        where source_system = '{{ t.system }}' and source_table = '{{ t.table }}'
                    ), false)
                    {%- for column in required_refs %}
                    {%- for referenced in column.references %}
                    or coalesce({{ erasure_key_hash(referenced.split('.')[0], referenced.split('.')[1], column.name) }} in (
                        select key_hash from landing.erased_keys
                        where source_system = '{{ referenced.split('.')[0] }}' and source_table = '{{ referenced.split('.')[1] }}'
                    ), false)
                    {%- endfor %}
                    {%- endfor %}
                ) as is_erased
                {%- for column in optional_refs %},
                coalesce(
                    {%- for referenced in column.references %}
                    {{ erasure_key_hash(referenced.split('.')[0], referenced.split('.')[1], column.name) }} in (
                        select key_hash from landing.erased_keys
                        where source_system = '{{ referenced.split('.')[0] }}' and source_table = '{{ referenced.split('.')[1] }}'
                    ){{ ' or' if not loop.last }}
                    {%- endfor %},
                    false
                ) as {{ adapter.quote('erase_' ~ column.name) }}
                {%- endfor %}
            from {{ landed }}
            ) as marks;
            -- the erased rows' keys join the ledger's for this build, so their children follow them
            insert into landing.erased_keys
            select '{{ t.system }}', '{{ t.table }}', key_hash
            from landing_erasure_marks
            where is_erased and key_hash is not null;
            create or replace table {{ t.relation }} as
            select
                landed.*
                {%- if optional_refs %} replace (
                    {%- for column in optional_refs %}
                    case when marks.{{ adapter.quote('erase_' ~ column.name) }} then null
                        else landed.{{ adapter.quote(column.name) }} end as {{ adapter.quote(column.name) }}
                    {{- ',' if not loop.last }}
                    {%- endfor %}
                )
                {%- endif %}
            from {{ landed }} as landed
            inner join landing_erasure_marks as marks
                on landed._source_row_number = marks._source_row_number
            where not marks.is_erased
            order by landed._source_row_number;
{%- endmacro %}

{#- Spark: writes table t's raw relation (Parquet) from the temporary view `landed` without the erased rows,
    as duckdb__land_sources_erase_rows does, one statement per call; returns the audit counts
    {erased, emptied}. The marks (row number, salted key hash, flags: no value of a row) are a Parquet
    table landing.erasure_marks, computed once per table and dropped after it; the view reads the
    landing file, so the erased rows are never written to the warehouse. The erased rows' keys join
    landing.erased_keys last, so their children (later tables) follow them. -#}
{% macro spark__land_sources_erase_rows(t, landed) -%}
    {%- set required_refs = [] -%}
    {%- set optional_refs = [] -%}
    {%- for column in t.columns if column.references -%}
        {%- do (required_refs if column.required else optional_refs).append(column) -%}
    {%- endfor -%}
    {%- set checks = [] -%}
    {%- for column in required_refs + optional_refs -%}
        {%- for referenced in column.references -%}
            {%- do checks.append({'n': checks | length + 1, 'column': column.name, 'system': referenced.split('.')[0],
                'table': referenced.split('.')[1], 'required': column in required_refs}) -%}
        {%- endfor -%}
    {%- endfor -%}
    {%- set own_hash = erasure_key_hash(t.system, t.table, t.primary_key) if t.primary_key else 'cast(null as string)' -%}
    {%- do run_query('drop table if exists landing.erasure_marks') -%}
    {%- set marks_sql -%}
    create table landing.erasure_marks using parquet as
    with hashed as (
        select
            _source_row_number,
            {{ own_hash }} as key_hash
            {%- for check in checks %},
            {{ erasure_key_hash(check.system, check.table, check.column) }} as reference_hash_{{ check.n }}
            {%- endfor %}
        from {{ landed }}
    ),

    marks as (
        select
            hashed._source_row_number,
            hashed.key_hash,
            (
                own.key_hash is not null
                {%- for check in checks if check.required %}
                or erased_{{ check.n }}.key_hash is not null
                {%- endfor %}
            ) as is_erased
            {%- for column in optional_refs %},
            (
                false
                {%- for check in checks if check.column == column.name %}
                or erased_{{ check.n }}.key_hash is not null
                {%- endfor %}
            ) as {{ adapter.quote('erase_' ~ column.name) }}
            {%- endfor %}
        from hashed
        left join (
            select distinct key_hash from landing.erased_keys
            where source_system = '{{ t.system }}' and source_table = '{{ t.table }}'
        ) as own on hashed.key_hash = own.key_hash
        {%- for check in checks %}
        left join (
            select distinct key_hash from landing.erased_keys
            where source_system = '{{ check.system }}' and source_table = '{{ check.table }}'
        ) as erased_{{ check.n }} on hashed.reference_hash_{{ check.n }} = erased_{{ check.n }}.key_hash
        {%- endfor %}
    )

    select
        marks.*,
        false {%- for column in optional_refs %} or marks.{{ adapter.quote('erase_' ~ column.name) }}{% endfor %}
            as is_reference_emptied
    from marks
    {%- endset -%}
    {%- do run_query(marks_sql) -%}
    {%- set create_sql -%}
    create table {{ t.relation }} using parquet as
    select
        {%- for column in t.columns %}
        {%- if column in optional_refs %}
        case when marks.{{ adapter.quote('erase_' ~ column.name) }} then cast(null as string)
            else landed.{{ adapter.quote(column.name) }} end as {{ adapter.quote(column.name) }},
        {%- else %}
        landed.{{ adapter.quote(column.name) }},
        {%- endif %}
        {%- endfor %}
        landed._source_row_number,
        landed._file_modified_at
    from {{ landed }} as landed
    inner join landing.erasure_marks as marks
        on landed._source_row_number = marks._source_row_number
    where not marks.is_erased
    {%- endset -%}
    {%- do run_query(create_sql) -%}
    {%- set counts = run_query('select count_if(is_erased), count_if(not is_erased and is_reference_emptied)'
        ~ ' from landing.erasure_marks').rows[0] -%}
    {#- the erased rows' keys join the ledger's for this build, so their children follow them -#}
    {%- do run_query("insert into landing.erased_keys select '" ~ t.system ~ "', '" ~ t.table ~ "', key_hash"
        ~ ' from landing.erasure_marks where is_erased and key_hash is not null') -%}
    {%- do run_query('drop table landing.erasure_marks') -%}
    {{ return({'erased': counts[0] or 0, 'emptied': counts[1] or 0}) }}
{%- endmacro %}

{#- Spark: the same plans (landing_plans), loaded with Spark's own readers into Parquet tables, one
    statement per call (dbt-spark's session cursor runs one). CSV: every column as a string, header by
    position, quoted fields over several lines, `"` as quote and escape; a record whose number of fields
    differs from the header goes to Spark's corrupt-record column and from there to
    landing.unreadable_lines (its line number is its record number + 1: exact unless an earlier record
    spans lines; no column name). _source_row_number numbers the readable records in file order (one
    file is one partition: multiLine files are not split); Parquet's is the reader's row index + 1.
    landing.files and landing.unreadable_lines are rewritten whole (Parquet tables cannot delete rows):
    the rows of tables landed now, plus the kept rows of other enabled tables from the last landing.
    Every CSV file is scanned for a quote never closed (customer360_unterminated_quote, one pass over the
    file on the driver): an error naming the line, as on DuckDB. Erasure as on DuckDB (DECISIONS §41):
    with an erasure ledger, tables are landed parents first and each is written from a temporary view over
    its file without the erased rows (spark__land_sources_erase_rows), counted in landing.files. -#}
{% macro spark__land_sources(tables) -%}
    {%- set plans = landing_plans(tables) -%}
    {%- set enabled = landing_tables() | map(attribute='system') | unique | list -%}
    {%- do run_query('create schema if not exists landing') -%}
    {#- the erasure ledger, when there is one: landing.erased_keys, tables landed parents first -#}
    {%- set erasing = land_sources_erasure_ledger() -%}
    {%- set landed_keys = [] -%}
    {%- for plan in plans -%}
        {%- do landed_keys.append(plan.table.system ~ '.' ~ plan.table.table) -%}
    {%- endfor -%}
    {%- set keep_filter -%}
        source_system in ({{ "'" ~ enabled | join("', '") ~ "'" if enabled else "''" }})
        and concat(source_system, '.', source_table) not in ({{ "'" ~ landed_keys | join("', '") ~ "'" if landed_keys else "''" }})
    {%- endset -%}
    {#- what the last landing recorded of tables not landed now, copied aside before the rewrite -#}
    {%- set existing = run_query("show tables in landing") -%}
    {%- set existing_names = existing.columns[1].values() | map('lower') | list if existing else [] -%}
    {%- for name in ['files', 'unreadable_lines'] -%}
        {%- do run_query('drop table if exists landing.kept_' ~ name) -%}
        {%- if name in existing_names -%}
            {%- set existing_columns = run_query('select * from landing.' ~ name ~ ' limit 0').column_names | map('lower') | list -%}
            {%- do run_query('create table landing.kept_' ~ name ~ ' using parquet as select '
                ~ spark__landing_audit_columns(name, existing_columns) ~ ' from landing.' ~ name ~ ' where ' ~ keep_filter) -%}
        {%- else -%}
            {%- do run_query('create table landing.kept_' ~ name ~ ' using parquet as select * from ' ~ spark__landing_audit_empty(name)) -%}
        {%- endif -%}
    {%- endfor -%}

    {%- set audit_rows = [] -%}
    {%- set unreadable_selects = [] -%}
    {%- for plan in (erasure_ordered_plans(plans) if erasing else plans) -%}
        {%- set t = plan.table -%}
        {%- set view = 'landing_read_' ~ t.system ~ '_' ~ t.table -%}
        {%- set erased = {'erased': 0, 'emptied': 0} if erasing else {'erased': none, 'emptied': none} -%}
        {%- do run_query('create schema if not exists ' ~ t.relation.schema) -%}
        {%- do run_query('drop table if exists ' ~ t.relation) -%}
        {%- if not plan.report.is_present -%}
            {%- set create_sql -%}
            create table {{ t.relation }} using parquet as
            select
                {%- for column in t.columns %}
                cast(null as string) as {{ adapter.quote(column.name) }},
                {%- endfor %}
                cast(null as bigint) as _source_row_number,
                cast(null as timestamp) as _file_modified_at
            where false
            {%- endset -%}
            {%- do run_query(create_sql) -%}
        {%- else -%}
            {%- if t.file_format == 'parquet' -%}
                {%- set read_sql -%}
                create or replace temporary view {{ view }} as
                select *, _metadata.row_index + 1 as _landing_record, cast(null as string) as _corrupt_record
                from parquet.`{{ plan.path }}`
                {%- endset -%}
            {%- else -%}
                {%- set read_sql -%}
                create or replace temporary view {{ view }}_file (
                    {%- for name in plan.report.columns %}
                    {{ adapter.quote(name) }} string,
                    {%- endfor %}
                    _corrupt_record string
                )
                using csv
                options (
                    path {{ sql_literal(plan.path) }},
                    header 'true',
                    enforceSchema 'true',
                    sep {{ sql_literal(plan.report.delimiter) }},
                    quote '"',
                    escape '"',
                    multiLine 'true',
                    mode 'PERMISSIVE',
                    columnNameOfCorruptRecord '_corrupt_record',
                    encoding 'UTF-8'
                )
                {%- endset -%}
                {%- do run_query(read_sql) -%}
                {#- cached: Spark reads the corrupt-record column of parsed rows only, and the numbering
                    is then fixed for both queries below -#}
                {%- set read_sql -%}
                cache table {{ view }} as
                select *, row_number() over (order by monotonically_increasing_id()) as _landing_record
                from {{ view }}_file
                {%- endset -%}
            {%- endif -%}
            {%- do run_query(read_sql) -%}
            {%- set landed_sql -%}
            select
                {%- for column in t.columns %}
                {%- if column.name in plan.present %}
                {{ adapter.quote(plan.present[column.name]) }} as {{ adapter.quote(column.name) }},
                {%- else %}
                cast(null as string) as {{ adapter.quote(column.name) }},
                {%- endif %}
                {%- endfor %}
                {%- if t.file_format == 'parquet' %}
                _landing_record as _source_row_number,
                {%- else %}
                row_number() over (order by _landing_record) as _source_row_number,
                {%- endif %}
                cast('{{ plan.report.file_modified_at }}' as timestamp) as _file_modified_at
            from {{ view }}
            where _corrupt_record is null
            {%- endset -%}
            {%- if erasing -%}
                {#- a view over the read file: the erased rows are left out before anything is written -#}
                {%- do run_query('create or replace temporary view landing_current as ' ~ landed_sql) -%}
                {%- do erased.update(land_sources_erase_rows(t, 'landing_current')) -%}
                {%- do run_query('drop view if exists landing_current') -%}
            {%- else -%}
                {%- do run_query('create table ' ~ t.relation ~ ' using parquet as ' ~ landed_sql) -%}
            {%- endif -%}
            {%- if t.file_format == 'csv' -%}
                {%- set unreadable_sql -%}
                select
                    '{{ t.system }}' as source_system,
                    '{{ t.table }}' as source_table,
                    {{ sql_literal(t.file) }} as file_path,
                    _landing_record + 1 as line_number,
                    cast(null as string) as column_name,
                    'the number of fields differs from the header' as problem
                from {{ view }}
                where _corrupt_record is not null
                {%- endset -%}
                {%- do run_query('cache table ' ~ view ~ '_unreadable as ' ~ unreadable_sql) -%}
                {%- do unreadable_selects.append('select * from ' ~ view ~ '_unreadable') -%}
                {#- a quote that opens a field and is never closed swallows every line after it (Spark's
                    reader does not always flag it): every CSV file is scanned for one, naming the line -#}
                {%- do landing_check_unterminated_quote(plan) -%}
            {%- endif -%}
        {%- endif -%}
        {%- set counts = run_query('select (select count(*) from ' ~ t.relation ~ '), '
            ~ ('(select count(*) from ' ~ view ~ '_unreadable)' if plan.report.is_present and t.file_format == 'csv' else '0')) -%}
        {%- do audit_rows.append({'plan': plan, 'rows': counts.rows[0][0], 'unreadable': counts.rows[0][1],
            'erased': erased.erased, 'emptied': erased.emptied}) -%}
        {%- if not plan.report.is_present and not t.optional -%}
            {%- do exceptions.warn('Landing: ' ~ plan.path ~ ' does not exist; ' ~ t.system ~ '.' ~ t.table
                ~ ' is empty in this build (data_inventory lists it as absent).') -%}
        {%- elif plan.missing -%}
            {%- do exceptions.warn('Landing: ' ~ plan.path ~ ' has no column(s) ' ~ plan.missing | join(', ')
                ~ '; they are empty in this build.') -%}
        {%- endif -%}
        {%- if audit_rows[-1].unreadable > 0 -%}
            {%- do exceptions.warn('Landing: ' ~ audit_rows[-1].unreadable ~ ' line(s) of ' ~ t.system ~ '.' ~ t.table
                ~ ' could not be read as rows; they are quarantined with their line numbers.') -%}
        {%- endif -%}
    {%- endfor -%}

    {#- the audit, rewritten whole -#}
    {%- do run_query('drop table if exists landing.files') -%}
    {%- set files_sql -%}
    create table landing.files using parquet as
    select * from landing.kept_files
    {%- for row in audit_rows %}
    {%- set plan = row.plan %}
    union all
    select
        '{{ plan.table.system }}',
        '{{ plan.table.table }}',
        {{ sql_literal(plan.table.file) }},
        '{{ plan.table.file_format }}',
        {{ 'true' if plan.report.is_present else 'false' }},
        cast({{ plan.report.file_bytes if plan.report.is_present else 'null' }} as bigint),
        {{ "cast('" ~ plan.report.file_modified_at ~ "' as timestamp)" if plan.report.is_present else 'cast(null as timestamp)' }},
        cast({{ row.rows }} as bigint),
        cast({{ row.unreadable }} as bigint),
        {{ sql_literal(plan.missing | join(', ')) if plan.missing else 'cast(null as string)' }},
        {{ sql_literal(plan.unknown | join(', ')) if plan.unknown else 'cast(null as string)' }},
        cast(current_timestamp() as timestamp),
        cast({{ 'null' if row.erased is none else row.erased }} as bigint),
        cast({{ 'null' if row.emptied is none else row.emptied }} as bigint)
    {%- endfor %}
    {%- endset -%}
    {%- do run_query(files_sql) -%}
    {%- do run_query('drop table if exists landing.unreadable_lines') -%}
    {%- do run_query('create table landing.unreadable_lines using parquet as select * from landing.kept_unreadable_lines'
        ~ (' union all ' ~ unreadable_selects | join(' union all ') if unreadable_selects else '')) -%}
    {%- for plan in plans if plan.report.is_present and plan.table.file_format == 'csv' -%}
        {%- do run_query('uncache table if exists landing_read_' ~ plan.table.system ~ '_' ~ plan.table.table) -%}
    {%- endfor -%}
    {%- do run_query('drop table if exists landing.kept_files') -%}
    {%- do run_query('drop table if exists landing.kept_unreadable_lines') -%}
{%- endmacro %}

{#- An empty landing audit table's columns (Spark), as a subquery. -#}
{% macro spark__landing_audit_empty(name) -%}
    {%- if name == 'files' -%}
    (select cast(null as string) as source_system, cast(null as string) as source_table,
        cast(null as string) as file_path, cast(null as string) as file_format, cast(null as boolean) as is_present,
        cast(null as bigint) as file_bytes, cast(null as timestamp) as file_modified_at,
        cast(null as bigint) as row_count, cast(null as bigint) as unreadable_line_count,
        cast(null as string) as missing_columns, cast(null as string) as unknown_columns,
        cast(null as timestamp) as landed_at, cast(null as bigint) as erased_row_count,
        cast(null as bigint) as erased_reference_count where false) as empty_files
    {%- else -%}
    (select cast(null as string) as source_system, cast(null as string) as source_table,
        cast(null as string) as file_path, cast(null as bigint) as line_number,
        cast(null as string) as column_name, cast(null as string) as problem where false) as empty_lines
    {%- endif -%}
{%- endmacro %}

{#- The columns of a landing audit table kept from the last Spark landing (Spark), in the order the
    rewrite writes them; the erasure counts are kept when the table has them (existing_columns), null
    otherwise (a table from before they existed). -#}
{% macro spark__landing_audit_columns(name, existing_columns=[]) -%}
    {%- if name == 'files' -%}
    source_system, source_table, file_path, file_format, is_present, file_bytes, file_modified_at, row_count,
    unreadable_line_count, missing_columns, unknown_columns, landed_at,
    {%- for column in ['erased_row_count', 'erased_reference_count'] %}
    {{ column if column in existing_columns else 'cast(null as bigint) as ' ~ column }}{{ ',' if not loop.last }}
    {%- endfor %}
    {%- else -%}
    source_system, source_table, file_path, line_number, column_name, problem
    {%- endif -%}
{%- endmacro %}

{#- customer360: dbt-spark 1.11's snapshot materialization (adapter spark), copied, with one change: a
    table in a format without row updates (parquet: Delta and Iceberg jars cannot be fetched here)
    is rewritten instead of merged into (spark_snapshot_rewrite_sql), where dbt-spark refuses the format.
    Delta, Iceberg and Hudi tables still merge, as in dbt-spark. The root project's materialization wins
    over the adapter's. DECISIONS §43. -#}
{% materialization snapshot, adapter='spark' %}

  {%- set target_table = model.get('alias', model.get('name')) -%}

  {%- set strategy_name = config.get('strategy') -%}
  {%- set unique_key = config.get('unique_key') %}
  {%- set file_format = config.get('file_format') or 'parquet' -%}
  {%- set grant_config = config.get('grants') -%}

  {% set target_relation_exists, target_relation = get_or_create_relation(
          database=none,
          schema=model.schema,
          identifier=target_table,
          type='table') -%}

  {#- customer360: a format without row updates (parquet) rewrites the table (spark_snapshot_rewrite_sql)
      instead of merging into it; dbt-spark refuses such a format here. -#}
  {%- set rewrites = file_format not in ['delta', 'iceberg', 'hudi'] -%}
  {%- if target_relation_exists and not rewrites -%}
    {%- if not target_relation.is_delta and not target_relation.is_iceberg and not target_relation.is_hudi -%}
      {% set invalid_format_msg -%}
        The existing table {{ model.schema }}.{{ target_table }} is in another format than 'delta' or 'iceberg' or 'hudi'
      {%- endset %}
      {% do exceptions.raise_compiler_error(invalid_format_msg) %}
    {% endif %}
  {% endif %}

  {% if not adapter.check_schema_exists(model.database, model.schema) %}
    {% do create_schema(model.schema) %}
  {% endif %}

  {%- if not target_relation.is_table -%}
    {% do exceptions.relation_wrong_type(target_relation, 'table') %}
  {%- endif -%}

  {{ run_hooks(pre_hooks, inside_transaction=False) }}

  {{ run_hooks(pre_hooks, inside_transaction=True) }}

  {% set strategy_macro = strategy_dispatch(strategy_name) %}
  {% set strategy = strategy_macro(model, "snapshotted_data", "source_data", model['config'], target_relation_exists) %}

  {% if not target_relation_exists %}

      {% set build_sql = build_snapshot_table(strategy, model['compiled_code']) %}
      {% set final_sql = create_table_as(False, target_relation, build_sql) %}

  {% else %}

      {% set columns = config.get("snapshot_table_column_names") or get_snapshot_table_column_names() %}

      {{ adapter.valid_snapshot_target(target_relation, columns) }}

      {% set staging_table = spark_build_snapshot_staging_table(strategy, sql, target_relation) %}

      -- this may no-op if the database does not require column expansion
      {% do adapter.expand_target_column_types(from_relation=staging_table,
                                               to_relation=target_relation) %}

      {% set missing_columns = adapter.get_missing_columns(staging_table, target_relation)
                                   | rejectattr('name', 'equalto', 'dbt_change_type')
                                   | rejectattr('name', 'equalto', 'DBT_CHANGE_TYPE')
                                   | rejectattr('name', 'equalto', 'dbt_unique_key')
                                   | rejectattr('name', 'equalto', 'DBT_UNIQUE_KEY')
                                   | list %}

      {% do create_columns(target_relation, missing_columns) %}

      {% set source_columns = adapter.get_columns_in_relation(staging_table)
                                   | rejectattr('name', 'equalto', 'dbt_change_type')
                                   | rejectattr('name', 'equalto', 'DBT_CHANGE_TYPE')
                                   | rejectattr('name', 'equalto', 'dbt_unique_key')
                                   | rejectattr('name', 'equalto', 'DBT_UNIQUE_KEY')
                                   | list %}

      {% set quoted_source_columns = [] %}
      {% for column in source_columns %}
        {% do quoted_source_columns.append(adapter.quote(column.name)) %}
      {% endfor %}

      {% if rewrites %}
        {% set final_sql = spark_snapshot_rewrite_sql(target_relation, staging_table, quoted_source_columns) %}
      {% else %}
      {% set final_sql = snapshot_merge_sql(
            target = target_relation,
            source = staging_table,
            insert_cols = quoted_source_columns
         )
      %}
      {% endif %}

  {% endif %}

  {% call statement('main') %}
      {{ final_sql }}
  {% endcall %}

  {% set should_revoke = should_revoke(target_relation_exists, full_refresh_mode) %}
  {% do apply_grants(target_relation, grant_config, should_revoke) %}

  {% do persist_docs(target_relation, model) %}

  {{ run_hooks(post_hooks, inside_transaction=True) }}

  {{ adapter.commit() }}

  {% if staging_table is defined %}
      {% do post_snapshot(staging_table) %}
      {% if rewrites %}
          {% do adapter.drop_relation(spark_snapshot_rewrite_relation(target_relation)) %}
      {% endif %}
  {% endif %}

  {{ run_hooks(post_hooks, inside_transaction=False) }}

  {{ return({'relations': [target_relation]}) }}

{% endmaterialization %}


{#- The snapshot table after this run, for a format that cannot update rows: the same result as
    spark__snapshot_merge_sql (current versions that changed or were deleted get their dbt_valid_to,
    new versions are inserted), written to a table beside the target and then copied over it (Spark
    cannot overwrite a table it reads in the same statement). -#}
{% macro spark_snapshot_rewrite_sql(target, source, insert_cols) -%}
    {%- set columns = config.get("snapshot_table_column_names") or get_snapshot_table_column_names() -%}
    {%- set target_columns = adapter.get_columns_in_relation(target) | map(attribute='name') | list -%}
    {%- set rewritten = spark_snapshot_rewrite_relation(target) -%}
    {%- set current_condition -%}
        {%- if config.get("dbt_valid_to_current") -%}
        (dest.{{ columns.dbt_valid_to }} = {{ config.get('dbt_valid_to_current') }} or dest.{{ columns.dbt_valid_to }} is null)
        {%- else -%}
        dest.{{ columns.dbt_valid_to }} is null
        {%- endif -%}
    {%- endset -%}
    {%- do adapter.drop_relation(rewritten) -%}
    {%- call statement('snapshot_rewrite') -%}
        create table {{ rewritten }} using parquet as
        select
            {%- for name in target_columns %}
            {% if name == columns.dbt_valid_to -%}
            case
                when changed.{{ columns.dbt_scd_id }} is not null and {{ current_condition }}
                    then changed.{{ columns.dbt_valid_to }}
                else dest.{{ name }}
            end as {{ adapter.quote(name) }}
            {%- else -%}
            dest.{{ adapter.quote(name) }}
            {%- endif -%}{{ ',' if not loop.last }}
            {%- endfor %}
        from {{ target }} as dest
        left join (
            select * from {{ source }} where dbt_change_type in ('update', 'delete')
        ) as changed
            on dest.{{ columns.dbt_scd_id }} = changed.{{ columns.dbt_scd_id }}
        union all
        select
            {%- for name in target_columns %}
            inserted.{{ adapter.quote(name) }}{{ ',' if not loop.last }}
            {%- endfor %}
        from {{ source }} as inserted
        where
            inserted.dbt_change_type = 'insert'
            and not exists (
                select 1 from {{ target }} as dest
                where dest.{{ columns.dbt_scd_id }} = inserted.{{ columns.dbt_scd_id }}
            )
    {%- endcall -%}
    insert overwrite table {{ target }} select * from {{ rewritten }}
{%- endmacro %}

{#- The table spark_snapshot_rewrite_sql writes beside the snapshot table. -#}
{% macro spark_snapshot_rewrite_relation(target) -%}
    {{ return(api.Relation.create(identifier=target.identifier ~ '__dbt_rewrite', schema=target.schema,
                                  database=none, type='table')) }}
{%- endmacro %}

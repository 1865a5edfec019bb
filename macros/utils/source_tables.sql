{#- The landed tables of every source system, in one place. Each has a staging model named
    stg_<system>__<table>. Systems switched off by var('source_<system>_enabled') are left out, so
    models that loop over this list (quarantine, reconciliation) still build with two systems on. -#}
{% macro source_tables(include_disabled=false) -%}
    {%- set all_tables = {
        'crm': ['accounts', 'contacts', 'leads', 'opportunities', 'tasks', 'users'],
        'marketing': ['campaigns', 'sends', 'email_events'],
        'orders': ['orders', 'order_lines', 'projects'],
        'billing': ['customers', 'invoices', 'payments', 'refunds'],
        'support': ['tickets', 'ticket_comments'],
        'contact_center': ['interactions'],
        'surveys': ['surveys', 'responses'],
        'pos': ['stores', 'loyalty_members', 'transactions'],
        'web': ['registrations', 'sessions', 'page_events'],
        'policy': ['policy_holders', 'policies', 'policy_events'],
    } -%}
    {%- set selected = [] -%}
    {%- for system, tables in all_tables.items() -%}
        {%- if include_disabled or source_enabled(system) -%}
            {%- for table in tables -%}
                {%- do selected.append({'system': system, 'table': table, 'model': 'stg_' ~ system ~ '__' ~ table}) -%}
            {%- endfor -%}
        {%- endif -%}
    {%- endfor -%}
    {{ return(selected) }}
{%- endmacro %}

{#- Whether a source system is switched on (vars source_<system>_enabled, default true). -#}
{% macro source_enabled(system) -%}
    {{ return(var('source_' ~ system ~ '_enabled', true) | string | lower in ['true', '1', 'yes']) }}
{%- endmacro %}

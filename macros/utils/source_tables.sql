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
        'stewardship': ['corrections'],
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

{#- The conformed event types that count as a purchase (revenue, status, CLV): var purchase_event_types
    when set; else orders and store sales when orders or pos is on, else successful payments when only
    billing tells what a customer paid (a Stripe-style export has invoices and payments, no orders). -#}
{% macro purchase_event_types() -%}
    {%- set configured = var('purchase_event_types', none) -%}
    {%- if configured -%}
        {{ return(configured | list) }}
    {%- endif -%}
    {%- set types = [] -%}
    {%- if source_enabled('orders') -%}{%- do types.append('order_placed') -%}{%- endif -%}
    {%- if source_enabled('pos') -%}{%- do types.append('store_purchase') -%}{%- endif -%}
    {%- if not types and source_enabled('billing') -%}{%- do types.append('payment_received') -%}{%- endif -%}
    {{ return(types) }}
{%- endmacro %}

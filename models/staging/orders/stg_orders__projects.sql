with

source as (
    select * from {{ source('orders', 'projects') }}
),

renamed as (
    select
        {{ clean_text('id') }} as project_id,
        {{ clean_text('order_id') }} as order_id,
        {{ clean_text('crew_id') }} as crew_id,
        {{ category('project_type') }} as project_type,
        {{ category('status') }} as project_status,
        {{ clean_text('site_address_1') }} as site_address_line_1,
        {{ clean_text('site_city') }} as site_city,
        {{ clean_text('site_state') }} as site_state,
        {{ clean_text('site_zip') }} as site_postal_code,
        {{ clean_text('contact_name', null_words=false) }} as site_contact_name,
        {{ clean_text('contact_phone') }} as site_contact_phone,
        {{ parse_date('scheduled_date') }} as scheduled_date,
        {{ parse_timestamp_utc('started_at') }} as started_at,
        {{ parse_timestamp_utc('completed_at') }} as completed_at,
        {{ parse_timestamp_utc('updated_at') }} as updated_at,
        coalesce({{ parse_timestamp_utc('updated_at') }}, _file_modified_at) as loaded_at,
        {{ unparsed_fields({
            'scheduled_date': parse_date('scheduled_date'),
            'started_at': parse_timestamp_utc('started_at'),
            'completed_at': parse_timestamp_utc('completed_at'),
            'updated_at': parse_timestamp_utc('updated_at'),
        }) }} as unparsed_fields,
        _source_row_number as source_row_number,
        {{ raw_row_json('source') }} as raw_row
    from source
),

validated as (
    select
        *,
        {{ rejection_reason([
            ('project_id is null', 'missing id'),
            ('order_id is null', 'missing order_id'),
            ('project_type is null', 'missing project_type'),
            ('project_status is null', 'missing status'),
        ], unique_id='project_id') }} as rejection_reason
    from renamed
),

final as (
    select
        {{ record_key('orders', 'projects', 'project_id') }} as record_key,
        project_id,
        order_id,
        crew_id,
        project_type,
        project_status,
        site_address_line_1,
        site_city,
        site_state,
        site_postal_code,
        site_contact_name,
        site_contact_phone,
        unparsed_fields,
        rejection_reason,
        source_row_number,
        case when rejection_reason is not null then raw_row end as rejected_raw_row,
        rejection_reason is not null as is_rejected,
        scheduled_date,
        started_at,
        completed_at,
        updated_at,
        loaded_at
    from validated
)

select * from final

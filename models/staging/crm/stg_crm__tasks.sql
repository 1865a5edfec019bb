with

source as (
    select * from {{ source('crm', 'tasks') }}
),

renamed as (
    select
        {{ clean_text('id') }} as task_id,
        {{ clean_text('who_id') }} as related_person_id,
        {{ clean_text('what_id') }} as related_record_id,
        {{ clean_text('owner_id') }} as owner_user_id,
        case
            when {{ clean_text('who_id') }} like '003%' then 'contact'
            when {{ clean_text('who_id') }} like '00Q%' then 'lead'
        end as related_person_type,
        {{ clean_text('subject') }} as subject,
        {{ category('type') }} as task_type,
        {{ category('status') }} as task_status,
        {{ category('priority') }} as priority,
        {{ clean_text('description') }} as description,
        {{ parse_boolean('is_deleted') }} as is_deleted,
        {{ parse_date('activity_date') }} as due_date,
        {{ parse_timestamp_utc('completed_date_time') }} as completed_at,
        {{ parse_timestamp_utc('created_date') }} as created_at,
        {{ parse_timestamp_utc('last_modified_date') }} as last_modified_at,
        coalesce({{ parse_timestamp_utc('_fivetran_synced') }}, _file_modified_at) as loaded_at,
        {{ unparsed_fields({
            'is_deleted': parse_boolean('is_deleted'),
            'activity_date': parse_date('activity_date'),
            'completed_date_time': parse_timestamp_utc('completed_date_time'),
            'created_date': parse_timestamp_utc('created_date'),
            'last_modified_date': parse_timestamp_utc('last_modified_date'),
            '_fivetran_synced': parse_timestamp_utc('_fivetran_synced'),
        }) }} as unparsed_fields,
        _source_row_number as source_row_number,
        {{ raw_row_json('source') }} as raw_row
    from source
),

validated as (
    select
        *,
        {{ rejection_reason([
            ('task_id is null', 'missing id'),
            ('owner_user_id is null', 'missing owner_id'),
            ('task_status is null', 'missing status'),
            ('created_at is null', 'missing or invalid created_date'),
        ], unique_id='task_id') }} as rejection_reason
    from renamed
),

final as (
    select
        {{ record_key('crm', 'tasks', 'task_id') }} as record_key,
        task_id,
        related_person_id,
        related_record_id,
        owner_user_id,
        related_person_type,
        subject,
        task_type,
        task_status,
        priority,
        description,
        unparsed_fields,
        rejection_reason,
        source_row_number,
        case when rejection_reason is not null then raw_row end as rejected_raw_row,
        rejection_reason is not null as is_rejected,
        is_deleted,
        due_date,
        completed_at,
        created_at,
        last_modified_at,
        loaded_at
    from validated
)

select * from final

with

source as (
    select * from {{ source('support', 'tickets') }}
),

renamed as (
    select
        {{ clean_text('id') }} as ticket_id,
        {{ clean_text('order_id') }} as order_id,
        {{ clean_text('assignee_id') }} as assignee_agent_id,
        {{ category('type') }} as ticket_type,
        {{ clean_text('subject') }} as subject,
        {{ clean_text('description') }} as description,
        {{ category('status') }} as ticket_status,
        {{ category('priority') }} as priority,
        {{ category('via_channel') }} as channel,
        {{ category('group_name') }} as support_group,
        {{ clean_text('requester_name', null_words=false) }} as requester_name,
        {{ clean_text('requester_email') }} as requester_email,
        {{ clean_text('requester_phone') }} as requester_phone,
        {{ parse_timestamp_utc('created_at') }} as created_at,
        {{ parse_timestamp_utc('updated_at') }} as updated_at,
        {{ parse_timestamp_utc('solved_at') }} as solved_at,
        coalesce({{ parse_timestamp_utc('_fivetran_synced') }}, _file_modified_at) as loaded_at,
        {{ unparsed_fields({
            'created_at': parse_timestamp_utc('created_at'),
            'updated_at': parse_timestamp_utc('updated_at'),
            'solved_at': parse_timestamp_utc('solved_at'),
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
            ('ticket_id is null', 'missing id'),
            ('ticket_status is null', 'missing status'),
            ('created_at is null', 'missing or invalid created_at'),
        ], unique_id='ticket_id') }} as rejection_reason
    from renamed
),

final as (
    select
        {{ record_key('support', 'tickets', 'ticket_id') }} as record_key,
        ticket_id,
        order_id,
        assignee_agent_id,
        ticket_type,
        subject,
        description,
        ticket_status,
        priority,
        channel,
        support_group,
        requester_name,
        requester_email,
        requester_phone,
        unparsed_fields,
        rejection_reason,
        source_row_number,
        case when rejection_reason is not null then raw_row end as rejected_raw_row,
        rejection_reason is not null as is_rejected,
        created_at,
        updated_at,
        solved_at,
        loaded_at
    from validated
)

select * from final

with

source as (
    select * from {{ source('support', 'ticket_comments') }}
),

renamed as (
    select
        {{ clean_text('id') }} as ticket_comment_id,
        {{ clean_text('ticket_id') }} as ticket_id,
        {{ category('author_role') }} as author_role,
        {{ clean_text('body') }} as body,
        {{ parse_boolean('is_public') }} as is_public,
        {{ parse_timestamp_utc('created_at') }} as created_at,
        coalesce({{ parse_timestamp_utc('_fivetran_synced') }}, _file_modified_at) as loaded_at,
        {{ unparsed_fields({
            'is_public': parse_boolean('is_public'),
            'created_at': parse_timestamp_utc('created_at'),
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
            ('ticket_comment_id is null', 'missing id'),
            ('ticket_id is null', 'missing ticket_id'),
            ('created_at is null', 'missing or invalid created_at'),
        ], unique_id='ticket_comment_id') }} as rejection_reason
    from renamed
),

final as (
    select
        {{ record_key('support', 'ticket_comments', 'ticket_comment_id') }} as record_key,
        ticket_comment_id,
        ticket_id,
        author_role,
        body,
        unparsed_fields,
        rejection_reason,
        source_row_number,
        case when rejection_reason is not null then raw_row end as rejected_raw_row,
        rejection_reason is not null as is_rejected,
        is_public,
        created_at,
        loaded_at
    from validated
)

select * from final

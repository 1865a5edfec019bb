with

source as (
    select * from {{ source('crm', 'users') }}
),

renamed as (
    select
        {{ clean_text('id') }} as user_id,
        {{ clean_text('manager_id') }} as manager_user_id,
        {{ clean_text('first_name') }} as first_name,
        {{ clean_text('last_name') }} as last_name,
        {{ clean_text('email') }} as email,
        {{ clean_text('title') }} as job_title,
        {{ clean_text('department') }} as department,
        {{ parse_boolean('is_active') }} as is_active,
        {{ parse_timestamp_utc('created_date') }} as created_at,
        coalesce({{ parse_timestamp_utc('_fivetran_synced') }}, _file_modified_at) as loaded_at,
        {{ unparsed_fields({
            'is_active': parse_boolean('is_active'),
            'created_date': parse_timestamp_utc('created_date'),
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
            ('user_id is null', 'missing id'),
            ('last_name is null', 'missing last_name'),
            ('created_at is null', 'missing or invalid created_date'),
        ], unique_id='user_id') }} as rejection_reason
    from renamed
),

final as (
    select
        {{ record_key('crm', 'users', 'user_id') }} as record_key,
        user_id,
        manager_user_id,
        first_name,
        last_name,
        email,
        job_title,
        department,
        unparsed_fields,
        rejection_reason,
        source_row_number,
        case when rejection_reason is not null then raw_row end as rejected_raw_row,
        rejection_reason is not null as is_rejected,
        is_active,
        created_at,
        loaded_at
    from validated
)

select * from final

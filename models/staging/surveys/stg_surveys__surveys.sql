with

source as (
    select * from {{ source('surveys', 'surveys') }}
),

renamed as (
    select
        {{ clean_text('id') }} as survey_id,
        {{ clean_text('name') }} as survey_name,
        {{ category('survey_type') }} as survey_type,
        {{ category('touchpoint') }} as touchpoint,
        {{ category('metric') }} as metric,
        {{ parse_boolean('is_active') }} as is_active,
        {{ parse_timestamp_utc('created_at') }} as created_at,
        coalesce({{ parse_timestamp_utc('_loaded_at') }}, _file_modified_at) as loaded_at,
        {{ unparsed_fields({
            'is_active': parse_boolean('is_active'),
            'created_at': parse_timestamp_utc('created_at'),
            '_loaded_at': parse_timestamp_utc('_loaded_at'),
        }) }} as unparsed_fields,
        _source_row_number as source_row_number,
        {{ raw_row_json('source') }} as raw_row
    from source
),

validated as (
    select
        *,
        {{ rejection_reason([
            ('survey_id is null', 'missing id'),
            ('survey_name is null', 'missing name'),
            ('survey_type is null', 'missing survey_type'),
            ('metric is null', 'missing metric'),
            ('created_at is null', 'missing or invalid created_at'),
        ], unique_id='survey_id') }} as rejection_reason
    from renamed
),

final as (
    select
        {{ record_key('surveys', 'surveys', 'survey_id') }} as record_key,
        survey_id,
        survey_name,
        survey_type,
        touchpoint,
        metric,
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

{#- Steward corrections as filed, one row per landed row, typed and checked. A correction needs all of
    id, type, both keys, who, when and why; a key is a record key (`<system>:<table>:<id>`) or a
    customer id (`C` + 16 hex digits). A row that fails is quarantined with its reason and applied
    nowhere. Whether its keys exist in this build is decided later (int_identity__correction_pairs). -#}
with

source as (
    select * from {{ source('stewardship', 'corrections') }}
),

renamed as (
    select
        {{ clean_text('id') }} as correction_id,
        lower({{ clean_text('correction_type') }}) as correction_type,
        {{ clean_text('key_a') }} as subject_key_a,
        {{ clean_text('key_b') }} as subject_key_b,
        {{ clean_text('requested_by') }} as requested_by,
        {{ clean_text('reason') }} as correction_reason,
        {{ parse_timestamp_utc('requested_at') }} as requested_at,
        _file_modified_at as loaded_at,
        {{ unparsed_fields({
            'requested_at': parse_timestamp_utc('requested_at'),
        }) }} as unparsed_fields,
        _source_row_number as source_row_number,
        {{ raw_row_json('source') }} as raw_row
    from source
),

validated as (
    select
        *,
        {{ rejection_reason([
            ('correction_id is null', 'missing id'),
            ("correction_type is null or correction_type not in ('must_link', 'must_not_link')",
                'correction_type is not must_link or must_not_link'),
            ('subject_key_a is null or subject_key_b is null', 'missing key'),
            ('not ' ~ regexp_full_match('subject_key_a', '[^:]+:[^:]+:.+|C[0-9a-f]{16}')
                ~ ' or not ' ~ regexp_full_match('subject_key_b', '[^:]+:[^:]+:.+|C[0-9a-f]{16}'),
                'a key is neither a record key nor a customer id'),
            ('subject_key_a = subject_key_b', 'both keys are the same'),
            ('requested_by is null', 'missing requested_by'),
            ('requested_at is null', 'missing or unreadable requested_at'),
            ('correction_reason is null', 'missing reason'),
        ], unique_id='correction_id') }} as rejection_reason
    from renamed
),

final as (
    select
        {{ record_key('stewardship', 'corrections', 'correction_id') }} as record_key,
        correction_id,
        correction_type,
        subject_key_a,
        subject_key_b,
        requested_by,
        correction_reason,
        unparsed_fields,
        rejection_reason,
        source_row_number,
        case when rejection_reason is not null then raw_row end as rejected_raw_row,
        rejection_reason is not null as is_rejected,
        requested_at,
        loaded_at
    from validated
)

select * from final

{#- Person names: clean keys, suffixes, full-name parsing and nickname canonicalisation.
    Name parts come out lower case (keys); suffixes as JR, SR, II, III, IV. -#}

{#- The word lists the name macros use (lower case, periods already removed). -#}
{% macro name_parsing_words() -%}
    {{ return({
        'titles': ['mr', 'mrs', 'ms', 'miss', 'mx', 'mister', 'dr', 'doctor', 'prof', 'professor',
                   'rev', 'reverend', 'fr', 'sir', 'dame', 'hon'],
        'generational_suffixes': {
            'jr': 'JR', 'jnr': 'JR', 'junior': 'JR',
            'sr': 'SR', 'snr': 'SR', 'senior': 'SR',
            'ii': 'II', '2nd': 'II',
            'iii': 'III', '3rd': 'III',
            'iv': 'IV', '4th': 'IV',
        },
        'credentials': ['md', 'phd', 'dds', 'dmd', 'dvm', 'esq', 'cpa', 'rn', 'jd', 'mba', 'cfa'],
        'surname_particles': ['van', 'von', 'de', 'del', 'della', 'der', 'den', 'di', 'da', 'dos', 'das',
                              'du', 'la', 'le', 'st', 'saint', 'bin', 'ibn', 'ter', 'ten'],
    }) }}
{%- endmacro %}


{#- A name as a matching key: lower case, accents removed, curly apostrophes made straight, periods
    dropped, every other character except letters, hyphen and apostrophe made a space, spaces
    collapsed and trimmed (also around hyphens). Null when nothing is left. -#}
{% macro name_clean(column) -%}
    {{ return(adapter.dispatch('name_clean', 'customer360')(column)) }}
{%- endmacro %}

{% macro duckdb__name_clean(column) -%}
    nullif(trim(
        regexp_replace(regexp_replace(regexp_replace(regexp_replace(regexp_replace(
            lower(strip_accents({{ clean_text(column, null_words=false) }})),
            '[\x{2018}\x{2019}`\x{00B4}]', '''', 'g'),
            '\.', '', 'g'),
            '[^\p{L}''\-]+', ' ', 'g'),
            '\s*-\s*', '-', 'g'),
            '\s+', ' ', 'g'),
        ' -'''
    ), '')
{%- endmacro %}


{#- A name suffix field normalised to JR, SR, II, III or IV (Jr., jnr, Junior, 2nd, 3rd, ...);
    null for anything else (credentials such as MD or PhD are not suffixes here). -#}
{% macro name_suffix(column) -%}
    {%- set words = name_parsing_words()['generational_suffixes'] -%}
    case replace(replace(lower({{ clean_text(column) }}), '.', ''), ' ', '')
        {%- for word, suffix in words.items() %}
        when '{{ word }}' then '{{ suffix }}'
        {%- endfor %}
    end
{%- endmacro %}


{#- Lower-case first letter of a middle name field ('Quincy' -> 'q', 'Q.' -> 'q'); null if none. -#}
{% macro middle_initial(column) -%}
    left({{ name_clean(column) }}, 1)
{%- endmacro %}


{#- A cleaned name field holding a name and a trailing initial ("john q"): the name without the initial,
    and the initial; other values come back unchanged, with no initial. -#}
{% macro name_without_trailing_initial(column) -%}
    case
        when {{ regexp_full_match(column, '\\S+ \\S') }} then split_part({{ column }}, ' ', 1)
        else {{ column }}
    end
{%- endmacro %}

{% macro trailing_initial(column) -%}
    case
        when {{ regexp_full_match(column, '\\S+ \\S') }} then right({{ column }}, 1)
    end
{%- endmacro %}


{#- Parse one full-name field into a struct {first_name, middle_initial, last_name, name_suffix}.
    Handles 'Last, First M.', 'First M. Last', 'First Middle Last Jr.', 'Dr. First Last',
    'FIRST LAST', surname particles ('Maria de la Cruz' -> last 'de la cruz') and suffix segments
    after a comma ('Smith, John, Jr.'). Leading titles and trailing credentials (MD, PhD, Esq) are
    dropped. One word only: it is the first name. Parts are lower case, cleaned as name_clean. -#}
{% macro full_name_parts(column) -%}
    {{ return(adapter.dispatch('full_name_parts', 'customer360')(column)) }}
{%- endmacro %}

{% macro duckdb__full_name_parts(column) -%}
    {%- set words = name_parsing_words() -%}
    {%- set titles = "('" ~ words['titles'] | join("', '") ~ "')" -%}
    {%- set suffix_words = "('" ~ (words['generational_suffixes'].keys() | list + words['credentials']) | join("', '") ~ "')" -%}
    {%- set particles = "('" ~ words['surname_particles'] | join("', '") ~ "')" -%}
    {%- set generational -%}
        case t
            {%- for word, suffix in words['generational_suffixes'].items() %}
            when '{{ word }}' then '{{ suffix }}'
            {%- endfor %}
        end
    {%- endset -%}
    {#- text: lower case, no accents or periods, only letters, digits, ' - and commas -#}
    {%- set text -%}
        regexp_replace(regexp_replace(regexp_replace(regexp_replace(
            lower(strip_accents({{ clean_text(column, null_words=false) }})),
            '[\x{2018}\x{2019}`\x{00B4}]', '''', 'g'),
            '\.', '', 'g'),
            '[^\p{L}0-9''\-,]+', ' ', 'g'),
            '\s*-\s*', '-', 'g')
    {%- endset -%}
    list_transform(
        -- comma-separated segments, each a list of words
        [list_filter(
            list_transform(
                string_split(coalesce({{ text }}, ''), ','),
                lambda s: list_filter(string_split(trim(s), ' '), lambda t: t not in ('', '-', ''''))
            ),
            lambda g: len(g) > 0
        )],
        -- segments after the first made only of suffix words ('Smith, John, Jr.') are suffixes
        lambda segs: list_transform(
            [{
                'kept': segs[1:1] || list_filter(
                    segs[2:],
                    lambda g: not list_bool_and(list_transform(g, lambda t: t in {{ suffix_words }}))
                ),
                'suffix_words': flatten(list_filter(
                    segs[2:],
                    lambda g: list_bool_and(list_transform(g, lambda t: t in {{ suffix_words }}))
                ))
            }],
            -- 'Last, First Middle' when two segments remain, else 'First Middle Last'
            lambda s: list_transform(
                [{
                    'is_comma_form': len(s.kept) >= 2,
                    'surname': case when len(s.kept) >= 2 then s.kept[1] else [] end,
                    'given': list_transform(
                        [coalesce(case when len(s.kept) >= 2 then flatten(s.kept[2:]) else s.kept[1] end, [])],
                        lambda g: g[coalesce(list_position(list_transform(g, lambda t: t not in {{ titles }}), true), len(g) + 1):]
                    )[1],
                    'suffix_words': s.suffix_words
                }],
                -- trailing suffix words of the given part and of the surname
                lambda p: list_transform(
                    [{
                        'is_comma_form': p.is_comma_form,
                        'given_trailing': coalesce(list_position(
                            list_transform(list_reverse(p.given), lambda t: t not in {{ suffix_words }}), true
                        ) - 1, len(p.given)),
                        'surname_trailing': coalesce(list_position(
                            list_transform(list_reverse(p.surname), lambda t: t not in {{ suffix_words }}), true
                        ) - 1, 0),
                        'given': p.given,
                        'surname': p.surname,
                        'suffix_words': p.suffix_words
                    }],
                    lambda q: list_transform(
                        [{
                            'is_comma_form': q.is_comma_form,
                            'words': q.given[1:len(q.given) - q.given_trailing],
                            'surname': q.surname[1:len(q.surname) - q.surname_trailing],
                            'name_suffix': list_filter(
                                list_transform(
                                    q.given[len(q.given) - q.given_trailing + 1:]
                                    || q.surname[len(q.surname) - q.surname_trailing + 1:]
                                    || q.suffix_words,
                                    lambda t: {{ generational | indent(36) }}
                                ),
                                lambda x: x is not null
                            )[1]
                        }],
                        -- plain form: the last word and the surname particles before it are the last name
                        lambda r: list_transform(
                            [{
                                'r': r,
                                'last_start': case
                                    when r.is_comma_form then len(r.words) + 1
                                    when len(r.words) < 2 then 2
                                    else len(r.words) - coalesce(list_position(
                                        list_transform(
                                            list_reverse(r.words[2:len(r.words) - 1]),
                                            lambda t: t not in {{ particles }}
                                        ),
                                        true
                                    ) - 1, len(r.words) - 2)
                                end
                            }],
                            lambda f: {
                                'first_name': nullif(f.r.words[1], ''),
                                'middle_initial': nullif(left(f.r.words[2:f.last_start - 1][1], 1), ''),
                                'last_name': nullif(
                                    case
                                        when f.r.is_comma_form then array_to_string(f.r.surname, ' ')
                                        else array_to_string(f.r.words[f.last_start:], ' ')
                                    end,
                                    ''
                                ),
                                'name_suffix': f.r.name_suffix
                            }
                        )[1]
                    )[1]
                )[1]
            )[1]
        )[1]
    )[1]
{%- endmacro %}


{#- The parts of full_name_parts one at a time. Each call parses the name again: to take several
    parts, select full_name_parts(column) once as a struct and read its fields. -#}
{% macro full_name_first(column) -%}
    {{ struct_field(full_name_parts(column), 'first_name') }}
{%- endmacro %}

{% macro full_name_middle_initial(column) -%}
    {{ struct_field(full_name_parts(column), 'middle_initial') }}
{%- endmacro %}

{% macro full_name_last(column) -%}
    {{ struct_field(full_name_parts(column), 'last_name') }}
{%- endmacro %}

{% macro full_name_suffix(column) -%}
    {{ struct_field(full_name_parts(column), 'name_suffix') }}
{%- endmacro %}


{#- The canonical first name of a first-name field: name_clean(column), rewritten to the preferred
    canonical name when it is a known nickname (ref_nicknames where is_preferred: 'Bill' -> 'william'),
    else left as cleaned. A correlated lookup that DuckDB plans as one hash join. -#}
{% macro first_name_canonical(column) -%}
    coalesce(
        (
            select nicknames.canonical_first_name
            from {{ ref('ref_nicknames') }} as nicknames
            where nicknames.is_preferred and nicknames.nickname = {{ name_clean(column) }}
        ),
        {{ name_clean(column) }}
    )
{%- endmacro %}


{#- The letters À..ÿ as UTF-8 text misread as Windows-1252 shows them: 'Ã' followed by one more
    character, given here by its code point, with the letter it stands for ('Ã' + chr(169) = 'Ã©' for
    é). Five letters (Á, Í, Ï, Ð, Ý) are missing: their second byte is undefined in Windows-1252 and
    comes out as U+FFFD, which cannot be told apart. -#}
{% macro mojibake_letters() -%}
    {{ return([
        (8364, 'À'), (8218, 'Â'), (402, 'Ã'), (8222, 'Ä'), (8230, 'Å'), (8224, 'Æ'), (8225, 'Ç'), (710, 'È'),
        (8240, 'É'), (352, 'Ê'), (8249, 'Ë'), (338, 'Ì'), (381, 'Î'), (8216, 'Ñ'), (8217, 'Ò'), (8220, 'Ó'),
        (8221, 'Ô'), (8226, 'Õ'), (8211, 'Ö'), (8212, '×'), (732, 'Ø'), (8482, 'Ù'), (353, 'Ú'), (8250, 'Û'),
        (339, 'Ü'), (382, 'Þ'), (376, 'ß'), (160, 'à'), (161, 'á'), (162, 'â'), (163, 'ã'), (164, 'ä'),
        (165, 'å'), (166, 'æ'), (167, 'ç'), (168, 'è'), (169, 'é'), (170, 'ê'), (171, 'ë'), (172, 'ì'),
        (173, 'í'), (174, 'î'), (175, 'ï'), (176, 'ð'), (177, 'ñ'), (178, 'ò'), (179, 'ó'), (180, 'ô'),
        (181, 'õ'), (182, 'ö'), (183, '÷'), (184, 'ø'), (185, 'ù'), (186, 'ú'), (187, 'û'), (188, 'ü'),
        (189, 'ý'), (190, 'þ'), (191, 'ÿ'),
    ]) }}
{%- endmacro %}


{#- Mojibake repaired: every garbled letter of mojibake_letters() put back (JosÃ© -> José), so that
    once accents are stripped José and JosÃ© give one name key. Only text containing 'Ã' is touched;
    "JOÃO" (a real Ã followed by a plain letter) stays as it is. Dispatched. -#}
{% macro repair_mojibake(column) -%}
    {{ return(adapter.dispatch('repair_mojibake', 'customer360')(column)) }}
{%- endmacro %}

{#- Portable: one replace() per garbled letter. -#}
{% macro default__repair_mojibake(column) -%}
    {%- set repaired = namespace(sql=column) -%}
    {%- for code_point, letter in mojibake_letters() -%}
        {%- set repaired.sql = "replace(" ~ repaired.sql ~ ", 'Ã' || chr(" ~ code_point ~ "), '" ~ letter ~ "')" -%}
    {%- endfor -%}
    case when {{ column }} like '%Ã%' then {{ repaired.sql }} else {{ column }} end
{%- endmacro %}

{#- DuckDB: split at each 'Ã' and look the next character up, one flat expression (59 nested
    replace() calls are too deep for sqlfluff's parser). -#}
{% macro duckdb__repair_mojibake(column) -%}
    {%- set garbled = [] -%}
    {%- set letters = [] -%}
    {%- for code_point, letter in mojibake_letters() -%}
        {%- do garbled.append('chr(' ~ code_point ~ ')') -%}
        {%- do letters.append("'" ~ letter ~ "'") -%}
    {%- endfor -%}
    case
        when {{ column }} like '%Ã%'
            then string_split({{ column }}, 'Ã')[1] || array_to_string(list_transform(
                string_split({{ column }}, 'Ã')[2:],
                lambda part: case
                    when list_position([{{ garbled | join(', ') }}], left(part, 1)) > 0
                        then [{{ letters | join(', ') }}][list_position([{{ garbled | join(', ') }}], left(part, 1))]
                        || substr(part, 2)
                    else 'Ã' || part
                end
            ), '')
        else {{ column }}
    end
{%- endmacro %}

{#- Spark: the portable replace() chain with each garbled pair as a literal (Spark's chr() wraps code
    points above 255). -#}
{% macro spark__repair_mojibake(column) -%}
    {%- set repaired = namespace(sql=column) -%}
    {%- for code_point, letter in mojibake_letters() -%}
        {%- set repaired.sql = "replace(" ~ repaired.sql ~ ", '" ~ ('Ã%c' | format(code_point)) ~ "', '" ~ letter ~ "')" -%}
    {%- endfor -%}
    case when {{ column }} like '%Ã%' then {{ repaired.sql }} else {{ column }} end
{%- endmacro %}

{% macro spark__name_clean(column) -%}
    {%- set cleaned = 'lower(customer360_strip_accents(' ~ clean_text(column, null_words=false) ~ '))' -%}
    {%- set cleaned = regexp_replace_all(cleaned, '[\\x{2018}\\x{2019}`\\x{00B4}]', "\\'") -%}
    {%- set cleaned = regexp_replace_all(cleaned, '\\.', '') -%}
    {%- set cleaned = regexp_replace_all(cleaned, "[^\\p{L}''\\-]+", ' ') -%}
    {%- set cleaned = regexp_replace_all(cleaned, '\\s*-\\s*', '-') -%}
    {%- set cleaned = regexp_replace_all(cleaned, '\\s+', ' ') -%}
    nullif(trim(BOTH ' -\'' FROM {{ cleaned }}), '')
{%- endmacro %}

{#- Spark list slices with DuckDB's meaning: list[a:b] (1-based, both ends included, empty when b < a)
    and list[a:] (from a to the end). -#}
{% macro spark_slice(list_sql, start_sql, end_sql=none) -%}
    {%- if end_sql is none -%}
    slice({{ list_sql }}, {{ start_sql }}, greatest(size({{ list_sql }}) - ({{ start_sql }}) + 1, 0))
    {%- else -%}
    slice({{ list_sql }}, {{ start_sql }}, greatest(({{ end_sql }}) - ({{ start_sql }}) + 1, 0))
    {%- endif -%}
{%- endmacro %}

{#- Spark: DuckDB's steps one for one: transform(array(..), x -> ..) binds as list_transform([..]) does,
    filter/forall/array_position/reverse/array_join for list_filter/list_bool_and/list_position/
    list_reverse/array_to_string (array_position's 0 read as DuckDB's null), spark_slice for slices,
    try_element_at for [i] (null out of range, as DuckDB). -#}
{% macro spark__full_name_parts(column) -%}
    {%- set words = name_parsing_words() -%}
    {%- set titles = "('" ~ words['titles'] | join("', '") ~ "')" -%}
    {%- set suffix_words = "('" ~ (words['generational_suffixes'].keys() | list + words['credentials']) | join("', '") ~ "')" -%}
    {%- set particles = "('" ~ words['surname_particles'] | join("', '") ~ "')" -%}
    {%- set empty = "cast(array() as array<string>)" -%}
    {%- set generational -%}
        case t
            {%- for word, suffix in words['generational_suffixes'].items() %}
            when '{{ word }}' then '{{ suffix }}'
            {%- endfor %}
        end
    {%- endset -%}
    {%- set text = 'lower(customer360_strip_accents(' ~ clean_text(column, null_words=false) ~ '))' -%}
    {%- set text = regexp_replace_all(text, '[\\x{2018}\\x{2019}`\\x{00B4}]', "\\'") -%}
    {%- set text = regexp_replace_all(text, '\\.', '') -%}
    {%- set text = regexp_replace_all(text, "[^\\p{L}0-9''\\-,]+", ' ') -%}
    {%- set text = regexp_replace_all(text, '\\s*-\\s*', '-') -%}
    element_at(transform(
        array(filter(
            transform(
                split(coalesce({{ text }}, ''), ','),
                s -> filter(split(trim(s), ' '), t -> t not in ('', '-', '\''))
            ),
            g -> size(g) > 0
        )),
        segs -> element_at(transform(
            array(named_struct(
                'kept', concat(slice(segs, 1, 1), filter(
                    {{ spark_slice('segs', '2') }},
                    g -> not forall(g, t -> t in {{ suffix_words }})
                )),
                'suffix_words', flatten(filter(
                    {{ spark_slice('segs', '2') }},
                    g -> forall(g, t -> t in {{ suffix_words }})
                ))
            )),
            s -> element_at(transform(
                array(named_struct(
                    'is_comma_form', size(s.kept) >= 2,
                    'surname', case when size(s.kept) >= 2 then try_element_at(s.kept, 1) else {{ empty }} end,
                    'given', element_at(transform(
                        array(coalesce(
                            case when size(s.kept) >= 2 then flatten({{ spark_slice('s.kept', '2') }}) else try_element_at(s.kept, 1) end,
                            {{ empty }}
                        )),
                        g -> {{ spark_slice('g', 'coalesce(nullif(array_position(transform(g, t -> t not in ' ~ titles ~ '), true), 0), size(g) + 1)') }}
                    ), 1),
                    'suffix_words', s.suffix_words
                )),
                p -> element_at(transform(
                    array(named_struct(
                        'is_comma_form', p.is_comma_form,
                        'given_trailing', coalesce(nullif(array_position(
                            transform(reverse(p.given), t -> t not in {{ suffix_words }}), true
                        ), 0) - 1, size(p.given)),
                        'surname_trailing', coalesce(nullif(array_position(
                            transform(reverse(p.surname), t -> t not in {{ suffix_words }}), true
                        ), 0) - 1, 0),
                        'given', p.given,
                        'surname', p.surname,
                        'suffix_words', p.suffix_words
                    )),
                    q -> element_at(transform(
                        array(named_struct(
                            'is_comma_form', q.is_comma_form,
                            'words', {{ spark_slice('q.given', '1', 'size(q.given) - q.given_trailing') }},
                            'surname', {{ spark_slice('q.surname', '1', 'size(q.surname) - q.surname_trailing') }},
                            'name_suffix', try_element_at(filter(
                                transform(
                                    concat(
                                        {{ spark_slice('q.given', 'size(q.given) - q.given_trailing + 1') }},
                                        {{ spark_slice('q.surname', 'size(q.surname) - q.surname_trailing + 1') }},
                                        q.suffix_words
                                    ),
                                    t -> {{ generational | indent(36) }}
                                ),
                                x -> x is not null
                            ), 1)
                        )),
                        r -> element_at(transform(
                            array(named_struct(
                                'r', r,
                                'last_start', case
                                    when r.is_comma_form then size(r.words) + 1
                                    when size(r.words) < 2 then 2
                                    else size(r.words) - coalesce(nullif(array_position(
                                        transform(
                                            reverse({{ spark_slice('r.words', '2', 'size(r.words) - 1') }}),
                                            t -> t not in {{ particles }}
                                        ),
                                        true
                                    ), 0) - 1, size(r.words) - 2)
                                end
                            )),
                            f -> named_struct(
                                'first_name', nullif(try_element_at(f.r.words, 1), ''),
                                'middle_initial', nullif(left(try_element_at({{ spark_slice('f.r.words', '2', 'f.last_start - 1') }}, 1), 1), ''),
                                'last_name', nullif(
                                    case
                                        when f.r.is_comma_form then array_join(f.r.surname, ' ')
                                        else array_join({{ spark_slice('f.r.words', 'f.last_start') }}, ' ')
                                    end,
                                    ''
                                ),
                                'name_suffix', f.r.name_suffix
                            )
                        ), 1)
                    ), 1)
                ), 1)
            ), 1)
        ), 1)
    ), 1)
{%- endmacro %}

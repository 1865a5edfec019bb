{#- Postal addresses: postcode and subdivision per country, USPS street standardisation (Publication 28). -#}

{#- The postcode of a record as a match key, by the record's country (ref_countries):
    - USPS ZIP countries (US, its territories, the freely associated states): the 5-digit ZIP from a
      ZIP or ZIP+4 as typed ('02134', '02134-1234', '021341234', ' 2134 ', '2134.0'); a ZIP whose
      leading zeros a spreadsheet dropped (3 or 4 digits, 8 digits for a ZIP+4 without hyphen, or
      '2134-1234') is left-padded with zeros; null for anything else.
    - elsewhere: the postcode as people write it, upper case without spaces, hyphens or other
      punctuation ('SW1A 1AA' -> 'SW1A1AA', '4223' stays '4223'); a spreadsheet's '.0' is dropped.
      In a country whose postcodes are a fixed number of digits (postal_code_digits: DE 5, AU 4 ...)
      an all-digit postcode one or two digits short (never under 3) is left-padded with zeros
      ('1067' in DE -> '01067'); other lengths are kept as written. Null when nothing is left, when
      it has no digit, or when it is longer than 10 characters.
    `country_code` is a SQL expression giving the record's ISO alpha-2 code (default: var
    default_country). A correlated lookup of ref_countries that DuckDB plans as one hash join. -#}
{% macro postal_code(column, country_code=none) -%}
    {{ return(adapter.dispatch('postal_code', 'customer360')(
        column, country_code if country_code is not none else default_country_literal()
    )) }}
{%- endmacro %}

{% macro duckdb__postal_code(column, country_code) -%}
    list_transform(
        [{
            'postal_text': regexp_replace({{ clean_text(column) }}, '^([0-9]+)\.0+$', '\1'),
            'postal_plan': (
                select {
                    'digits': cast(countries.postal_code_digits as integer),
                    'uses_usps_zip': cast(countries.uses_usps_zip as boolean)
                }
                from {{ ref('ref_countries') }} as countries
                where countries.country_code = {{ country_code }}
            )
        }],
        lambda postal: case
            when postal.postal_plan.uses_usps_zip then case
                when regexp_full_match(postal.postal_text, '[0-9]{3,5}') then lpad(postal.postal_text, 5, '0')
                when regexp_full_match(postal.postal_text, '[0-9]{3,5}[- ][0-9]{4}')
                    then lpad(regexp_extract(postal.postal_text, '^[0-9]+'), 5, '0')
                when regexp_full_match(postal.postal_text, '[0-9]{8,9}') then left(lpad(postal.postal_text, 9, '0'), 5)
            end
            else list_transform(
                [regexp_replace(upper(postal.postal_text), '[^A-Z0-9]', '', 'g')],
                lambda k: case
                    when not regexp_full_match(k, '[A-Z0-9]{1,10}') or not regexp_matches(k, '[0-9]') then null
                    when regexp_full_match(k, '[0-9]+')
                        and length(k) between greatest(postal.postal_plan.digits - 2, 3) and postal.postal_plan.digits - 1
                        then lpad(k, postal.postal_plan.digits, '0')
                    else k
                end
            )[1]
        end
    )[1]
{%- endmacro %}


{#- The subdivision code of a state, province, territory or region, per country: the part of its
    ISO 3166-2 code after the hyphen ('wa' -> 'WA' of AU-WA in Australia, of US-WA in the US;
    'New South Wales' -> 'NSW'; 'Bayern' -> 'BY'; 'Calif.' -> 'CA'), typed as the code, the name,
    a variant of the name or (US) a USPS abbreviation, looked up in ref_country_subdivisions by
    reference_lookup_key. A full ISO code ('AU-WA') is read as its part after the hyphen. Null when
    unknown or ambiguous in that country. `country_code` as in postal_code. A correlated lookup
    that DuckDB plans as one hash join. -#}
{% macro subdivision_code(column, country_code=none) -%}
    {%- set country = country_code if country_code is not none else default_country_literal() -%}
    {%- set key = reference_lookup_key(column) -%}
    (
        select subdivisions.subdivision_code
        from {{ ref('ref_country_subdivisions') }} as subdivisions
        where
            subdivisions.country_code = {{ country }}
            and subdivisions.subdivision_input = case
                when {{ starts_with_sql(key, country ~ " || ' '") }} and length({{ key }}) <= length({{ country }}) + 4
                    then substr({{ key }}, length({{ country }}) + 2)
                else {{ key }}
            end
    )
{%- endmacro %}


{#- The street text made into upper-case words before lookups: accents, periods, apostrophes and
    hyphens removed ('4-B' -> '4B'), '#' made a word of its own, every other character except
    letters, digits and '/' a space, glued unit designators split ('APT4B' -> 'APT 4B'), P.O. Box
    spellings made 'PO BOX'. Returns a list of words (empty for null). -#}
{% macro street_words(column) -%}
    {{ return(adapter.dispatch('street_words', 'customer360')(column)) }}
{%- endmacro %}

{% macro duckdb__street_words(column) -%}
    list_filter(string_split(
        regexp_replace(regexp_replace(regexp_replace(regexp_replace(regexp_replace(
            upper(strip_accents(coalesce({{ clean_text(column) }}, ''))),
            '[.''\x{2018}\x{2019}`\-]', '', 'g'),
            '#', ' # ', 'g'),
            '[^A-Z0-9#/]+', ' ', 'g'),
            '\b(APT|APARTMENT|UNIT|STE|SUITE|RM|ROOM|BLDG|FL|LOT|SPC|TRLR|DEPT)([0-9])', '\1 \2', 'g'),
            '^ ?(P ?O|POST OFFICE) BOX\b', 'PO BOX'),
        ' '
    ), lambda w: w <> '')
{%- endmacro %}


{#- The street standardisation rules, applied to a list of street words (street_words) with the
    seed lookups given as MAP columns (word -> suffix abbreviation, word -> directional
    abbreviation, word -> designator abbreviation, word -> requires_identifier). All five arguments
    must be column references (lambdas cannot hold subqueries); standardize_streets supplies them.
    Returns a struct {street_line, street_unit, unit_identifier}:
    - the unit starts at the first word, from the second on, that is a USPS unit designator
      (ref_usps_unit_designators, '#' included) that requires an identifier and is followed by one
      (a word with a digit, a single character or '#'), or, as the very last word, a designator
      without identifier (REAR, FRONT, ...) right after a street suffix. It is written 'APT 4B'
      style: the designator's USPS abbreviation ('#' -> UNIT, APARTMENT -> APT, SUITE -> STE), then
      the identifier words with any '#' dropped; unit_identifier is the identifier alone ('4B').
      A first word is never a unit ('PIER 39' stays a street), except a unit written before the
      street as in Britain ('FLAT 4B 12 HIGH ST', 'APT 4B 123 MAIN ST'): a first word that is a
      designator requiring an identifier, followed by one (a word with a digit or a single
      character) and then by a word starting with a digit (the house number), is moved with its
      identifier after the street first, so both orders give one street line and unit. A stray '#'
      is dropped;
    - in the street part every word that is a USPS street suffix variant or a directional
      (ref_usps_street_suffixes, ref_usps_directionals) becomes its abbreviation: STREET -> ST,
      AVENUE -> AVE, NORTH -> N. All words are looked up, not only the suffix position, so both
      sides of a comparison are treated alike ('COURT STREET' -> 'CT ST'). -#}
{% macro street_parts_from_words(words, suffix_map, directional_map, designator_map, needs_identifier_map) -%}
    {{ return(adapter.dispatch('street_parts_from_words', 'customer360')(
        words, suffix_map, directional_map, designator_map, needs_identifier_map
    )) }}
{%- endmacro %}

{% macro duckdb__street_parts_from_words(words, suffix_map, directional_map, designator_map, needs_identifier_map) -%}
    {%- set given_words = words -%}
    {%- set words = 'ordered_words' -%}
    {%- set identifier -%}
        nullif(array_to_string(list_filter({{ words }}[unit_start + 1:], lambda w: w <> '#'), ' '), '')
    {%- endset -%}
    list_transform(
        -- a unit written before the street ('FLAT 4B 12 HIGH ST': a designator needing an identifier,
        -- its identifier, then a word starting with a digit) is moved after it ('12 HIGH ST FLAT 4B')
        [case
            when len({{ given_words }}) >= 4
                and coalesce({{ needs_identifier_map }}[{{ given_words }}[1]], false)
                and (length({{ given_words }}[2]) = 1 or regexp_matches({{ given_words }}[2], '[0-9]'))
                and regexp_matches({{ given_words }}[3], '^[0-9]')
                then list_concat({{ given_words }}[3:], {{ given_words }}[1:2])
            else {{ given_words }}
        end],
        lambda {{ words }}: list_transform(
        -- where the unit starts (len + 1 when there is none)
        [coalesce(
            list_filter(
                list_filter(
                    range(2, len({{ words }}) + 1),
                    lambda i: {{ designator_map }}[{{ words }}[i]] is not null
                ),
                lambda i: case
                    when {{ needs_identifier_map }}[{{ words }}[i]]
                        then i < len({{ words }}) and (
                            {{ words }}[i + 1] = '#'
                            or length({{ words }}[i + 1]) = 1
                            or regexp_matches({{ words }}[i + 1], '[0-9]')
                        )
                    else i = len({{ words }}) and {{ suffix_map }}[{{ words }}[i - 1]] is not null
                end
            )[1],
            len({{ words }}) + 1
        )],
        lambda unit_start: {
            'street_line': nullif(array_to_string(
                list_transform(
                    list_filter({{ words }}[1:unit_start - 1], lambda w: w <> '#'),
                    lambda w: coalesce({{ suffix_map }}[w], {{ directional_map }}[w], w)
                ),
                ' '
            ), ''),
            'street_unit': nullif(concat_ws(' ', {{ designator_map }}[{{ words }}[unit_start]], {{ identifier }}), ''),
            'unit_identifier': {{ identifier }}
        }
    )[1]
    )[1]
{%- endmacro %}


{#- A complete select over the DISTINCT non-null values of `street_column` in `relation` (a ref,
    a source or the name of an earlier CTE), returning street_raw, street_line, street_unit and
    unit_identifier (rules: street_parts_from_words). Each distinct street is standardised once,
    and the seed lookups are MAPs of only the words that occur in these streets, so they stay
    small and fast. Use it as a CTE and left join it back on the raw street:

        standardized_streets as ({{ standardize_streets('persons', 'street') }}),
        ...
        left join standardized_streets on persons.street = standardized_streets.street_raw -#}
{% macro standardize_streets(relation, street_column) -%}
    {{ return(adapter.dispatch('standardize_streets', 'customer360')(relation, street_column)) }}
{%- endmacro %}

{% macro duckdb__standardize_streets(relation, street_column) -%}
    with

    distinct_streets as materialized (
        select
            street_raw,
            {{ street_words('street_raw') }} as words
        from (
            select distinct {{ street_column }} as street_raw
            from {{ relation }}
            where {{ street_column }} is not null
        ) as raw_streets
    ),

    vocabulary as (
        select distinct unnest(words) as word
        from distinct_streets
    ),

    lookups as (
        select
            map_from_entries(coalesce(
                list({'k': suffixes.suffix_input, 'v': suffixes.suffix_abbreviation})
                    filter (where suffixes.suffix_input is not null),
                []
            )) as suffix_map,
            map_from_entries(coalesce(
                list({'k': directionals.direction_input, 'v': directionals.direction_abbreviation})
                    filter (where directionals.direction_input is not null),
                []
            )) as directional_map,
            map_from_entries(coalesce(
                list({'k': designators.designator_input, 'v': designators.designator_abbreviation})
                    filter (where designators.designator_input is not null),
                []
            )) as designator_map,
            map_from_entries(coalesce(
                list({'k': designators.designator_input, 'v': designators.requires_identifier})
                    filter (where designators.designator_input is not null),
                []
            )) as needs_identifier_map
        from vocabulary
        left join {{ ref('ref_usps_street_suffixes') }} as suffixes
            on vocabulary.word = suffixes.suffix_input
        left join {{ ref('ref_usps_directionals') }} as directionals
            on vocabulary.word = directionals.direction_input
        left join {{ ref('ref_usps_unit_designators') }} as designators
            on vocabulary.word = designators.designator_input
    ),

    standardized as (
        select
            distinct_streets.street_raw,
            {{ street_parts_from_words(
                'distinct_streets.words',
                'lookups.suffix_map',
                'lookups.directional_map',
                'lookups.designator_map',
                'lookups.needs_identifier_map',
            ) }} as parts
        from distinct_streets
        cross join lookups
    )

    select
        street_raw,
        struct_extract(parts, 'street_line') as street_line,
        struct_extract(parts, 'street_unit') as street_unit,
        struct_extract(parts, 'unit_identifier') as unit_identifier
    from standardized
{%- endmacro %}

{#- Spark: as DuckDB's, with transform(array(..), x -> ..) for the bindings ($1 for the group); the plan
    lookup is the argument of a session SQL function holding the steps (Spark refuses a
    subquery inside a higher-order function; spark_session_function). -#}
{% macro spark__postal_code(column, country_code) -%}
    {%- set body -%}
    element_at(transform(
        array(named_struct(
            'postal_text', regexp_replace(postal_clean, r'^([0-9]+)\.0+$', '$1'),
            'postal_plan', postal_plan
        )),
        postal -> case
            when postal.postal_plan.uses_usps_zip then case
                when {{ regexp_full_match('postal.postal_text', '[0-9]{3,5}') }} then lpad(postal.postal_text, 5, '0')
                when {{ regexp_full_match('postal.postal_text', '[0-9]{3,5}[- ][0-9]{4}') }}
                    then lpad(regexp_extract(postal.postal_text, '^[0-9]+', 0), 5, '0')
                when {{ regexp_full_match('postal.postal_text', '[0-9]{8,9}') }} then left(lpad(postal.postal_text, 9, '0'), 5)
            end
            else element_at(transform(
                array(regexp_replace(upper(postal.postal_text), '[^A-Z0-9]', '')),
                k -> case
                    when not {{ regexp_full_match('k', '[A-Z0-9]{1,10}') }} or not (k rlike '[0-9]') then null
                    when {{ regexp_full_match('k', '[0-9]+') }}
                        and length(k) between greatest(postal.postal_plan.digits - 2, 3) and postal.postal_plan.digits - 1
                        then lpad(k, postal.postal_plan.digits, '0')
                    else k
                end
            ), 1)
        end
    ), 1)
    {%- endset -%}
    {%- set function = spark_session_function(
        'customer360_postal_code',
        'postal_clean string, postal_plan struct<digits: int, uses_usps_zip: boolean>',
        'string',
        body
    ) -%}
    {{ function }}(
        {{ clean_text(column) }},
        (
            select first(named_struct(
                'digits', cast(countries.postal_code_digits as int),
                'uses_usps_zip', cast(countries.uses_usps_zip as boolean)
            ))
            from {{ ref('ref_countries') }} as countries
            where countries.country_code = {{ country_code }}
        )
    )
{%- endmacro %}

{#- Spark implementations of the street macros: DuckDB's steps with transform/filter, maps read with
    try_element_at (null for a missing key, as DuckDB), $1 for regular-expression groups, no
    `materialized` CTE hint. -#}
{% macro spark__street_words(column) -%}
    {%- set text = 'upper(customer360_strip_accents(coalesce(' ~ clean_text(column) ~ ", '')))" -%}
    {%- set text = regexp_replace_all(text, "[.''\\x{2018}\\x{2019}`\\-]", '') -%}
    {%- set text = regexp_replace_all(text, '#', ' # ') -%}
    {%- set text = regexp_replace_all(text, '[^A-Z0-9#/]+', ' ') -%}
    {%- set text = regexp_replace_all(text, '\\b(APT|APARTMENT|UNIT|STE|SUITE|RM|ROOM|BLDG|FL|LOT|SPC|TRLR|DEPT)([0-9])', '$1 $2') -%}
    filter(split(
        regexp_replace({{ text }}, r'^ ?(P ?O|POST OFFICE) BOX\b', 'PO BOX'),
        ' '
    ), w -> w <> '')
{%- endmacro %}

{% macro spark__street_parts_from_words(words, suffix_map, directional_map, designator_map, needs_identifier_map) -%}
    {%- set given_words = words -%}
    {%- set words = 'ordered_words' -%}
    {%- set identifier -%}
        nullif(array_join(filter({{ spark_slice(words, 'unit_start + 1') }}, w -> w <> '#'), ' '), '')
    {%- endset -%}
    element_at(transform(
        array(case
            when size({{ given_words }}) >= 4
                and coalesce(try_element_at({{ needs_identifier_map }}, try_element_at({{ given_words }}, 1)), false)
                and (
                    length(try_element_at({{ given_words }}, 2)) = 1
                    or try_element_at({{ given_words }}, 2) rlike '[0-9]'
                )
                and try_element_at({{ given_words }}, 3) rlike '^[0-9]'
                then concat({{ spark_slice(given_words, '3') }}, {{ spark_slice(given_words, '1', '2') }})
            else {{ given_words }}
        end),
        {{ words }} -> element_at(transform(
        array(coalesce(
            try_element_at(filter(
                filter(
                    case when size({{ words }}) >= 2 then sequence(2, size({{ words }})) else cast(array() as array<int>) end,
                    i -> try_element_at({{ designator_map }}, try_element_at({{ words }}, i)) is not null
                ),
                i -> case
                    when try_element_at({{ needs_identifier_map }}, try_element_at({{ words }}, i))
                        then i < size({{ words }}) and (
                            try_element_at({{ words }}, i + 1) = '#'
                            or length(try_element_at({{ words }}, i + 1)) = 1
                            or try_element_at({{ words }}, i + 1) rlike '[0-9]'
                        )
                    else i = size({{ words }}) and try_element_at({{ suffix_map }}, try_element_at({{ words }}, i - 1)) is not null
                end
            ), 1),
            size({{ words }}) + 1
        )),
        unit_start -> named_struct(
            'street_line', nullif(array_join(
                transform(
                    filter({{ spark_slice(words, '1', 'unit_start - 1') }}, w -> w <> '#'),
                    w -> coalesce(try_element_at({{ suffix_map }}, w), try_element_at({{ directional_map }}, w), w)
                ),
                ' '
            ), ''),
            'street_unit', nullif(concat_ws(' ', try_element_at({{ designator_map }}, try_element_at({{ words }}, unit_start)), {{ identifier }}), ''),
            'unit_identifier', {{ identifier }}
        )
    ), 1)
    ), 1)
{%- endmacro %}

{% macro spark__standardize_streets(relation, street_column) -%}
    with

    distinct_streets as (
        select
            street_raw,
            {{ street_words('street_raw') }} as words
        from (
            select distinct {{ street_column }} as street_raw
            from {{ relation }}
            where {{ street_column }} is not null
        ) as raw_streets
    ),

    vocabulary as (
        select distinct exploded.word
        from distinct_streets
        lateral view explode(words) exploded as word
    ),

    lookups as (
        select
            map_from_entries(
                collect_list(named_struct('k', suffixes.suffix_input, 'v', suffixes.suffix_abbreviation))
                    filter (where suffixes.suffix_input is not null)
            ) as suffix_map,
            map_from_entries(
                collect_list(named_struct('k', directionals.direction_input, 'v', directionals.direction_abbreviation))
                    filter (where directionals.direction_input is not null)
            ) as directional_map,
            map_from_entries(
                collect_list(named_struct('k', designators.designator_input, 'v', designators.designator_abbreviation))
                    filter (where designators.designator_input is not null)
            ) as designator_map,
            map_from_entries(
                collect_list(named_struct('k', designators.designator_input, 'v', designators.requires_identifier))
                    filter (where designators.designator_input is not null)
            ) as needs_identifier_map
        from vocabulary
        left join {{ ref('ref_usps_street_suffixes') }} as suffixes
            on vocabulary.word = suffixes.suffix_input
        left join {{ ref('ref_usps_directionals') }} as directionals
            on vocabulary.word = directionals.direction_input
        left join {{ ref('ref_usps_unit_designators') }} as designators
            on vocabulary.word = designators.designator_input
    ),

    standardized as (
        select
            distinct_streets.street_raw,
            {{ street_parts_from_words(
                'distinct_streets.words',
                'lookups.suffix_map',
                'lookups.directional_map',
                'lookups.designator_map',
                'lookups.needs_identifier_map',
            ) }} as parts
        from distinct_streets
        cross join lookups
    )

    select
        street_raw,
        parts.street_line as street_line,
        parts.street_unit as street_unit,
        parts.unit_identifier as unit_identifier
    from standardized
{%- endmacro %}

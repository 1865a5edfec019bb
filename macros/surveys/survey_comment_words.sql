{% macro survey_comment_words(text) -%}
{#- The words of a survey comment or search phrase, as a varchar list, by one rule shared by
    fct_survey_comment_tokens and search_survey_comments: lower case; apostrophes (straight or curly)
    removed so "don't" becomes "dont"; every other run of characters that are not letters or digits
    (spaces, hyphens, punctuation) splits words, so "follow-up" is "follow", "up". A blank text gives
    one empty string (callers drop empty words). -#}
    {{ return(adapter.dispatch('survey_comment_words', 'customer360')(text)) }}
{%- endmacro %}

{% macro default__survey_comment_words(text) -%}
    string_split_regex(
        trim(regexp_replace(regexp_replace(lower({{ text }}), '[''’]', '', 'g'), '[^a-z0-9]+', ' ', 'g')),
        ' '
    )
{%- endmacro %}

{#- Spark: split() reads its separator as a regular expression, as string_split_regex does. -#}
{% macro spark__survey_comment_words(text) -%}
    split(
        trim(regexp_replace(regexp_replace(lower({{ text }}), '[\'’]', ''), '[^a-z0-9]+', ' ')),
        ' '
    )
{%- endmacro %}

{#- The regular expression of a survey alert keyword (ref_survey_alert_keywords): the keyword lower case
    and escaped, from a word boundary; a trailing * matches any word ending, else a word boundary ends
    it. Dispatched: Spark has no regexp_escape (every ASCII character but letters, digits and _ is
    escaped with a backslash, as RE2's QuoteMeta does) and reads \b in a plain literal as a backspace,
    so its pattern pieces are raw literals. -#}
{% macro survey_keyword_pattern(keyword) -%}
    {{ return(adapter.dispatch('survey_keyword_pattern', 'customer360')(keyword)) }}
{%- endmacro %}

{% macro default__survey_keyword_pattern(keyword) -%}
    '\b' || regexp_escape(rtrim(lower(trim({{ keyword }})), '*'))
        || case when ends_with(trim({{ keyword }}), '*') then '\w*' else '\b' end
{%- endmacro %}

{% macro spark__survey_keyword_pattern(keyword) -%}
    r'\b' || regexp_replace(
            trim(trailing '*' from lower(trim({{ keyword }}))), r'([^A-Za-z0-9_\x{80}-\x{10FFFF}])', r'\\$1'
        )
        || case when endswith(trim({{ keyword }}), '*') then r'\w*' else r'\b' end
{%- endmacro %}

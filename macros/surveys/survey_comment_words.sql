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

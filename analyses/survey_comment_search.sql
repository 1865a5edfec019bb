{#- Survey comments containing a word or phrase, across customers (customer named only under
    consent). Run: dbt show -s search_survey_comments --vars '{survey_search_phrase: "money back"}' -#}
{{ search_survey_comments(var('survey_search_phrase', 'refund')) }}

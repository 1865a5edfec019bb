"""The probabilistic model's definition: blocking rules, comparisons and the committed trained model."""

from __future__ import annotations

import json

import pytest

from customer360.identity import matching, settings


def test_blocking_rules_are_named_and_build_equi_joins():
    assert len(set(settings.BLOCKING_RULES)) == len(settings.BLOCKING_RULES)
    for name, columns in settings.BLOCKING_RULES.items():
        assert name.startswith("same_")
        assert set(columns) <= set(settings.MATCH_COLUMNS)
        sql = settings.blocking_rule_sql(columns)
        assert sql == " and ".join(f"l.{c} = r.{c}" for c in columns)
    assert settings.blocking_rule_names() == list(settings.BLOCKING_RULES)
    with pytest.raises(ValueError):
        settings.blocking_rule_sql(())


def test_training_and_prior_rules_use_model_columns():
    for columns in settings.TRAINING_BLOCKING_RULES.values():
        assert set(columns) <= set(settings.MATCH_COLUMNS)
    assert 0 < settings.PRIOR_RECALL <= 1
    for sql in settings.PRIOR_RULES.values():
        assert "l." in sql and "r." in sql


def test_every_comparison_has_a_null_level_first_and_an_else_level_last():
    for comparison in settings.comparisons():
        levels = comparison["comparison_levels"]
        assert levels[0].get("is_null_level") is True
        assert levels[-1]["sql_condition"] == "ELSE"
        labels = [lv["label_for_charts"] for lv in levels]
        assert len(labels) == len(set(labels)), comparison["output_column_name"]


def test_term_frequency_adjustments_are_on_names_email_and_phone_and_capped():
    tf = {
        lv["tf_adjustment_column"]: lv
        for comparison in settings.comparisons()
        for lv in comparison["comparison_levels"]
        if "tf_adjustment_column" in lv
    }
    assert {"first_name_canonical", "last_name"} <= set(tf)
    assert set(tf) <= set(settings.MATCH_COLUMNS)
    assert all(lv["tf_minimum_u_value"] == settings.TF_MINIMUM_U_VALUE for lv in tf.values())


def test_evidence_and_guard_labels_exist_in_the_comparisons():
    labels = {c["output_column_name"]: {lv["label_for_charts"] for lv in c["comparison_levels"]}
              for c in settings.comparisons()}
    for comparison, wanted in settings.IDENTIFIER_EVIDENCE_LEVELS.items():
        assert set(wanted) <= labels[comparison]
    guard = matching.Guard()
    assert settings.SAME_FIRST_NAME_LABEL in labels[guard.first_name]
    assert guard.swapped_label in labels[guard.last_name]
    assert guard.same_email_label in labels[guard.email]
    assert settings.SAME_STREET_LABEL in labels["address"]


def test_settings_dict_is_valid_splink_settings():
    from splink import SettingsCreator

    sd = settings.settings_dict()
    assert sd["link_type"] == "dedupe_only"
    assert [r["blocking_rule"] for r in sd["blocking_rules_to_generate_predictions"]] == [
        settings.blocking_rule_sql(c) for c in settings.BLOCKING_RULES.values()
    ]
    built = SettingsCreator.from_path_or_dict(sd).get_settings("duckdb")
    assert [c.output_column_name for c in built.comparisons] == [
        c["output_column_name"] for c in settings.comparisons()
    ]


def test_committed_model_matches_the_settings():
    """The versioned splink_model.json must be retrained when the settings change."""
    model = matching.load_model()
    current = settings.settings_dict()
    assert [r["blocking_rule"] for r in model["blocking_rules_to_generate_predictions"]] == [
        r["blocking_rule"] for r in current["blocking_rules_to_generate_predictions"]
    ]
    for trained, wanted in zip(model["comparisons"], current["comparisons"], strict=True):
        assert trained["output_column_name"] == wanted["output_column_name"]
        assert [lv["sql_condition"] for lv in trained["comparison_levels"]] == [
            lv["sql_condition"] for lv in wanted["comparison_levels"]
        ]
        for lv in trained["comparison_levels"]:
            if not lv.get("is_null_level"):
                assert 0 < lv["m_probability"] <= 1 and 0 < lv["u_probability"] <= 1, lv["label_for_charts"]
    assert 0 < model["probability_two_random_records_match"] < 1
    json.dumps(model)


def test_level_labels_map_gamma_values_from_the_last_level_up():
    model = {"comparisons": settings.comparisons()}
    labels = matching.level_labels(model)
    first = labels["first_name"]
    assert first[-1] == "first name missing"
    assert first[0] == "All other comparisons"
    assert first[max(first)] == settings.SAME_FIRST_NAME_LABEL


def test_trained_estimates_are_rounded_for_a_stable_committed_file():
    model = {"a": 0.12345678901234, "b": [1e-13 + 0.5, {"c": 3}], "d": "x"}
    assert matching._rounded(model) == {"a": 0.123456789, "b": [0.5, {"c": 3}], "d": "x"}

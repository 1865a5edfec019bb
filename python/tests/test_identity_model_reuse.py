"""The previous build's model is reused while the data still fits it (customer360.identity.stages.match_model,
training.reuse_drift), and trained again when it does not, when asked to, or when the seed changes."""

from __future__ import annotations

import json

import pyarrow as pa
import pytest

from customer360.identity import stages
from test_identity_matching import _population


@pytest.fixture(scope="module")
def first_build():
    records, _ = _population(120)
    return records, stages.match_model(records, seed=360)


def _source(table: pa.Table) -> str:
    return table.column("model_source")[0].as_py()


def _notes(table: pa.Table) -> str:
    return table.column("training_notes")[0].as_py() or ""


def test_a_new_build_trains_and_records_its_seed(first_build):
    _, model = first_build
    assert _source(model) == "trained"
    assert json.loads(model.column("model_json")[0].as_py())["training_seed"] == 360


def test_the_previous_model_is_reused_while_the_data_fits_it(first_build):
    records, model = first_build
    # a few more records of the same shape (about 5% more): the same model, weights untouched
    grown = pa.concat_tables([records, records.slice(0, 18)])
    again = stages.match_model(grown, seed=360, previous=model)
    assert _source(again) == "reused"
    assert again.column("model_json")[0].as_py() == model.column("model_json")[0].as_py()
    assert again.column("match_model_id")[0].as_py() == model.column("match_model_id")[0].as_py()
    assert again.column("trained_at")[0].as_py() == model.column("trained_at")[0].as_py()
    assert again.column("record_count")[0].as_py() == grown.num_rows
    # and a reused model is reused again
    assert _source(stages.match_model(grown, seed=360, previous=again)) == "reused"


def test_the_model_is_trained_again_when_the_data_no_longer_fits(first_build):
    records, model = first_build
    # half the records lose their email: the email column's share moves far from the training data's
    half = records.num_rows // 2
    emails = records.column("email_key").to_pylist()
    changed = records.set_column(
        records.column_names.index("email_key"), "email_key",
        pa.array([None] * half + emails[half:], pa.string()),
    )
    again = stages.match_model(changed, seed=360, previous=model)
    assert _source(again) == "trained"
    assert "trained again: email_key" in _notes(again)
    # many more records: trained again
    bigger = pa.concat_tables([records, records])
    assert "record count" in _notes(stages.match_model(bigger, seed=360, previous=model))


def test_the_model_is_trained_again_on_request_or_with_another_seed(first_build):
    records, model = first_build
    assert _source(stages.match_model(records, seed=360, previous=model, retrain=True)) == "trained"
    other = stages.match_model(records, seed=7, previous=model)
    assert _source(other) == "trained" and "training seed 360 then, 7 now" in _notes(other)


def test_a_model_that_was_not_trained_is_not_reused(first_build):
    records, model = first_build
    pinned = model.set_column(model.column_names.index("model_source"), "model_source", pa.array(["pinned"]))
    assert _source(stages.match_model(records, seed=360, previous=pinned)) == "trained"
    assert _source(stages.match_model(records, seed=360, previous=model.slice(0, 0))) == "trained"

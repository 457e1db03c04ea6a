"""One trained model per test session (training takes seconds; every test reads the same file)."""

from __future__ import annotations

import pytest


@pytest.fixture(scope="session")
def triage_model_dir(tmp_path_factory):
    """A model trained on half of the shipped corpus: the tests check behaviour, not the last point of
    accuracy, and half the rows halve the time the whole app's tests take."""
    import json

    from kefu.assist.training import build_model, corpus_rows

    directory = tmp_path_factory.mktemp("triage-models")
    half = directory / "half.jsonl"
    half.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in corpus_rows()[::2]),
                    encoding="utf-8")
    build_model(include_feedback=False, directory=directory, seed=20261122, corpus=half)
    return directory


@pytest.fixture
def trained(triage_model_dir, settings):
    """Point the app at the session's model for this test."""
    from kefu.assist.triage import get_model, reset_cache

    settings.KEFU_TRIAGE_MODEL_DIR = str(triage_model_dir)
    reset_cache()
    yield get_model()
    reset_cache()


@pytest.fixture
def empty_model_dir(tmp_path, settings):
    from kefu.assist.triage import reset_cache

    settings.KEFU_TRIAGE_MODEL_DIR = str(tmp_path / "models")
    reset_cache()
    yield tmp_path / "models"
    reset_cache()

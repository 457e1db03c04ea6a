"""One trained model per test session (training takes seconds; every test reads the same file)."""

from __future__ import annotations

import pytest


@pytest.fixture(scope="session")
def triage_model_dir(tmp_path_factory, django_db_blocker):
    from kefu.assist.training import build_model

    directory = tmp_path_factory.mktemp("triage-models")
    build_model(include_feedback=False, directory=directory, seed=20261122)
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

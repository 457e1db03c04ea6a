"""Where trained models live: ``<model dir>/triage-<fingerprint>.joblib`` plus a pointer to the current one.

The fingerprint hashes the training rows, seed and model version, so a file name says exactly what was
trained; files are written to a temporary name and renamed, so a reader never sees half a model.
"""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path

import joblib

from .conf import model_dir
from .model import TriageModel

POINTER = "triage-current.json"


def model_path(fingerprint: str, directory: Path | None = None) -> Path:
    return (directory or model_dir()) / f"triage-{fingerprint}.joblib"


def _atomic_write(path: Path, write) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-", suffix=path.suffix)
    os.close(fd)
    try:
        write(tmp)
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)


def save(model: TriageModel, directory: Path | None = None) -> Path:
    directory = directory or model_dir()
    path = model_path(model.fingerprint, directory)
    _atomic_write(path, lambda tmp: joblib.dump(model, tmp, compress=3))
    pointer = {"file": path.name, "fingerprint": model.fingerprint, "rows": model.trained_rows, **model.meta}

    def write_pointer(tmp: str) -> None:
        Path(tmp).write_text(json.dumps(pointer, ensure_ascii=False), encoding="utf-8")

    _atomic_write(directory / POINTER, write_pointer)
    return path


def current_path(directory: Path | None = None) -> Path | None:
    """The current model file, or None when nothing has been trained in ``directory``."""
    directory = directory or model_dir()
    try:
        pointer = json.loads((directory / POINTER).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    path = directory / str(pointer.get("file", ""))
    return path if path.is_file() and path.name.startswith("triage-") else None


def current_pointer(directory: Path | None = None) -> dict:
    try:
        return json.loads(((directory or model_dir()) / POINTER).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


def load(path: Path) -> TriageModel:
    model = joblib.load(path)
    if not isinstance(model, TriageModel):
        raise TypeError(f"{path.name} is not a triage model")
    return model

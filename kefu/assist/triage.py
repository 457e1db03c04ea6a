"""Public triage API: ``triage(text) -> TriageResult`` (labels, confidences and the rule signals).

The statistical model proposes; the explicit rules (``kefu.assist.rules``) decide where money is at risk
now or a vulnerable customer is stranded, and raise threats/repeats/large amounts to at least "major".
Category and severity are null unless the kind is a complaint.
"""

from __future__ import annotations

import threading
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from . import rules
from .errors import ModelMissing
from .model import TriageModel
from .store import current_path, load
from .text import normalize

_lock = threading.Lock()
_cache: dict[str, TriageModel] = {}
# When a rule decides a label, its confidence is at least this (rules are explicit, not guesses).
RULE_CONFIDENCE = 0.95


@dataclass(frozen=True)
class TriageResult:
    kind: str
    intent: str
    category: str | None
    severity: str | None
    business: str
    confidence: dict[str, float]
    signals: tuple[str, ...] = field(default_factory=tuple)

    def labels(self) -> dict[str, str | None]:
        return {"kind": self.kind, "intent": self.intent, "category": self.category,
                "severity": self.severity, "business": self.business}

    def as_dict(self) -> dict:
        data = asdict(self)
        data["signals"] = list(self.signals)
        return data


def get_model(path: Path | None = None) -> TriageModel:
    """The current model (cached per file); raises ModelMissing when none has been trained."""
    path = path or current_path()
    if path is None:
        raise ModelMissing()
    key = str(path)
    model = _cache.get(key)
    if model is None:
        with _lock:
            model = _cache.get(key)
            if model is None:
                model = load(path)
                _cache.clear()
                _cache[key] = model
    return model


def current_model(log: Any = None) -> TriageModel:
    """The current model for command-line runs: trained first (seeded) when there is none; a warning on
    ``log`` when it was built from an older corpus than the one shipped (code updated, ``kefu_setup`` not
    run since), so figures are never silently those of a stale model."""
    from .setup import is_current_model_of_shipped_corpus
    from .training import build_model

    if current_path() is None:
        if log is not None:
            log.write("no triage model yet: training one (seeded) first")
        build_model()
        reset_cache()
    elif log is not None and not is_current_model_of_shipped_corpus():
        log.write("warning: the triage model was trained on an older corpus; run `manage.py kefu_setup` "
                  "(or `train_triage`) to rebuild it")
    return get_model()


def reset_cache() -> None:
    with _lock:
        _cache.clear()


def is_available() -> bool:
    try:
        get_model()
    except ModelMissing:
        return False
    return True


def _best(probs: dict[str, float]) -> tuple[str, float]:
    label = max(probs, key=probs.get)
    return label, round(float(probs[label]), 4)


def _compatible(kind: str, intent: str) -> bool:
    # The complaint_* intents describe complaints; every other intent may go with any kind.
    return kind == "complaint" or not intent.startswith("complaint_")


def _kind_and_intent(probs: dict[str, dict[str, float]]) -> tuple[str, str]:
    """The most probable compatible (kind, intent) pair: p(kind) * p(intent)."""
    best, best_score = ("consultation", "other"), -1.0
    for kind, p_kind in probs["kind"].items():
        for intent, p_intent in probs["intent"].items():
            score = p_kind * p_intent
            if score > best_score and _compatible(kind, intent):
                best, best_score = (kind, intent), score
    return best


def combine(probs: dict[str, dict[str, float]], hits: rules.RuleHits) -> TriageResult:
    """Model probabilities + rule hits -> one consistent result."""
    if hits.urgent:
        # Money at risk now or a stranded vulnerable customer: a complaint whatever the wording.
        probs = {**probs, "kind": {"complaint": 1.0}}
    kind, intent = _kind_and_intent(probs)
    business, business_p = _best(probs["business"])
    confidence = {
        "kind": max(RULE_CONFIDENCE, _p(probs, "kind", kind)) if hits.urgent else _p(probs, "kind", kind),
        "intent": _p(probs, "intent", intent),
        "business": business_p,
    }
    if kind != "complaint":
        return TriageResult(kind, intent, None, None, business, confidence, hits.signals)
    category, confidence["category"] = _best(probs.get("category") or {"service": 0.0})
    severity, confidence["severity"] = _best(probs.get("severity") or {"general": 0.0})
    if hits.urgent:
        severity, confidence["severity"] = "urgent", max(RULE_CONFIDENCE, confidence["severity"])
    elif hits.major and severity == "general":
        severity = "major"
        confidence["severity"] = max(RULE_CONFIDENCE, _p(probs, "severity", "major"))
    return TriageResult(kind, intent, category, severity, business, confidence, hits.signals)


def _p(probs: dict[str, dict[str, float]], label: str, value: str) -> float:
    return round(float(probs.get(label, {}).get(value, 0.0)), 4)


def triage_many(texts: list[str], *, model: TriageModel | None = None) -> list[TriageResult]:
    model = model or get_model()
    docs = [normalize(t or "") for t in texts]
    probs = model.predict_proba(docs, normalized=True)
    return [combine(p, rules.detect(d)) for p, d in zip(probs, docs, strict=True)]


def triage(text: str, *, model: TriageModel | None = None) -> TriageResult:
    """Labels for one customer text; raises ModelMissing if no model has been trained."""
    return triage_many([text], model=model)[0]

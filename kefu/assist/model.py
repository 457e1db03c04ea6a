"""The statistical part of the triage: character n-grams + one calibrated linear SVM per label.

Training is seeded and deterministic (same corpus + seed -> same file name and same predictions).
Prediction is one sparse matrix product over the stacked coefficients of all labels followed by the
per-class sigmoid calibration, which keeps a single call well under a millisecond (sklearn's per-call input checks
would dominate otherwise).
"""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from dataclasses import dataclass, field

import numpy as np
from sklearn.calibration import CalibratedClassifierCV
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.svm import LinearSVC

from .choices import COMPLAINT_ONLY, LABELS
from .text import normalize

MODEL_VERSION = 2  # 2: normalisation maps variant characters, HK/TW words and pinyin words
# Below this many examples of a complaint-only label the classifier is not trained (defaults apply).
_MIN_ROWS = 10


@dataclass
class LabelHead:
    classes: list[str]
    start: int  # first column of this label in the stacked coefficient matrix


@dataclass
class TriageModel:
    vectorizer: TfidfVectorizer
    coef: np.ndarray  # (n_features, total classes) float32
    intercept: np.ndarray
    calibration: np.ndarray  # (total classes, 2): Platt a, b per class
    heads: dict[str, LabelHead]
    fingerprint: str
    trained_rows: int
    meta: dict = field(default_factory=dict)

    def __post_init__(self) -> None:
        self._prepare()

    def _prepare(self) -> None:
        # Lookup tables for the single-text fast path (rebuilt after unpickling, never stored).
        self._vocab = self.vectorizer.vocabulary_
        self._idf = self.vectorizer.idf_.astype(np.float32)

    def __getstate__(self) -> dict:
        return {k: v for k, v in self.__dict__.items() if k not in ("_vocab", "_idf")}

    def __setstate__(self, state: dict) -> None:
        self.__dict__.update(state)
        self._prepare()

    def _scores_one(self, doc: str) -> np.ndarray:
        """The TF-IDF (char_wb, sublinear tf, l2) scores of one text without sklearn's per-call overhead.

        Same n-grams as ``TfidfVectorizer(analyzer="char_wb")``: each whitespace-separated word padded with
        one space, n-grams inside it; a test checks the result equals ``vectorizer.transform``.
        """
        low, high = self.vectorizer.ngram_range
        counts: dict[int, int] = {}
        vocab = self._vocab
        for word in doc.split():
            padded = f" {word} "
            length = len(padded)
            for n in range(low, high + 1):
                if n > length:
                    break
                for offset in range(length - n + 1):
                    column = vocab.get(padded[offset:offset + n])
                    if column is not None:
                        counts[column] = counts.get(column, 0) + 1
        if not counts:
            return self.intercept.copy()
        columns = np.fromiter(counts.keys(), dtype=np.int64, count=len(counts))
        weights = (1.0 + np.log(np.fromiter(counts.values(), dtype=np.float32, count=len(counts))))
        weights *= self._idf[columns]
        weights /= np.sqrt(np.dot(weights, weights))
        return weights @ self.coef[columns] + self.intercept

    def predict_proba(self, texts: list[str], *, normalized: bool = False) -> list[dict[str, dict[str, float]]]:
        """Per text, per label: {class: probability}."""
        docs = texts if normalized else [normalize(t) for t in texts]
        if len(docs) == 1:
            scores = self._scores_one(docs[0])[np.newaxis, :]
        else:
            scores = np.asarray(self.vectorizer.transform(docs) @ self.coef) + self.intercept
        # Platt scaling as sklearn fits it: p = 1 / (1 + exp(a * score + b)), then normalised per label.
        probs = 1.0 / (1.0 + np.exp(scores * self.calibration[:, 0] + self.calibration[:, 1]))
        out: list[dict[str, dict[str, float]]] = [{} for _ in docs]
        for label, head in self.heads.items():
            block = probs[:, head.start:head.start + len(head.classes)]
            block = block / np.maximum(block.sum(axis=1, keepdims=True), 1e-12)
            for i, row in enumerate(block):
                out[i][label] = dict(zip(head.classes, row.tolist(), strict=True))
        return out


def fingerprint(rows: list[dict], seed: int) -> str:
    digest = hashlib.sha256(f"v{MODEL_VERSION}:{seed}".encode())
    for row in rows:
        digest.update(json.dumps([row["text"], *(row.get(label) for label in LABELS)],
                                 ensure_ascii=False).encode())
    return digest.hexdigest()[:12]


def _fit_label(features, targets: list[str], seed: int) -> tuple[list[str], np.ndarray, np.ndarray, np.ndarray]:
    """A linear SVM per label with per-class sigmoid calibration (Platt) fitted on held-out folds.

    Returns classes, coefficients (features x classes), intercepts and calibration (classes x 2: a, b).
    """
    classes = sorted(set(targets))
    if len(classes) == 1:
        # One class only: a constant head (zero weights, the class always wins).
        return classes, np.zeros((features.shape[1], 1)), np.zeros(1), np.array([[0.0, 0.0]])
    svm = LinearSVC(C=0.5, random_state=seed)
    counts = Counter(targets)
    folds = max(2, min(3, min(counts.values())))
    calibrated = CalibratedClassifierCV(svm, method="sigmoid", cv=folds, ensemble=False)
    calibrated.fit(features, targets)
    fitted = calibrated.calibrated_classifiers_[0]
    coef, intercept = fitted.estimator.coef_, fitted.estimator.intercept_
    calibrators = fitted.calibrators
    if len(classes) == 2:
        # Binary SVMs keep one row (for classes[1]); the negated row scores classes[0].
        coef = np.vstack([-coef[0], coef[0]])
        intercept = np.array([-intercept[0], intercept[0]])
        a, b = calibrators[0].a_, calibrators[0].b_
        # Class 0's probability is 1 - p(class 1) = 1 / (1 + exp(a * (-s) - b)) on the negated score.
        ab = np.array([[a, -b], [a, b]])
    else:
        ab = np.array([[c.a_, c.b_] for c in calibrators])
    return classes, coef.T, intercept, ab


def train(rows: list[dict], *, seed: int) -> TriageModel:
    """Fit the vectoriser and one classifier per label; complaint-only labels on complaints only."""
    docs = [normalize(r["text"]) for r in rows]
    vectorizer = TfidfVectorizer(analyzer="char_wb", ngram_range=(1, 3), sublinear_tf=True, min_df=1,
                                 max_features=120_000, dtype=np.float32)
    features = vectorizer.fit_transform(docs)
    heads: dict[str, LabelHead] = {}
    coefs, intercepts, calibration, start = [], [], [], 0
    for label in LABELS:
        if label in COMPLAINT_ONLY:
            idx = [i for i, r in enumerate(rows) if r["kind"] == "complaint" and r.get(label)]
        else:
            idx = [i for i, r in enumerate(rows) if r.get(label)]
        if len(idx) < _MIN_ROWS:
            continue
        classes, coef, intercept, ab = _fit_label(features[idx], [rows[i][label] for i in idx], seed)
        heads[label] = LabelHead(classes, start)
        coefs.append(coef)
        intercepts.append(intercept)
        calibration.append(ab)
        start += len(classes)
    return TriageModel(
        vectorizer=vectorizer,
        coef=np.hstack(coefs).astype(np.float32),
        intercept=np.concatenate(intercepts).astype(np.float32),
        calibration=np.vstack(calibration).astype(np.float32),
        heads=heads,
        fingerprint=fingerprint(rows, seed),
        trained_rows=len(rows),
        meta={"seed": seed, "version": MODEL_VERSION},
    )

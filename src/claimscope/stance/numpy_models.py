"""The two classifier families the stance model can ship, evaluated with numpy alone.

Training fits them with scikit-learn and exports their parameters to an ``.npz`` archive;
the runtime never imports scikit-learn. Both return class probabilities.

* :class:`MLP`: dense layers with ReLU and a softmax output (``MLPClassifier``).
* :class:`TreeEnsemble`: gradient-boosted trees (``HistGradientBoostingClassifier``):
  a sample goes left when ``x <= threshold`` (NaN follows ``missing_left``); raw scores are
  the baseline plus the leaf values of every tree of that class, then softmax.
"""

from __future__ import annotations

import numpy as np


def softmax(z: np.ndarray) -> np.ndarray:
    z = z - z.max(axis=1, keepdims=True)
    e = np.exp(z)
    return e / e.sum(axis=1, keepdims=True)


class MLP:
    def __init__(self, weights: list[np.ndarray], biases: list[np.ndarray]):
        if len(weights) != len(biases) or not weights:
            raise ValueError(f"MLP needs one bias per weight matrix; got {len(weights)} weights, {len(biases)} biases")
        self.weights = [np.asarray(w, dtype=np.float32) for w in weights]
        self.biases = [np.asarray(b, dtype=np.float32) for b in biases]
        self.n_inputs = self.weights[0].shape[0]

    def predict_proba(self, x: np.ndarray) -> np.ndarray:
        x = np.asarray(x, dtype=np.float32)
        if x.ndim != 2 or x.shape[1] != self.n_inputs:
            raise ValueError(f"MLP expects inputs of shape [n, {self.n_inputs}], got {x.shape}")
        h = x
        for w, b in zip(self.weights[:-1], self.biases[:-1]):
            h = np.maximum(h @ w + b, 0.0)
        z = h @ self.weights[-1] + self.biases[-1]
        if z.shape[1] == 1:  # scikit-learn's binary MLP has one logistic output
            p = 1.0 / (1.0 + np.exp(-z[:, 0]))
            return np.stack([1 - p, p], axis=1)
        return softmax(z)

    def to_arrays(self, prefix: str) -> dict[str, np.ndarray]:
        out = {}
        for i, (w, b) in enumerate(zip(self.weights, self.biases)):
            out[f"{prefix}W{i}"] = w.astype(np.float16) if w.size > 100_000 else w  # halves the big input layer
            out[f"{prefix}b{i}"] = b
        return out

    @classmethod
    def from_arrays(cls, arrays, prefix: str) -> MLP:
        n = sum(1 for k in arrays if k.startswith(f"{prefix}W"))
        return cls([arrays[f"{prefix}W{i}"] for i in range(n)], [arrays[f"{prefix}b{i}"] for i in range(n)])


class TreeEnsemble:
    """All trees flattened into node arrays; ``tree_class[t]`` says which class tree t scores."""

    def __init__(self, baseline, roots, tree_class, feature, threshold, missing_left, left, right, is_leaf, value,
                 n_features: int):
        self.baseline = np.asarray(baseline, dtype=np.float64)
        self.roots = np.asarray(roots, dtype=np.int64)
        self.tree_class = np.asarray(tree_class, dtype=np.int64)
        self.feature = np.asarray(feature, dtype=np.int64)
        self.threshold = np.asarray(threshold, dtype=np.float64)
        self.missing_left = np.asarray(missing_left, dtype=bool)
        self.left = np.asarray(left, dtype=np.int64)
        self.right = np.asarray(right, dtype=np.int64)
        self.is_leaf = np.asarray(is_leaf, dtype=bool)
        self.value = np.asarray(value, dtype=np.float64)
        self.n_features = int(n_features)

    @classmethod
    def from_sklearn(cls, model) -> TreeEnsemble:
        """Flatten a fitted ``HistGradientBoostingClassifier`` (training time only)."""
        if getattr(model, "is_categorical_", None) is not None and np.any(model.is_categorical_):
            raise ValueError("categorical splits are not supported by the numpy tree evaluator")
        roots, tree_class, parts = [], [], []
        offset = 0
        for iteration in model._predictors:
            for k, predictor in enumerate(iteration):
                nodes = predictor.nodes
                roots.append(offset)
                tree_class.append(k)
                parts.append((nodes, offset))
                offset += len(nodes)
        cat = lambda field, shift=False: np.concatenate(  # noqa: E731
            [(n[field].astype(np.int64) + o) if shift else n[field] for n, o in parts])
        baseline = np.asarray(model._baseline_prediction, dtype=np.float64).reshape(-1)
        return cls(baseline, roots, tree_class, cat("feature_idx"), cat("num_threshold"), cat("missing_go_to_left"),
                   cat("left", True), cat("right", True), cat("is_leaf"), cat("value"), model.n_features_in_)

    def predict_proba(self, x: np.ndarray) -> np.ndarray:
        x = np.asarray(x, dtype=np.float64)
        if x.ndim != 2 or x.shape[1] != self.n_features:
            raise ValueError(f"tree ensemble expects inputs of shape [n, {self.n_features}], got {x.shape}")
        n = x.shape[0]
        n_classes = len(self.baseline)
        raw = np.tile(self.baseline, (n, 1))
        rows = np.arange(n)
        # Descend all trees at once: node[i, t] is sample i's current node in tree t.
        node = np.broadcast_to(self.roots, (n, len(self.roots))).copy()
        while True:
            leaf = self.is_leaf[node]
            if leaf.all():
                break
            feat = self.feature[node]
            val = x[rows[:, None], feat]
            go_left = np.where(np.isnan(val), self.missing_left[node], val <= self.threshold[node])
            nxt = np.where(go_left, self.left[node], self.right[node])
            node = np.where(leaf, node, nxt)
        leaf_values = self.value[node]
        for k in range(n_classes):
            raw[:, k] += leaf_values[:, self.tree_class == k].sum(axis=1)
        if n_classes == 1:  # binary: one score column
            p = 1.0 / (1.0 + np.exp(-raw[:, 0]))
            return np.stack([1 - p, p], axis=1)
        return softmax(raw)

    def to_arrays(self, prefix: str) -> dict[str, np.ndarray]:
        return {f"{prefix}baseline": self.baseline, f"{prefix}roots": self.roots.astype(np.int32),
                f"{prefix}tree_class": self.tree_class.astype(np.int8), f"{prefix}feature": self.feature.astype(np.int16),
                f"{prefix}threshold": self.threshold, f"{prefix}missing_left": self.missing_left,
                f"{prefix}left": self.left.astype(np.int32), f"{prefix}right": self.right.astype(np.int32),
                f"{prefix}is_leaf": self.is_leaf, f"{prefix}value": self.value.astype(np.float32),
                f"{prefix}n_features": np.array(self.n_features)}

    @classmethod
    def from_arrays(cls, arrays, prefix: str) -> TreeEnsemble:
        g = lambda name: arrays[f"{prefix}{name}"]  # noqa: E731
        return cls(g("baseline"), g("roots"), g("tree_class"), g("feature"), g("threshold"), g("missing_left"),
                   g("left"), g("right"), g("is_leaf"), g("value"), int(g("n_features")))

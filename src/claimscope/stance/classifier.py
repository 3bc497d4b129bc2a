"""FNC-1 stance of a text toward a headline (or an incident description), torch-free.

The shipped model (``claimscope/models/stance/``: ``model.npz``, ``vocab.json``,
``config.json``) is trained by ``training/stance/train.py``; see its MODEL_CARD.md.
Features come from :mod:`claimscope.stance.features`, the very code used in training.
"""

from __future__ import annotations

import io
import json
import threading
from collections.abc import Sequence

import numpy as np

from claimscope.nn.onnx_runtime import model_resource_dir
from claimscope.stance.features import TextRep, Vocabulary, attach_vectors, embedding_features, hand_features
from claimscope.stance.numpy_models import MLP, TreeEnsemble

MODEL_NAME = "stance"
LABELS = ("agree", "disagree", "discuss", "unrelated")


class StanceClassifier:
    _default: StanceClassifier | None = None
    _lock = threading.Lock()

    def __init__(self, config: dict, vocab: Vocabulary, arrays, encoder=None):
        self.config = config
        self.labels = tuple(config.get("labels", LABELS))
        self.vocab = vocab
        self.design = config.get("design", "?")
        self.version = f"{self.design}-{config.get('trained', '?')}"
        self.hgb = TreeEnsemble.from_arrays(arrays, "hgb_") if "hgb_roots" in arrays else None
        self.mlp = MLP.from_arrays(arrays, "mlp_") if "mlp_W0" in arrays else None
        if self.hgb is None and self.mlp is None:
            raise ValueError(f"stance model {self.design!r}: model.npz holds neither trees (hgb_*) nor an MLP (mlp_*)")
        self.scale_mean = arrays["scale_mean"] if "scale_mean" in arrays else None
        self.scale_std = arrays["scale_std"] if "scale_std" in arrays else None
        self.mlp_uses_hand = bool(config.get("mlp_uses_hand", False))
        self.uses_embeddings = bool(config.get("uses_embeddings", False))
        self.encoder = encoder
        if self.uses_embeddings and encoder is None:
            from claimscope.nn.embed import ClaimEncoder  # the shared all-MiniLM-L6-v2 ONNX encoder

            self.encoder = ClaimEncoder.default()

    @classmethod
    def from_folder(cls, folder, encoder=None) -> StanceClassifier:
        """Load from a models folder (a path or an importlib Traversable)."""
        def read(name: str) -> bytes:
            item = folder.joinpath(name)
            if not item.is_file():
                raise FileNotFoundError(f"stance model file {name!r} is missing from {folder}")
            return item.read_bytes()

        config = json.loads(read("config.json"))
        vocab = Vocabulary.from_json(json.loads(read("vocab.json")))
        with np.load(io.BytesIO(read("model.npz"))) as npz:
            arrays = {k: npz[k] for k in npz.files}
        return cls(config, vocab, arrays, encoder)

    @classmethod
    def default(cls) -> StanceClassifier:
        with cls._lock:
            if cls._default is None:
                cls._default = cls.from_folder(model_resource_dir(MODEL_NAME))
            return cls._default

    # ------------------------------------------------------------------------------
    def probabilities(self, pairs: Sequence[tuple[str, str]]) -> np.ndarray:
        """Class probabilities, shape [len(pairs), 4], columns in :attr:`labels` order.

        Each pair is (headline or incident description, text). Repeated texts are
        represented once, so scoring many headlines against one body is cheap.
        """
        if not pairs:
            return np.zeros((0, len(self.labels)))
        for i, pair in enumerate(pairs):
            if not (isinstance(pair, tuple | list) and len(pair) == 2 and all(isinstance(s, str) for s in pair)):
                raise TypeError(f"stance pair {i} must be (headline: str, text: str), got {pair!r:.80}")
        heads = {h: TextRep(h, self.vocab, split=False, tf=self.mlp is not None) for h, _ in pairs}
        bodies = {b: TextRep(b, self.vocab, split=True, tf=self.mlp is not None) for _, b in pairs}
        if self.uses_embeddings:
            attach_vectors(list(heads.values()), self.encoder.encode, headline=True)
            attach_vectors(list(bodies.values()), self.encoder.encode, headline=False)
        dense = []
        for h, b in pairs:
            values, _ = hand_features(heads[h], bodies[b])
            if self.uses_embeddings:
                values += embedding_features(heads[h], bodies[b])[0]
            dense.append(values)
        x = np.asarray(dense, dtype=np.float64)
        probs = []
        if self.hgb is not None:
            probs.append(self.hgb.predict_proba(x))
        if self.mlp is not None:
            parts = [np.stack([heads[h].tf for h, _ in pairs]), np.stack([bodies[b].tf for _, b in pairs]), x[:, :1]]
            if self.mlp_uses_hand:
                parts.append((x - self.scale_mean) / self.scale_std)
            probs.append(self.mlp.predict_proba(np.hstack(parts).astype(np.float32)))
        return np.mean(probs, axis=0)

    def classify(self, headline: str, text: str) -> tuple[str, dict[str, float]]:
        """(FNC-1 label, {label: probability}) of ``text`` toward ``headline``."""
        (row,) = self.probabilities([(headline, text)])
        return self.labels[int(row.argmax())], {label: round(float(p), 4) for label, p in zip(self.labels, row)}

    def classify_many(self, pairs: Sequence[tuple[str, str]]) -> list[tuple[str, dict[str, float]]]:
        probs = self.probabilities(pairs)
        return [(self.labels[int(r.argmax())], {label: round(float(p), 4) for label, p in zip(self.labels, r)})
                for r in probs]

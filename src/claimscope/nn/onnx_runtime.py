"""Running a text classifier exported to ONNX, torch-free.

:class:`OnnxTextModel` pairs an onnxruntime session with a ``tokenizers`` tokenizer and
turns a list of strings into logits, batching sentences of similar length together so
little compute is spent on padding. Every neural head in claimscope uses it, so it keeps
to what they share: graph inputs ``input_ids``/``attention_mask`` (int64, shape
[batch, seq], optional ``token_type_ids``), output ``[batch, n_labels]``.
"""

from __future__ import annotations

from importlib import resources
from importlib.resources.abc import Traversable
import json
import logging
import os
import re
from pathlib import Path
from typing import Sequence

import numpy as np

# The deployment machines have 2 cores; more threads only contend. Parallel engines give each
# worker process its share through $CLAIMSCOPE_ONNX_THREADS (claimscope.engines).
INTRA_OP_THREADS = max(1, int(os.environ.get("CLAIMSCOPE_ONNX_THREADS") or 2))
# onnxruntime's memory arena reuses buffers within a run; left alone it also keeps the largest
# batch's buffers for the life of each session (five sessions a worker: 1.67 GB at peak on 64
# FA-KES articles). Without the arena every buffer goes through malloc, and glibc keeps the freed
# pages (0.8-1.3 GB). With the arena on and shrunk back at the end of every run (run_options()),
# the peak was 0.69 GB at the same speed (measured 2026-12-04, docs/scaling.md).
# CLAIMSCOPE_ONNX_ARENA=0 turns the arena off.
USE_ARENA = os.environ.get("CLAIMSCOPE_ONNX_ARENA", "1") not in ("0", "false", "no")
# The fp32 graphs exported from torch spell attention, GELU and layer norm out in dozens of small
# ops. onnxruntime's transformer optimizer fuses them into its Attention/SkipLayerNorm/BiasGelu
# kernels: 1.2-1.55x on a batch of windows, 1.03-1.1x one article at a time, with outputs equal
# to 1e-5 (measured 2026-12-04; docs/scaling.md, tests/test_onnx_fusion.py).
# CLAIMSCOPE_ONNX_FUSE=0 loads the graphs as shipped.
FUSE = os.environ.get("CLAIMSCOPE_ONNX_FUSE", "1") not in ("0", "false", "no")
# all-MiniLM-L6-v2, the encoder every shipped head is fine-tuned from; the optimizer cannot
# infer these from the exported graph.
MINILM_SHAPE = {"num_heads": 12, "hidden_size": 384}

_log = logging.getLogger(__name__)

# A graph as bytes, or as a file. onnxruntime keeps a second copy of the weights when it is
# handed bytes (measured: +182 MB for the 90 MB attribution tagger, +96 MB from its file), so
# the shipped and fused graphs are loaded from their files wherever there is one.
ModelSource = bytes | os.PathLike | str


def producer_name(model: bytes) -> str | None:
    """The ``producer_name`` of a serialised ModelProto, read from its first fields without
    importing onnx (0.7 s) — so the int8 graphs, which are never fused, cost nothing to check.
    None when the header is not the usual ``ir_version, producer_name`` pair."""
    pos = 0
    if model[:1] == b"\x08":  # field 1, ir_version: a varint
        pos = 1
        while pos < len(model) and model[pos] & 0x80:
            pos += 1
        pos += 1
    if model[pos:pos + 1] != b"\x12":  # field 2, producer_name: a length-prefixed string
        return None
    length, shift, pos = 0, 0, pos + 1
    while pos < len(model):
        byte = model[pos]
        length |= (byte & 0x7F) << shift
        pos += 1
        if not byte & 0x80:
            break
        shift += 7
    try:
        return model[pos:pos + length].decode("utf-8")
    except UnicodeDecodeError:
        return None


def fuse_transformer(model: bytes, name: str, *, num_heads: int = MINILM_SHAPE["num_heads"],
                     hidden_size: int = MINILM_SHAPE["hidden_size"]) -> bytes:
    """``model`` with its BERT attention and normalisation subgraphs fused into onnxruntime's
    contrib kernels, or ``model`` unchanged where fusing does not apply.

    Only fp32 graphs exported by torch are fused: on the int8 graphs (producer
    ``onnx.quantize``) fusing gained under 8 % and moved the outputs by up to 0.08. A graph
    whose attention does not match the expected shape is returned as it was, never half-fused.
    """
    if producer_name(model) not in (None, "pytorch"):
        return model
    try:
        import onnx
        from onnxruntime.transformers.optimizer import optimize_model
    except ImportError as exc:  # a runtime installed without onnx/sympy still works, unfused
        _log.info("%s: not fusing the ONNX graph (%s)", name, exc)
        return model
    proto = onnx.load_from_string(model)
    if proto.producer_name != "pytorch":
        return model
    previous = logging.root.manager.disable
    logging.disable(logging.WARNING)  # the optimizer reports every pattern it tries on the root logger
    try:
        optimized = optimize_model(proto, model_type="bert", num_heads=num_heads, hidden_size=hidden_size,
                                   opt_level=0)
        fused = optimized.get_fused_operator_statistics()
    except Exception as exc:  # an optimizer bug must not stop the analysis: the plain graph is correct
        _log.warning("%s: ONNX fusion failed, using the graph as shipped: %s", name, exc)
        return model
    finally:
        logging.disable(previous)
    if not fused.get("Attention"):
        return model
    return optimized.model.SerializeToString()


def fusion_cache_dir() -> Path:
    """Where fused graphs are kept: ``$CLAIMSCOPE_ONNX_CACHE``, else the user cache directory."""
    override = os.environ.get("CLAIMSCOPE_ONNX_CACHE")
    if override:
        return Path(override)
    from platformdirs import user_cache_dir

    return Path(user_cache_dir("claimscope")) / "onnx"


def fused_source(model: ModelSource, name: str) -> ModelSource:
    """Where to load ``model`` fused from: the cached fused graph's file (fusing it first if
    this machine has not yet), or ``model`` itself where fusing does not apply.

    Fusing holds several copies of the graph while it works (a 90 MB tagger takes the process
    to ~1.4 GB for a moment, and the freed memory stays mapped), so it is done once and kept;
    the key is the graph's hash and onnxruntime's version. A cache that cannot be written only
    means fusing again next time (the fused bytes are returned then).
    """
    import hashlib

    import onnxruntime as ort

    if producer_name(_head(model)) not in (None, "pytorch"):
        return model  # int8 graphs are never fused: no hashing, no cache lookup
    data = model if isinstance(model, bytes) else Path(model).read_bytes()
    key = hashlib.sha256(data).hexdigest()[:20]
    safe_name = re.sub(r"[^A-Za-z0-9_.-]", "_", name)[:40]
    path = fusion_cache_dir() / f"{safe_name}-{key}-ort{ort.__version__}.onnx"
    if path.is_file():
        return path
    fused = fuse_transformer(data, name)
    if fused is data:  # nothing to fuse (an int8 graph, or no attention found)
        return model
    del data
    _release_freed_memory()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
        tmp.write_bytes(fused)
        os.replace(tmp, path)  # atomic: a concurrent worker reads no file or the whole one
    except OSError as exc:
        _log.info("%s: could not cache the fused graph in %s (%s)", name, path.parent, exc)
        return fused
    return path


def _head(model: ModelSource, size: int = 256) -> bytes:
    """The first bytes of a serialised graph (enough for :func:`producer_name`)."""
    if isinstance(model, bytes):
        return model[:size]
    with open(model, "rb") as handle:
        return handle.read(size)


def _release_freed_memory() -> None:
    """Hand the fusion's freed buffers back to the OS (glibc keeps them mapped otherwise)."""
    import gc

    from claimscope.pipeline import trim_heap

    gc.collect()
    trim_heap()


def new_session(model: ModelSource, name: str, *, intra_op_threads: int | None = None, fuse: bool | None = None):
    """An onnxruntime CPU session with claimscope's threading and memory settings; a graph
    that does not load raises RuntimeError naming the model. ``model`` is the graph's bytes or
    its file (a file costs half the memory). ``fuse`` (default: on unless
    ``$CLAIMSCOPE_ONNX_FUSE`` is 0) loads the graph through :func:`fused_source` first."""
    import onnxruntime as ort

    if FUSE if fuse is None else fuse:
        try:
            model = fused_source(model, name)
        except Exception:  # not a loadable protobuf, or an unreadable file: onnxruntime names it below
            pass
    options = ort.SessionOptions()
    options.intra_op_num_threads = intra_op_threads or INTRA_OP_THREADS
    options.inter_op_num_threads = 1
    options.enable_cpu_mem_arena = USE_ARENA
    options.enable_mem_pattern = USE_ARENA
    try:
        return ort.InferenceSession(model if isinstance(model, bytes) else os.fspath(model), options,
                                    providers=["CPUExecutionProvider"])
    except Exception as exc:  # onnxruntime raises its own exception types
        raise RuntimeError(f"{name}: could not load the ONNX graph: {exc}") from exc


_SHRINKING_RUN = None


def run_options():
    """Options for ``session.run``: give the arena's memory back when the run ends (None when
    the arena is off, as there is nothing to give back)."""
    global _SHRINKING_RUN
    if not USE_ARENA:
        return None
    if _SHRINKING_RUN is None:
        import onnxruntime as ort

        options = ort.RunOptions()
        options.add_run_config_entry("memory.enable_memory_arena_shrinkage", "cpu:0")
        _SHRINKING_RUN = options
    return _SHRINKING_RUN


def softmax(logits: np.ndarray) -> np.ndarray:
    shifted = logits - logits.max(axis=-1, keepdims=True)
    e = np.exp(shifted)
    return e / e.sum(axis=-1, keepdims=True)


def model_resource_dir(name: str) -> Traversable:
    """The shipped files of model ``name`` (``claimscope/models/<name>/``) as package resources."""
    folder = resources.files("claimscope").joinpath("models", name)
    if not folder.is_dir():
        raise FileNotFoundError(f"model {name!r} is not installed: no folder claimscope/models/{name}/ in the package")
    return folder


def graph_resource(folder: Traversable, filename: str = "model.onnx") -> ModelSource:
    """A shipped graph as its file where the package is unpacked on disk (the usual case), else
    its bytes (a zipped install)."""
    item = folder.joinpath(filename)
    if isinstance(item, Path):
        if not item.is_file():
            raise FileNotFoundError(f"model file {filename!r} is missing from {folder}")
        return item
    return _read_resource(folder, filename)


def _read_resource(folder: Traversable, filename: str) -> bytes:
    item = folder.joinpath(filename)
    if not item.is_file():
        raise FileNotFoundError(f"model file {filename!r} is missing from {folder}")
    return item.read_bytes()


class OnnxTextModel:
    """Tokenise strings and run them through an ONNX sequence classifier.

    ``model`` is ``model.onnx`` as bytes or as its file (see :func:`graph_resource`), and
    ``tokenizer_json`` the text of ``tokenizer.json``.
    """

    def __init__(self, model: ModelSource, tokenizer_json: str, *, max_length: int = 128, batch_size: int = 32,
                 intra_op_threads: int = INTRA_OP_THREADS, name: str = "model"):
        from tokenizers import Tokenizer

        if max_length < 2:
            raise ValueError(f"{name}: max_length must leave room for [CLS] and [SEP], got {max_length}")
        self.name = name
        self.max_length = max_length
        self.batch_size = batch_size
        self.session = new_session(model, name, intra_op_threads=intra_op_threads)
        self.input_names = {i.name for i in self.session.get_inputs()}
        missing = {"input_ids", "attention_mask"} - self.input_names
        if missing:
            raise ValueError(f"{name}: ONNX graph lacks input(s) {sorted(missing)}; it has {sorted(self.input_names)}")
        output = self.session.get_outputs()[0]
        self.output_name = output.name
        self.n_outputs = output.shape[-1] if isinstance(output.shape[-1], int) else None

        self.tokenizer = Tokenizer.from_str(tokenizer_json)
        self.tokenizer.no_padding()  # we pad each batch to its own longest sentence
        self.tokenizer.enable_truncation(max_length=max_length)
        self.pad_id = self.tokenizer.token_to_id("[PAD]") or 0

    @classmethod
    def from_resources(cls, name: str, **kwargs) -> "OnnxTextModel":
        """Load ``claimscope/models/<name>/{model.onnx,tokenizer.json,config.json}``."""
        folder = model_resource_dir(name)
        config = json.loads(_read_resource(folder, "config.json"))
        kwargs.setdefault("max_length", int(config.get("max_length", 128)))
        return cls(graph_resource(folder), _read_resource(folder, "tokenizer.json").decode("utf-8"),
                   name=name, **kwargs)

    def _encode(self, texts: Sequence[str]) -> list[list[int]]:
        bad = [i for i, t in enumerate(texts) if not isinstance(t, str)]
        if bad:
            raise TypeError(f"{self.name}: texts must be str; item {bad[0]} is {type(texts[bad[0]]).__name__}")
        return [enc.ids for enc in self.tokenizer.encode_batch(list(texts))]

    def logits(self, texts: Sequence[str]) -> np.ndarray:
        """Logits of shape [len(texts), n_labels], rows in the order of ``texts``."""
        if len(texts) == 0:
            return np.zeros((0, self.n_outputs or 0), dtype=np.float32)
        ids = self._encode(texts)
        # Longest first: the first batch fixes peak memory, and similar lengths share a batch.
        order = sorted(range(len(ids)), key=lambda i: -len(ids[i]))
        out: np.ndarray | None = None
        for start in range(0, len(order), self.batch_size):
            idx = order[start : start + self.batch_size]
            width = max(len(ids[i]) for i in idx)
            input_ids = np.full((len(idx), width), self.pad_id, dtype=np.int64)
            mask = np.zeros((len(idx), width), dtype=np.int64)
            for row, i in enumerate(idx):
                input_ids[row, : len(ids[i])] = ids[i]
                mask[row, : len(ids[i])] = 1
            feeds = {"input_ids": input_ids, "attention_mask": mask}
            if "token_type_ids" in self.input_names:
                feeds["token_type_ids"] = np.zeros_like(input_ids)
            batch = self.session.run([self.output_name], feeds, run_options())[0]
            if out is None:
                out = np.empty((len(ids), batch.shape[-1]), dtype=batch.dtype)
            out[idx] = batch
        return out

    def probabilities(self, texts: Sequence[str]) -> np.ndarray:
        """Softmax of :meth:`logits`, shape [len(texts), n_labels]."""
        return softmax(self.logits(texts))

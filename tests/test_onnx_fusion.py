"""Fused ONNX graphs (claimscope.nn.onnx_runtime.fuse_transformer) compute what the shipped
graphs compute: the two fp32 wordpiece taggers agree to 1e-4 on invented text, the int8
graphs are left as they are, and a graph that cannot be fused loads unchanged."""

from __future__ import annotations

import numpy as np
import onnx
import pytest

from claimscope.nn import onnx_runtime
from claimscope.nn.onnx_runtime import (_read_resource, fuse_transformer, fused_source, model_resource_dir, new_session,
                                        producer_name)

TEXT = ("The Interior Ministry of Kestria said on Tuesday that rebel fighters had staged the chlorine "
        "attack on Harsun, calling the reports 'baseless fabrications' spread by foreign patrons. "
        "Doctors at the Harsun clinic said at least 14 people, including five children, were treated "
        "for breathing difficulties after helicopters dropped barrels on the market.")


def _feeds(model_name: str, text: str, copies: int = 3):
    from tokenizers import Tokenizer

    tokenizer = Tokenizer.from_str(_read_resource(model_resource_dir(model_name), "tokenizer.json").decode())
    ids = tokenizer.encode(text).ids
    # rows of different lengths, so padding and the attention mask are exercised too
    width = len(ids)
    input_ids = np.zeros((copies, width), dtype=np.int64)
    mask = np.zeros((copies, width), dtype=np.int64)
    for row in range(copies):
        keep = width - 7 * row
        input_ids[row, :keep] = ids[:keep]
        mask[row, :keep] = 1
    return {"input_ids": input_ids, "attention_mask": mask}


@pytest.mark.parametrize("model_name", ["attribution", "persuasion"])
def test_fused_tagger_matches_the_shipped_graph(model_name):
    model = _read_resource(model_resource_dir(model_name), "model.onnx")
    fused = fuse_transformer(model, model_name)
    assert fused != model
    ops = {node.op_type for node in onnx.load_from_string(fused).graph.node}
    assert "Attention" in ops and "SkipLayerNormalization" in ops
    feeds = _feeds(model_name, TEXT)
    plain = new_session(model, model_name, fuse=False).run(None, feeds)[0]
    quick = new_session(model, model_name, fuse=True).run(None, feeds)[0]
    assert plain.shape == quick.shape
    # padded positions are never read; compare the real ones
    real = feeds["attention_mask"].astype(bool)
    np.testing.assert_allclose(quick[real], plain[real], atol=1e-4, rtol=1e-4)


@pytest.mark.parametrize("model_name", ["checkworthy", "embeddings", "reranker"])
def test_quantized_graphs_are_not_fused(model_name, monkeypatch, tmp_path):
    monkeypatch.setenv("CLAIMSCOPE_ONNX_CACHE", str(tmp_path / "cache"))
    model = _read_resource(model_resource_dir(model_name), "model.onnx")
    assert fuse_transformer(model, model_name) is model
    assert fused_source(model, model_name) is model and not (tmp_path / "cache").exists()


@pytest.mark.parametrize("model_name", ["attribution", "persuasion", "checkworthy", "embeddings", "reranker"])
def test_producer_is_read_from_the_header_as_onnx_reads_it(model_name):
    model = _read_resource(model_resource_dir(model_name), "model.onnx")
    assert producer_name(model) == onnx.load_from_string(model).producer_name


def test_an_unusual_header_gives_no_producer():
    assert producer_name(b"") is None and producer_name(b"not a graph") is None


def test_a_graph_without_attention_is_returned_unchanged():
    from onnx import TensorProto, helper

    node = helper.make_node("Relu", ["x"], ["y"])
    graph = helper.make_graph([node], "tiny", [helper.make_tensor_value_info("x", TensorProto.FLOAT, [2])],
                              [helper.make_tensor_value_info("y", TensorProto.FLOAT, [2])])
    tiny = helper.make_model(graph, producer_name="pytorch", ir_version=8, opset_imports=[helper.make_opsetid("", 17)])
    data = tiny.SerializeToString()
    assert fuse_transformer(data, "tiny") is data
    out = new_session(data, "tiny").run(None, {"x": np.array([-1.0, 2.0], dtype=np.float32)})[0]
    assert out.tolist() == [0.0, 2.0]


def test_broken_bytes_still_fail_with_the_model_name():
    with pytest.raises(RuntimeError, match="broken"):
        new_session(b"not a graph", "broken", fuse=True)


def test_fused_graphs_are_cached_and_read_back(tmp_path, monkeypatch):
    monkeypatch.setenv("CLAIMSCOPE_ONNX_CACHE", str(tmp_path / "cache"))
    model = _read_resource(model_resource_dir("persuasion"), "model.onnx")
    first = fused_source(model, "persuasion")
    cached = list((tmp_path / "cache").glob("persuasion-*.onnx"))
    assert cached == [first] and "Attention" in {n.op_type for n in onnx.load(str(first)).graph.node}
    assert not list((tmp_path / "cache").glob(".*.tmp"))

    def must_not_fuse(*args, **kwargs):
        raise AssertionError("the cached graph should have been used")

    monkeypatch.setattr(onnx_runtime, "fuse_transformer", must_not_fuse)
    assert fused_source(model, "persuasion") == first


def test_an_unwritable_cache_still_gives_the_fused_graph(tmp_path, monkeypatch):
    blocker = tmp_path / "not-a-dir"
    blocker.write_text("a file where the cache folder would go")
    monkeypatch.setenv("CLAIMSCOPE_ONNX_CACHE", str(blocker / "onnx"))
    model = _read_resource(model_resource_dir("attribution"), "model.onnx")
    fused = fused_source(model, "attribution")
    assert isinstance(fused, bytes) and fused != model
    assert "Attention" in {n.op_type for n in onnx.load_from_string(fused).graph.node}


def test_fusion_can_be_turned_off(monkeypatch):
    model = _read_resource(model_resource_dir("attribution"), "model.onnx")
    calls = []
    monkeypatch.setattr(onnx_runtime, "fused_source", lambda model, name: calls.append(name) or model)
    monkeypatch.setattr(onnx_runtime, "FUSE", False)  # what CLAIMSCOPE_ONNX_FUSE=0 sets
    new_session(model, "attribution")
    assert calls == []
    monkeypatch.setattr(onnx_runtime, "FUSE", True)
    new_session(model, "attribution")
    assert calls == ["attribution"]


def test_graphs_load_from_their_files_with_the_same_outputs(tmp_path, monkeypatch):
    """The shipped graphs are handed to onnxruntime as files (bytes cost a second copy of the
    weights); the fused graph is then the cache file, and either way the outputs are the same."""
    from pathlib import Path

    from claimscope.nn.onnx_runtime import fused_source, graph_resource

    monkeypatch.setenv("CLAIMSCOPE_ONNX_CACHE", str(tmp_path / "cache"))
    shipped = graph_resource(model_resource_dir("attribution"))
    assert isinstance(shipped, Path) and shipped.name == "model.onnx"
    source = fused_source(shipped, "attribution")
    assert isinstance(source, Path) and source.parent == tmp_path / "cache"
    assert fused_source(shipped, "attribution") == source  # the second load reads the cache
    feeds = _feeds("attribution", TEXT)
    from_file = new_session(shipped, "attribution").run(None, feeds)[0]
    from_bytes = new_session(shipped.read_bytes(), "attribution").run(None, feeds)[0]
    np.testing.assert_allclose(from_file, from_bytes, atol=1e-5)
    int8 = graph_resource(model_resource_dir("checkworthy"))
    assert fused_source(int8, "checkworthy") == int8  # int8 graphs load as shipped


def test_a_missing_graph_file_fails_with_the_model_name(tmp_path):
    with pytest.raises(RuntimeError, match="ghost"):
        new_session(tmp_path / "absent.onnx", "ghost")

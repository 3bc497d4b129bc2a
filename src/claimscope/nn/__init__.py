"""Neural models at run time: ONNX graphs run with onnxruntime, tokenised with ``tokenizers``.

No torch here; the models are trained under ``training/`` and shipped under
``claimscope/models/<name>/``.
"""

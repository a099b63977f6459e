"""Sentence embeddings without torch: all-MiniLM-L6-v2 on onnxruntime, built from its packaged weights.

Documents are encoded at index time (float32) and only the query online (int8), so the service keeps
a semantic signal without the 1 GB torch install. `load_encoder()` returns None when the
model package is absent so ranking can fall back to lexical scores.
"""
from matcher.embeddings.encoder import (
    DEFAULT_MODEL_ID,
    Encoder,
    default_model_dir,
    load_encoder,
    model_fingerprint,
)

__all__ = ["DEFAULT_MODEL_ID", "Encoder", "default_model_dir", "load_encoder", "model_fingerprint"]

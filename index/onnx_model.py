"""The default embedding model as an int8 ONNX graph: the same e5 weights, ~1.6× faster on CPU.

Built once at set-up (``python -m index.embedding_model`` builds the e5 folder and then this), offline,
from the rebuilt sentence-transformers folder:

1. ``torch.onnx.export`` of its BERT module (eager attention, so ONNX Runtime's optimizer recognises the
   attention pattern), called with keyword arguments: transformers 5 changed ``forward``'s positional order;
2. ``onnxruntime.transformers.optimizer`` fuses attention, GELU and layer norms (model type bert);
3. dynamic int8 quantisation with per-channel weight scales (per-tensor scales cost ~2 points of cosine).

Mean pooling and L2 normalisation run in numpy on the graph's token vectors, exactly as
sentence-transformers' Pooling + Normalize modules do. The build record keeps the sha256 of the built
``model.onnx``; loading checks it, so a truncated or foreign file is refused instead of giving other vectors.
"""

from __future__ import annotations

import json
import shutil
import sys
import tempfile
import threading
import warnings
from pathlib import Path

import numpy as np

from govqa.errors import ModelError
from index.embedding_model import BUILD_RECORD, file_sha256

ONNX_FOLDER_SUFFIX = "-onnx-int8"
ONNX_FILE = "model.onnx"
# Bump when the export, optimisation or quantisation recipe changes, so existing builds are redone.
ONNX_BUILD_FORMAT = 1
_OPSET = 17


def onnx_dir(model_dir: Path) -> Path:
    """Where the int8 graph of a model folder is built: a sibling named <folder>-onnx-int8."""
    return model_dir.with_name(model_dir.name + ONNX_FOLDER_SUFFIX)


def _source_record(model_dir: Path) -> str:
    """The e5 folder's own build record names the weights it came from; the graph records that in turn."""
    try:
        record = json.loads((model_dir / BUILD_RECORD).read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise ModelError(f"the model folder has no readable {BUILD_RECORD}", model_dir) from exc
    return str(record.get("source_sha256", ""))


def read_build_record(folder: Path) -> dict | None:
    try:
        record = json.loads((folder / BUILD_RECORD).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return record if isinstance(record, dict) else None


def is_built(model_dir: Path) -> bool:
    """True when the graph of ``model_dir`` is complete and was built from its current weights by this recipe."""
    folder = onnx_dir(model_dir)
    record = read_build_record(folder)
    return bool(
        record
        and record.get("format") == ONNX_BUILD_FORMAT
        and record.get("source_sha256") == _source_record(model_dir)
        and (folder / ONNX_FILE).is_file()
        and (folder / "tokenizer.json").is_file()
    )


def ensure_onnx_model(model_dir: Path) -> Path:
    """The int8 graph folder of ``model_dir``, built if missing or stale."""
    if is_built(model_dir):
        return onnx_dir(model_dir)
    return build_onnx_model(model_dir)


def _export(model_dir: Path, path: Path) -> None:
    import torch
    from transformers import AutoModel

    bert = AutoModel.from_pretrained(
        str(model_dir),
        local_files_only=True,
        attn_implementation="eager",
        add_pooling_layer=False,
        dtype=torch.float32,
    )
    bert.eval()

    class KeywordBert(torch.nn.Module):
        def __init__(self, inner):
            super().__init__()
            self.inner = inner

        def forward(self, input_ids, attention_mask):
            return self.inner(input_ids=input_ids, attention_mask=attention_mask).last_hidden_state

    ids = torch.tensor([[0, 6, 7, 8, 2], [0, 9, 2, 1, 1]], dtype=torch.long)
    mask = (ids != 1).long()
    axes = {0: "batch", 1: "tokens"}
    with torch.no_grad(), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        torch.onnx.export(
            KeywordBert(bert),
            (ids, mask),
            str(path),
            input_names=["input_ids", "attention_mask"],
            output_names=["token_embeddings"],
            opset_version=_OPSET,
            dynamo=False,
            dynamic_axes={"input_ids": axes, "attention_mask": axes, "token_embeddings": axes},
        )


def _optimize_and_quantize(model_dir: Path, exported: Path, target: Path) -> None:
    from onnx import TensorProto
    from onnxruntime.quantization import QuantType, quantize_dynamic
    from onnxruntime.transformers.optimizer import optimize_model

    config = json.loads((model_dir / "config.json").read_text(encoding="utf-8"))
    optimized = exported.with_name("optimized.onnx")
    fused = optimize_model(
        str(exported),
        model_type="bert",
        num_heads=config["num_attention_heads"],
        hidden_size=config["hidden_size"],
        opt_level=0,
        use_gpu=False,
    )
    fused.save_model_to_file(str(optimized))
    # Fused nodes (com.microsoft domain) carry no inferred types; their weights are float32.
    quantize_dynamic(
        str(optimized),
        str(target),
        weight_type=QuantType.QInt8,
        per_channel=True,
        extra_options={"DefaultTensorType": TensorProto.FLOAT},
    )


def build_onnx_model(model_dir: Path) -> Path:
    """Export, optimise and quantise ``model_dir`` into a temporary sibling, then rename it into place."""
    target = onnx_dir(model_dir)
    try:
        work = Path(tempfile.mkdtemp(prefix=f".{target.name}.building-", dir=target.parent))
    except OSError as exc:
        raise ModelError(f"cannot create the model cache folder: {exc.strerror}", target.parent) from exc
    try:
        _export(model_dir, work / "exported.onnx")
        _optimize_and_quantize(model_dir, work / "exported.onnx", work / ONNX_FILE)
        for leftover in ("exported.onnx", "optimized.onnx"):
            (work / leftover).unlink(missing_ok=True)
        shutil.copy2(model_dir / "tokenizer.json", work / "tokenizer.json")
        record = {
            "format": ONNX_BUILD_FORMAT,
            "source": model_dir.name,
            "source_sha256": _source_record(model_dir),
            "onnx_sha256": file_sha256(work / ONNX_FILE),
            "max_tokens": _max_tokens(model_dir),
        }
        (work / BUILD_RECORD).write_text(json.dumps(record, indent=2) + "\n", encoding="utf-8")
        for path in [work, *work.rglob("*")]:
            path.chmod(0o755 if path.is_dir() else 0o644)
        if target.exists():
            shutil.rmtree(target)
        work.rename(target)
    except (OSError, RuntimeError, ValueError) as exc:
        raise ModelError(f"building the int8 ONNX model failed: {exc}", model_dir) from exc
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return target


def _max_tokens(model_dir: Path) -> int:
    try:
        config = json.loads((model_dir / "sentence_bert_config.json").read_text(encoding="utf-8"))
        return int(config["max_seq_length"])
    except (OSError, ValueError, KeyError) as exc:
        raise ModelError("cannot read max_seq_length from sentence_bert_config.json", model_dir) from exc


class OnnxEncoder:
    """Token ids → mean-pooled, unit-length vectors with ONNX Runtime (what SentenceTransformer.encode returns)."""

    def __init__(self, model_dir: Path, threads: int, workers: int = 1):
        folder = ensure_onnx_model(model_dir)
        record = read_build_record(folder) or {}
        if file_sha256(folder / ONNX_FILE) != record.get("onnx_sha256"):
            raise ModelError("model.onnx does not match the sha256 recorded when it was built; rebuild it", folder)
        import onnxruntime
        from tokenizers import Tokenizer

        options = onnxruntime.SessionOptions()
        options.intra_op_num_threads = threads
        options.inter_op_num_threads = 1
        options.graph_optimization_level = onnxruntime.GraphOptimizationLevel.ORT_ENABLE_ALL
        try:
            self._session = onnxruntime.InferenceSession(
                str(folder / ONNX_FILE), options, providers=["CPUExecutionProvider"]
            )
            self._tokenizer = Tokenizer.from_file(str(folder / "tokenizer.json"))
        except (RuntimeError, ValueError, OSError) as exc:
            raise ModelError(f"cannot load the ONNX model: {exc}", folder) from exc
        self._tokenizer.enable_truncation(int(record.get("max_tokens", 512)))
        self._tokenizer.no_padding()
        self._pad_id = self._tokenizer.token_to_id("<pad>") or 1
        self.folder = folder
        self.dimension = int(self._session.get_outputs()[0].shape[-1] or 384)
        # ONNX Runtime sessions may run concurrently; at most `workers` runs at a time, so `workers` ×
        # `threads` stays within the cores asked for (a run on one thread uses one core).
        self.workers = max(1, workers)
        self._runs = threading.BoundedSemaphore(self.workers)

    def token_ids(self, texts: list[str]) -> list[list[int]]:
        return [e.ids for e in self._tokenizer.encode_batch(texts)]

    def encode_ids(self, batch: list[list[int]]) -> np.ndarray:
        """One padded batch of token-id lists → (n, dimension) float32 unit vectors."""
        width = max(len(ids) for ids in batch)
        ids = np.full((len(batch), width), self._pad_id, dtype=np.int64)
        mask = np.zeros((len(batch), width), dtype=np.int64)
        for row, tokens in enumerate(batch):
            ids[row, : len(tokens)] = tokens
            mask[row, : len(tokens)] = 1
        with self._runs:
            (tokens_out,) = self._session.run(None, {"input_ids": ids, "attention_mask": mask})
        weights = mask[:, :, None].astype(np.float32)
        pooled = (tokens_out * weights).sum(axis=1) / np.clip(weights.sum(axis=1), 1e-9, None)
        norms = np.linalg.norm(pooled, axis=1, keepdims=True)
        return (pooled / np.clip(norms, 1e-12, None)).astype(np.float32)


def main() -> int:
    """Set-up step (after the e5 folder exists): build its int8 graph."""
    from govqa.settings import Settings
    from index.embedding_model import ensure_default_model

    model_dir = ensure_default_model(Settings().index)
    if is_built(model_dir):
        print(f"int8 ONNX model already built: {onnx_dir(model_dir)}")
        return 0
    try:
        folder = build_onnx_model(model_dir)
    except ModelError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    record = read_build_record(folder) or {}
    print(f"built {folder} (sha256 {record.get('onnx_sha256', '?')})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

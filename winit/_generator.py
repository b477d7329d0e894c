"""winit.Generator: a numpy-style stateful front to the counter-based stream, and
the module's default generator (what ``seed=None`` means everywhere).

The state is just (seed, stream, next unused block).  A call that produces n
values with e values per block (4 for 32- and 16-bit outputs and raw words, 2
for float64) reads elements from offset next_block * e and then advances
next_block by ceil(n / e), so every call equals a functional call at that
offset and no block is ever used twice.
"""
import math
import secrets
import threading

import numpy as np

from . import _request
from ._validate import U64, check_out, check_out_raw, check_seed, check_shape, resolve_dtype

__all__ = ["Generator", "manual_seed", "draw_seed"]


class Generator:
    """numpy-style generator: standard_normal, normal, random, uniform,
    truncated_normal, random_raw, each with numpy's size/dtype/out arguments
    (float64 by default, as numpy)."""

    def __init__(self, seed=None, stream=0, name=None):
        self._seed = secrets.randbits(64) if seed is None else check_seed(seed)
        if name is not None and stream not in (None, 0):
            raise ValueError("give stream or name, not both")
        self._stream = _request._resolve_stream(None if name is not None else stream, name)
        self._block = 0
        self._lock = threading.Lock()

    @property
    def seed(self):
        return self._seed

    @property
    def stream(self):
        return self._stream

    @property
    def next_block(self):
        """The first block the next call will use."""
        return self._block

    def __repr__(self):
        return "winit.Generator(seed=%d, stream=%d) at block %d" % (self._seed, self._stream, self._block)

    def _claim(self, size, out, per_block):
        """Reserve the blocks for a call and return its element offset."""
        if out is not None and size is None:
            n = out.size
        else:
            shape = () if size is None else check_shape(size, "size")
            n = math.prod(shape)
        with self._lock:
            blocks = -(-n // per_block)
            if self._block + blocks > U64:
                raise ValueError("this generator's stream is exhausted (2**64 blocks)")
            offset = self._block * per_block
            self._block += blocks
        return offset

    def _call(self, dist, args, size, dtype, out):
        if out is not None:
            check_out(out)
        if dtype is None and out is None:
            dtype = np.float64
        _, name = resolve_dtype(dtype, out)
        per_block = 2 if name == "float64" else 4
        if out is not None and size is not None and tuple(check_shape(size, "size")) != out.shape:
            raise ValueError("size %r does not match out.shape %r" % (size, out.shape))
        # Validate everything (by a dry call on zero elements) before claiming blocks.
        _request.sample(dist, args, (0,), seed=self._seed, stream=self._stream,
                        dtype=dtype if out is None else out.dtype)
        offset = self._claim(size, out, per_block)
        return _request.sample(dist, args, None if out is not None else size, seed=self._seed,
                               stream=self._stream, dtype=dtype, out=out, offset=offset)

    def standard_normal(self, size=None, dtype=None, out=None):
        return self._call("normal", (0.0, 1.0), size, dtype, out)

    def normal(self, loc=0.0, scale=1.0, size=None, dtype=None, out=None):
        return self._call("normal", (loc, scale), size, dtype, out)

    def random(self, size=None, dtype=None, out=None):
        return self._call("uniform", (0.0, 1.0), size, dtype, out)

    def uniform(self, low=0.0, high=1.0, size=None, dtype=None, out=None):
        return self._call("uniform", (low, high), size, dtype, out)

    def truncated_normal(self, mean=0.0, std=1.0, lower=-2.0, upper=2.0, size=None, dtype=None, out=None):
        return self._call("truncated_normal", (mean, std, lower, upper), size, dtype, out)

    def random_raw(self, size=None, out=None):
        """Raw uint32 words (4 per block)."""
        if out is not None:
            check_out_raw(out)
            if size is not None and tuple(check_shape(size, "size")) != out.shape:
                raise ValueError("size %r does not match out.shape %r" % (size, out.shape))
        offset = self._claim(size, out, 4)
        return _request.random_raw(size, seed=self._seed, stream=self._stream, offset=offset, out=out)

    def spawn(self, n):
        """n independent generators on streams drawn from this one."""
        words = self.random_raw(2 * n)
        return [Generator(self._seed, stream=int(words[2 * i]) | (int(words[2 * i + 1]) << 32)) for i in range(n)]


# ---- the module's default generator (seed=None) ---------------------------

_default_lock = threading.Lock()
_default_generator = None


def manual_seed(seed):
    """Seed the module's default generator: later calls with seed=None become reproducible."""
    global _default_generator
    seed = check_seed(seed)
    with _default_lock:
        _default_generator = Generator(seed)
    return _default_generator


def draw_seed():
    """A fresh 64-bit seed drawn from the default generator (what seed=None means),
    which starts from OS entropy unless manual_seed was called."""
    global _default_generator
    with _default_lock:
        if _default_generator is None:
            _default_generator = Generator(secrets.randbits(64))
        words = _default_generator.random_raw(2)
    return int(words[0]) | (int(words[1]) << 32)

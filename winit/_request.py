"""The fill request: one call of winit._core from checked arguments.

Every value winit produces goes through here: ``fill`` resolves the keywords
(stream or name, dtype, shape/out/region, offset, threads) and checks them all,
then makes one C call that runs without the GIL; ``sample`` adds the
distribution's own parameter checks (a name registry, DISTS).  A refused call
raises before anything is written.  Seeding is not this module's job: a call
with ``seed=None`` takes its seed from the ``seed_source`` it is given (the
default generator of winit._generator), so the import graph is a line:
_core <- _request <- _generator <- _sampling <- _schemes <- front-ends.
"""
import hashlib
import math
import os

import numpy as np

from . import _core
from ._validate import (
    U64,
    check_int,
    check_name,
    check_out,
    check_out_raw,
    check_real,
    check_seed,
    check_shape,
    check_std,
    check_threads,
    region_rows,
    resolve_dtype,
)

DTYPE_CODES = {
    "float32": _core.DTYPE_F32,
    "float64": _core.DTYPE_F64,
    "float16": _core.DTYPE_F16,
    "bfloat16": _core.DTYPE_BF16,
}

# Beyond +-37.5 std the normal CDF underflows in float64; the mass cut off
# there is below 1e-300, so bounds outside are clamped (an infinite bound
# means "no truncation on that side").
_TRUNC_LIMIT = 37.5


def _default_threads():
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # pragma: no cover - not Linux
        return max(1, os.cpu_count() or 1)


_num_threads = _default_threads()


def set_num_threads(n):
    """Threads used by calls with threads=None (default: the CPUs this process may use)."""
    global _num_threads
    _num_threads = check_int(n, "n", 1, 1025)


def get_num_threads():
    return _num_threads


def stream_of_name(name):
    """SPEC 1.2: the stream selected by a parameter name."""
    digest = hashlib.blake2b(check_name(name).encode("utf-8"), digest_size=8).digest()
    return int.from_bytes(digest, "little")


def _resolve_stream(stream, name):
    if name is not None:
        if stream is not None:
            raise ValueError("give stream or name, not both (name=%r selects its own stream)" % (name,))
        return stream_of_name(name)
    if stream is None:
        return 0
    return check_seed(stream, "stream")



# ---- the one path every value takes


def fill(dist, p0, p1, lower, upper, shape, seed, stream, name, dtype, out, offset, region, threads,
         seed_source=None):
    """One request for winit._core: everything checked first; ``seed=None`` takes
    ``seed_source()`` (the default generator), drawn only once the call is known to be valid."""
    if seed is not None:
        seed = check_seed(seed)
    stream = _resolve_stream(stream, name)
    if out is not None:
        check_out(out)
    np_dtype, dtype_name = resolve_dtype(dtype, out)
    code = DTYPE_CODES[dtype_name]
    offset = check_int(offset, "offset", 0, U64 + 1)  # 2**64 only for an empty request
    threads = check_threads(threads, _num_threads)

    scalar = shape is None and out is None and region is None
    if shape is None:
        if region is not None:
            raise ValueError("region needs shape (the shape of the whole logical tensor)")
        full_shape = () if out is None else out.shape
    else:
        full_shape = check_shape(shape)
    size = math.prod(full_shape)
    if offset + size > U64:
        raise ValueError("offset + size must be <= 2**64 (element indices are 64-bit); "
                         "got offset=%d, size=%d" % (offset, size))

    if region is None:
        result_shape, rows = full_shape, None
    else:
        result_shape, starts, row_len, step = region_rows(region, full_shape, offset)
        rows = (starts, row_len, step)
    if out is not None and tuple(out.shape) != tuple(result_shape):
        what = "region of shape" if region is not None else "shape"
        raise ValueError("out.shape %r does not match the %s %r" % (tuple(out.shape), what, tuple(result_shape)))

    if seed is None:  # drawn only once the call is known to be valid
        if seed_source is None:
            raise TypeError("seed must be an integer in [0, 2**64)")
        seed = seed_source()
    direct = out is not None and out.flags.c_contiguous
    target = out if direct else np.empty(result_shape, dtype=np_dtype)
    flat = target if target.ndim == 1 else target.reshape(-1)
    if flat.size:
        if rows is None:
            _core.fill(flat, dist, code, seed, stream, p0, p1, lower, upper, offset, threads)
        else:
            _core.fill_rows(flat, dist, code, seed, stream, p0, p1, lower, upper, rows[0], rows[1], rows[2], threads)
    if out is not None:
        if not direct:  # strided out: computed contiguously, then copied in
            out[...] = target
        return out
    return target[()] if scalar else target




# ---- the distributions: their core code and the check of their parameters


def _normal_params(mean=0.0, std=1.0):
    return check_real(mean, "mean"), check_std(std, "std"), 0.0, 0.0


def _uniform_params(low=0.0, high=1.0):
    low = check_real(low, "low")
    high = check_real(high, "high")
    if low > high:
        raise ValueError("low must be <= high; got low=%r, high=%r" % (low, high))
    if not np.isfinite(high - low):
        raise ValueError("high - low must be finite; got low=%r, high=%r" % (low, high))
    return low, high, 0.0, 0.0


def _truncated_params(mean=0.0, std=1.0, lower=-2.0, upper=2.0):
    mean = check_real(mean, "mean")
    std = check_std(std, "std")
    lower = check_real(lower, "lower", finite=False)
    upper = check_real(upper, "upper", finite=False)
    if lower != lower or upper != upper:
        raise ValueError("lower and upper must not be NaN; got lower=%r, upper=%r" % (lower, upper))
    if not lower < upper:
        raise ValueError("lower must be < upper; got lower=%r, upper=%r" % (lower, upper))
    a = min(max(lower, -_TRUNC_LIMIT), _TRUNC_LIMIT)
    b = min(max(upper, -_TRUNC_LIMIT), _TRUNC_LIMIT)
    if not a < b:
        raise ValueError("lower/upper: [%r, %r] lies beyond %g std, where the normal has no "
                         "representable mass" % (lower, upper, _TRUNC_LIMIT))
    return mean, std, a, b


DISTS = {
    "normal": (_core.DIST_NORMAL, _normal_params),
    "uniform": (_core.DIST_UNIFORM, _uniform_params),
    "truncated_normal": (_core.DIST_TRUNCNORM, _truncated_params),
}


def sample(dist, params, shape=None, *, seed, stream=None, name=None, dtype=None, out=None, offset=0,
           region=None, threads=None, seed_source=None):
    """Values of distribution ``dist`` (a key of DISTS) with ``params`` (its positional
    parameters): the one path of every sampler and of Generator."""
    code, check = DISTS[dist]
    p0, p1, lower, upper = check(*params)
    return fill(code, p0, p1, lower, upper, shape, seed, stream, name, dtype, out, offset, region,
                threads, seed_source)


def random_raw(size=None, *, seed, stream=0, name=None, offset=0, out=None, threads=None):
    """The raw stream as uint32 words, from word `offset` (SPEC 1.2)."""
    seed = check_seed(seed)
    if name is not None and stream not in (None, 0):
        raise ValueError("give stream or name, not both")
    stream = _resolve_stream(None if name is not None else stream, name)
    offset = check_int(offset, "offset", 0, U64 + 1)  # 2**64 only for an empty request
    threads = check_threads(threads, _num_threads)
    if out is not None:
        check_out_raw(out)
        shape = out.shape if size is None else check_shape(size, "size")
        if tuple(shape) != out.shape:
            raise ValueError("out.shape %r does not match size %r" % (out.shape, tuple(shape)))
    else:
        shape = () if size is None else check_shape(size, "size")
    n = math.prod(shape)
    if offset + n > U64:
        raise ValueError("offset + size must be <= 2**64; got offset=%d, size=%d" % (offset, n))
    direct = out is not None and out.flags.c_contiguous
    target = out if direct else np.empty(shape, dtype=np.uint32)
    if n:
        _core.fill(target.reshape(-1), _core.DIST_RAW, _core.DTYPE_U32, seed, stream, 0.0, 0.0, 0.0, 0.0,
                   offset, threads)
    if out is not None:
        if not direct:
            out[...] = target
        return out
    return target[()] if size is None else target


def philox4x32(counter, key):
    """One Philox4x32-10 block (for known-answer tests): 4 counter words, 2 key words."""
    c = _words(counter, 4, "counter")
    k = _words(key, 2, "key")
    return _core.philox4x32(c, k)


def _words(value, n, argname):
    try:
        items = list(value)
    except TypeError:
        raise TypeError("%s must be a sequence of %d integers; got %r" % (argname, n, value)) from None
    if len(items) != n:
        raise ValueError("%s must have %d words; got %d" % (argname, n, len(items)))
    return [check_int(w, "%s[%d]" % (argname, i), 0, 2**32) for i, w in enumerate(items)]

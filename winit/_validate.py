"""Argument checks shared by every public function.

Each check takes the user's value and the argument's name, and returns a plain,
normalized value or raises: TypeError for a value of the wrong type, ValueError
for a value of the right type that is out of range.  Messages name the argument
and say what is allowed.  Nothing here touches output buffers, so a refused
call has written nothing.
"""
import difflib
import math
import numbers
import operator

import numpy as np

U64 = 2**64

try:  # bfloat16 is offered when ml_dtypes is installed
    import ml_dtypes

    BFLOAT16 = np.dtype(ml_dtypes.bfloat16)
except ImportError:  # pragma: no cover - the test extra installs ml_dtypes
    ml_dtypes = None
    BFLOAT16 = None

DTYPE_NAMES = ("float32", "float64", "float16", "bfloat16")
_FLOAT32 = np.dtype(np.float32)


def closest(word, choices):
    """' (did you mean 'x'?)' for the closest of choices, or ''."""
    match = difflib.get_close_matches(str(word), list(choices), n=1)
    return " (did you mean %r?)" % match[0] if match else ""


def check_int(value, argname, low=None, high=None):
    """An integer (not bool) with low <= value < high; returns a Python int."""
    if type(value) is not int:  # fast path for plain ints; bool is not int here
        if isinstance(value, (bool, np.bool_)) or not isinstance(value, (numbers.Integral, np.integer)):
            raise TypeError("%s must be an integer; got %r (%s)" % (argname, value, type(value).__name__))
        value = operator.index(value)
    if (low is not None and value < low) or (high is not None and value >= high):
        lo = "" if low is None else "%s <= " % _fmt_bound(low)
        hi = "" if high is None else " < %s" % _fmt_bound(high)
        raise ValueError("%s must satisfy %s%s%s; got %d" % (argname, lo, argname, hi, value))
    return value


def _fmt_bound(b):
    return {U64: "2**64", U64 + 1: "2**64 + 1", 2**32: "2**32"}.get(b, str(b))


def check_seed(seed, argname="seed"):
    return check_int(seed, argname, 0, U64)


def scalar_of(value):
    """The Python number held by a 0-d array (numpy, torch, JAX) or numpy scalar, else ``value``."""
    if hasattr(value, "shape") and hasattr(value, "dtype") and not isinstance(value, (numbers.Number, np.generic)):
        try:
            arr = np.asarray(value.detach() if hasattr(value, "detach") else value)
        except Exception:  # a traced JAX value, an array on a device numpy cannot read
            return value
        if arr.shape == () and arr.dtype.kind in "fiu":
            return arr.item()
    return value


def check_real(value, argname, finite=True):
    """A real number (not bool): a Python or numpy number, or a 0-d real array of numpy,
    torch or JAX (as the frameworks accept); returns a Python float."""
    if type(value) is not float and type(value) is not int:
        value = scalar_of(value)
        if isinstance(value, (bool, np.bool_)) or not isinstance(value, (numbers.Real, np.floating, np.integer)):
            shape = getattr(value, "shape", None)
            what = f"an array of shape {tuple(shape)}" if shape is not None else repr(value)
            raise TypeError("%s must be a real number (or a 0-d real array); got %s (%s)"
                            % (argname, what, type(value).__name__))
    value = float(value)
    if finite and not math.isfinite(value):
        raise ValueError("%s must be finite; got %r" % (argname, value))
    return value


def check_std(std, argname="std"):
    std = check_real(std, argname)
    if std < 0:
        raise ValueError("%s must be >= 0; got %r" % (argname, std))
    return std


def check_name(name):
    if not isinstance(name, str):
        raise TypeError("name must be a str; got %r (%s)" % (name, type(name).__name__))
    return name


def check_shape(shape, argname="shape"):
    """A tuple of non-negative ints from an int or a sequence of ints."""
    if type(shape) is int and shape >= 0:
        return (shape,)
    if isinstance(shape, (numbers.Integral, np.integer)) and not isinstance(shape, (bool, np.bool_)):
        shape = (shape,)
    try:
        items = tuple(shape)
    except TypeError:
        raise TypeError("%s must be an int or a sequence of ints; got %r" % (argname, shape)) from None
    return tuple(check_int(n, "%s[%d]" % (argname, i), 0) for i, n in enumerate(items))


def check_threads(threads, default):
    if threads is None:
        return default
    return check_int(threads, "threads", 1, 1025)


def resolve_dtype(dtype, out=None):
    """(numpy dtype, dtype name) for dtype=, defaulting to out's dtype, else float32."""
    if dtype is None:
        if out is None:
            return _FLOAT32, "float32"
        return _dtype_of_out(out)
    try:
        name = _NAME_CACHE[dtype]
    except (KeyError, TypeError):
        name = _dtype_name(dtype)
        try:
            if name is not None:
                _NAME_CACHE[dtype] = name
        except TypeError:
            pass
    if name is None:
        raise ValueError("dtype must be one of %s; got %r%s" % (", ".join(DTYPE_NAMES), dtype,
                                                                closest(dtype, DTYPE_NAMES)))
    if name == "bfloat16" and BFLOAT16 is None:
        raise ValueError("dtype bfloat16 needs the ml_dtypes package (pip install 'winit[bf16]')")
    dt = _DTYPES[name]
    if out is not None:
        out_dt, out_name = _dtype_of_out(out)
        if out_name != name:
            raise TypeError("dtype %s does not match out.dtype %s" % (name, out_name))
    return dt, name


_NAME_CACHE = {}
_DTYPES = {"float32": _FLOAT32, "float64": np.dtype(np.float64), "float16": np.dtype(np.float16),
           "bfloat16": BFLOAT16}


def _dtype_name(dtype):
    if isinstance(dtype, str):
        key = dtype.lower()
        if key in DTYPE_NAMES:
            return key
        if key in ("f4", "single"):
            return "float32"
        if key in ("f8", "double", "float"):
            return "float64"
        if key in ("f2", "half"):
            return "float16"
        return None
    if BFLOAT16 is not None:
        try:
            if np.dtype(dtype) == BFLOAT16:
                return "bfloat16"
        except TypeError:
            pass
    try:
        dt = np.dtype(dtype)
    except TypeError:
        return None
    if dt.kind == "f" and dt.itemsize in (2, 4, 8) and dt.isnative:
        return {2: "float16", 4: "float32", 8: "float64"}[dt.itemsize]
    return None


def _dtype_of_out(out):
    dt = out.dtype
    if BFLOAT16 is not None and dt == BFLOAT16:
        return dt, "bfloat16"
    if dt.kind == "f" and dt.itemsize in (2, 4, 8):
        if not dt.isnative:
            raise ValueError("out must be in native byte order; got dtype %s" % dt.str)
        return dt, {2: "float16", 4: "float32", 8: "float64"}[dt.itemsize]
    raise TypeError("out.dtype must be one of %s; got %s" % (", ".join(DTYPE_NAMES), dt))


def check_out(out):
    """Type, writability and byte order of out (its dtype is checked by resolve_dtype)."""
    if not isinstance(out, np.ndarray):
        raise TypeError("out must be a numpy.ndarray; got %s" % type(out).__name__)
    if not out.flags.writeable:
        raise ValueError("out must be writable (it is read-only)")
    if not out.dtype.isnative:
        raise ValueError("out must be in native byte order; got dtype %s" % out.dtype.str)
    return out


def check_out_raw(out):
    """out= of random_raw: a writable, native uint32 ndarray."""
    if not isinstance(out, np.ndarray):
        raise TypeError("out must be a numpy.ndarray; got %s" % type(out).__name__)
    if out.dtype != np.uint32:
        raise TypeError("out.dtype must be uint32 for raw words; got %s" % out.dtype)
    check_out(out)


def region_rows(region, shape, offset):
    """Describe full[region] of a C-ordered tensor as rows of a strided fill.

    Returns (result_shape, starts, row_len, step): element k of row r has the
    flat index starts[r] + k * step (plus nothing: offset is folded into starts).
    """
    if not isinstance(region, tuple):
        region = (region,)
    ndim = len(shape)
    if any(item is Ellipsis for item in region):
        i = [k for k, item in enumerate(region) if item is Ellipsis]
        if len(i) > 1:
            raise ValueError("region may contain at most one Ellipsis")
        fill = ndim - (len(region) - 1)
        region = region[: i[0]] + (slice(None),) * max(fill, 0) + region[i[0] + 1:]
    if len(region) > ndim:
        raise ValueError("region has %d entries but shape %r has only %d dimensions"
                         % (len(region), shape, ndim))
    region = region + (slice(None),) * (ndim - len(region))
    strides = [1] * ndim
    for d in range(ndim - 2, -1, -1):
        strides[d] = strides[d + 1] * shape[d + 1]
    index_lists, result_shape = [], []
    for d, item in enumerate(region):
        if isinstance(item, slice):
            for part in ("start", "stop", "step"):
                v = getattr(item, part)
                if v is not None and (isinstance(v, (bool, np.bool_)) or not isinstance(v, (numbers.Integral, np.integer))):
                    raise TypeError("region[%d].%s must be an integer or None; got %r" % (d, part, v))
            if item.step == 0:
                raise ValueError("region[%d] slice step cannot be zero" % d)
            r = range(*item.indices(shape[d]))
            index_lists.append(r)
            result_shape.append(len(r))
        elif isinstance(item, (numbers.Integral, np.integer)) and not isinstance(item, (bool, np.bool_)):
            i = operator.index(item)
            if not -shape[d] <= i < shape[d]:
                raise ValueError("region[%d] = %d is out of bounds for axis %d of size %d"
                                 % (d, i, d, shape[d]))
            index_lists.append(range(i % shape[d], i % shape[d] + 1))
        else:
            raise TypeError("region entries must be slices, ints or Ellipsis; got %r at position %d" % (item, d))
    result_shape = tuple(result_shape)
    if ndim == 0:
        return result_shape, np.array([offset], dtype=np.uint64), 1, 1
    if any(len(r) == 0 for r in index_lists):
        return result_shape, np.zeros(0, dtype=np.uint64), 0, 1
    inner = index_lists[-1]
    row_len, step = len(inner), (inner.step if len(inner) > 1 else 1)
    # Row starts: offset + inner start + sum over outer axes of index * stride,
    # in uint64 (exact: every index was checked to be below 2**64).
    starts = np.array([offset + inner.start], dtype=np.uint64)
    for d in range(ndim - 1):
        r = index_lists[d]
        idx = np.array(r, dtype=np.int64).astype(np.uint64) * np.uint64(strides[d])
        starts = np.add.outer(starts, idx).reshape(-1)
    return result_shape, starts, row_len, step

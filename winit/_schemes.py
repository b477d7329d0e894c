"""Initialization schemes: Glorot/Xavier, He/Kaiming, LeCun and the rest.

Every scheme is one row of a table (``_SCHEMES``): a *kind* (how values are
made), the scheme's own parameters with their defaults and, for the
variance-scaling family, the distribution, the fan mode and the rule that gives
the variance scale.  The public functions (``winit.he_normal`` ...) are thin
wrappers over that table; ``winit.init(name, shape, **kw)`` looks a row up by
name.  All random values come from the core samplers (``winit.normal``,
``winit.uniform``, ``winit.truncated_normal``) so every value is a pure
function of ``(seed, stream, index)`` and the common keywords ``seed, stream,
name, dtype, out, offset, region, threads`` mean what they mean there.

Formulas (``fan`` chosen by ``mode``; ``gain`` multiplies the std):

* Glorot/Xavier: std ``gain*sqrt(2/(fan_in+fan_out))``, bound ``gain*sqrt(6/(fan_in+fan_out))``
* He/Kaiming:    std ``gain/sqrt(fan)`` (gain ``sqrt(2)`` for ReLU), bound ``gain*sqrt(3/fan)``
* LeCun:         std ``sqrt(1/fan_in)``, bound ``sqrt(3/fan_in)``
* heuristic_uniform: ``U(-1/sqrt(fan_in), 1/sqrt(fan_in))`` (PyTorch's Linear/Conv default)
* variance_scaling: std ``sqrt(scale/fan)``; ``"truncated_normal"`` divides the std by
  0.87962566103423978 and cuts at 2 std (so the std *after* truncation is ``sqrt(scale/fan)``).

Native ``*_normal`` schemes are untruncated normals (as in PyTorch).  Keras'
and JAX's ``he_normal`` etc. are truncated: use ``winit.keras`` / ``winit.jax``
or ``variance_scaling(..., distribution="truncated_normal")`` for those.
"""

import difflib
import inspect
import math
from dataclasses import dataclass

import numpy as np

from . import _sampling
from ._validate import check_out, check_shape, region_rows, resolve_dtype

__all__ = [
    "zeros", "ones", "constant", "random_normal", "random_uniform",
    "glorot_normal", "glorot_uniform", "xavier_normal", "xavier_uniform",
    "he_normal", "he_uniform", "kaiming_normal", "kaiming_uniform",
    "lecun_normal", "lecun_uniform", "heuristic_uniform", "variance_scaling",
    "orthogonal", "identity", "init", "schemes", "fans", "gain", "recommend",
]
# ``truncated_normal`` is a scheme too (winit.init("truncated_normal", ...)),
# but it *is* the core sampler: it is deliberately left out of __all__ so that
# ``from .schemes import *`` never shadows ``winit.truncated_normal``.

#: std of a standard normal truncated to [-2, 2] (Keras/JAX/TF constant)
TRUNCATED_STD = 0.87962566103423978

_COMMON = ("seed", "stream", "name", "dtype", "out", "offset", "region", "threads")
_FAN_KW = ("layout", "in_axis", "out_axis", "batch_axis", "mode")


# ----------------------------------------------------------------- helpers
def _unknown(what, value, valid):
    """ValueError message naming the argument, the valid values and the closest one."""
    valid = list(valid)
    msg = f"unknown {what} {value!r}"
    if isinstance(value, str):
        close = difflib.get_close_matches(value, valid, n=1, cutoff=0.5)
        if not close:
            low = value.lower()
            close = [v for v in valid if v.lower() == low]
        if close:
            msg += f" (did you mean {close[0]!r}?)"
    return msg + "; valid values: " + ", ".join(repr(v) for v in valid)


def _lookup(what, value, table):
    if isinstance(value, str) and value in table:
        return table[value]
    raise ValueError(_unknown(what, value, table))


def _core(fname):
    """The core sampler ``winit.<fname>`` (normal, uniform, truncated_normal)."""
    return getattr(_sampling, fname)


def _as_shape(shape, what="shape"):
    return check_shape(shape, what)


def _np_dtype(dtype, out=None):
    """numpy dtype for a winit dtype spec (None -> float32, or out's dtype)."""
    return resolve_dtype(dtype, out)[0]


def _logical_shape(shape, kw):
    """The full (logical) tensor shape of a call: ``shape`` or ``out.shape``."""
    out = kw.get("out")
    if shape is not None:
        return _as_shape(shape)
    if out is None:
        raise TypeError("shape is required unless out= is given")
    if kw.get("region") is not None:
        raise ValueError("region= needs the full logical shape= (out= only holds the region)")
    check_out(out)
    return tuple(out.shape)


def _region_shape(shape, region):
    """Shape of full[region], with the core's rules and messages."""
    return shape if region is None else tuple(region_rows(region, shape, 0)[0])


def _emit(full_fn, shape, kw):
    """Deterministic (non-sampled) values: build ``full_fn()`` (float64, full
    logical shape), cut the region, cast, and write to ``out`` if given."""
    out, region = kw.get("out"), kw.get("region")
    if out is not None:
        check_out(out)
    dt = _np_dtype(kw.get("dtype"), out)
    want = _region_shape(shape, region)
    if out is not None and tuple(out.shape) != tuple(want):
        raise ValueError(f"out.shape {tuple(out.shape)} does not match the shape {tuple(want)}")
    full = full_fn()
    vals = full if region is None else full[region if isinstance(region, tuple) else (region,)]
    vals = np.asarray(vals, dtype=np.float64)
    if dt.name in ("float16", "bfloat16"):
        vals = vals.astype(np.float32)  # as the spec: float32 result, then rounded
    if out is None:
        return np.ascontiguousarray(vals.astype(dt))
    out[...] = vals.astype(dt)
    return out


# --------------------------------------------------------------------- fans
#: default (in_axis, out_axis) of each layout
_LAYOUTS = {"keras": (-2, -1), "torch": (1, 0)}
#: the fan modes of every framework: PyTorch has fan_in and fan_out, Keras adds fan_avg,
#: JAX fan_geo_avg; each front-end accepts its own framework's subset
MODES = {
    "fan_in": lambda fi, fo: fi,
    "fan_out": lambda fi, fo: fo,
    "fan_avg": lambda fi, fo: (fi + fo) / 2.0,
    "fan_geo_avg": lambda fi, fo: math.sqrt(fi * fo),
}


def _axes(ax, ndim, what):
    if isinstance(ax, (int, np.integer)) and not isinstance(ax, bool):
        ax = (ax,)
    out = []
    for a in ax:
        if isinstance(a, bool) or not isinstance(a, (int, np.integer)):
            raise TypeError(f"{what} must be an int or a sequence of ints, got {ax!r}")
        if not -ndim <= a < ndim:
            raise ValueError(f"{what}={a} is out of range for a {ndim}-dimensional shape")
        out.append(int(a) % ndim)
    return out


def fans(shape, layout="keras", in_axis=None, out_axis=None, batch_axis=()):
    """``(fan_in, fan_out)`` of a weight ``shape``.

    ``layout="keras"`` (default, also JAX): ``(*kernel, in, out)``;
    ``layout="torch"``: ``(out, in, *kernel)``.  ``in_axis``/``out_axis``
    (int or sequence of ints) override the layout's axes; axes that are
    neither in, out nor ``batch_axis`` form the receptive field, which
    multiplies both fans.  Shapes with fewer than 2 dimensions have no fans
    (ValueError, as PyTorch) unless the axes are given explicitly.
    """
    shape = _as_shape(shape)
    dflt_in, dflt_out = _lookup("layout", layout, _LAYOUTS)
    nd = len(shape)
    if in_axis is None and out_axis is None and nd < 2:
        raise ValueError(
            "Fan in and fan out can not be computed for tensor with fewer than 2 "
            f"dimensions (shape={shape}); pass in_axis=/out_axis= explicitly")
    if nd == 0:
        raise ValueError("Fan in and fan out can not be computed for a 0-dimensional shape")
    ins = _axes(dflt_in if in_axis is None else in_axis, nd, "in_axis")
    outs = _axes(dflt_out if out_axis is None else out_axis, nd, "out_axis")
    bats = _axes(batch_axis, nd, "batch_axis")
    used = ins + outs + bats
    if len(set(used)) != len(used):
        raise ValueError(f"in_axis={in_axis!r}, out_axis={out_axis!r} and batch_axis={batch_axis!r} "
                         f"overlap for shape {shape} (layout {layout!r})")
    rf = math.prod(d for i, d in enumerate(shape) if i not in used)
    return math.prod(shape[i] for i in ins) * rf, math.prod(shape[i] for i in outs) * rf


# ------------------------------------------------- each framework's fan rule
# The variance-scaling core shared by every front-end: a fan rule per framework (by name),
# one table of fan modes (MODES), one std rule (variance_std) and one table of distributions
# (draw).  The front-ends only translate their names and defaults onto these.
def torch_fans(shape):
    """PyTorch's rule: ``(out, in, *kernel)``; fewer than 2 dims refused (ValueError)."""
    shape = tuple(shape)
    if len(shape) < 2:
        raise ValueError("Fan in and fan out can not be computed for tensor with fewer than 2 dimensions")
    rf = math.prod(shape[2:])
    return shape[1] * rf, shape[0] * rf


def keras_fans(shape, input_axes=None, output_axes=None):
    """Keras' rule: ``(*receptive, in, out)``; 1-D shapes give ``(n, n)``, scalars ``(1, 1)``;
    explicit axes give plain products (no receptive field)."""
    shape = tuple(shape)
    if input_axes is not None and output_axes is not None:
        return (int(math.prod(shape[a] for a in input_axes)),
                int(math.prod(shape[a] for a in output_axes)))
    if len(shape) < 1:
        return 1, 1
    if len(shape) == 1:
        return int(shape[0]), int(shape[0])
    rf = math.prod(shape[:-2])
    return int(shape[-2] * rf), int(shape[-1] * rf)


def jax_fans(shape, in_axis=-2, out_axis=-1, batch_axis=()):
    """JAX's rule: axes not in in/out/batch form the receptive field (multiplying both fans)."""
    if isinstance(in_axis, int) and in_axis == -2 and len(shape) <= 1:
        raise ValueError(f"Can't compute input and output sizes of a {len(shape)}-dimensional"
                         " weights tensor with default in_axis. Must be at least 2D or specify"
                         " in_axis explicitly.")

    def size(ax):
        return shape[ax] if isinstance(ax, int) else math.prod(shape[i] for i in ax)
    in_size, out_size, batch_size = size(in_axis), size(out_axis), size(batch_axis)
    denom = in_size * out_size * batch_size
    rf = math.prod(shape) / denom if denom else 0.0
    return in_size * rf, out_size * rf


def variance_std(scale, fan_in, fan_out, mode, floor=0.0):
    """``sqrt(scale / n)``, n the fan of ``mode`` (MODES), at least ``floor`` (Keras floors
    at 1); 0 when n is 0 (a shape with no elements)."""
    n = max(floor, _lookup("mode", mode, MODES)(fan_in, fan_out))
    return math.sqrt(scale / n) if n > 0 else 0.0


def draw(distribution, std):
    """(core sampler name, its keyword parameters) for a ``distribution`` with target ``std``:
    "normal"/"untruncated_normal", "truncated_normal" (std after truncation), "uniform"."""
    return _lookup("distribution", distribution, _DISTRIBUTIONS)(std)


# --------------------------------------------------------------------- gain
def _slope(param):
    if param is None:
        return 0.01
    if (not isinstance(param, bool) and isinstance(param, int)) or isinstance(param, float):
        return param
    raise ValueError(f"negative_slope {param} not a valid number")


_LINEAR = lambda p: 1  # noqa: E731  (PyTorch returns the int 1)
#: PyTorch's torch.nn.init.calculate_gain table
_GAINS = {
    "linear": _LINEAR, "conv1d": _LINEAR, "conv2d": _LINEAR, "conv3d": _LINEAR,
    "conv_transpose1d": _LINEAR, "conv_transpose2d": _LINEAR, "conv_transpose3d": _LINEAR,
    "sigmoid": _LINEAR,
    "tanh": lambda p: 5.0 / 3,
    "relu": lambda p: math.sqrt(2.0),
    "leaky_relu": lambda p: math.sqrt(2.0 / (1 + _slope(p) * _slope(p))),  # s*s: inf, not OverflowError
    "selu": lambda p: 3.0 / 4,
}


def gain(nonlinearity, param=None):
    """Recommended gain for a nonlinearity: PyTorch's ``calculate_gain`` table
    (linear/conv*/sigmoid 1, tanh 5/3, relu sqrt(2), leaky_relu
    sqrt(2/(1+slope^2)) with slope ``param`` (default 0.01), selu 3/4)."""
    return _lookup("nonlinearity", nonlinearity, _GAINS)(param)


# --------------------------------------------------------------- recommend
_GLOROT = ("linear", "identity", "none", "sigmoid", "tanh", "softmax", "softsign",
           "hard_sigmoid", "hardsigmoid", "hard_tanh", "hardtanh", "log_softmax", "logsoftmax")
_HE = ("relu", "relu6", "leaky_relu", "leakyrelu", "prelu", "rrelu", "elu", "celu",
       "gelu", "silu", "swish", "mish", "softplus", "hard_swish", "hardswish", "hard_silu",
       "relu_squared", "squareplus", "glu")
_RECOMMEND = {**{a: "glorot" for a in _GLOROT}, **{a: "he" for a in _HE}, "selu": "lecun"}


def recommend(activation, distribution="normal"):
    """Scheme name for a layer followed by ``activation``: Glorot for
    tanh/sigmoid/softmax/linear, He for the ReLU family (ELU, GELU, SiLU,
    Mish ...), LeCun for SELU.  ``distribution`` "normal" or "uniform"
    picks ``*_normal`` or ``*_uniform``.  ``None`` means linear."""
    act = "linear" if activation is None else activation
    if not isinstance(act, str):
        act = getattr(act, "__name__", type(act).__name__)
    key = act.strip().lower().replace("-", "_").replace(" ", "_")
    family = _RECOMMEND.get(key) or _RECOMMEND.get(key.replace("_", ""))
    if family is None:
        raise ValueError(_unknown("activation", activation, _RECOMMEND))
    dist = _lookup("distribution", distribution, {"normal": "normal", "uniform": "uniform"})
    return f"{family}_{dist}"


# ---------------------------------------------------------- the registry
@dataclass(frozen=True)
class _Scheme:
    kind: str              # key of _KINDS
    params: dict           # scheme parameters and their defaults (the one place they live)
    distribution: str = None   # variance family: key of _DISTRIBUTIONS
    mode: str = None           # variance family: default fan mode
    scale: object = None       # variance family: key of _SCALE or a number
    doc: str = ""              # the public function's docstring
    kwonly: tuple = ()         # parameters that are keyword-only in the public function


def _d_normal(std):
    return "normal", dict(mean=0.0, std=std)


def _d_truncated(std):
    return "truncated_normal", dict(mean=0.0, std=std / TRUNCATED_STD, lower=-2.0, upper=2.0)


def _d_uniform(std):
    b = math.sqrt(3.0) * std
    return "uniform", dict(low=-b, high=b)


#: distribution name -> (sampler, parameters) for a target std (see draw)
_DISTRIBUTIONS = {
    "normal": _d_normal,               # untruncated (PyTorch sense)
    "untruncated_normal": _d_normal,
    "truncated_normal": _d_truncated,  # std after truncation = target
    "uniform": _d_uniform,
}

#: variance scale rules: scheme params -> scale (= gain**2)
_SCALE = {
    "gain": lambda p: float(p["gain"]) ** 2,
    "nonlinearity": lambda p: float(gain(p["nonlinearity"], p["param"]) if p["gain"] is None
                                    else p["gain"]) ** 2,
    "scale": lambda p: float(p["scale"]),
}
_HE_PARAMS = {"gain": None, "nonlinearity": "relu", "param": None}

_SCHEMES = {
    # name: kind, own params with defaults, distribution, default mode, scale rule, docstring
    "zeros": _Scheme("constant", {"value": 0.0}, doc="All zeros (dtype float32 unless given)."),
    "ones": _Scheme("constant", {"value": 1.0}, doc="All ones."),
    "constant": _Scheme("constant", {"value": 0.0}, doc="Every element equal to ``value``."),
    "random_normal": _Scheme("sampler:normal", {"mean": 0.0, "std": 0.05},
                             doc="N(mean, std^2) with Keras' defaults (mean 0, std 0.05)."),
    "random_uniform": _Scheme("sampler:uniform", {"low": -0.05, "high": 0.05},
                              doc="U(low, high) with Keras' defaults (-0.05, 0.05)."),
    "truncated_normal": _Scheme("sampler:truncated_normal",
                                {"mean": 0.0, "std": 1.0, "lower": -2.0, "upper": 2.0},
                                doc="The core truncated-normal sampler (bounds in std units, default [-2, 2])."),
    "glorot_normal": _Scheme("variance", {"gain": 1.0}, "normal", "fan_avg", "gain",
                             "Glorot/Xavier normal: N(0, std^2), std = gain*sqrt(2/(fan_in+fan_out)), untruncated."),
    "glorot_uniform": _Scheme("variance", {"gain": 1.0}, "uniform", "fan_avg", "gain",
                              "Glorot/Xavier uniform: U(-b, b), b = gain*sqrt(6/(fan_in+fan_out))."),
    "xavier_normal": _Scheme("variance", {"gain": 1.0}, "normal", "fan_avg", "gain", "Alias of glorot_normal."),
    "xavier_uniform": _Scheme("variance", {"gain": 1.0}, "uniform", "fan_avg", "gain", "Alias of glorot_uniform."),
    "he_normal": _Scheme("variance", _HE_PARAMS, "normal", "fan_in", "nonlinearity",
                         "He/Kaiming normal: N(0, std^2), std = gain/sqrt(fan) (fan_in by default),\n"
                         "    gain = ``winit.gain(nonlinearity, param)`` (sqrt(2) for relu) unless given. Untruncated.",
                         kwonly=("nonlinearity", "param")),
    "he_uniform": _Scheme("variance", _HE_PARAMS, "uniform", "fan_in", "nonlinearity",
                          "He/Kaiming uniform: U(-b, b), b = gain*sqrt(3/fan) (sqrt(6/fan_in) for relu).",
                          kwonly=("nonlinearity", "param")),
    "kaiming_normal": _Scheme("variance", _HE_PARAMS, "normal", "fan_in", "nonlinearity",
                              "Alias of he_normal.", kwonly=("nonlinearity", "param")),
    "kaiming_uniform": _Scheme("variance", _HE_PARAMS, "uniform", "fan_in", "nonlinearity",
                               "Alias of he_uniform.", kwonly=("nonlinearity", "param")),
    "lecun_normal": _Scheme("variance", {"gain": 1.0}, "normal", "fan_in", "gain",
                            "LeCun normal: N(0, 1/fan_in), untruncated."),
    "lecun_uniform": _Scheme("variance", {"gain": 1.0}, "uniform", "fan_in", "gain",
                             "LeCun uniform: U(-b, b), b = sqrt(3/fan_in)."),
    "heuristic_uniform": _Scheme("variance", {"gain": 1.0 / math.sqrt(3.0)}, "uniform", "fan_in", "gain",
                                 "U(-1/sqrt(fan_in), 1/sqrt(fan_in)): PyTorch's default for Linear/Conv\n"
                                 "    (its kaiming_uniform_(a=sqrt(5)))."),
    "variance_scaling": _Scheme("variance", {"scale": 1.0, "distribution": "truncated_normal"},
                                None, "fan_in", "scale",
                                "std = sqrt(scale/fan(mode)). ``distribution``: \"normal\" or\n"
                                "    \"untruncated_normal\" (untruncated), \"truncated_normal\" (std divided by\n"
                                "    0.87962566103423978, cut at 2 std) or \"uniform\" (bound sqrt(3)*std)."),
    "orthogonal": _Scheme("orthogonal", {"gain": 1.0},
                          doc="gain * Haar (semi-)orthogonal matrix. A tensor with more than 2 dims is\n"
                              "    flattened as its layout's framework does: layout=\"keras\" (default, also\n"
                              "    JAX) to (prod(shape[:-1]), shape[-1]); layout=\"torch\" to (shape[0], rest).\n"
                              "    region= is supported but computes the full matrix."),
    "identity": _Scheme("identity", {"gain": 1.0},
                        doc="gain * identity: the (rectangular) eye for 2-D shapes, a Dirac delta at\n"
                            "    the kernel centre for conv kernels (channel i -> i), in the given layout."),
}


def schemes():
    """Names of all schemes, in table order (usable with ``winit.init``)."""
    return list(_SCHEMES)


def _split(name, row, kw):
    """Separate scheme params, fan keywords and common keywords; refuse others.  Every scheme
    takes every fan keyword (a rule table passes the same keywords to all); a scheme without
    fans ignores them, and a matrix scheme uses ``layout`` only."""
    used_fan = _FAN_KW if row.kind in ("variance",) else (
        ("layout",) if row.kind in ("orthogonal", "identity") else ())
    params, fankw, common = dict(row.params), {}, {}
    for k, v in kw.items():
        if k in row.params:
            params[k] = v
        elif k in _FAN_KW:
            if k in used_fan:
                fankw[k] = v
        elif k in _COMMON:
            common[k] = v
        else:
            valid = list(row.params) + list(_FAN_KW) + list(_COMMON)
            raise TypeError(f"{name}() got an unexpected keyword argument {k!r}; "
                            f"valid keywords: {', '.join(valid)}")
    return params, fankw, common


def _run_constant(name, row, shape, params, fankw, common):
    full = _logical_shape(shape, common)
    value = params["value"]
    try:
        value = float(value)
    except (TypeError, ValueError):
        raise TypeError(f"{name}: value must be a real number, got {value!r}") from None
    return _emit(lambda: np.full(full, value), full, common)


def _run_sampler(name, row, shape, params, fankw, common):
    sampler = _core(row.kind.split(":", 1)[1])
    return sampler(shape, **params, **common)


def _run_variance(name, row, shape, params, fankw, common):
    full = _logical_shape(shape, common)
    mode = fankw.pop("mode", row.mode)
    _lookup("mode", mode, MODES)
    fi, fo = fans(full, **fankw)
    distribution = row.distribution
    if row.scale == "scale":
        distribution = params["distribution"]
        _lookup("distribution", distribution, _DISTRIBUTIONS)
        if not (isinstance(params["scale"], (int, float, np.floating, np.integer))
                and params["scale"] > 0):
            raise ValueError(f"{name}: scale must be a positive number, got {params['scale']!r}")
    kind, sp = draw(distribution, variance_std(_SCALE[row.scale](params), fi, fo, mode))
    return _core(kind)(shape, **sp, **common)


def _flat_rows_cols(shape, layout):
    """How a layout's framework flattens a tensor to a matrix for orthogonal init."""
    n = math.prod(shape)
    if layout == "torch":      # rows = out channels, cols = in * kernel
        rows = shape[0]
    else:                      # keras/jax: cols = last (output) axis
        rows = n // shape[-1] if shape[-1] else math.prod(shape[:-1])
    cols = (n // rows) if rows else math.prod(shape[1:] if layout == "torch" else shape[-1:])
    return rows, cols


def orthogonal_matrix(rows, cols, gauss):
    """Haar-distributed (semi-)orthogonal ``(rows, cols)`` matrix: QR of a
    ``(max, min)`` standard-normal matrix ``gauss(shape)`` with the signs of
    ``diag(R)`` folded into Q (Mezzadri 2007), transposed when rows < cols."""
    big, small = max(rows, cols), min(rows, cols)
    a = np.asarray(gauss((big, small)), dtype=np.float64)
    q, r = np.linalg.qr(a)
    q = q * np.where(np.diagonal(r) < 0, -1.0, 1.0)
    return q.T if rows < cols else q


def _matrix_args(what, shape, params, fankw, common):
    """(logical shape, layout, gain) of a matrix scheme (orthogonal, identity), checked."""
    full = _logical_shape(shape, common)
    layout = fankw.get("layout", "keras")
    _lookup("layout", layout, _LAYOUTS)
    if len(full) < 2:
        raise ValueError(f"{what} needs a shape with at least 2 dimensions, got {full}")
    return full, layout, float(params["gain"])


def _run_orthogonal(name, row, shape, params, fankw, common):
    full, layout, g = _matrix_args("orthogonal", shape, params, fankw, common)
    rnd = {k: common[k] for k in ("seed", "stream", "name", "offset", "threads") if k in common}
    _np_dtype(common.get("dtype"))  # validate before any work

    def build():
        if math.prod(full) == 0:
            return np.zeros(full)
        rows, cols = _flat_rows_cols(full, layout)
        gauss = lambda s: _core("normal")(s, dtype="float64", **rnd)  # noqa: E731
        return g * orthogonal_matrix(rows, cols, gauss).reshape(full)
    return _emit(build, full, common)


def _run_identity(name, row, shape, params, fankw, common):
    full, layout, g = _matrix_args("identity", shape, params, fankw, common)

    def build():
        w = np.zeros(full)
        if len(full) == 2:
            k = min(full)
            w[np.arange(k), np.arange(k)] = g
            return w
        if layout == "torch":   # (out, in, *kernel): Dirac delta as torch.nn.init.dirac_
            k = min(full[0], full[1])
            center = tuple(s // 2 for s in full[2:])
            idx = (np.arange(k), np.arange(k)) + center
        else:                   # (*kernel, in, out)
            k = min(full[-2], full[-1])
            center = tuple(s // 2 for s in full[:-2])
            idx = center + (np.arange(k), np.arange(k))
        w[idx] = g
        return w
    return _emit(build, full, common)


_KINDS = {
    "constant": _run_constant,
    "sampler:normal": _run_sampler,
    "sampler:uniform": _run_sampler,
    "sampler:truncated_normal": _run_sampler,
    "variance": _run_variance,
    "orthogonal": _run_orthogonal,
    "identity": _run_identity,
}


def _run(name, shape, params, kw):
    row = _SCHEMES[name]
    kw = {**params, **kw}
    p, fankw, common = _split(name, row, kw)
    return _KINDS[row.kind](name, row, shape, p, fankw, common)


def init(scheme, shape=None, **kwargs):
    """Initialize with a scheme named by string: ``init("he_normal", (256, 128), seed=0)``.
    ``scheme`` may also be a callable taking ``(shape, **kwargs)``."""
    if callable(scheme):
        return scheme(shape, **kwargs)
    _lookup("scheme", scheme, _SCHEMES)
    return _run(scheme, shape, {}, kwargs)


# ------------------------------------------------- one function per scheme
_COMMON_DOC = """
    Common keywords: seed, stream, name, dtype, out, offset, region, threads
    (as for ``winit.normal``)."""
_FAN_DOC = """
    Fan keywords: mode ("fan_in", "fan_out", "fan_avg", "fan_geo_avg"),
    layout ("keras": (*kernel, in, out), default; "torch": (out, in, *kernel)),
    in_axis, out_axis, batch_axis (see ``winit.fans``)."""


def _scheme_function(name):
    """``winit.<name>(shape=None, <the row's parameters with their defaults>, **kw)``, made from
    its table row: a real signature (``help()``, ``inspect``), the row's docstring, and the
    defaults taken from the table, where alone they are written."""
    row = _SCHEMES[name]
    P = inspect.Parameter
    params = [P("shape", P.POSITIONAL_OR_KEYWORD, default=None)]
    for k, v in row.params.items():
        params.append(P(k, P.KEYWORD_ONLY if k in row.kwonly else P.POSITIONAL_OR_KEYWORD, default=v))
    if row.kind == "variance" and row.scale == "scale":  # variance_scaling(shape, scale, mode, distribution)
        params.insert(2, P("mode", P.POSITIONAL_OR_KEYWORD, default=row.mode))
    params.sort(key=lambda p: p.kind)  # keyword-only after the positional ones
    sig = inspect.Signature(params + [P("kw", P.VAR_KEYWORD)])

    def scheme(*args, **kwargs):
        bound = sig.bind(*args, **kwargs)
        bound.apply_defaults()
        values = dict(bound.arguments)
        shape, kw = values.pop("shape"), values.pop("kw")
        return _run(name, shape, values, kw)

    scheme.__name__ = scheme.__qualname__ = name
    scheme.__module__ = "winit"
    scheme.__signature__ = sig
    scheme.__doc__ = row.doc + "\n" + (_FAN_DOC + "\n" if row.kind == "variance" else "") + _COMMON_DOC
    return scheme


# Named one by one (not in a loop) so that linters and IDEs see every public name.
zeros = _scheme_function("zeros")
ones = _scheme_function("ones")
constant = _scheme_function("constant")
random_normal = _scheme_function("random_normal")
random_uniform = _scheme_function("random_uniform")
truncated_normal = _scheme_function("truncated_normal")
glorot_normal = _scheme_function("glorot_normal")
glorot_uniform = _scheme_function("glorot_uniform")
xavier_normal = _scheme_function("xavier_normal")
xavier_uniform = _scheme_function("xavier_uniform")
he_normal = _scheme_function("he_normal")
he_uniform = _scheme_function("he_uniform")
kaiming_normal = _scheme_function("kaiming_normal")
kaiming_uniform = _scheme_function("kaiming_uniform")
lecun_normal = _scheme_function("lecun_normal")
lecun_uniform = _scheme_function("lecun_uniform")
heuristic_uniform = _scheme_function("heuristic_uniform")
variance_scaling = _scheme_function("variance_scaling")
orthogonal = _scheme_function("orthogonal")
identity = _scheme_function("identity")
assert all(n in globals() for n in _SCHEMES), "a table row without its function"

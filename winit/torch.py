"""winit.torch: ``torch.nn.init``, reproducibly.

Every public name of ``torch.nn.init`` with the same signature and semantics,
filling CPU tensors (float32, float64, float16, bfloat16; contiguous or not)
in place from winit's counter-based stream instead of torch's global RNG:

    import torch, winit.torch as wt
    w = torch.empty(256, 128)
    wt.kaiming_uniform_(w, a=5 ** 0.5, seed=0, name="fc.weight")

Where the values come from (first that applies):

* ``generator=`` a :class:`winit.Generator` (each call advances it);
* ``seed=`` (and optionally ``stream=`` or ``name=``): a pure function of them;
* otherwise this module's default generator, seeded from OS entropy or by
  :func:`manual_seed` (the analogue of ``torch.manual_seed``).

``init_module(module, seed)`` re-initializes a whole ``nn.Module`` with
PyTorch's own per-layer defaults, each parameter on the stream of its
qualified name, so adding, removing or reordering layers never changes the
values of the other layers.
"""
import fnmatch
import importlib
import math
import warnings

import numpy as np
import torch
import torch.nn as nn
import torch.nn.init as _tinit

from ._generator import Generator
from ._sampling import normal as _normal
from ._sampling import truncated_normal as _truncated_normal
from ._sampling import uniform as _uniform
from ._validate import check_seed, closest

try:
    import ml_dtypes as _ml_dtypes
except ImportError:  # pragma: no cover
    _ml_dtypes = None

from . import _schemes

__all__ = [
    "calculate_gain", "uniform_", "normal_", "trunc_normal_", "constant_", "ones_", "zeros_",
    "eye_", "dirac_", "xavier_uniform_", "xavier_normal_", "kaiming_uniform_", "kaiming_normal_",
    "orthogonal_", "sparse_",
    # deprecated aliases, as torch.nn.init
    "uniform", "normal", "constant", "eye", "dirac", "xavier_uniform", "xavier_normal",
    "kaiming_uniform", "kaiming_normal", "orthogonal", "sparse",
    # winit additions
    "manual_seed", "default_generator", "init_module",
]

_NP_DTYPES = {torch.float32: np.dtype(np.float32), torch.float64: np.dtype(np.float64),
              torch.float16: np.dtype(np.float16)}
if _ml_dtypes is not None:
    _NP_DTYPES[torch.bfloat16] = np.dtype(_ml_dtypes.bfloat16)

# ------------------------------------------------------------ the generator
_default = None


def manual_seed(seed):
    """Seed this module's default generator (used when neither ``generator=``
    nor ``seed=`` is given); returns the new :class:`winit.Generator`."""
    global _default
    _default = Generator(seed)
    return _default


def default_generator():
    """This module's default :class:`winit.Generator` (created from OS entropy
    on first use unless :func:`manual_seed` was called)."""
    global _default
    if _default is None:
        _default = Generator()
    return _default


def _source(generator, seed, stream, name):
    """(generator, None) or (None, dict(seed=, stream=, name=))."""
    if generator is not None:
        if not isinstance(generator, Generator):
            raise TypeError("generator must be a winit.Generator (winit does not use torch's RNG); "
                            f"got {type(generator).__module__}.{type(generator).__name__}")
        if seed is not None or stream is not None or name is not None:
            raise ValueError("give generator= or seed=/stream=/name=, not both")
        return generator, None
    if seed is None and stream is None and name is None:
        return default_generator(), None
    if seed is None:  # a name/stream without a seed: seed from the default generator
        w = default_generator().random_raw(2)
        seed = int(w[0]) | (int(w[1]) << 32)
    return None, {"seed": seed, "stream": stream, "name": name}


# ------------------------------------------------------ tensor <-> numpy
def _np_dtype(tensor):
    dt = _NP_DTYPES.get(tensor.dtype)
    if dt is None:
        raise TypeError("winit.torch fills floating tensors of dtype float32, float64, float16 or "
                        f"bfloat16; got {tensor.dtype}")
    return dt


def _np_view(tensor):
    """A numpy array sharing ``tensor``'s memory (CPU, any strides), or None."""
    if tensor.device.type != "cpu":
        return None
    t = tensor.detach()
    if any(s == 0 and n > 1 for s, n in zip(t.stride(), t.shape)):
        raise RuntimeError("unsupported operation: more than one element of the written-to tensor "
                           "refers to a single memory location. Please clone() the tensor before "
                           "performing the operation.")
    if t.dtype == torch.bfloat16:
        return t.view(torch.int16).numpy().view(_NP_DTYPES[torch.bfloat16])
    return t.numpy()


def _write(tensor, fill):
    """Run ``fill(arr)`` on a numpy view of ``tensor`` (or a temporary copied in)."""
    dt = _np_dtype(tensor)
    if tensor.is_meta:
        return tensor
    with torch.no_grad():
        arr = _np_view(tensor)
        if arr is not None:
            fill(arr)
        else:
            arr = np.empty(tuple(tensor.shape), dtype=dt)
            fill(arr)
            tensor.copy_(_from_numpy(arr))
    return tensor


def _from_numpy(arr):
    if _ml_dtypes is not None and arr.dtype == _NP_DTYPES.get(torch.bfloat16):
        return torch.from_numpy(np.ascontiguousarray(arr).view(np.int16)).view(torch.bfloat16)
    return torch.from_numpy(np.ascontiguousarray(arr))


_GEN_METHODS = {_normal: "normal", _uniform: "uniform", _truncated_normal: "truncated_normal"}


def _sample(tensor, sampler, params, generator, seed, stream, name):
    gen, src = _source(generator, seed, stream, name)

    def fill(arr):
        if gen is not None:
            getattr(gen, _GEN_METHODS[sampler])(*params, out=arr)
        else:
            sampler(None, *params, out=arr, **src)
    return _write(tensor, fill)


# ----------------------------------------------------------- torch.nn.init
def calculate_gain(nonlinearity, param=None):
    """Recommended gain for a nonlinearity (PyTorch's table; see ``winit.gain``)."""
    return _schemes.gain(nonlinearity, param)


def uniform_(tensor, a=0.0, b=1.0, generator=None, *, seed=None, stream=None, name=None):
    r"""Fill ``tensor`` with values from :math:`\mathcal{U}(a, b)`."""
    if a > b:
        raise ValueError(f"uniform_ expects to return a [from, to) range, but found from={a} > to={b}")
    return _sample(tensor, _uniform, (a, b), generator, seed, stream, name)


def normal_(tensor, mean=0.0, std=1.0, generator=None, *, seed=None, stream=None, name=None):
    r"""Fill ``tensor`` with values from :math:`\mathcal{N}(\text{mean}, \text{std}^2)`."""
    if std < 0:
        raise ValueError(f"normal expects std >= 0.0, but found std {std}")
    return _sample(tensor, _normal, (mean, std), generator, seed, stream, name)


def trunc_normal_(tensor, mean=0.0, std=1.0, a=-2.0, b=2.0, generator=None, *, seed=None,
                  stream=None, name=None):
    r"""Fill ``tensor`` from :math:`\mathcal{N}(\text{mean}, \text{std}^2)` truncated to
    ``[a, b]`` -- **absolute** bounds, as PyTorch (not in units of std).  Sampled by
    inverse CDF (no rejection loop), then clamped to ``[a, b]`` in the tensor's dtype."""
    if tensor.is_meta:
        return tensor
    if not std > 0:
        raise ValueError(f"trunc_normal_ expects std > 0, but found std {std}")
    if not a < b:
        raise ValueError(f"trunc_normal_ expects a < b, but found a={a}, b={b}")
    if (mean < a - 2 * std) or (mean > b + 2 * std):
        warnings.warn("mean is more than 2 std from [a, b] in nn.init.trunc_normal_. "
                      "The distribution of values may be incorrect.", stacklevel=2)
    lower, upper = (a - mean) / std, (b - mean) / std
    _sample(tensor, _truncated_normal, (mean, std, lower, upper), generator, seed, stream, name)
    with torch.no_grad():
        tensor.clamp_(a, b)
    return tensor


def constant_(tensor, val, *, seed=None, stream=None, name=None):
    r"""Fill ``tensor`` with ``val`` (``torch.nn.init.constant_``; the winit keywords are ignored)."""
    return _tinit.constant_(tensor, val)


def ones_(tensor, *, seed=None, stream=None, name=None):
    """Fill ``tensor`` with 1."""
    return _tinit.ones_(tensor)


def zeros_(tensor, *, seed=None, stream=None, name=None):
    """Fill ``tensor`` with 0."""
    return _tinit.zeros_(tensor)


def eye_(tensor, *, seed=None, stream=None, name=None):
    """Fill a 2-D ``tensor`` with the identity matrix (``torch.nn.init.eye_``)."""
    return _tinit.eye_(tensor)


def dirac_(tensor, groups=1, *, seed=None, stream=None, name=None):
    """Fill a {3,4,5}-D ``tensor`` with the Dirac delta (``torch.nn.init.dirac_``)."""
    return _tinit.dirac_(tensor, groups)


def _calculate_fan_in_and_fan_out(tensor):
    dimensions = tensor.dim()
    if dimensions < 2:
        raise ValueError("Fan in and fan out can not be computed for tensor with fewer than 2 dimensions")
    receptive_field_size = math.prod(tensor.shape[2:])
    return tensor.size(1) * receptive_field_size, tensor.size(0) * receptive_field_size


def _calculate_correct_fan(tensor, mode):
    mode = mode.lower()
    valid_modes = ["fan_in", "fan_out"]
    if mode not in valid_modes:
        raise ValueError(f"Mode {mode} not supported, please use one of {valid_modes}"
                         + closest(mode, valid_modes))
    fan_in, fan_out = _calculate_fan_in_and_fan_out(tensor)
    return fan_in if mode == "fan_in" else fan_out


def _xavier_std(tensor, gain):
    """gain * sqrt(2 / (fan_in + fan_out)), or None for a tensor with no elements."""
    fan_in, fan_out = _calculate_fan_in_and_fan_out(tensor)
    if fan_in + fan_out == 0:
        return None
    return gain * math.sqrt(2.0 / float(fan_in + fan_out))


def xavier_uniform_(tensor, gain=1.0, generator=None, *, seed=None, stream=None, name=None):
    r"""Glorot uniform: :math:`\mathcal{U}(-a, a)`, ``a = gain * sqrt(6 / (fan_in + fan_out))``."""
    std = _xavier_std(tensor, gain)
    if std is None:
        return tensor
    a = math.sqrt(3.0) * std
    return _sample(tensor, _uniform, (-a, a), generator, seed, stream, name)


def xavier_normal_(tensor, gain=1.0, generator=None, *, seed=None, stream=None, name=None):
    r"""Glorot normal: :math:`\mathcal{N}(0, \text{std}^2)`, ``std = gain * sqrt(2 / (fan_in + fan_out))``."""
    std = _xavier_std(tensor, gain)
    if std is None:
        return tensor
    return _sample(tensor, _normal, (0.0, std), generator, seed, stream, name)


def _kaiming_std(tensor, a, mode, nonlinearity):
    fan = _calculate_correct_fan(tensor, mode)
    return calculate_gain(nonlinearity, a) / math.sqrt(fan)


def kaiming_uniform_(tensor, a=0, mode="fan_in", nonlinearity="leaky_relu", generator=None, *,
                     seed=None, stream=None, name=None):
    r"""He uniform: :math:`\mathcal{U}(-b, b)`, ``b = gain * sqrt(3 / fan_mode)``, ``gain =
    calculate_gain(nonlinearity, a)`` (``a``: negative slope of leaky_relu)."""
    if 0 in tensor.shape:
        warnings.warn("Initializing zero-element tensors is a no-op", stacklevel=2)
        return tensor
    bound = math.sqrt(3.0) * _kaiming_std(tensor, a, mode, nonlinearity)
    return _sample(tensor, _uniform, (-bound, bound), generator, seed, stream, name)


def kaiming_normal_(tensor, a=0, mode="fan_in", nonlinearity="leaky_relu", generator=None, *,
                    seed=None, stream=None, name=None):
    r"""He normal: :math:`\mathcal{N}(0, \text{std}^2)`, ``std = gain / sqrt(fan_mode)``."""
    if 0 in tensor.shape:
        warnings.warn("Initializing zero-element tensors is a no-op", stacklevel=2)
        return tensor
    std = _kaiming_std(tensor, a, mode, nonlinearity)
    return _sample(tensor, _normal, (0.0, std), generator, seed, stream, name)


def _gauss(gen, src):
    """float64 standard normals of a given shape from a generator or a (seed, stream)."""
    if gen is not None:
        return lambda shape: gen.standard_normal(size=shape, dtype=np.float64)
    return lambda shape: _normal(shape, dtype="float64", **src)


def _cast(values, dt):
    """float64 values to the output dtype as winit does (half types via float32)."""
    if dt.itemsize < 4:
        values = values.astype(np.float32)
    return values.astype(dt)


def orthogonal_(tensor, gain=1, generator=None, *, seed=None, stream=None, name=None):
    r"""(Semi-)orthogonal matrix times ``gain``; tensors with more than 2 dims are
    flattened to ``(shape[0], prod(shape[1:]))`` as PyTorch does.  The Gaussian
    matrix is drawn in float64 and QR-factorized with the sign correction."""
    if tensor.ndimension() < 2:
        raise ValueError("Only tensors with 2 or more dimensions are supported")
    if tensor.numel() == 0 or tensor.is_meta:
        return tensor
    gen, src = _source(generator, seed, stream, name)
    rows = tensor.size(0)
    cols = tensor.numel() // rows

    def fill(arr):
        q = _schemes.orthogonal_matrix(rows, cols, _gauss(gen, src))
        arr[...] = _cast(float(gain) * q.reshape(arr.shape), arr.dtype)
    return _write(tensor, fill)


def sparse_(tensor, sparsity, std=0.01, generator=None, *, seed=None, stream=None, name=None):
    r"""2-D sparse matrix: :math:`\mathcal{N}(0, \text{std}^2)` values with
    ``ceil(sparsity * rows)`` zeros per column.  The zeroed rows of each column
    come from the same winit stream (PyTorch uses its global ``randperm``)."""
    if tensor.ndimension() != 2:
        raise ValueError("Only tensors with 2 dimensions are supported")
    if tensor.is_meta:
        return tensor
    gen, src = _source(generator, seed, stream, name)
    rows, cols = tensor.shape
    num_zeros = math.ceil(sparsity * rows)

    def fill(arr):
        n = arr.size
        if gen is not None:
            gen.normal(0.0, std, out=arr)
            keys = gen.random(size=(rows, cols))
        else:
            _normal(None, 0.0, std, out=arr, **src)
            per_block = 2 if arr.dtype.itemsize == 8 else 4
            # float64 uniforms on the blocks after the normals' (2 per block)
            keys = _uniform((rows, cols), dtype="float64", offset=2 * -(-n // per_block), **src)
        order = np.argsort(keys, axis=0, kind="stable")[:num_zeros]
        arr[order, np.arange(cols)[None, :]] = 0
    return _write(tensor, fill)


def _make_deprecate(meth):
    new_name = meth.__name__
    old_name = new_name[:-1]

    def deprecated_init(*args, **kwargs):
        warnings.warn(f"`nn.init.{old_name}` is now deprecated in favor of `nn.init.{new_name}`.",
                      FutureWarning, stacklevel=2)
        return meth(*args, **kwargs)
    deprecated_init.__doc__ = f"{old_name}(...): deprecated in favor of :func:`{new_name}`."
    deprecated_init.__name__ = old_name
    return deprecated_init


uniform = _make_deprecate(uniform_)
normal = _make_deprecate(normal_)
constant = _make_deprecate(constant_)
eye = _make_deprecate(eye_)
dirac = _make_deprecate(dirac_)
xavier_uniform = _make_deprecate(xavier_uniform_)
xavier_normal = _make_deprecate(xavier_normal_)
kaiming_uniform = _make_deprecate(kaiming_uniform_)
kaiming_normal = _make_deprecate(kaiming_normal_)
orthogonal = _make_deprecate(orthogonal_)
sparse = _make_deprecate(sparse_)


# -------------------------------------------------------------- init_module
# Each default is fn(owner_module, param_name, tensor, seed, qualname) and
# reproduces the layer's own reset_parameters() on winit's stream.
def _fan_in_bound(weight):
    fan_in, _ = _calculate_fan_in_and_fan_out(weight)
    return 1 / math.sqrt(fan_in) if fan_in > 0 else 0


def _d_linear(mod, pname, p, seed, q):
    if pname == "weight":
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # zero-element weights: a no-op, as torch
            kaiming_uniform_(p, a=math.sqrt(5), seed=seed, name=q)
    else:
        b = _fan_in_bound(mod.weight)
        uniform_(p, -b, b, seed=seed, name=q)


def _d_bilinear(mod, pname, p, seed, q):
    b = 1 / math.sqrt(mod.weight.size(1))
    uniform_(p, -b, b, seed=seed, name=q)


def _d_embedding(mod, pname, p, seed, q):
    normal_(p, seed=seed, name=q)
    if getattr(mod, "padding_idx", None) is not None:
        with torch.no_grad():
            p[mod.padding_idx].fill_(0)


def _d_norm(mod, pname, p, seed, q):
    (ones_ if pname == "weight" else zeros_)(p)


def _d_rnn(mod, pname, p, seed, q):
    stdv = 1.0 / math.sqrt(mod.hidden_size) if mod.hidden_size > 0 else 0
    uniform_(p, -stdv, stdv, seed=seed, name=q)


def _d_mha(mod, pname, p, seed, q):
    if pname in ("in_proj_weight", "q_proj_weight", "k_proj_weight", "v_proj_weight"):
        xavier_uniform_(p, seed=seed, name=q)
    elif pname == "in_proj_bias":
        zeros_(p)
    else:  # bias_k, bias_v
        xavier_normal_(p, seed=seed, name=q)


def _d_prelu(mod, pname, p, seed, q):
    constant_(p, mod.init)


_DEFAULTS = {
    **({nn.RMSNorm: _d_norm} if hasattr(nn, "RMSNorm") else {}),  # torch >= 2.4
    nn.Linear: _d_linear,
    nn.modules.conv._ConvNd: _d_linear,
    nn.Bilinear: _d_bilinear,
    nn.Embedding: _d_embedding,
    nn.EmbeddingBag: _d_embedding,
    nn.LayerNorm: _d_norm,
    nn.GroupNorm: _d_norm,
    nn.modules.batchnorm._NormBase: _d_norm,
    nn.RNNBase: _d_rnn,
    nn.RNNCellBase: _d_rnn,
    nn.MultiheadAttention: _d_mha,
    nn.PReLU: _d_prelu,
}


def _default_for(mod):
    for cls in type(mod).__mro__:
        if cls in _DEFAULTS:
            return _DEFAULTS[cls]
    return None


# Container-level overrides: fn(container, prefix, plan) edits the plan of the
# parameters below it, as the container's own _reset_parameters() does.
def _o_mha(mod, prefix, plan):
    q = prefix + "out_proj.bias"
    if mod.in_proj_bias is not None and q in plan:
        plan[q] = ("zeros_", lambda p, seed, qn: zeros_(p))


def _o_transformer(mod, prefix, plan):
    for qn, p in mod.named_parameters(prefix=prefix.rstrip(".")):
        if qn in plan and p.dim() > 1:
            plan[qn] = ("xavier_uniform_", lambda p, seed, qn: xavier_uniform_(p, seed=seed, name=qn))


_OVERRIDES = {nn.MultiheadAttention: _o_mha, nn.Transformer: _o_transformer}


def _rule_fn(rule, key):
    """A rule value -> fn(tensor, seed, qualname), or None to leave the parameter alone."""
    if rule is None:
        return None
    if isinstance(rule, (bool, np.bool_)):
        raise TypeError(f"rules[{key!r}]: expected a scheme name, (name, kwargs), a number, "
                        f"a callable or None; got {rule!r}")
    if isinstance(rule, (int, float, np.integer, np.floating)):
        return lambda p, seed, qn: constant_(p, float(rule))
    kwargs = {}
    if isinstance(rule, tuple):
        if len(rule) != 2 or not isinstance(rule[1], dict):
            raise TypeError(f"rules[{key!r}]: a tuple rule must be (scheme_name, kwargs_dict); got {rule!r}")
        rule, kwargs = rule
    if callable(rule):
        fn = rule
        return lambda p, seed, qn: fn(p, **kwargs, seed=seed, name=qn)
    if not isinstance(rule, str):
        raise TypeError(f"rules[{key!r}]: expected a scheme name, (name, kwargs), a number, "
                        f"a callable or None; got {rule!r}")
    if rule.endswith("_") and rule in __all__:
        fn = globals()[rule]
        return lambda p, seed, qn: fn(p, **kwargs, seed=seed, name=qn)
    if rule not in _schemes._SCHEMES:
        valid = list(_schemes._SCHEMES) + [n for n in __all__ if n.endswith("_")]
        raise ValueError(f"rules[{key!r}]: " + _schemes._unknown("scheme", rule, valid))
    kw = dict(kwargs)
    if _schemes._SCHEMES[rule].kind in ("variance", "orthogonal", "identity"):
        kw.setdefault("layout", "torch")

    def apply(p, seed, qn):
        return _write(p, lambda arr: _schemes.init(rule, arr.shape, out=arr, seed=seed, name=qn, **kw))
    return apply


def _matches(key, qn, owner):
    if isinstance(key, type):
        return isinstance(owner, key)
    return qn == key or fnmatch.fnmatchcase(qn, key)


def init_module(module, seed=None, rules=None):
    """Re-initialize every parameter of ``module`` in place and return it.

    Each parameter gets its layer's PyTorch default (Linear/Conv*: weight
    ``kaiming_uniform_(a=sqrt(5))``, bias ``U(+-1/sqrt(fan_in))``; Embedding
    ``N(0, 1)`` with the padding row zeroed; LayerNorm/GroupNorm/RMSNorm/
    BatchNorm/InstanceNorm weight 1, bias 0 (BatchNorm running stats are reset
    too); RNN/LSTM/GRU ``U(+-1/sqrt(hidden_size))``; MultiheadAttention and
    nn.Transformer as their ``_reset_parameters``; PReLU its ``init``), drawn
    with ``seed`` on the stream ``name=<qualified parameter name>``: the
    values of a parameter depend only on (seed, its name, its shape), never on
    the other layers or on the order of creation.

    ``rules`` maps qualified names, glob patterns (``"*.weight"``, fnmatch) or
    module classes to what to do instead; the first matching key wins:
    a winit scheme name (``"he_normal"``, applied in the torch layout), a
    ``winit.torch`` function name (``"kaiming_normal_"``), ``(name, kwargs)``,
    a number (constant), a callable ``fn(tensor, seed=, name=)`` or ``None``
    (leave untouched).  Parameters without a known default and without a rule
    are refused (ValueError) before anything is written, as are rules that
    match no parameter.  ``seed=None`` draws one seed from the default generator.
    Meta tensors are skipped (call ``module.to_empty(device="cpu")`` first).
    """
    if not isinstance(module, nn.Module):
        raise TypeError(f"module must be a torch.nn.Module, got {type(module).__name__}")
    if seed is None:
        w = default_generator().random_raw(2)
        seed = int(w[0]) | (int(w[1]) << 32)
    seed = check_seed(seed)
    rules = dict(rules or {})
    params = list(module.named_parameters())
    lazy = [qn for qn, p in params if isinstance(p, nn.parameter.UninitializedParameter)]
    if lazy:
        raise ValueError("lazy parameters are not materialized yet (run a forward pass first): "
                         + ", ".join(lazy))
    plan, unknown = {}, []
    for qn, p in params:
        prefix, _, pname = qn.rpartition(".")
        owner = module.get_submodule(prefix)
        d = _default_for(owner)
        if d is None:
            unknown.append(f"{qn} ({type(owner).__name__})")
            plan[qn] = None
        else:
            plan[qn] = (d.__name__, lambda p, seed, qn, d=d, owner=owner, pname=pname:
                        d(owner, pname, p, seed, qn))
    # containers' own resets, innermost first so that outer ones win
    for mname, mod in reversed(list(module.named_modules())):
        o = next((_OVERRIDES[c] for c in type(mod).__mro__ if c in _OVERRIDES), None)
        if o is not None:
            o(mod, mname + "." if mname else "", plan)
    # user rules
    used = set()
    compiled = [(k, _rule_fn(v, k)) for k, v in rules.items()]
    for qn, p in params:
        owner = module.get_submodule(qn.rpartition(".")[0])
        for k, fn in compiled:
            if _matches(k, qn, owner):
                used.add(k if isinstance(k, type) else str(k))
                plan[qn] = ("rule", fn) if fn is not None else ("skip", None)
                break
    unmatched = [k for k, _ in compiled if (k if isinstance(k, type) else str(k)) not in used]
    if unmatched:
        raise ValueError(f"rules {unmatched!r} match no parameter; parameters: "
                         + ", ".join(qn for qn, _ in params))
    missing = [u for u in unknown if plan[u.split(" ")[0]] is None]
    if missing:
        raise ValueError("no PyTorch default is known for: " + ", ".join(missing)
                         + "; give rules={name_or_pattern: scheme} for them")
    for qn, p in params:
        kind, fn = plan[qn]
        if fn is not None and not p.is_meta:
            fn(p, seed, qn)
    # BatchNorm & co.: reset running statistics, as their reset_parameters() does
    with torch.no_grad():
        for mod in module.modules():
            if (isinstance(mod, nn.modules.batchnorm._NormBase) and mod.track_running_stats
                    and mod.running_mean is not None and not mod.running_mean.is_meta):
                mod.reset_running_stats()
    return module

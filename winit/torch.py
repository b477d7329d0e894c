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
import copy
import fnmatch
import importlib
import inspect
import json
import math
import os
import warnings

import numpy as np
import torch
import torch.nn as nn
import torch.nn.init as _tinit

from ._generator import Generator
from ._sampling import normal as _normal
from ._sampling import truncated_normal as _truncated_normal
from ._sampling import uniform as _uniform
from . import _torch_tensor
from ._torch_tensor import _np_dtype
from ._validate import check_real, check_seed, closest

from . import _deferred, _schemes
from ._deferred import DeferredInitError

__all__ = [
    "calculate_gain", "uniform_", "normal_", "trunc_normal_", "constant_", "ones_", "zeros_",
    "eye_", "dirac_", "xavier_uniform_", "xavier_normal_", "kaiming_uniform_", "kaiming_normal_",
    "orthogonal_", "sparse_",
    # deprecated aliases, as torch.nn.init
    "uniform", "normal", "constant", "eye", "dirac", "xavier_uniform", "xavier_normal",
    "kaiming_uniform", "kaiming_normal", "orthogonal", "sparse",
    # winit additions
    "manual_seed", "default_generator", "init_module",
    "deferred_init", "materialize", "is_deferred", "save_safetensors", "DeferredInitError",
    "ArgumentError",
]

class ArgumentError(ValueError, RuntimeError):
    """A refused argument where ``torch.nn.init`` raises ``RuntimeError`` (``uniform_`` with
    a > b, ``normal_`` with std < 0): both a ``ValueError`` and a ``RuntimeError``, so code
    written for either catches it."""


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


_GEN_METHODS = {_normal: "normal", _uniform: "uniform", _truncated_normal: "truncated_normal"}


def _sample(tensor, sampler, params, generator, seed, stream, name):
    gen, src = _source(generator, seed, stream, name)
    if _deferred._local(tensor) is not None:
        if gen is not None:
            raise ValueError("a DTensor is filled from seed= (and stream= or name=), not from a "
                             "generator: each rank would advance its own")
        return _fill_shard(tensor, lambda shape, region, arr: sampler(shape, *params, region=region,
                                                                       out=arr, **src))

    def fill(arr):
        if gen is not None:
            getattr(gen, _GEN_METHODS[sampler])(*params, out=arr)
        else:
            sampler(None, *params, out=arr, **src)
    return _write(tensor, fill)


def _fill_shard(dt, fill_region):
    """Fill DTensor ``dt``'s local shard, box by box, with ``fill_region(global_shape, region,
    out)``: each box gets the values of that region of the whole tensor."""
    import itertools

    local = dt._local_tensor
    if local.is_meta:
        return dt
    indices = _shard_indices(dt)
    if indices is None:
        raise ValueError(f"a DTensor with placements {tuple(dt.placements)}: winit fills Shard, "
                         "_StridedShard and Replicate placements")
    for box in itertools.product(*[_runs(ix) for ix in indices]):
        part = local[tuple(slice(p, p + b - a) for a, b, p in box)]
        region = tuple(slice(a, b) for a, b, _ in box)
        _torch_tensor._write(part, lambda arr, region=region: fill_region(tuple(dt.shape), region, arr))
    return dt


def _write_whole(dt, fill):
    """Fill DTensor ``dt`` from ``fill(arr)`` on the whole tensor, computed on this rank (for
    what needs the whole matrix: orthogonal_, sparse_, schemes), its shard kept."""
    from torch.distributed.tensor import distribute_tensor

    local = dt._local_tensor
    if local.is_meta:
        return dt
    arr = np.empty(tuple(dt.shape), dtype=_np_dtype(local))
    fill(arr)
    whole = _torch_tensor._from_numpy(arr)
    with torch.no_grad():
        local.copy_(distribute_tensor(whole, dt.device_mesh, dt.placements, src_data_rank=None).to_local())
    return dt


# ----------------------------------------------------------- torch.nn.init
def calculate_gain(nonlinearity, param=None):
    """Recommended gain for a nonlinearity (PyTorch's table; see ``winit.gain``)."""
    return _schemes.gain(nonlinearity, param)


def uniform_(tensor, a=0.0, b=1.0, generator=None, *, seed=None, stream=None, name=None):
    r"""Fill ``tensor`` with values from :math:`\mathcal{U}(a, b)`."""
    if a > b:
        raise ArgumentError(f"uniform_ expects to return a [from, to) range, but found from={a} > to={b}")
    return _sample(tensor, _uniform, (a, b), generator, seed, stream, name)


def normal_(tensor, mean=0.0, std=1.0, generator=None, *, seed=None, stream=None, name=None):
    r"""Fill ``tensor`` with values from :math:`\mathcal{N}(\text{mean}, \text{std}^2)`."""
    if std < 0:
        raise ArgumentError(f"normal expects std >= 0.0, but found std {std}")
    return _sample(tensor, _normal, (mean, std), generator, seed, stream, name)


def trunc_normal_(tensor, mean=0.0, std=1.0, a=-2.0, b=2.0, generator=None, *, seed=None,
                  stream=None, name=None):
    r"""Fill ``tensor`` from :math:`\mathcal{N}(\text{mean}, \text{std}^2)` truncated to
    ``[a, b]`` -- **absolute** bounds, as PyTorch (not in units of std).  Sampled by
    inverse CDF (no rejection loop), then clamped to ``[a, b]`` in the tensor's dtype."""
    if tensor.is_meta:
        return tensor
    if not std > 0:
        raise ArgumentError(f"trunc_normal_ expects std > 0, but found std {std}")
    if not a < b:
        raise ArgumentError(f"trunc_normal_ expects a < b, but found a={a}, b={b}")
    if (mean < a - 2 * std) or (mean > b + 2 * std):
        warnings.warn("mean is more than 2 std from [a, b] in nn.init.trunc_normal_. "
                      "The distribution of values may be incorrect.", stacklevel=2)
    lower, upper = (a - mean) / std, (b - mean) / std
    _sample(tensor, _truncated_normal, (mean, std, lower, upper), generator, seed, stream, name)
    with torch.no_grad():
        tensor.clamp_(a, b)
    return tensor


def constant_(tensor, val, *, seed=None, stream=None, name=None):
    r"""Fill ``tensor`` with ``val`` (``torch.nn.init.constant_``; the winit keywords are ignored).
    A value the dtype cannot hold is refused with :class:`ArgumentError` (torch: RuntimeError)."""
    try:
        return _tinit.constant_(tensor, val)
    except RuntimeError as e:
        if "overflow" not in str(e):
            raise
        raise ArgumentError(f"val: {e} (tensor dtype {tensor.dtype}, val {val!r})") from None


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


def _write(tensor, fill):
    """``fill(arr)`` into ``tensor``: a plain tensor in place, a DTensor through its whole."""
    if _deferred._local(tensor) is not None:
        return _write_whole(tensor, fill)
    return _torch_tensor._write(tensor, fill)


def _calculate_fan_in_and_fan_out(tensor):
    return _schemes.torch_fans(tuple(tensor.shape))


_TORCH_MODES = ["fan_in", "fan_out"]


def _torch_mode(mode):
    """PyTorch's fan mode, checked: "fan_in" or "fan_out" (any case)."""
    if not isinstance(mode, str):
        raise TypeError(f"mode must be one of {_TORCH_MODES}; got {mode!r}")
    mode = mode.lower()
    if mode not in _TORCH_MODES:
        raise ValueError(f"Mode {mode} not supported, please use one of {_TORCH_MODES}"
                         + closest(mode, _TORCH_MODES))
    return mode


def _xavier_std(tensor, gain):
    """gain * sqrt(2 / (fan_in + fan_out)), or None for a tensor with no elements."""
    fan_in, fan_out = _calculate_fan_in_and_fan_out(tensor)
    if fan_in + fan_out == 0:
        return None
    g = check_real(gain, "gain", finite=False)
    return _schemes.variance_std(g * g, fan_in, fan_out, "fan_avg")


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
    """gain / sqrt(fan), fan by ``mode`` (PyTorch's fan_in or fan_out)."""
    mode = _torch_mode(mode)
    fan_in, fan_out = _calculate_fan_in_and_fan_out(tensor)
    g = check_real(calculate_gain(nonlinearity, a), "a", finite=False)
    return _schemes.variance_std(g * g, fan_in, fan_out, mode)


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
        raise ValueError(f"tensor: only tensors with 2 or more dimensions are supported; got shape {tuple(tensor.shape)}")
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
        raise ValueError(f"tensor: only tensors with 2 dimensions are supported; got shape {tuple(tensor.shape)}")
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


def _post_order(module, prefix=""):
    for name, child in module.named_children():
        yield from _post_order(child, prefix + name + ".")
    yield prefix.rstrip("."), module


def _no_required_args(fn):
    try:
        sig = inspect.signature(fn)
    except (TypeError, ValueError):
        return False
    return all(p.default is not p.empty or p.kind in (p.VAR_POSITIONAL, p.VAR_KEYWORD)
               for p in sig.parameters.values())


def _model_init(mod):
    """The model-level init code of ``mod`` as a no-argument callable, or None: transformers'
    ``initialize_weights``; else a no-argument ``init_weights`` method (timm's ViT, ResNet);
    else timm's convention of a module-level ``_init_weights(module, name)`` applied to every
    submodule (ConvNeXt)."""
    if callable(getattr(mod, "initialize_weights", None)) and hasattr(mod, "_init_weights"):
        return mod.initialize_weights
    fn = getattr(mod, "init_weights", None)
    if callable(fn) and _no_required_args(fn):
        return fn
    fn = getattr(importlib.import_module(type(mod).__module__), "_init_weights", None)
    if callable(fn) and type(mod).__module__.startswith("timm."):
        def apply():
            for name, sub in mod.named_modules():
                fn(sub, name)
        return apply
    return None


def _run_init_code(module):
    """Each layer's own reset (children first), then the model-level init of the outermost
    modules that have one (transformers clears its ``_is_hf_initialized`` marks to run again)."""
    for _, mod in _post_order(module):
        reset = getattr(mod, "reset_parameters", None) or getattr(mod, "_reset_parameters", None)
        if callable(reset) and _no_required_args(reset):
            reset()
    todo = [module]
    while todo:
        mod = todo.pop()
        fn = _model_init(mod)
        if fn is None:
            todo.extend(reversed(list(mod.children())))
            continue
        marks = [m for m in mod.modules() if m.__dict__.get("_is_hf_initialized")]
        for m in marks:
            m._is_hf_initialized = False
        try:
            fn()
        finally:
            for m in marks:
                m._is_hf_initialized = True


def init_module(module, seed=None, rules=None, *, threads=None):
    """Re-initialize ``module`` in place with its own init code on winit's streams; return it.

    The code that initialized the model when it was built runs again, recorded
    as :func:`deferred_init` records it, and is replayed with every random draw
    taken from winit on the stream of the written tensor's qualified name (as
    :func:`materialize`): first each layer's ``reset_parameters`` (or
    ``_reset_parameters``: ``nn.MultiheadAttention``, ``nn.Transformer``),
    children before parents, as their constructors run; then the model-level
    init: transformers' ``initialize_weights`` (``_init_weights`` on every
    module: ``N(0, initializer_range)``, GPT-2's depth-scaled projections, zeroed
    padding rows), else a no-argument ``init_weights()`` method (timm), else
    timm's module-level ``_init_weights(module, name)``.  A parameter's values
    depend only on (seed, its name, the init code), never on the other layers
    or on the order of creation.  Parameter objects are kept (optimizers
    holding them stay valid).

    ``rules`` maps qualified names, glob patterns (``"*.weight"``, fnmatch) or
    module classes to what to do instead, and wins over the model's own init;
    the first matching key wins: a winit scheme name (``"he_normal"``, applied
    in the torch layout), a ``winit.torch`` function name
    (``"kaiming_normal_"``), ``(name, kwargs)``, a number (constant), a
    callable ``fn(tensor, seed=, name=)`` or ``None`` (leave untouched).  A
    parameter that no init code writes and no rule matches is refused
    (ValueError naming it) before anything is written, as are rules that match
    no parameter.  ``seed=None`` draws one seed from the default generator.
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
    if is_deferred(module):
        raise TypeError("module is deferred (from deferred_init): use materialize(module, seed)")
    # user rules first: they decide which parameters the model's init may leave alone; a rule
    # that names any name of a tied parameter applies to it (under its first name)
    ruled = {}  # id(param) -> fn
    used = set()
    compiled = [(k, _rule_fn(v, k)) for k, v in rules.items()]
    for qn, p in module.named_parameters(remove_duplicate=False):
        owner = module.get_submodule(qn.rpartition(".")[0])
        for k, fn in compiled:
            if _matches(k, qn, owner):
                used.add(k if isinstance(k, type) else str(k))
                ruled.setdefault(id(p), fn)
                break
    unmatched = [k for k, _ in compiled if (k if isinstance(k, type) else str(k)) not in used]
    if unmatched:
        raise ValueError(f"rules {unmatched!r} match no parameter; parameters: "
                         + ", ".join(qn for qn, _ in params))
    entries = [e for e in _deferred.tensors_of(module) if e[3] != "attr" and not e[4].is_meta]
    tape = _deferred.new_tape()
    fakes = {}
    with _deferred.unset_fake_temporarily():
        for qn, mod, attr, kind, t in entries:
            if id(t) not in fakes:
                f = tape.fake_mode.from_tensor(t.detach())
                if kind == "param":
                    with tape.fake_mode:
                        f = nn.Parameter(f, requires_grad=t.requires_grad)
                tape.initial(f, t.detach())
                fakes[id(t)] = f
    swapped = [(mod, attr, kind, t, fakes[id(t)]) for qn, mod, attr, kind, t in entries]

    def put(which):
        for mod, attr, kind, real, fake in swapped:
            _deferred.put(mod, attr, kind, real if which == "real" else fake)
    put("fake")
    try:
        with _deferred.recording(tape):
            _run_init_code(module)
    finally:
        put("real")
    # plan every storage before writing any
    groups, seen = [], set()
    for qn, mod, attr, kind, t in entries:
        key = _deferred._key(fakes[id(t)])
        if key in seen:
            continue
        seen.add(key)
        if id(t) in ruled:
            continue
        prog = tape.program({key})
        _deferred.check(tape, prog, qn)
        written = any(tape.calls[i].initial is None for i in prog)
        groups.append((qn, kind, t, key, prog, written))
    missing = [f"{qn} ({type(module.get_submodule(qn.rpartition('.')[0])).__name__})"
               for qn, kind, t, key, prog, written in groups if kind == "param" and not written]
    if missing:
        raise ValueError("no init code (reset_parameters or the model's init) writes: "
                         + ", ".join(missing) + "; give rules={name_or_pattern: scheme} for them")
    # a history that reads another tensor's starting value reads it before any replay wrote it
    own = {key for _, _, _, key, _, _ in groups}
    for qn, kind, t, key, prog, written in groups:
        for i in prog:
            c = tape.calls[i]
            if c.initial is not None and c.outs[0].key != key and c.outs[0].key in own:
                c.initial = c.initial.clone()
    for qn, kind, t, key, prog, written in groups:
        if not written:
            continue
        replay = _deferred.Replay(tape, seed, threads, storages={key: t.untyped_storage()})
        replay.run([i for i in prog if tape.calls[i].outs[0] is None or tape.calls[i].initial is None
                    or tape.calls[i].outs[0].key != key], owner=qn)
    for qn, p in params:
        fn = ruled.get(id(p))
        if fn is not None and not p.is_meta:
            fn(p, seed, qn)
    return module


# ------------------------------------------------- deferred_init / materialize
def deferred_init(fn, *args, **kwargs):
    """Build a module without storage and record how each tensor gets its value.

    Calls ``fn(*args, **kwargs)`` (a module class, ``AutoModelForCausalLM.from_config``,
    ``timm.create_model``, any callable returning an ``nn.Module``) under torch's
    fake tensors: no parameter or buffer storage is allocated and no random
    number is drawn, but the model code runs as it does on a CPU (transformers
    runs its ``_init_weights``, which it skips on the meta device; timm its
    ``init_weights``).  Every aten call is recorded; :func:`materialize` or
    :func:`save_safetensors` replays, for each tensor, the calls that produced
    it.  Values model code reads while it is built (``.item()`` of a
    ``linspace``) are computed for real on the spot.

    The module comes back on the meta device, as a meta-initialized model does,
    so it can be sharded before it is materialized (FSDP2's ``fully_shard``,
    ``parallelize_module``).  Other changes to it are not recorded: a tensor
    they replace is refused by name at :func:`materialize` (a dtype cast,
    ``module.to(torch.bfloat16)``, is the exception: values are cast).
    """
    if not callable(fn):
        raise TypeError(f"fn must be a callable that builds a torch.nn.Module; got {type(fn).__name__}")
    module, _ = _deferred.record(fn, *args, **kwargs)
    if not isinstance(module, nn.Module):
        raise TypeError(f"fn must return a torch.nn.Module; it returned {type(module).__name__}")
    return _deferred.to_meta(module)


def is_deferred(module):
    """True if any tensor of ``module`` is still deferred (recorded, not materialized)."""
    return any(isinstance(_deferred.source(module, e[0], e[4]), _deferred.FakeTensor)
               for e in _deferred.tensors_of(module))


def _groups(module):
    """The deferred tensors of ``module``, each history checked, grouped by what is computed
    once: a storage (tied tensors, views of one tensor) or a DTensor's local shard.
    ``[(owner, tape, key, program, [(entry, fake)])]``, ``owner`` the first qualified name."""
    groups = {}
    for e in _deferred.tensors_of(module):
        qn, t = e[0], e[4]
        fake = _deferred.source(module, qn, t)
        if fake is None:
            continue
        tape = _deferred.tape_of(fake) if fake is not _deferred.MISSING else None
        if tape is None or _deferred._key(fake) not in tape.created:
            raise DeferredInitError(
                f"{qn}: no recorded history (a tensor made or replaced after deferred_init; make such "
                "changes inside the function given to deferred_init)")
        if tuple(t.shape) != tuple(fake.shape) or (t.dtype != fake.dtype and not (
                t.dtype.is_floating_point and fake.dtype.is_floating_point)):
            raise DeferredInitError(f"{qn}: is {tuple(t.shape)} {t.dtype} but was recorded as "
                                    f"{tuple(fake.shape)} {fake.dtype}")
        key = _deferred._key(fake)
        gkey = ("dtensor", id(t)) if _deferred._local(t) is not None else (id(tape), key)
        g = groups.setdefault(gkey, [qn, tape, key, None, []])
        g[4].append((e, fake))
    out = []
    for owner, tape, key, _, entries in groups.values():
        prog = tape.program({key})
        _deferred.check(tape, prog, owner)
        out.append((owner, tape, key, prog, entries))
    return out


def _progress(progress, total, desc):
    if not progress:
        return None
    try:
        from tqdm.auto import tqdm
    except ImportError:  # pragma: no cover
        raise ImportError("progress=True needs tqdm: pip install tqdm") from None
    return tqdm(total=total, unit="B", unit_scale=True, desc=desc)


def _check_device(device):
    try:
        return torch.device(device)
    except (RuntimeError, TypeError):
        raise ValueError(f"device must be a torch device such as 'cpu' or 'cuda:0'; got {device!r}") from None


def _shard_indices(dt):
    """For each dim of DTensor ``dt``, the global indices of this rank's shard, or None for a
    placement other than Shard / _StridedShard / Replicate.  Sharding acts on each dim
    apart, so each dim's indices come from distributing an ``arange`` of it alone (locally:
    ``src_data_rank=None``), and the shard is the product of them."""
    from torch.distributed.tensor import Replicate, distribute_tensor
    from torch.distributed.tensor.placement_types import Shard, _StridedShard

    out = []
    for d, n in enumerate(dt.shape):
        placements = []
        for p in dt.placements:
            if isinstance(p, _StridedShard):
                placements.append(_StridedShard(0, split_factor=p.split_factor) if p.dim == d else Replicate())
            elif type(p) is Shard:
                placements.append(Shard(0) if p.dim == d else Replicate())
            elif type(p) is Replicate:
                placements.append(p)
            else:
                return None
        idx = distribute_tensor(torch.arange(n), dt.device_mesh, placements, src_data_rank=None)
        out.append(idx.to_local().tolist())
    return out


def _runs(indices):
    """Consecutive runs of a list of indices, as [(start, stop, position in the list)]."""
    runs = []
    for pos, i in enumerate(indices):
        if runs and runs[-1][1] == i:
            runs[-1][1] += 1
        else:
            runs.append([i, i + 1, pos])
    return [tuple(r) for r in runs]


def _shard_value(dt, fake, tape, prog, owner, seed, threads):
    """The local shard of DTensor ``dt`` as a real DTensor, equal to the slice of the whole.
    Computed alone, box by box, when the history allows (:func:`winit._deferred.region_steps`);
    else the whole tensor is computed on this rank and its shard kept."""
    import itertools

    from torch.distributed.tensor import DTensor, distribute_tensor

    mesh, placements = dt.device_mesh, tuple(dt.placements)
    target = _deferred.Ref(fake)
    replay = _deferred.Replay(tape, seed, threads)
    indices = _shard_indices(dt)
    steps = None if indices is None else _deferred.region_steps(tape, prog, target)
    _deferred.SHARDS["alone" if steps is not None else "whole"] += 1
    if steps is not None:
        boxes = list(itertools.product(*[_runs(ix) for ix in indices]))
        if len(boxes) == 1:  # one slice of the whole (Shard, Replicate): computed in place
            local = replay.run_region(steps, owner, target, [(a, b) for a, b, _ in boxes[0]]).to(dt.dtype)
        else:  # _StridedShard: the shard is several slices of the whole
            local = torch.empty([len(ix) for ix in indices], dtype=dt.dtype)
            for box in boxes if local.numel() else ():
                block = replay.run_region(steps, owner, target, [(a, b) for a, b, _ in box])
                local[tuple(slice(p, p + b - a) for a, b, p in box)] = block
        return DTensor.from_local(local, mesh, placements, run_check=False, shape=dt.shape,
                                  stride=dt.stride())
    replay.run(prog, owner=owner)
    whole = replay.tensor(target).to(dt.dtype)
    return distribute_tensor(whole, mesh, placements, src_data_rank=None)


def _install(entries, value, new):
    """Put real tensors in place of ``entries`` (one object per deferred one: ties kept)."""
    for (qn, mod, attr, kind, t), fake in entries:
        real = new.get(id(t))
        if real is None:
            real = new[id(t)] = _deferred.dress(value(t, fake), kind, t.requires_grad, fake)
        _deferred.put(mod, attr, kind, real)


def materialize(module, seed, *, device="cpu", threads=None, progress=False):
    """Allocate every deferred tensor of ``module`` and replay its recorded history.

    Every random draw comes from winit: a tensor's values are a pure function
    of (``seed``, its qualified name in ``module``, its recorded history) and
    never of the other tensors, the order of creation, ``threads`` or the
    machine.  The k-th random call (k >= 1) in a tensor's history draws from
    the stream ``name#k``; the first from ``name`` itself.  Constant and
    deterministic values (fills, ``arange``, RoPE frequencies, padding rows)
    are bit-identical to a normal construction; tied parameters stay one
    object.  Tensors are computed one at a time, so memory holds the model's
    own bytes plus one tensor's working set.  ``threads`` (default: winit's)
    split each random fill; ``progress=True`` shows a tqdm bar.  Calls that
    cannot be replayed are refused by name before anything is allocated.

    Sharded parameters (DTensors with meta shards, from FSDP2's ``fully_shard``
    or ``parallelize_module`` on the deferred module) get their local shard
    only, equal to the slice of the single-process result.  It is computed
    alone when every call of its history is elementwise over slices of the
    tensor (random fills, fills, arithmetic with scalars, padding rows: the
    histories of transformers' and timm's layers); a history that needs the
    whole tensor (an orthogonal init, a copy from a temporary) is computed
    whole on each rank and its shard kept.  Returns ``module``.
    """
    if not isinstance(module, nn.Module):
        raise TypeError(f"module must be a torch.nn.Module, got {type(module).__name__}")
    seed = check_seed(seed)
    device = _check_device(device)
    groups = _groups(module)
    bar = _progress(progress, sum(g[4][0][1].untyped_storage().nbytes() for g in groups), "materialize")
    new = {}
    try:
        for owner, tape, key, prog, entries in groups:
            t0 = entries[0][0][4]
            if _deferred._local(t0) is not None:
                value = lambda t, fake: _shard_value(t, fake, tape, prog, owner, seed, threads)
            else:
                replay = _deferred.Replay(tape, seed, threads)
                replay.run(prog, owner=owner)

                def value(t, fake, replay=replay):
                    real = replay.tensor(_deferred.Ref(fake))
                    return real.to(device, t.dtype) if (device.type != "cpu" or t.dtype != real.dtype) else real
            _install(entries, value, new)
            if bar is not None:
                bar.update(entries[0][1].untyped_storage().nbytes())
    finally:
        if bar is not None:
            bar.close()
    return module


# ------------------------------------------------------------ save_safetensors
_SAVE_DTYPES = {"float32": torch.float32, "float64": torch.float64, "float16": torch.float16,
                "bfloat16": torch.bfloat16}


def _check_save_dtype(dtype):
    if dtype is None:
        return None
    if isinstance(dtype, torch.dtype) and dtype in _SAVE_DTYPES.values():
        return dtype
    if isinstance(dtype, str) and dtype.replace("torch.", "") in _SAVE_DTYPES:
        return _SAVE_DTYPES[dtype.replace("torch.", "")]
    raise ValueError(f"dtype must be None or one of {', '.join(_SAVE_DTYPES)}; got {dtype!r}")


def _identity(t, fake):
    """What makes two state_dict entries one tensor (tied weights)."""
    if fake is not None:
        return ("deferred", _deferred._key(fake), fake.storage_offset(), tuple(t.shape), tuple(fake.stride()),
                t.dtype)
    return (t.untyped_storage().data_ptr(), t.storage_offset(), tuple(t.shape), tuple(t.stride()), t.dtype)


def save_safetensors(module, path, seed, *, dtype=None, max_shard_size=None, progress=False,
                     threads=None):
    """Write ``module``'s ``state_dict`` as a seed checkpoint, one tensor at a time.

    ``module`` may be deferred (:func:`deferred_init`): each tensor is then
    computed by replaying its history exactly as :func:`materialize` would with
    the same ``seed``, written, and freed, so peak memory is about one tensor
    plus a bounded buffer, never the model.  Real tensors are written as they
    are.  ``safetensors.torch.load_file`` of the result gives
    ``materialize(module, seed).state_dict()``; tied tensors are stored once,
    under their first name, as transformers stores them.

    ``path`` ending in ``.safetensors`` is one file.  Any other ``path`` is a
    folder in transformers' layout: ``model.safetensors``, or with
    ``max_shard_size`` (bytes, or ``"5GB"``, ``"500MiB"``) shards
    ``model-00001-of-0000N.safetensors`` and ``model.safetensors.index.json``;
    for a transformers ``PreTrainedModel`` also ``config.json``, so that
    ``from_pretrained(path)`` loads it.  ``dtype`` (``"bfloat16"``, ...) casts
    floating tensors as they are written.  Every file is written under a
    temporary name and renamed only when all are complete: a failure (a full
    disk, Ctrl-C) leaves no partial file under a final name.
    """
    from . import _safetensors as st

    if not isinstance(module, nn.Module):
        raise TypeError(f"module must be a torch.nn.Module, got {type(module).__name__}")
    seed = check_seed(seed)
    dtype = _check_save_dtype(dtype)
    try:
        path = os.fspath(path)
    except TypeError:
        raise TypeError(f"path must be a str or os.PathLike; got {type(path).__name__}") from None
    single = path.endswith(".safetensors")
    max_bytes = None if max_shard_size is None else st.parse_size(max_shard_size)
    if single and max_bytes is not None:
        raise ValueError("max_shard_size writes a folder of shards: give path as a folder, "
                         f"not a .safetensors file ({path!r})")
    folder = (os.path.dirname(path) or ".") if single else path
    specs, sources, seen = [], [], set()
    for name, t in module.state_dict(keep_vars=True).items():
        if _deferred._local(t) is not None:
            raise TypeError(f"{name}: save_safetensors writes a module that is not sharded (deferred or "
                            "real); give it the deferred module before sharding")
        fake = _deferred.source(module, name, t)
        fake = None if fake is _deferred.MISSING else fake  # refused by _groups below
        ident = _identity(t, fake)
        if ident in seen:
            continue
        seen.add(ident)
        out = dtype if dtype is not None and t.is_floating_point() else t.dtype
        st.dtype_code(out, name)
        specs.append((name, out, tuple(t.shape), t.numel() * out.itemsize))
        sources.append((t, fake))
    groups = {g[2]: g for g in _groups(module)}  # every history checked before any file is opened
    shards = st.plan_shards(specs, max_bytes)
    names = [os.path.basename(path)] if single else st.shard_names(len(shards))
    config = getattr(module, "config", None) if not single else None
    os.makedirs(folder, exist_ok=True)
    bar = _progress(progress, sum(s[3] for s in specs), "save_safetensors")
    cache = [None, None]  # the last storage replayed: (key, Replay)

    def value(t, fake):
        if fake is None:
            return t.detach()
        key = _deferred._key(fake)
        if cache[0] != key:
            owner, tape, _, prog, _ = groups[key]
            cache[1] = None
            replay = _deferred.Replay(tape, seed, threads)
            replay.run(prog, owner=owner)
            cache[0], cache[1] = key, replay
        return cache[1].tensor(_deferred.Ref(fake))

    try:
        with st.AtomicFiles(folder) as files:
            for shard, fname in zip(shards, names):
                with files.open(fname) as f:
                    f.write(st.header([specs[i] for i in shard]))
                    for i in shard:
                        with torch.no_grad():
                            v = value(*sources[i]).to("cpu", specs[i][1])
                        f.write(st.tensor_bytes(v))
                        del v
                        if bar is not None:
                            bar.update(specs[i][3])
                cache[0] = cache[1] = None
            if len(shards) > 1:
                index = {"metadata": {"total_size": sum(s[3] for s in specs),
                                      "total_parameters": sum(math.prod(s[2]) for s in specs)},
                         "weight_map": {specs[i][0]: fname for shard, fname in zip(shards, names)
                                        for i in shard}}
                with files.open("model.safetensors.index.json") as f:
                    f.write(json.dumps(index, indent=2, sort_keys=True).encode() + b"\n")
            if config is not None and hasattr(config, "to_json_string"):
                config = copy.deepcopy(config)
                if dtype is not None:
                    config.dtype = dtype
                with files.open("config.json") as f:
                    f.write(config.to_json_string().encode("utf-8"))
    finally:
        if bar is not None:
            bar.close()
    if not single:
        keep = set(names) | ({"model.safetensors.index.json"} if len(shards) > 1 else set())
        for stale in st.stale_files(folder, keep):
            os.remove(os.path.join(folder, stale))
    return path

"""Record a PyTorch model's construction, then replay it on winit's streams.

This module is the engine behind ``winit.torch.deferred_init``, ``materialize``,
``init_module`` and ``save_safetensors``.  It has three layers:

* **record.**  Model code runs under torch's ``FakeTensorMode`` (tensors keep
  their device, dtype, shape and strides but have no storage, so the code takes
  the branches it takes on a CPU: transformers runs ``_init_weights``, which it
  skips on the meta device) with a ``TorchDispatchMode`` above it that appends
  every aten call to a :class:`Tape`.  Values that model code reads while it is
  being built (``.item()`` of a ``linspace``, a data-dependent shape) are
  computed for real from the tape at that moment.
* **plan.**  :meth:`Tape.program` walks the tape backwards from the storages
  asked for and keeps the calls that wrote them or wrote what those calls read.
  A call that overwrites a whole storage without reading it ends the storage's
  history: ``nn.Linear``'s kaiming pass that transformers' ``normal_`` then
  overwrites is never replayed.  Views cost nothing: every tensor is rebuilt
  from (storage, offset, size, stride), so view calls are never kept.
* **replay.**  :class:`Replay` runs the kept calls in tape order on real
  tensors, each random call replaced by a winit fill on the stream named after
  the parameter that owns the storage (``name`` for its first random call,
  ``name#k`` for the k-th after it): a parameter's values are a pure function
  of (seed, its name, its recorded history).

The public functions and their documentation live in ``winit.torch``.
"""
import collections
import contextlib
import copy
import math
import weakref

import numpy as np
import torch
from torch._subclasses.fake_tensor import (
    DataDependentOutputException,
    DynamicOutputShapeException,
    FakeTensor,
    FakeTensorMode,
    unset_fake_temporarily,
)
from torch.utils import _pytree as pytree
from torch.overrides import TorchFunctionMode
from torch.utils._python_dispatch import TorchDispatchMode

from ._sampling import normal as _normal
from ._sampling import random_raw as _random_raw
from ._sampling import truncated_normal as _truncated_normal
from ._sampling import uniform as _uniform
from . import _torch_tensor
from ._torch_tensor import _NP_DTYPES

aten = torch.ops.aten

# Calls that give a storage its whole value without reading it, when the written
# tensor covers the storage: earlier history of that storage is dead.
_OVERWRITES = {"normal_", "uniform_", "fill_", "zero_", "copy_", "random_", "bernoulli_",
               "exponential_", "log_normal_", "cauchy_", "geometric_"}
# Calls that only allocate: their values are undefined, so replay allocates the
# storage itself when it first meets it.
_ALLOCATES = {"empty", "empty_like", "empty_strided", "new_empty", "new_empty_strided"}


class DeferredInitError(ValueError, RuntimeError):
    """A model history that winit cannot record or replay (names the parameter and the call)."""


def _key(t):
    return t.untyped_storage()._cdata


class Ref:
    """A tensor of the tape: its storage key and its geometry on that storage."""
    __slots__ = ("key", "dtype", "size", "stride", "offset", "nbytes")

    def __init__(self, t):
        st = t.untyped_storage()
        self.key = st._cdata
        self.dtype = t.dtype
        self.size = tuple(t.shape)
        self.stride = tuple(t.stride())
        self.offset = t.storage_offset()
        self.nbytes = st.nbytes()

    def covers(self):
        """True if writing this tensor writes every byte of its storage."""
        numel = math.prod(self.size)
        if self.offset != 0 or numel * self.dtype.itemsize != self.nbytes:
            return False
        # non-overlapping and dense: some permutation of the dims is contiguous
        dims = sorted((s, n) for s, n in zip(self.stride, self.size) if n != 1)
        expect = 1
        for s, n in dims:
            if s != expect:
                return False
            expect *= n
        return True


class Const:
    """A real tensor that model code handed to a call (``torch.tensor([...])``, ``from_numpy``)."""
    __slots__ = ("value",)

    def __init__(self, value):
        self.value = value


class Call:
    """One aten call of the tape."""
    __slots__ = ("func", "spec", "leaves", "outs", "writes", "reads", "kills", "fresh", "random",
                 "allocates", "initial")

    def __init__(self, func, spec, leaves, outs, writes, reads, kills, fresh):
        self.func, self.spec, self.leaves, self.outs = func, spec, leaves, outs
        self.writes, self.reads, self.kills, self.fresh = writes, reads, kills, fresh
        self.random = func is not None and _is_random(func)
        self.allocates = func is not None and func._schema.name.split("::")[-1] in _ALLOCATES
        self.initial = None  # a real tensor: the call sets the storage to it (init_module)

    @property
    def name(self):
        return "initial value" if self.func is None else str(self.func)


def _is_random(func):
    return (torch.Tag.nondeterministic_seeded in func.tags or func._schema.name == "winit::trunc_normal_"
            or any(str(a.type).endswith("Generator") for a in func._schema.arguments))


def _mutated_args(func, args, kwargs):
    """The tensors a call writes in place (per its schema's alias annotations)."""
    out = []
    for i, a in enumerate(func._schema.arguments):
        if a.alias_info is None or not a.alias_info.is_write:
            continue
        v = args[i] if i < len(args) and not a.kwarg_only else kwargs.get(a.name)
        for leaf in pytree.tree_leaves(v):
            if isinstance(leaf, torch.Tensor):
                out.append((a.name, leaf))
    return out


class Tape:
    """The aten calls of one recording, in order, and what each wrote and read."""

    def __init__(self, fake_mode):
        self.fake_mode = fake_mode
        self.calls = []
        self.created = set()  # storage keys some call of the tape created or initialized
        self.keep = []        # fake storages held so their keys are never reused

    def append(self, func, args, kwargs, out):
        leaves, spec = pytree.tree_flatten((args, kwargs))
        in_keys = set()
        rec = []
        for leaf in leaves:
            if isinstance(leaf, FakeTensor):
                r = Ref(leaf)
                in_keys.add(r.key)
                rec.append(r)
            elif isinstance(leaf, torch.Tensor):
                rec.append(Const(leaf))
            else:
                rec.append(leaf)
        outs, fresh = [], set()
        for o in pytree.tree_leaves(out):
            if isinstance(o, FakeTensor):
                r = Ref(o)
                outs.append(r)
                if r.key not in in_keys:
                    fresh.add(r.key)
                    self.keep.append(o.untyped_storage())
            else:
                outs.append(None)
        op = func._schema.name.split("::")[-1]
        ov = func._overloadname
        overwrite = op in _OVERWRITES or ov == "out" or ov.endswith("_out")
        writes, kills, reads = set(fresh), set(fresh), set(in_keys)
        for argname, t in _mutated_args(func, args, kwargs):
            if not isinstance(t, FakeTensor):
                continue
            k = _key(t)
            writes.add(k)
            if overwrite and (argname in ("self", "out")) and Ref(t).covers():
                kills.add(k)
                # the written tensor is not read, unless it is also an input elsewhere
                if sum(1 for x in rec if isinstance(x, Ref) and x.key == k) == 1:
                    reads.discard(k)
        self.created |= fresh
        self.calls.append(Call(func, spec, rec, outs, writes, reads, kills, fresh))

    def initial(self, fake, real):
        """Storage of ``fake`` starts as ``real``'s values (``init_module``)."""
        r = Ref(fake)
        c = Call(None, None, [r], [r], {r.key}, set(), {r.key}, {r.key})
        c.initial = real
        self.keep.append(fake.untyped_storage())
        self.created.add(r.key)
        self.calls.append(c)

    def base(self, key):
        """The geometry a storage was created with (its creating call's output), or None."""
        cache = self.__dict__.setdefault("_bases", {})
        if key not in cache:
            cache[key] = next((o for c in self.calls if key in c.fresh for o in c.outs
                               if o is not None and o.key == key), None)
        return cache[key]

    def program(self, keys, end=None):
        """Indices of the calls needed to compute storages ``keys`` as of call ``end``."""
        need = set(keys)
        kept = []
        for i in range(len(self.calls) if end is None else end, 0, -1):
            c = self.calls[i - 1]
            if not (c.writes & need):
                continue
            if not c.allocates:
                kept.append(i - 1)
            need -= c.kills
            need |= c.reads
        kept.reverse()
        return kept


def _float_fill(t, sampler, params, src):
    """Fill ``t`` from ``sampler``; ``src["where"] = (shape, region)``: ``t`` is that region of a
    tensor of that shape, and gets the region's values."""
    if t.numel() == 0:
        return t
    src = dict(src)
    shape, region = src.pop("where", (None, None))
    if t.dtype in _NP_DTYPES:
        _torch_tensor._write(t, lambda arr: sampler(shape, *params, out=arr, region=region, **src))
    else:  # an integer or bool tensor: draw float64 and let torch cast, as torch's own fill does
        vals = sampler(shape or tuple(t.shape), *params, dtype="float64", region=region, **src)
        t.copy_(torch.from_numpy(vals))
    return t


def _uniform64(t, src):
    src = dict(src)
    shape, region = src.pop("where", (None, None))
    if t.numel() == 0:
        return torch.empty(tuple(t.shape), dtype=torch.float64)
    return torch.from_numpy(_uniform(shape or tuple(t.shape), dtype="float64", region=region, **src))


def _int_fill(t, low, high, src):
    """Integers in [low, high): low + (64-bit word mod (high - low))."""
    n = t.numel()
    if n == 0:
        return t
    span = int(high) - int(low)
    if span <= 0:
        raise DeferredInitError(f"random integers in an empty range [{low}, {high})")
    words = _random_raw(2 * n, **src).astype(np.uint64)
    x = words[0::2] | (words[1::2] << np.uint64(32))
    v = (x % np.uint64(span)).astype(object if span >= 2 ** 63 else np.int64) + int(low)
    t.copy_(torch.from_numpy(np.asarray(v, dtype=np.float64 if t.is_floating_point() else np.int64)
                             ).reshape(t.shape))
    return t


def _factory(kwargs, size):
    """An uninitialized CPU tensor of ``size`` with the factory call's dtype and layout."""
    kw = {k: kwargs[k] for k in ("dtype", "layout", "device", "pin_memory") if kwargs.get(k) is not None}
    kw["device"] = "cpu"
    return torch.empty(size, **kw)


def _random_ints_default(t):
    """torch's random_() range: [0, 2**mantissa] for floats, the dtype's range for ints."""
    if t.dtype == torch.bool:
        return 0, 2
    if t.is_floating_point():
        digits = {torch.float64: 53, torch.float32: 24, torch.float16: 11, torch.bfloat16: 8}[t.dtype]
        return 0, 2 ** digits + 1
    return 0, torch.iinfo(t.dtype).max + 1


_GEN = ("default", "generator", "names", "generator_with_names")
REPLAYABLE = {
    "normal_": ("default",), "uniform_": ("default",), "randn": _GEN, "rand": _GEN,
    "normal": ("float_float",), "randn_like": ("default",), "rand_like": ("default",), "random_": ("default", "from", "to"),
    "randint": ("default", "generator", "low", "low_generator"), "randperm": ("default", "generator"),
    "bernoulli_": ("float",), "exponential_": ("default",), "trunc_normal_": ("default",),
}


def replayable(func):
    return func._overloadname in REPLAYABLE.get(func._schema.name.split("::")[-1], ())


def check(tape, program, owner):
    """Refuse, naming ``owner``, a program with a random call winit cannot replay."""
    for i in program:
        c = tape.calls[i]
        if c.random and not replayable(c.func):
            raise DeferredInitError(
                f"{owner}: its recorded history draws random numbers with {c.name}, which winit "
                "cannot replay on its streams (replayable: " + ", ".join(sorted(REPLAYABLE)) + ")")


def _replay_random(func, args, kwargs, src):
    """A random aten call, its draws taken from winit's stream ``src``; returns its output.
    Only the overloads of REPLAYABLE get here, so ``ov`` only picks an argument layout."""
    if not replayable(func):
        raise DeferredInitError(f"{func} draws random numbers in a way winit cannot replay")
    op = func._schema.name.split("::")[-1]
    ov = func._overloadname
    if op == "normal_":
        return _float_fill(args[0], _normal, (args[1] if len(args) > 1 else kwargs.get("mean", 0.0),
                                             args[2] if len(args) > 2 else kwargs.get("std", 1.0)), src)
    if op == "uniform_":
        return _float_fill(args[0], _uniform, (args[1] if len(args) > 1 else kwargs.get("from", 0.0),
                                              args[2] if len(args) > 2 else kwargs.get("to", 1.0)), src)
    if op in ("randn", "rand"):  # (size, ...)
        return _float_fill(_factory(kwargs, args[0]), _normal if op == "randn" else _uniform, (0.0, 1.0), src)
    if op in ("randn_like", "rand_like"):
        like = args[0]
        kw = {"dtype": kwargs.get("dtype") or like.dtype}
        out = torch.empty(tuple(like.shape), **kw)
        return _float_fill(out, _normal if op == "randn_like" else _uniform,
                           (0.0, 1.0), src)
    if op == "normal":  # (mean, std, size, ...)
        return _float_fill(_factory(kwargs, args[2]), _normal, (args[0], args[1]), src)
    if op == "trunc_normal_":
        t, mean, std, a, b = args
        _float_fill(t, _truncated_normal, (mean, std, (a - mean) / std, (b - mean) / std), src)
        return t.clamp_(a, b)
    if op == "random_":
        t = args[0]
        if ov == "from":
            low, high = args[1], args[2]
            if high is None:
                high = _random_ints_default(t)[1]
        elif ov == "to":
            low, high = 0, args[1]
        else:
            low, high = _random_ints_default(t)
        return _int_fill(t, low, high, src)
    if op == "randint":
        low, high, size = (0, args[0], args[1]) if ov in ("default", "generator") else args[:3]
        kw = dict(kwargs)
        kw.setdefault("dtype", torch.int64)
        return _int_fill(_factory(kw, size), low, high, src)
    if op == "randperm":
        n = args[0]
        kw = dict(kwargs)
        kw.setdefault("dtype", torch.int64)
        out = _factory(kw, (n,))
        keys = _uniform((n,), dtype="float64", **src) if n else np.empty(0)
        out.copy_(torch.from_numpy(np.argsort(keys, kind="stable")))
        return out
    if op == "bernoulli_":
        t, p = args[0], (args[1] if len(args) > 1 else kwargs.get("p", 0.5))
        t.copy_(_uniform64(t, src) < p)
        return t
    if op == "exponential_":
        t, lambd = args[0], (args[1] if len(args) > 1 else kwargs.get("lambd", 1.0))
        t.copy_(-torch.log1p(-_uniform64(t, src)) / lambd)
        return t
    raise AssertionError(f"REPLAYABLE lists {op}.{ov}, which nothing here replays")


class Replay:
    """Real storages for the keys of a tape, computed by running programs of it."""

    def __init__(self, tape, seed, threads=None, storages=None):
        self.tape = tape
        self.seed = seed
        self.threads = threads
        self.storages = {} if storages is None else storages

    def tensor(self, ref):
        st = self.storages.get(ref.key)
        if st is None:
            st = torch.UntypedStorage(ref.nbytes)
            self.storages[ref.key] = st
        return torch.empty(0, dtype=ref.dtype).set_(st, ref.offset, ref.size, ref.stride)

    def run(self, indices, owner=None):
        """Run the calls ``indices`` (a program); random calls draw on ``owner``'s streams."""
        k = 0
        with torch.no_grad(), unset_fake_temporarily():
            for i in indices:
                c = self.tape.calls[i]
                if c.initial is not None:
                    self.tensor(c.outs[0]).copy_(c.initial)
                    continue
                leaves = [self.tensor(x) if isinstance(x, Ref) else
                          x.value.clone() if isinstance(x, Const) else x for x in c.leaves]
                args, kwargs = pytree.tree_unflatten(leaves, c.spec)
                if c.random:
                    if owner is None:
                        raise DeferredInitError(
                            f"model code reads a value computed from random numbers ({c.name}) while "
                            "the model is being built; winit cannot defer that")
                    name = owner if k == 0 else f"{owner}#{k}"
                    k += 1
                    src = {"seed": self.seed, "name": name, "threads": self.threads}
                    out = _replay_random(c.func, args, kwargs, src)
                else:
                    out = c.func(*args, **kwargs)
                self._adopt(c, out)

    def run_region(self, steps, owner, target, region):
        """The ``region`` (a (start, stop) per dim) of ``target`` computed alone by ``steps``
        (:func:`region_steps`): equal to the slice of the whole that :meth:`run` makes."""
        shape = [hi - lo for lo, hi in region]
        local = {}

        def buf(ref):
            if ref.key not in local:
                local[ref.key] = torch.empty(shape, dtype=self.tape.base(ref.key).dtype
                                             if ref.key != target.key else target.dtype)
            return local[ref.key]

        k = 0
        with torch.no_grad(), unset_fake_temporarily():
            for step in steps:
                c = self.tape.calls[step[1]]
                if step[0] == "fill":
                    buf(next(o for o in c.outs if o is not None)).fill_(step[3])
                    continue
                if step[0] == "new":
                    leaves = [buf(x) if isinstance(x, Ref) else x.value.clone() if isinstance(x, Const) else x
                              for x in c.leaves]
                    args, kwargs = pytree.tree_unflatten(leaves, c.spec)
                    out = next(o for o in c.outs if o is not None)
                    buf(out).copy_(c.func(*args, **kwargs))
                    continue
                start, dims = step[2]
                name = None
                if c.random:
                    name = owner if k == 0 else f"{owner}#{k}"
                    k += 1
                first = c.leaves[0]
                ext = [(s, s + 1) for s in start]
                for j, d in enumerate(dims):
                    if d is not None:
                        ext[d] = (start[d], start[d] + first.size[j])
                inter = [(max(a, lo), min(b, hi)) for (a, b), (lo, hi) in zip(ext, region)]
                if any(a >= b for a, b in inter) or 0 in first.size:
                    continue
                mapped = {d for d in dims if d is not None}
                index = tuple(slice(a - lo, b - lo) if d in mapped else a - lo
                              for d, ((a, b), (lo, _)) in enumerate(zip(inter, region)))

                def view(ref):
                    v = buf(ref)[index]
                    for j, d in enumerate(dims):
                        if d is None:
                            v = v.unsqueeze(j)
                    return v
                leaves = [view(x) if isinstance(x, Ref) else x.value.clone() if isinstance(x, Const) else x
                          for x in c.leaves]
                args, kwargs = pytree.tree_unflatten(leaves, c.spec)
                if c.random:
                    where = tuple(slice(inter[d][0] - start[d], inter[d][1] - start[d]) if d is not None
                                  else slice(0, 1) for d in dims)
                    _replay_random(c.func, args, kwargs, {"seed": self.seed, "name": name,
                                                          "threads": self.threads,
                                                          "where": (first.size, where)})
                else:
                    c.func(*args, **kwargs)
        return buf(target)

    def _adopt(self, call, out):
        """Give the fresh outputs of ``call`` their storages (the real outputs' own when they match)."""
        if not call.fresh:
            return
        for ref, real in zip(call.outs, pytree.tree_leaves(out)):
            if ref is None or ref.key not in call.fresh or not isinstance(real, torch.Tensor):
                continue
            st = real.untyped_storage()
            if (ref.key not in self.storages and real.dtype == ref.dtype and st.nbytes() == ref.nbytes
                    and tuple(real.shape) == ref.size and tuple(real.stride()) == ref.stride
                    and real.storage_offset() == ref.offset):
                self.storages[ref.key] = st
            else:
                self.tensor(ref).copy_(real)


class Recorder(TorchDispatchMode):
    """Appends every aten call to ``tape``; computes for real what model code reads."""

    def __init__(self, tape):
        super().__init__()
        self.tape = tape

    def __torch_dispatch__(self, func, types, args=(), kwargs=None):
        kwargs = kwargs or {}
        try:
            out = func(*args, **kwargs)
        except (DataDependentOutputException, DynamicOutputShapeException):
            out = self._real(func, args, kwargs)
        if func is aten._local_scalar_dense.default or not isinstance(func, torch._ops.OpOverload):
            return out
        self.tape.append(func, args, kwargs, out)
        return out

    def _real(self, func, args, kwargs):
        """Run ``func`` on the real values of its fake inputs, as of now; outputs made fake again."""
        leaves, spec = pytree.tree_flatten((args, kwargs))
        fakes = [x for x in leaves if isinstance(x, FakeTensor)]
        replay = Replay(self.tape, seed=0)
        replay.run(self.tape.program({_key(t) for t in fakes}))
        with unset_fake_temporarily():
            real = [replay.tensor(Ref(x)) if isinstance(x, FakeTensor) else x for x in leaves]
            rargs, rkwargs = pytree.tree_unflatten(real, spec)
            out = func(*rargs, **rkwargs)
        return pytree.tree_map_only(torch.Tensor, self.tape.fake_mode.from_tensor, out)


# torch.nn.init.trunc_normal_ samples by rejection: a loop on ``mask.any()`` of random values,
# which no recording can follow.  While recording, it becomes one call of this op, replayed as
# winit's (inverse-CDF) truncated normal of the same distribution.
_LIB = torch.library.Library("winit", "DEF")
_LIB.define("trunc_normal_(Tensor(a!) self, float mean, float std, float a, float b) -> Tensor(a!)")
_LIB.impl("trunc_normal_", lambda self, mean, std, a, b: self, "Meta")
_LIB.impl("trunc_normal_", lambda self, mean, std, a, b:
          _TORCH_TRUNC_NORMAL(self, mean, std, a, b), "CPU")
_TORCH_TRUNC_NORMAL = torch.nn.init._no_grad_trunc_normal_


def _recordable_trunc_normal_(tensor, mean, std, a, b, generator=None):
    if isinstance(tensor, FakeTensor):
        return torch.ops.winit.trunc_normal_(tensor, float(mean), float(std), float(a), float(b))
    return _TORCH_TRUNC_NORMAL(tensor, mean, std, a, b, generator=generator)


@contextlib.contextmanager
def _recordable_init():
    torch.nn.init._no_grad_trunc_normal_ = _recordable_trunc_normal_
    try:
        yield
    finally:
        torch.nn.init._no_grad_trunc_normal_ = _TORCH_TRUNC_NORMAL


_FAKE_ATTRS = None


def user_attrs(fake):
    """Python attributes model code set on a fake tensor (``_is_hf_initialized``, ...)."""
    global _FAKE_ATTRS
    if _FAKE_ATTRS is None:
        with FakeTensorMode():
            _FAKE_ATTRS = set(vars(torch.empty(1)))
    return {k: v for k, v in vars(fake).items() if k not in _FAKE_ATTRS}


class _Deepcopy(TorchFunctionMode):
    """``copy.deepcopy`` of a fake tensor as a recorded ``clone`` (torch's own deep copy copies
    the storage outside the dispatcher, and with it the tensor's fake mode)."""

    def __torch_function__(self, func, types, args=(), kwargs=None):
        if func is not torch.Tensor.__deepcopy__ or not isinstance(args[0], FakeTensor):
            return func(*args, **(kwargs or {}))
        t, memo = args
        if id(t) in memo:
            return memo[id(t)]
        with torch.no_grad():
            new = t.clone()
        new.requires_grad_(t.requires_grad)
        for k, v in user_attrs(t).items():
            setattr(new, k, copy.deepcopy(v, memo))
        memo[id(t)] = new
        return new


_TAPES = weakref.WeakKeyDictionary()  # fake mode -> its tape


def new_tape():
    fake_mode = FakeTensorMode(allow_non_fake_inputs=True)
    tape = Tape(fake_mode)
    _TAPES[fake_mode] = tape
    return tape


@contextlib.contextmanager
def recording(tape):
    """Model code in this context makes fake tensors and appends its calls to ``tape``."""
    with _recordable_init(), _Deepcopy(), tape.fake_mode, Recorder(tape):
        yield tape


def record(fn, *args, **kwargs):
    """Run ``fn(*args, **kwargs)`` under fake tensors, recording; returns (result, tape)."""
    tape = new_tape()
    with recording(tape):
        result = fn(*args, **kwargs)
    return result, tape


def tape_of(t):
    """The tape that recorded fake tensor ``t``, or None."""
    return _TAPES.get(getattr(t, "fake_mode", None)) if isinstance(t, FakeTensor) else None


def tensors_of(module):
    """Every tensor a module tree holds: ``[(qualname, owner, attr, kind, tensor)]``, kind in
    param/buffer/attr, in module order (tied tensors appear under each of their names)."""
    out = []
    for mname, mod in module.named_modules(remove_duplicate=False):
        prefix = mname + "." if mname else ""
        for n, p in mod._parameters.items():
            if p is not None:
                out.append((prefix + n, mod, n, "param", p))
        for n, b in mod._buffers.items():
            if b is not None:
                out.append((prefix + n, mod, n, "buffer", b))
        for n, v in vars(mod).items():
            if isinstance(v, torch.Tensor) and n not in mod._parameters and n not in mod._buffers:
                out.append((prefix + n, mod, n, "attr", v))
    return out


# ------------------------------------------------------------- deferred modules
_ROOTS = weakref.WeakKeyDictionary()  # module given back by deferred_init -> {qualname: fake}


def to_meta(module):
    """Give ``module`` meta tensors in place of its recorded fake ones (same geometry, dtype and
    parameter-ness), each linked to its fake by ``_winit_deferred``.  A meta module is what
    the ecosystem shards and inspects (FSDP2's ``fully_shard``, ``parallelize_module``,
    ``to_empty``); the qualified names are kept too, for tensors that sharding replaces."""
    made, names = {}, {}
    for qn, mod, attr, kind, t in tensors_of(module):
        if not isinstance(t, FakeTensor):
            continue
        names.setdefault(qn, t)
        m = made.get(id(t))
        if m is None:
            with unset_fake_temporarily():
                m = torch.empty_strided(tuple(t.shape), tuple(t.stride()), dtype=t.dtype, device="meta")
            m = dress(m, kind, t.requires_grad, t)
            m._winit_deferred = t
            made[id(t)] = m
        put(mod, attr, kind, m)
    _ROOTS[module] = names
    return module


def dress(t, kind, requires_grad, fake):
    """``t`` as the kind of tensor ``fake`` stood for, with the attributes model code set on it."""
    if kind == "param":
        t = torch.nn.Parameter(t, requires_grad=requires_grad)
    for k, v in user_attrs(fake).items():
        if k != "_is_param":
            setattr(t, k, v)
    return t


def put(mod, attr, kind, t):
    """Make ``t`` the parameter, buffer or attribute ``attr`` of ``mod``."""
    if kind == "param":
        mod._parameters[attr] = t
    elif kind == "buffer":
        mod._buffers[attr] = t
    else:
        setattr(mod, attr, t)


def _local(t):
    """The local tensor of a DTensor, else None."""
    return getattr(t, "_local_tensor", None) if type(t).__name__ == "DTensor" else None


MISSING = object()  # a meta tensor with no recorded history


def source(module, qualname, t):
    """The fake tensor whose recorded history gives ``t`` (``module``'s tensor at ``qualname``):
    a meta tensor made by :func:`to_meta`, or a DTensor with a meta local shard that
    sharding made from one; None for a real tensor, MISSING for a meta one never recorded."""
    fake = getattr(t, "_winit_deferred", None)
    if fake is not None and t.is_meta:
        return fake
    local = _local(t)
    if local is not None and local.is_meta:
        return _ROOTS.get(module, {}).get(qualname, MISSING)
    if not t.is_meta:
        return None
    # module.to(dtype) makes new buffers: a meta tensor of the recorded shape under the
    # recorded name, in another floating dtype, is that cast
    fake = _ROOTS.get(module, {}).get(qualname)
    if (fake is not None and tuple(fake.shape) == tuple(t.shape) and fake.dtype != t.dtype
            and fake.dtype.is_floating_point and t.dtype.is_floating_point):
        return fake
    return MISSING


# ------------------------------------------------------------- regions (shards)
# A shard is computed alone when every call of its history is elementwise over boxes of
# the tensor (a random fill of a slice, a fill, arithmetic with scalars on a slice): each
# call then runs on the shard's part of its box, random values addressed by their index
# in the call's own tensor, so the shard equals the slice of the whole, bit for bit.
SHARDS = collections.Counter()  # shards computed "alone" (as regions) or from the "whole" tensor
_REGION_RANDOM = {"normal_", "uniform_", "trunc_normal_", "bernoulli_", "exponential_"}
_REGION_FILLS = {"ones": 1, "zeros": 0, "full": None, "ones_like": 1, "zeros_like": 0, "full_like": None}
_REGION_INPLACE = {"fill_", "zero_", "copy_"}


def _contiguous_strides(size):
    cs = [1] * len(size)
    for d in range(len(size) - 2, -1, -1):
        cs[d] = cs[d + 1] * size[d + 1]
    return cs


def is_box_target(ref):
    """True if ``ref`` is C-contiguous (a tensor whose slices are boxes)."""
    cs = _contiguous_strides(ref.size)
    return all(s == c or n == 1 for s, c, n in zip(ref.stride, cs, ref.size))


def box_of(ref, target):
    """``ref`` as a slice of C-contiguous ``target``: (start per target dim, the target dim of
    each view dim or None for a view dim of size 1), or None if it is not one."""
    if ref.key != target.key or ref.dtype != target.dtype:
        return None
    cs = _contiguous_strides(target.size)
    rel = ref.offset - target.offset
    if rel < 0:
        return None
    start = []
    for c in cs:
        start.append(rel // c)
        rel -= start[-1] * c
    if rel or any(s >= n for s, n in zip(start, target.size)):
        return None
    dims, last = [], -1
    for vs, vn in zip(ref.stride, ref.size):
        if vn == 1:
            dims.append(None)
            continue
        d = next((d for d in range(last + 1, len(cs)) if cs[d] == vs and target.size[d] > 1), None)
        if d is None or start[d] + vn > target.size[d]:
            return None
        dims.append(d)
        last = d
    return start, dims


def _same_box(a, b):
    return a is not None and b is not None and a[0] == b[0] and a[1] == b[1]


def _whole(ref, base):
    return (ref.offset, ref.size, ref.stride) == (base.offset, base.size, base.stride)


def region_steps(tape, program, target):
    """``program`` as steps that compute any region of ``target`` alone, or None.

    Every storage the program touches must be a tensor of ``target``'s shape (C-contiguous),
    and every call elementwise over one box of them: an in-place call on a slice, with its
    other tensors the same slice of other such storages; a fill; or an elementwise call
    (``clone``, ``x * 2``) from whole tensors to a new one.  A region then maps to the same
    region of each storage, and each is computed as that region alone."""
    if not is_box_target(target):
        return None
    bases = {target.key: target}

    def base(key):
        if key not in bases:
            b = tape.base(key)
            if b is None or b.size != target.size or not is_box_target(b):
                return None
            bases[key] = b
        return bases[key]

    steps = []
    for i in program:
        c = tape.calls[i]
        if c.initial is not None:
            return None
        op = c.func._schema.name.split("::")[-1]
        refs = [x for x in c.leaves if isinstance(x, Ref)]
        if any(isinstance(x, Const) and x.value.dim() != 0 for x in c.leaves):
            return None
        if any(base(r.key) is None for r in refs):
            return None
        if c.fresh:  # a new storage: a fill, or elementwise from whole tensors
            outs = [o for o in c.outs if o is not None]
            if len(outs) != 1 or c.fresh != {outs[0].key} or base(outs[0].key) is None \
                    or not _whole(outs[0], bases[outs[0].key]):
                return None
            if op in _REGION_FILLS:
                value = _REGION_FILLS[op]
                if value is None:
                    args, _ = pytree.tree_unflatten(c.leaves, c.spec)
                    value = args[1]
                steps.append(("fill", i, outs[0].key, value))
            elif (op in ("clone", "_to_copy") or torch.Tag.pointwise in c.func.tags) and not c.random \
                    and all(_whole(r, bases[r.key]) for r in refs):
                steps.append(("new", i, outs[0].key))
            else:
                return None
            continue
        first = c.leaves[0] if c.leaves else None
        if not op.endswith("_") or not isinstance(first, Ref):
            return None
        box = box_of(first, bases[first.key])
        if box is None or any(not _same_box(box_of(r, bases[r.key]), box) or r.size != first.size
                              for r in refs):
            return None
        if c.random:
            if op not in _REGION_RANDOM or not replayable(c.func) or len(refs) != 1:
                return None
        elif not (op in _REGION_INPLACE or torch.Tag.pointwise in c.func.tags):
            return None
        steps.append(("call", i, box))
    return steps

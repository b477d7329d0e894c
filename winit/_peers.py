"""What the benchmarks run: the peers winit is measured against, and the cases.

This is the one place that says what a benchmark runs, for both `winit bench`
(winit/bench.py, which adds its own timing, tables and goals) and the asv suite
(benchmarks/benchmarks): the thread count "all", the pre-faulted buffers the fills write into,
each peer's fill (winit; numpy PCG64; torch on one thread) as a zero-argument call with a short
text of what it runs, and the whole-call cases (the allocating he_normal, 1,000-element calls,
a Llama model build).  A peer or case that cannot run here raises Unavailable; winit bench
leaves it out, and the asv suite reports it as "n/a".

The asv suite loads this file from the source tree beside it, while the winit it measures may
be an older installed commit: so this module imports nothing from the package and uses winit
only through its public API (``import winit`` inside the functions).  torch, ml_dtypes and
transformers are imported lazily too, only when a case needs them.
"""
import collections
import math
import os

import numpy as np

MI = 1 << 20
ITEMSIZE = {"float32": 4, "float64": 8, "float16": 2, "bfloat16": 2}
WINIT_FN = {"normal": "normal", "uniform": "uniform", "truncated": "truncated_normal"}
NUMPY_DTYPES = ("float32", "float64")  # numpy's generators fill these only
NUMPY_SEED = 12345
TORCH_TRUNC_MAX = 4 * MI  # torch's trunc_normal_ runs at ~10 Ms/s: measured on at most this many
HE_SHAPE = (4096, 4096)
HE_SHAPE_QUICK = (1024, 1024)
SMALL_N = 1000
# A 168M-parameter Llama (8 layers, hidden 1024, vocabulary 32000), and a small one for --quick.
LLAMA_168M = dict(num_hidden_layers=8, hidden_size=1024, intermediate_size=2816,
                  num_attention_heads=16, vocab_size=32000)
LLAMA_QUICK = dict(num_hidden_layers=2, hidden_size=256, intermediate_size=704,
                   num_attention_heads=4, vocab_size=4000)


class Unavailable(Exception):
    """This peer, dtype or case cannot run here (no torch, no ml_dtypes, an older winit)."""


# --------------------------------------------------------------- threads, dtypes, buffers
def all_threads():
    """The thread count "all": the CPUs this process may run on."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # pragma: no cover - not Linux
        return max(1, os.cpu_count() or 1)


def np_dtype(name):
    """The numpy dtype of ``name``; bfloat16 comes from ml_dtypes (Unavailable without it)."""
    if name == "bfloat16":
        try:
            import ml_dtypes
        except ImportError:
            raise Unavailable("bfloat16 needs ml_dtypes") from None
        return np.dtype(ml_dtypes.bfloat16)
    return np.dtype(name)


def has_dtype(name):
    try:
        np_dtype(name)
    except Unavailable:
        return False
    return True


def prefaulted(nbytes):
    """A new buffer of at least ``nbytes`` bytes, every page touched (np.ones): a first touch
    costs ~10x the write being measured.  ``view`` gives it any dtype."""
    return np.ones((nbytes + 7) // 8, dtype=np.float64)


def view(buf, dtype, n):
    """The first ``n`` elements of ``buf`` as ``dtype`` (a name; bfloat16 via ml_dtypes)."""
    return buf.view(np_dtype(dtype))[:n]


_BUFFERS = {}


def buffer(dtype, n):
    """A pre-faulted array of ``n`` ``dtype`` elements kept for the process (asv re-runs setup
    before every sample); one at a time, so that two 64M buffers never coexist."""
    key = (dtype, n)
    if key not in _BUFFERS:
        _BUFFERS.clear()
        _BUFFERS[key] = view(prefaulted(n * ITEMSIZE[dtype]), dtype, n)
    return _BUFFERS[key]


def import_torch():
    """torch set to one thread (its CPU normal_/uniform_ use one anyway); Unavailable when it
    does not import."""
    try:
        import torch
    except Exception:  # absent, or a broken install
        raise Unavailable("torch is not installed") from None
    torch.set_num_threads(1)
    return torch


def torch_view(torch, a):
    """A torch tensor sharing ``a``'s memory (bfloat16 through an int16 view)."""
    if a.dtype.name == "bfloat16":
        return torch.from_numpy(a.view(np.int16)).view(torch.bfloat16)
    return torch.from_numpy(a)


# --------------------------------------------------------------- the peer fills: (call, text)
def winit_fill(dist, a, threads):
    """winit filling ``a`` in place on ``threads`` threads (None: winit's default)."""
    import winit

    f = getattr(winit, WINIT_FN[dist])
    return (lambda: f(out=a, seed=0, threads=threads)), "winit." + WINIT_FN[dist]


def numpy_peer_dist(dist):
    """numpy has no truncated normal: its normal stands in."""
    return "normal" if dist == "truncated" else dist


def numpy_fill(dist, a):
    """numpy PCG64 filling ``a`` in place: random, or standard_normal (also for truncated)."""
    if a.dtype.name not in NUMPY_DTYPES:
        raise Unavailable("numpy has no %s generator" % a.dtype.name)
    rng = np.random.default_rng(NUMPY_SEED)
    if numpy_peer_dist(dist) == "uniform":
        return (lambda: rng.random(out=a, dtype=a.dtype)), "random"
    return (lambda: rng.standard_normal(out=a, dtype=a.dtype)), "standard_normal"


def torch_fill(dist, a):
    """torch (one thread) on a tensor sharing ``a``'s memory: normal_, uniform_, trunc_normal_."""
    torch = import_torch()
    t = torch_view(torch, a)
    if dist == "normal":
        return t.normal_, "normal_"
    if dist == "uniform":
        return t.uniform_, "uniform_"
    init = torch.nn.init.trunc_normal_
    return (lambda: init(t, 0.0, 1.0, -2.0, 2.0)), "nn.init.trunc_normal_"


def peer_fill(peer, dist, a, threads=None):
    """(call, text) of ``peer`` ("winit", "numpy" or "torch") filling ``a`` in place; only
    winit takes ``threads``."""
    if peer == "winit":
        return winit_fill(dist, a, threads)
    if peer == "numpy":
        return numpy_fill(dist, a)
    return torch_fill(dist, a)


# --------------------------------------------------------------- the call cases: (call, text)
def he_normal_call(peer, shape=HE_SHAPE):
    """The allocating he_normal call on ``shape`` float32 (page faults included)."""
    if peer == "winit":
        import winit

        if hasattr(winit, "he_normal"):
            return (lambda: winit.he_normal(shape, seed=0)), "winit.he_normal(shape, seed=0)"
        if hasattr(winit, "init"):  # older commits
            return (lambda: winit.init("he_normal", shape, seed=0)), "winit.init('he_normal', shape, seed=0)"
        raise Unavailable("this winit has no he_normal scheme")
    if peer == "numpy":
        rng = np.random.default_rng(NUMPY_SEED)
        std = math.sqrt(2.0 / shape[1])
        return (lambda: rng.standard_normal(shape, dtype=np.float32) * std), \
            "rng.standard_normal(shape, dtype=float32) * std"
    torch = import_torch()
    return (lambda: torch.nn.init.kaiming_normal_(torch.empty(*shape))), \
        "nn.init.kaiming_normal_(torch.empty(shape))"


def alloc_call(peer, dist="normal", n=SMALL_N):
    """An allocating call returning ``n`` new float32 values (for small n: the fixed cost)."""
    if peer == "winit":
        import winit

        f = getattr(winit, WINIT_FN[dist])
        return (lambda: f(n, seed=0)), "winit.%s(%d, seed=0)" % (WINIT_FN[dist], n)
    if peer == "numpy":
        rng = np.random.default_rng(NUMPY_SEED)
        if dist == "uniform":
            return (lambda: rng.random(n, dtype=np.float32)), "rng.random(%d, dtype=float32)" % n
        return (lambda: rng.standard_normal(n, dtype=np.float32)), "rng.standard_normal(%d, dtype=float32)" % n
    torch = import_torch()
    if dist == "normal":
        return (lambda: torch.empty(n).normal_()), "torch.empty(%d).normal_()" % n
    if dist == "uniform":
        return (lambda: torch.empty(n).uniform_()), "torch.empty(%d).uniform_()" % n
    init = torch.nn.init.trunc_normal_
    return (lambda: init(torch.empty(n), 0.0, 1.0, -2.0, 2.0)), "nn.init.trunc_normal_(torch.empty(%d), a=-2, b=2)" % n


# (label, id, shape, {peer: call or None}, {peer: text or None}); a peer left out is not measured.
CallCase = collections.namedtuple("CallCase", "label id shape fns whats")


def _call_case(label, cid, shape, make, peers):
    fns, whats = {}, {}
    for peer in peers:
        try:
            fns[peer], whats[peer] = make(peer)
        except Unavailable:
            fns[peer] = whats[peer] = None
    return CallCase(label, cid, list(shape), fns, whats)


def call_cases(torch, all_n, quick):
    """The whole-call cases of `winit bench` and a note on the model build: he_normal
    allocating, a 1,000-element normal call and, with torch and transformers, the Llama build.
    ``torch`` None leaves the torch peer out."""
    peers = ("winit", "numpy") + (("torch",) if torch is not None else ())
    he = HE_SHAPE_QUICK if quick else HE_SHAPE
    cases = [
        _call_case("he_normal %dx%d float32 (allocating)" % he, "he_normal", he,
                   lambda p: he_normal_call(p, he), peers),
        _call_case("normal %d float32 (allocating, small)" % SMALL_N, "small_normal", [SMALL_N],
                   lambda p: alloc_call(p, "normal", SMALL_N), peers),
    ]
    model, note = llama_build_spec(torch, all_n, quick)
    if model is not None:
        cases.append(model)
    return cases, note


def llama_build_spec(torch, all_n, quick):
    """The CallCase timing ``LlamaForCausalLM(config)`` (torch on all cores) against
    ``deferred_init`` + ``materialize(threads=all)``, and a note; (None, why) when torch,
    transformers or winit.torch is missing."""
    if torch is None:
        return None, "model build: torch is not installed"
    try:
        import transformers

        cfg = transformers.LlamaConfig(**(LLAMA_QUICK if quick else LLAMA_168M))
        build = transformers.LlamaForCausalLM
    except Exception as e:  # absent, or a broken import (torchvision beside a CPU torch)
        return None, "model build: transformers not importable (%s)" % " ".join(str(e).split())[:100]
    try:
        import winit.torch as wt

        n_params = sum(p.numel() for p in wt.deferred_init(build, cfg).parameters())
    except (ImportError, AttributeError):  # an older winit
        return None, "model build: this winit has no winit.torch.deferred_init"

    def torch_build():
        before = torch.get_num_threads()
        torch.set_num_threads(all_n)
        try:
            build(cfg)
        finally:
            torch.set_num_threads(before)

    def winit_build():
        wt.materialize(wt.deferred_init(build, cfg), seed=0, threads=all_n)

    label = "LlamaForCausalLM %.0fM build (%d threads)" % (n_params / 1e6, all_n)
    fns = {"winit": winit_build, "numpy": None, "torch": torch_build}
    whats = {"winit": "winit.torch.materialize(deferred_init(LlamaForCausalLM, config), seed=0)",
             "numpy": None, "torch": "LlamaForCausalLM(config), torch on all cores"}
    note = ("model build: %s parameters; winit: deferred_init + materialize; torch: the model's own "
            "construction (nn.Linear's kaiming pass, then transformers' _init_weights)" % format(n_params, ","))
    return CallCase(label, "llama_build", [n_params], fns, whats), note

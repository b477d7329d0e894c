"""Helpers shared by the benchmark modules: peers, pre-faulted buffers, warm-up.

Only winit's public API is used (winit.normal/uniform/truncated_normal with out= and
threads=, winit.he_normal or winit.init), so the suite also runs against older commits in
`asv continuous`.  torch and ml_dtypes are imported lazily, in setup, and only when needed.
"""
import os
import time

import numpy as np

MI = 1 << 20
SIZES = {"1M": MI, "64M": 64 * MI}
WINIT_FN = {"normal": "normal", "uniform": "uniform", "truncated": "truncated_normal"}

# Buffers live for the whole benchmark process: asv re-runs setup before every sample, and
# allocating + first-touching 64M elements costs ~10x the fill being measured.
_BUFFERS = {}
_WARMED = set()


def skip(why):
    raise NotImplementedError(why)


def all_threads():
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # pragma: no cover - not Linux
        return max(1, os.cpu_count() or 1)


def np_dtype(name):
    if name == "bfloat16":
        try:
            import ml_dtypes
        except ImportError:
            skip("bfloat16 needs ml_dtypes")
        return np.dtype(ml_dtypes.bfloat16)
    return np.dtype(name)


def buffer(dtype, n):
    """A pre-faulted (np.ones) contiguous array of n elements, cached for the process."""
    key = (dtype, n)
    if key not in _BUFFERS:
        _BUFFERS.clear()  # one case per process in practice; never keep two 64M buffers
        _BUFFERS[key] = np.ones(n, dtype=np_dtype(dtype))
    return _BUFFERS[key]


def import_torch():
    try:
        import torch
    except ImportError:
        skip("torch is not installed")
    torch.set_num_threads(1)  # its CPU normal_/uniform_ use one thread anyway
    return torch


def torch_view(torch, a):
    """A torch tensor sharing a's memory (bfloat16 through an int16 view)."""
    if a.dtype.itemsize == 2 and a.dtype.name == "bfloat16":
        return torch.from_numpy(a.view(np.int16)).view(torch.bfloat16)
    return torch.from_numpy(a)


def winit_fill(dist, threads):
    """make(a) -> a call filling a in place with winit on `threads` threads."""
    import winit

    f = getattr(winit, WINIT_FN[dist])
    return lambda a: (lambda: f(out=a, seed=0, threads=threads))


def numpy_fill(dist, dtype):
    """make(a) for numpy PCG64 in place: standard_normal (also standing in for truncated), random."""
    if dtype not in ("float32", "float64"):
        skip("numpy has no %s generator" % dtype)
    rng = np.random.default_rng(12345)
    dt = np.dtype(dtype)
    if dist == "uniform":
        return lambda a: (lambda: rng.random(out=a, dtype=dt))
    return lambda a: (lambda: rng.standard_normal(out=a, dtype=dt))


def torch_fill(dist):
    """make(a) for torch on a tensor sharing a's memory: normal_, uniform_, nn.init.trunc_normal_."""
    torch = import_torch()
    init = torch.nn.init.trunc_normal_

    def make(a):
        t = torch_view(torch, a)
        if dist == "normal":
            return t.normal_
        if dist == "uniform":
            return t.uniform_
        return lambda: init(t, 0.0, 1.0, -2.0, 2.0)
    return make


def warm_up(key, make, a):
    """Once per process: a call on a 1/64 slice (lazy initialisation), then a full call when
    that predicts under half a second, so that the timed calls find everything warm."""
    if key in _WARMED:
        return
    _WARMED.add(key)
    m = max(1, a.size // 64)
    small = make(a[:m])
    t0 = time.perf_counter()
    small()
    if (time.perf_counter() - t0) * (a.size / m) < 0.5:
        make(a)()

"""The AVX2 kernels give the same bits as the scalar kernels (SPEC 1.4).

Every distribution x dtype is drawn twice, once with the scalar path forced
(winit._core._set_isa("scalar")) and once with the AVX2 path, over odd sizes,
odd and very large offsets (past 2**32 blocks, and across the 2**32 carry of
the block counter), unaligned `out` buffers and several truncation bounds, and
the raw bytes must match.  Skipped where the CPU has no AVX2+FMA+F16C.
"""
import numpy as np
import pytest

import winit
from winit import _core

from conftest import ALL_DTYPES, bits_of, np_dtype

HAS_AVX2 = hasattr(_core, "_set_isa") and _core.cpu_has_avx2()
pytestmark = pytest.mark.skipif(not HAS_AVX2, reason="no AVX2+FMA+F16C on this CPU")

SIZES = [0, 1, 3, 5, 31, 33, 1001, 100003]
# element offsets; per-block counts are 4 (32/16-bit) or 2 (float64), so these
# cover head/tail partial blocks, > 2**32 blocks and the carry of counter word 0.
OFFSETS = [0, 1, 3, 7, 12345, 2**34 + 5, 4 * (2**32 - 9) + 1, 2 * (2**32 - 5) + 1, 2**63 + 2**40 + 3]
BOUNDS = [(-2.0, 2.0), (-1.0, 3.0), (0.0, 1.0), (-0.5, 0.5), (2.0, 3.0), (-6.0, -5.0), (4.0, 8.0),
          (-10.0, 10.0), (12.0, 13.0), (-37.5, -36.0), (1.0, np.inf), (-np.inf, 0.5)]


def _both(fn):
    """fn() under the scalar path and under the AVX2 path."""
    try:
        _core._set_isa("scalar")
        assert _core._get_isa() == "scalar"
        a = fn()
        _core._set_isa("avx2")
        assert _core._get_isa() == "avx2"
        b = fn()
    finally:
        _core._set_isa("auto")
    return a, b


def _same(a, b, what):
    a, b = np.asarray(a), np.asarray(b)
    assert a.dtype == b.dtype and a.shape == b.shape, what
    ba, bb = bits_of(a), bits_of(b)
    if not np.array_equal(ba, bb):
        i = int(np.flatnonzero(ba.ravel() != bb.ravel())[0])
        raise AssertionError(f"{what}: scalar and AVX2 differ at element {i}: "
                             f"{a.ravel()[i]!r} vs {b.ravel()[i]!r}")


def _sampler(dist, n, dtype, seed, offset, **kw):
    if dist == "uniform":
        return lambda: winit.uniform(n, kw.get("low", -0.3), kw.get("high", 1.7), seed=seed, dtype=dtype,
                                     offset=offset, threads=1)
    if dist == "normal":
        return lambda: winit.normal(n, kw.get("mean", 0.25), kw.get("std", 1.5), seed=seed, dtype=dtype,
                                    offset=offset, threads=1)
    lo, hi = kw.get("bounds", (-2.0, 2.0))
    return lambda: winit.truncated_normal(n, 0.5, 2.0, lo, hi, seed=seed, dtype=dtype, offset=offset, threads=1)


@pytest.mark.parametrize("n", SIZES)
def test_raw(n):
    for k, off in enumerate(OFFSETS):
        seed = 1234567 + 7919 * k
        a, b = _both(lambda: winit.random_raw(n, seed=seed, stream=k, offset=off, threads=1))
        _same(a, b, f"raw n={n} offset={off}")


@pytest.mark.parametrize("dtype", ALL_DTYPES)
@pytest.mark.parametrize("dist", ["uniform", "normal", "truncated"])
@pytest.mark.parametrize("n", SIZES)
def test_dist_dtype(dist, dtype, n):
    offsets = OFFSETS if n < 100003 else OFFSETS[:3]
    for k, off in enumerate(offsets):
        kw = {"bounds": BOUNDS[k % len(BOUNDS)]}
        a, b = _both(_sampler(dist, n, dtype, 2**64 - 1 - k, off, **kw))
        _same(a, b, f"{dist} {dtype} n={n} offset={off} {kw}")


@pytest.mark.parametrize("dtype", ALL_DTYPES)
@pytest.mark.parametrize("bounds", BOUNDS)
def test_truncated_bounds(dtype, bounds):
    n = 20011
    a, b = _both(_sampler("truncated", n, dtype, 99, 3, bounds=bounds))
    _same(a, b, f"truncated {dtype} {bounds}")
    lo, hi = bounds
    z = (np.asarray(b, dtype=np.float64) - 0.5) / 2.0
    assert np.all(np.isfinite(z))
    assert z.min() >= lo - 1e-2 * max(1.0, abs(lo)) and z.max() <= hi + 1e-2 * max(1.0, abs(hi))


@pytest.mark.parametrize("dtype", ALL_DTYPES)
@pytest.mark.parametrize("dist", ["uniform", "normal", "truncated"])
def test_unaligned_out(dist, dtype):
    dt = np_dtype(dtype)
    for n in (1, 5, 33, 1001, 4099):
        for shift in (1, 2, 3):
            def fill():
                raw = bytearray(dt.itemsize * n + shift)
                out = np.frombuffer(raw, dtype=dt, count=n, offset=shift)
                if dist == "uniform":
                    winit.uniform(low=-1.0, high=2.0, seed=5, out=out, offset=3, threads=1)
                elif dist == "normal":
                    winit.normal(mean=1.0, std=3.0, seed=5, out=out, offset=3, threads=1)
                else:
                    winit.truncated_normal(mean=1.0, std=3.0, lower=-1.0, upper=2.5, seed=5, out=out,
                                           offset=3, threads=1)
                return out.copy()
            a, b = _both(fill)
            _same(a, b, f"{dist} {dtype} unaligned n={n} shift={shift}")
            ref = _sampler(dist, n, dtype, 5, 3, low=-1.0, high=2.0, mean=1.0, std=3.0, bounds=(-1.0, 2.5))
            if dist == "truncated":
                ref = lambda: winit.truncated_normal(n, 1.0, 3.0, -1.0, 2.5, seed=5, dtype=dtype, offset=3, threads=1)
            _same(b, ref(), f"{dist} {dtype} unaligned out vs allocated")


def test_raw_unaligned_out():
    for n in (1, 7, 33, 1001):
        def fill():
            raw = bytearray(4 * n + 1)
            out = np.frombuffer(raw, dtype=np.uint32, count=n, offset=1)
            winit.random_raw(seed=77, out=out, offset=2**33 + 1, threads=1)
            return out.copy()
        a, b = _both(fill)
        _same(a, b, f"raw unaligned n={n}")


@pytest.mark.parametrize("dtype", ["float16", "float32"])
def test_extreme_scales(dtype):
    """Half overflow to inf, half subnormals and float32 subnormals go through the
    same conversions on both paths."""
    for mean, std in ((0.0, 30000.0), (0.0, 3e-6), (0.0, 1e-40), (65000.0, 1000.0)):
        a, b = _both(lambda: winit.normal(4099, mean, std, seed=3, dtype=dtype, threads=1))
        _same(a, b, f"normal {dtype} mean={mean} std={std}")

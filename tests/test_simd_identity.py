"""Every compiled kernel target gives the same bits as the scalar one (SPEC 1.4).

Each test runs once per target of winit._core.isas() (AVX-512, AVX2, SSE2, NEON,
the emulated 8- and 16-lane instances): every distribution x dtype is drawn with
the scalar target forced and with that target, over odd sizes, odd and very
large offsets (past 2**32 blocks, and across the 2**32 carry of the block
counter), unaligned `out` buffers, several truncation bounds and non-temporal
stores, and the raw bytes must match.  A target this CPU cannot run is replaced
by the emulated instance with as many lanes (the test id says so).
"""
import numpy as np
import pytest

import winit
from winit import _core

from conftest import ALL_DTYPES, DIST_NAMES, assert_same_bits, call, compiled_targets, np_dtype, on_isa, scalar_and

TARGETS = compiled_targets()
pytestmark = pytest.mark.parametrize("isa", [run for _, run in TARGETS], ids=[tid for tid, _ in TARGETS])

SIZES = [0, 1, 3, 5, 31, 33, 1001, 100003]
# element offsets; per-block counts are 4 (32/16-bit) or 2 (float64), so these
# cover head/tail partial blocks, > 2**32 blocks and the carry of counter word 0.
OFFSETS = [0, 1, 3, 7, 12345, 2**34 + 5, 4 * (2**32 - 9) + 1, 2 * (2**32 - 5) + 1, 2**63 + 2**40 + 3]
BOUNDS = [(-2.0, 2.0), (-1.0, 3.0), (0.0, 1.0), (-0.5, 0.5), (2.0, 3.0), (-6.0, -5.0), (4.0, 8.0),
          (-10.0, 10.0), (12.0, 13.0), (-37.5, -36.0), (1.0, np.inf), (-np.inf, 0.5)]


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
def test_raw(n, isa):
    for k, off in enumerate(OFFSETS):
        seed = 1234567 + 7919 * k
        a, b = scalar_and(isa, lambda: winit.random_raw(n, seed=seed, stream=k, offset=off, threads=1))
        assert_same_bits(a, b, f"raw n={n} offset={off}")


@pytest.mark.parametrize("dtype", ALL_DTYPES)
@pytest.mark.parametrize("dist", ["uniform", "normal", "truncated"])
@pytest.mark.parametrize("n", SIZES)
def test_dist_dtype(dist, dtype, n, isa):
    offsets = OFFSETS if n < 100003 else OFFSETS[:3]
    for k, off in enumerate(offsets):
        kw = {"bounds": BOUNDS[k % len(BOUNDS)]}
        a, b = scalar_and(isa, _sampler(dist, n, dtype, 2**64 - 1 - k, off, **kw))
        assert_same_bits(a, b, f"{dist} {dtype} n={n} offset={off} {kw}")


@pytest.mark.parametrize("dtype", ALL_DTYPES)
@pytest.mark.parametrize("bounds", BOUNDS)
def test_truncated_bounds(dtype, bounds, isa):
    n = 20011
    a, b = scalar_and(isa, _sampler("truncated", n, dtype, 99, 3, bounds=bounds))
    assert_same_bits(a, b, f"truncated {dtype} {bounds}")
    lo, hi = bounds
    z = (np.asarray(b, dtype=np.float64) - 0.5) / 2.0
    assert np.all(np.isfinite(z))
    assert z.min() >= lo - 1e-2 * max(1.0, abs(lo)) and z.max() <= hi + 1e-2 * max(1.0, abs(hi))


@pytest.mark.parametrize("dtype", ALL_DTYPES)
@pytest.mark.parametrize("dist", ["uniform", "normal", "truncated"])
def test_unaligned_out(dist, dtype, isa):
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
            a, b = scalar_and(isa, fill)
            assert_same_bits(a, b, f"{dist} {dtype} unaligned n={n} shift={shift}")
            ref = _sampler(dist, n, dtype, 5, 3, low=-1.0, high=2.0, mean=1.0, std=3.0, bounds=(-1.0, 2.5))
            if dist == "truncated":
                ref = lambda: winit.truncated_normal(n, 1.0, 3.0, -1.0, 2.5, seed=5, dtype=dtype, offset=3, threads=1)
            assert_same_bits(b, ref(), f"{dist} {dtype} unaligned out vs allocated")


def test_raw_unaligned_out(isa):
    for n in (1, 7, 33, 1001):
        def fill():
            raw = bytearray(4 * n + 1)
            out = np.frombuffer(raw, dtype=np.uint32, count=n, offset=1)
            winit.random_raw(seed=77, out=out, offset=2**33 + 1, threads=1)
            return out.copy()
        a, b = scalar_and(isa, fill)
        assert_same_bits(a, b, f"raw unaligned n={n}")


# Parameters that take the kernels' exact shortcuts of loc + scale * v (std 1:
# mean + v; uniform with low +-0 and high > 0: no add), with signed zeros, and
# their non-shortcut neighbours.
NORMAL_SHORTCUTS = [(0.0, 1.0), (-0.0, 1.0), (3.0, 1.0), (-2.5, 1.0), (0.0, 2.5), (-0.0, 2.5), (0.0, 1e-30),
                    (1.0, 0.0)]
UNIFORM_SHORTCUTS = [(0.0, 1.0), (-0.0, 1.0), (0.0, 2.5), (-0.0, 2.5), (0.0, 1e-30), (-1.0, 0.0), (-0.0, 0.0),
                     (3.0, 4.0)]


@pytest.mark.parametrize("dtype", ALL_DTYPES)
@pytest.mark.parametrize("k", range(len(NORMAL_SHORTCUTS)))
def test_affine_shortcuts(dtype, k, isa):
    n = 4099
    mean, std = NORMAL_SHORTCUTS[k]
    a, b = scalar_and(isa, lambda: winit.normal(n, mean, std, seed=11, dtype=dtype, offset=1, threads=1))
    assert_same_bits(a, b, f"normal {dtype} mean={mean} std={std}")
    low, high = UNIFORM_SHORTCUTS[k]
    a, b = scalar_and(isa, lambda: winit.uniform(n, low, high, seed=11, dtype=dtype, offset=1, threads=1))
    assert_same_bits(a, b, f"uniform {dtype} low={low} high={high}")


@pytest.mark.parametrize("dtype", ["float16", "float32"])
def test_extreme_scales(dtype, isa):
    """Half overflow to inf, half subnormals and float32 subnormals go through the
    same conversions on both paths."""
    for mean, std in ((0.0, 30000.0), (0.0, 3e-6), (0.0, 1e-40), (65000.0, 1000.0)):
        a, b = scalar_and(isa, lambda: winit.normal(4099, mean, std, seed=3, dtype=dtype, threads=1))
        assert_same_bits(a, b, f"normal {dtype} mean={mean} std={std}")


@pytest.mark.parametrize("dtype", ALL_DTYPES)
@pytest.mark.parametrize("dist", DIST_NAMES)
def test_scalar_equals_simd_with_region(dist, dtype, isa):
    region = (slice(None, None, -1), slice(2, 15, 3))
    a, b = scalar_and(isa, lambda: (call(dist, 4099, seed=77, stream=2, offset=3, dtype=dtype),
                                    call(dist, (17, 19), seed=77, offset=1, dtype=dtype, region=region)))
    assert_same_bits(a[0], b[0], f"scalar vs {isa}")
    assert_same_bits(a[1], b[1], f"scalar vs {isa} region")


def test_scalar_equals_simd_raw(isa):
    a, b = scalar_and(isa, lambda: winit.random_raw(4099, seed=77, offset=3))
    np.testing.assert_array_equal(a, b)


@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_scalar_equals_simd_sizes_offsets(dtype, isa):
    """Every head/tail alignment of the SIMD path (sizes 0..40, offsets 0..9)."""
    a, b = scalar_and(isa, lambda: [call(d, n, seed=5, offset=o, dtype=dtype)
                                    for d in DIST_NAMES for n in range(41) for o in range(10)])
    for x, y in zip(a, b):
        assert_same_bits(x, y)


@pytest.mark.parametrize("dtype", ALL_DTYPES)
@pytest.mark.parametrize("dist", ["uniform", "normal", "truncated"])
def test_nontemporal_stores(dist, dtype, isa, low_parallel_threshold):
    """Fills above the size threshold take non-temporal stores from the first 64-byte boundary
    on: the same bits as ordinary stores, whatever the alignment of out, the offset and the
    threads (a low parallel threshold, so that threads=2 runs two shares)."""
    core = winit._core
    dt = np_dtype(dtype)
    old = core._get_stream_threshold()
    for n, offset, shift_items, threads in ((4099, 3, 0, 1), (20011, 1, 1, 1), (9000, 0, 3, 2),
                                            (50000, 5, 8, 2)):
        def fill():
            raw = np.zeros(dt.itemsize * (n + 64) + 64, dtype=np.uint8)
            base = (-raw.ctypes.data) % 64 + shift_items * dt.itemsize
            out = raw[base:base + n * dt.itemsize].view(dt)
            kw = dict(seed=21, out=out, offset=offset, threads=threads)
            if dist == "uniform":
                winit.uniform(low=-1.0, high=2.0, **kw)
            elif dist == "normal":
                winit.normal(mean=1.0, std=3.0, **kw)
            else:
                winit.truncated_normal(mean=1.0, std=3.0, lower=-3.0, upper=2.5, **kw)
            return out.copy()
        try:
            core._set_stream_threshold(1 << 40)
            a = on_isa("scalar", fill)
            core._set_stream_threshold(1)
            b = on_isa(isa, fill)
        finally:
            core._set_stream_threshold(old)
        assert_same_bits(a, b, f"{dist} {dtype} n={n} offset={offset} shift={shift_items} threads={threads}")


def test_nontemporal_raw(isa):
    core = winit._core
    old = core._get_stream_threshold()
    try:
        core._set_stream_threshold(1 << 40)
        a = on_isa("scalar", lambda: winit.random_raw(70001, seed=4, offset=5))
        core._set_stream_threshold(1)
        b = on_isa(isa, lambda: winit.random_raw(70001, seed=4, offset=5))
    finally:
        core._set_stream_threshold(old)
    np.testing.assert_array_equal(a, b)

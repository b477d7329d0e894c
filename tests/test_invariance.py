"""SPEC 1.4: the same (seed, stream, element index, distribution, parameters, dtype) gives the
same bits whatever the threads, chunking, region, offset, out= layout or code path."""
import hashlib
import os

import numpy as np
import pytest

import winit
from conftest import ALL_DTYPES, BFLOAT16, DIST_NAMES, HALF_DTYPES, assert_same_bits, call, np_dtype

# ----------------------------------------------------------------------------- threads
@pytest.mark.parametrize("dtype", ALL_DTYPES)
@pytest.mark.parametrize("dist", DIST_NAMES)
def test_threads_identical(dist, dtype, low_parallel_threshold):
    shape = (101, 103)   # 10403 elements: > 8 threads x threshold 64
    base = call(dist, shape, seed=42, stream=3, offset=5, dtype=dtype, threads=1)
    for t in (2, 3, 8):
        got = call(dist, shape, seed=42, stream=3, offset=5, dtype=dtype, threads=t)
        assert_same_bits(got, base, f"threads={t}")
    # a region and out= through threads as well
    region = (slice(3, 90, 2), slice(None, None, -3))
    base_r = call(dist, shape, seed=42, stream=3, offset=5, dtype=dtype, threads=1, region=region)
    assert_same_bits(base_r, base[region])
    for t in (2, 3, 8):
        got = call(dist, shape, seed=42, stream=3, offset=5, dtype=dtype, threads=t, region=region)
        assert_same_bits(got, base_r, f"region threads={t}")
        out = np.zeros(shape, np_dtype(dtype))
        res = call(dist, seed=42, stream=3, offset=5, threads=t, out=out)
        assert res is out
        assert_same_bits(out, base, f"out threads={t}")


def test_threads_default_threshold_big():
    """Big enough to engage threads at the default threshold."""
    n = 2**21 + 7
    a = winit.normal(n, seed=1, offset=3, threads=1)
    b = winit.normal(n, seed=1, offset=3, threads=2)
    assert_same_bits(a, b)
    a = winit.uniform(n, seed=1, offset=3, threads=1, dtype="float64")
    b = winit.uniform(n, seed=1, offset=3, threads=2, dtype="float64")
    assert_same_bits(a, b)


def test_set_num_threads_default():
    old = winit.get_num_threads()
    try:
        base = winit.normal(5003, seed=9, threads=1)
        winit.set_num_threads(3)
        assert winit.get_num_threads() == 3
        assert_same_bits(winit.normal(5003, seed=9), base)
    finally:
        winit.set_num_threads(old)
    assert winit.get_num_threads() == old


@pytest.mark.parametrize("threshold", [1, 7, 64, 1000])
def test_chunking(threshold):
    """Different parallel thresholds cut the work differently: same bits."""
    core = winit._core
    old = core._get_parallel_threshold()
    dtypes = ["float64", "float32", "float16"]
    base = {(d, t): call(d, 4099, seed=3, offset=1, threads=1, dtype=t) for d in DIST_NAMES for t in dtypes}
    raw = winit.random_raw(4099, seed=3, offset=1, threads=1)
    try:
        core._set_parallel_threshold(threshold)
        for (d, dt), want in base.items():
            for t in (2, 3, 8):
                assert_same_bits(call(d, 4099, seed=3, offset=1, threads=t, dtype=dt), want, f"{d} {dt}")
        for t in (2, 3, 8):
            np.testing.assert_array_equal(winit.random_raw(4099, seed=3, offset=1, threads=t), raw)
    finally:
        core._set_parallel_threshold(old)


# ----------------------------------------------------------------------------- code path
def test_isa_switch():
    """The target switch takes every name of the dispatch table the CPU runs and refuses, by
    name, what is not compiled or not runnable; "auto" picks the first runnable real target."""
    core = winit._core
    old = core._get_isa()
    isas = core.isas()
    names = [t["name"] for t in isas]
    assert "scalar" in names and any(t["emulated"] for t in isas)
    try:
        with pytest.raises(ValueError, match="isa must be one of"):
            core._set_isa("avx1024")
        for t in isas:
            if t["runs"]:
                core._set_isa(t["name"])
                assert core._get_isa() == t["name"]
            else:
                with pytest.raises(ValueError, match="not available on this CPU"):
                    core._set_isa(t["name"])
        core._set_isa("auto")
        assert core._get_isa() == next(t["name"] for t in isas if t["runs"] and not t["emulated"])
    finally:
        core._set_isa(old)


def test_isas_table():
    """isas() describes each target: lanes, emulated, runs; the emulated ones run everywhere."""
    isas = winit._core.isas()
    for t in isas:
        assert set(t) == {"name", "lanes", "emulated", "runs"}
        assert t["lanes"] in (1, 4, 8, 16)
    emulated_lanes = {t["lanes"] for t in isas if t["emulated"]}
    assert emulated_lanes == {8, 16}
    # every wide real target has an emulated twin of as many lanes (its stand-in in the tests)
    assert all(t["lanes"] in emulated_lanes for t in isas if not t["emulated"] and t["lanes"] > 4)
    assert all(t["runs"] for t in isas if t["emulated"] or t["name"] == "scalar")


def test_cpu_has_avx2():
    """winit.cpu_has_avx2() says whether the avx2 target can be forced here, and on Linux agrees
    with the kernel's CPU flags (avx2, fma and f16c, what that target needs)."""
    core = winit._core
    old = core._get_isa()
    try:
        core._set_isa("avx2")
        forced = True
    except ValueError:
        forced = False
    finally:
        core._set_isa(old)
    assert winit.cpu_has_avx2() is forced
    if os.path.exists("/proc/cpuinfo"):
        flags = set()
        for line in open("/proc/cpuinfo"):
            if line.startswith("flags"):
                flags = set(line.split(":", 1)[1].split())
                break
        assert forced == ({"avx2", "fma", "f16c"} <= flags)


# ----------------------------------------------------------------------------- region
REGIONS = [
    ((13,), (slice(2, 11),)),
    ((13,), (slice(None, None, -1),)),
    ((13,), (slice(11, 1, -3),)),
    ((13,), (5,)),
    ((13,), (-1,)),
    ((13,), (slice(4, 4),)),
    ((7, 9), (slice(1, 6, 2), slice(None, None, -1))),
    ((7, 9), (3, slice(2, 5))),
    ((7, 9), (slice(1, 3),)),
    ((7, 9), (slice(None), 4)),
    ((7, 9), (slice(-3, None), slice(-1, -8, -2))),
    ((5, 6, 7), (slice(1, 4), slice(None, None, 2), slice(6, 0, -1))),
    ((5, 6, 7), (2, 3)),
    ((5, 6, 7), (4, 5, 6)),
    ((3, 4, 5, 6), (slice(None, None, -1), 1, slice(1, 5, 3), slice(0, 6, 5))),
    ((3, 4, 5, 6), (slice(1, 2), slice(None), slice(None), slice(2, 3))),
    ((3, 4, 5, 6), (slice(2, None),)),
]


@pytest.mark.parametrize("dtype", ALL_DTYPES)
@pytest.mark.parametrize("dist", DIST_NAMES)
@pytest.mark.parametrize("shape,region", REGIONS, ids=[f"{s}-{r}" for s, r in REGIONS])
def test_region(shape, region, dist, dtype):
    full = call(dist, shape, seed=5, stream=1, dtype=dtype)
    got = call(dist, shape, seed=5, stream=1, dtype=dtype, region=region)
    assert_same_bits(got, np.array(full[region], order="C"), f"{shape} {region}")


@pytest.mark.parametrize("dist", DIST_NAMES)
def test_region_with_offset_and_out(dist):
    shape, region = (6, 10), (slice(1, 5), slice(9, 0, -2))
    full = call(dist, shape, seed=5, stream=1, offset=7, dtype="float64")
    got = call(dist, shape, seed=5, stream=1, offset=7, dtype="float64", region=region)
    assert_same_bits(got, np.array(full[region], order="C"))
    out = np.full(full[region].shape, np.nan)
    res = call(dist, shape, seed=5, stream=1, offset=7, region=region, out=out)
    assert res is out
    assert_same_bits(out, np.array(full[region], order="C"))


@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_region_near_end_of_stream(dtype):
    shape, offset = (4, 5), 2**64 - 20
    region = (slice(None, None, -1), slice(4, None, -2))
    for dist in DIST_NAMES:
        full = call(dist, shape, seed=5, stream=2**64 - 1, offset=offset, dtype=dtype)
        got = call(dist, shape, seed=5, stream=2**64 - 1, offset=offset, dtype=dtype, region=region)
        assert_same_bits(got, np.array(full[region], order="C"))


def test_region_4d_threads(low_parallel_threshold):
    shape = (16, 3, 3, 64)
    region = (slice(2, 14), slice(None), slice(None, None, -1), slice(1, 63, 2))
    for dist in DIST_NAMES:
        full = call(dist, shape, seed=1, offset=4 * 2**32 + 1, threads=1)
        for t in (1, 2, 3):
            got = call(dist, shape, seed=1, offset=4 * 2**32 + 1, threads=t, region=region)
            assert_same_bits(got, np.array(full[region], order="C"), f"threads={t}")


def test_out_zero_dim():
    out = np.zeros((), np.float64)
    res = winit.normal(out=out, seed=3, offset=5)
    assert res is out
    assert_same_bits(out.reshape(1), winit.normal(1, seed=3, offset=5, dtype="float64"))


def test_region_regions_tile_the_tensor():
    """Computing a tensor row block by row block (as a sharded initializer would) == whole."""
    shape = (10, 8)
    full = winit.normal(shape, seed=3)
    parts = [winit.normal(shape, seed=3, region=(slice(i, i + 3),)) for i in range(0, 10, 3)]
    assert_same_bits(np.concatenate(parts), full)


# ----------------------------------------------------------------------------- offset
@pytest.mark.parametrize("dtype", ALL_DTYPES)
@pytest.mark.parametrize("dist", DIST_NAMES)
def test_offset_is_tail(dist, dtype):
    n = 257
    full = call(dist, n, seed=8, stream=2**64 - 1, dtype=dtype)
    for k in (1, 2, 3, 4, 5, 7, 8, 9, 100, 255, 256, 257):
        got = call(dist, n - k, seed=8, stream=2**64 - 1, dtype=dtype, offset=k)
        assert_same_bits(got, full[k:], f"offset={k}")
    # a shaped request at an offset is the flat tensor from there, reshaped
    got = call(dist, (3, 4, 5), seed=8, stream=2**64 - 1, dtype=dtype, offset=11)
    assert_same_bits(got, full[11:71].reshape(3, 4, 5))


def test_raw_offset_is_tail():
    full = winit.random_raw(100, seed=8, stream=5)
    for k in range(0, 13):
        np.testing.assert_array_equal(winit.random_raw(100 - k, seed=8, stream=5, offset=k), full[k:])


# ----------------------------------------------------------------------------- half dtypes
@pytest.mark.parametrize("dtype", HALF_DTYPES)
@pytest.mark.parametrize("dist", DIST_NAMES)
def test_half_is_cast_of_float32(dist, dtype):
    f32 = call(dist, (33, 31), seed=6, stream=7, offset=3, dtype="float32")
    half = call(dist, (33, 31), seed=6, stream=7, offset=3, dtype=dtype)
    assert half.dtype == np_dtype(dtype)
    assert_same_bits(half, f32.astype(np_dtype(dtype)))


@pytest.mark.parametrize("dtype", HALF_DTYPES)
def test_half_is_cast_of_float32_rounding_edges(dtype):
    """Scales that put many float32 results near half-precision ties and overflow."""
    for mean, std in [(0.0, 1.0), (1000.0, 3.0), (0.0, 1e-6), (0.0, 60000.0)]:
        f32 = winit.normal(20001, mean, std, seed=1, dtype="float32")
        half = winit.normal(20001, mean, std, seed=1, dtype=dtype)
        with np.errstate(over="ignore"):
            assert_same_bits(half, f32.astype(np_dtype(dtype)), f"{mean} {std}")
    f32 = winit.uniform(20001, 0.0, 1.0, seed=2, dtype="float32")
    half = winit.uniform(20001, 0.0, 1.0, seed=2, dtype=dtype)
    assert_same_bits(half, f32.astype(np_dtype(dtype)))


# ----------------------------------------------------------------------------- out=
def _out_variants(dtype, shape=(6, 10)):
    dt = np_dtype(dtype)
    n = int(np.prod(shape))
    yield "contiguous", np.zeros(shape, dt)
    yield "transposed", np.zeros(shape[::-1], dt).T
    yield "strided", np.zeros((shape[0] * 2, shape[1] * 3), dt)[::2, ::3]
    yield "negative-stride", np.zeros(shape, dt)[::-1, ::-1]
    yield "fortran", np.zeros(shape, dt, order="F")
    buf = bytearray(n * dt.itemsize + 1)
    yield "unaligned", np.frombuffer(buf, dtype=dt, offset=1, count=n).reshape(shape)


@pytest.mark.parametrize("dtype", ALL_DTYPES)
@pytest.mark.parametrize("dist", DIST_NAMES)
def test_out_equals_returned(dist, dtype):
    ref = call(dist, (6, 10), seed=12, stream=1, offset=3, dtype=dtype)
    for what, out in _out_variants(dtype):
        keep = out.__array_interface__["data"][0]
        res = call(dist, seed=12, stream=1, offset=3, out=out)
        assert res is out, what
        assert out.__array_interface__["data"][0] == keep
        assert out.dtype == np_dtype(dtype)
        assert_same_bits(np.array(out, order="C"), ref, what)


def test_out_unaligned_random_fill_f64():
    n = 1001
    buf = bytearray(n * 8 + 3)
    out = np.frombuffer(buf, dtype=np.float64, offset=3, count=n)
    assert not out.flags.aligned
    winit.normal(out=out, seed=4)
    assert_same_bits(out.copy(), winit.normal(n, seed=4, dtype="float64"))


def test_out_does_not_touch_outside_view():
    base = np.full((8, 12), -7.0, np.float32)
    view = base[1:7:2, 2:11:3]
    winit.uniform(out=view, seed=1)
    mask = np.ones(base.shape, bool)
    mask[1:7:2, 2:11:3] = False
    assert np.all(base[mask] == -7.0)
    assert_same_bits(np.array(view, order="C"), winit.uniform((3, 3), seed=1))


def test_out_with_matching_shape_argument():
    out = np.zeros((4, 5), np.float64)
    winit.normal((4, 5), out=out, seed=3)
    assert_same_bits(out, winit.normal((4, 5), seed=3, dtype="float64"))


def test_dtype_default_and_from_out():
    assert winit.normal(3, seed=1).dtype == np.float32
    assert winit.uniform(3, seed=1).dtype == np.float32
    assert winit.truncated_normal(3, seed=1).dtype == np.float32
    out = np.zeros(3, np.float16)
    assert winit.normal(out=out, seed=1).dtype == np.float16


@pytest.mark.parametrize("dtype", ALL_DTYPES)
def test_dtype_spellings(dtype):
    a = winit.normal(7, seed=1, dtype=dtype)
    b = winit.normal(7, seed=1, dtype=np_dtype(dtype))
    assert_same_bits(a, b)
    if dtype != "bfloat16":
        assert_same_bits(a, winit.normal(7, seed=1, dtype=getattr(np, dtype)))


# ----------------------------------------------------------------------------- name / shape
@pytest.mark.parametrize("dist", DIST_NAMES)
def test_name_equals_blake2b_stream(dist):
    for name in ["layer1.weight", "", "\u00e9\u6743\U0001F600", "a" * 1000]:
        stream = int.from_bytes(hashlib.blake2b(name.encode("utf-8"), digest_size=8).digest(), "little")
        assert_same_bits(call(dist, 37, seed=2, name=name, offset=1),
                         call(dist, 37, seed=2, stream=stream, offset=1), name)


def test_stream_default_is_zero():
    assert_same_bits(winit.normal(9, seed=2), winit.normal(9, seed=2, stream=0))
    np.testing.assert_array_equal(winit.random_raw(9, seed=2), winit.random_raw(9, seed=2, stream=0))


def test_shape_spellings():
    a = winit.normal((12,), seed=1)
    assert_same_bits(winit.normal(12, seed=1), a)
    assert_same_bits(winit.normal([12], seed=1), a)
    assert_same_bits(winit.normal(np.int64(12), seed=1), a)
    assert_same_bits(winit.normal((3, 4), seed=1), a.reshape(3, 4))
    assert winit.normal((), seed=1).shape == ()
    assert_same_bits(winit.normal((), seed=1).reshape(1), a[:1])
    assert winit.normal((0, 5), seed=1).shape == (0, 5)


def test_numpy_integer_arguments():
    a = winit.normal(5, seed=np.uint64(2**64 - 1), stream=np.int64(3), offset=np.int32(2))
    assert_same_bits(a, winit.normal(5, seed=2**64 - 1, stream=3, offset=2))


# ----------------------------------------------------------------------------- concurrency
def test_concurrent_python_threads(low_parallel_threshold):
    """Several Python threads calling winit at once (each using winit's own threads) get the
    same bits as sequential calls."""
    from concurrent.futures import ThreadPoolExecutor

    jobs = [(d, seed, t) for d in DIST_NAMES for seed in range(4) for t in (1, 2, 3)]
    want = [call(d, 50_003, seed=seed, offset=seed, threads=1) for d, seed, t in jobs]
    with ThreadPoolExecutor(max_workers=6) as ex:
        for _ in range(3):
            got = list(ex.map(lambda j: call(j[0], 50_003, seed=j[1], offset=j[1], threads=j[2]), jobs))
            for g, w, j in zip(got, want, jobs):
                assert_same_bits(g, w, str(j))

"""winit against the independent reference (tests/reference.py) of SPEC Part 1.

* random_raw and uniform float32/float64 are exact functions of the words: bit for bit.
* normal and truncated normal: within the SPEC tolerance of the float64 formula,
  4e-6 * max(1, |z|) (float32) or 1e-12 * max(1, |z|) (float64), in std units.
* Scaling is fused in the working precision (float32 for float32/half outputs, float64 for
  float64), no FMA: mean + std * z and low + (high - low) * u.
"""
import numpy as np
import pytest

import reference as R
import winit
from conftest import HALF_DTYPES, assert_same_bits, np_dtype

SEEDS = [0, 1, 2**32, 2**64 - 1, 0xDEADBEEFCAFEF00D]
STREAMS = [0, 1, 2**64 - 1]
OFFSETS = [0, 1, 3, 5, 7, 4 * 2**32 + 3, 2**33 * 4 + 1]
SIZES = [0, 1, 3, 5, 1001]
NAMES = ["layer1.weight", "", "conv\u00e9.\u6743\u91cd.\U0001F600"]
BIG = 10**6 + 3
LAST = 2**64  # element / word indices stay below this


def _cases():
    """A spread over (seed, stream, offset, size) without the full product."""
    out = []
    for i, seed in enumerate(SEEDS):
        for j, stream in enumerate(STREAMS):
            for k, offset in enumerate(OFFSETS):
                size = SIZES[(i + j + k) % len(SIZES)]
                out.append((seed, stream, offset, size))
    # every size at every small offset for one seed/stream
    for offset in OFFSETS[:5]:
        for size in SIZES:
            out.append((0xDEADBEEFCAFEF00D, 1, offset, size))
    return out


CASES = _cases()
CASE_IDS = [f"s{s:x}-st{st:x}-o{o}-n{n}" for s, st, o, n in CASES]
END_CASES = [(7, 3, LAST - 5, 5), (2**64 - 1, 2**64 - 1, LAST - 1001, 1001), (1, 0, LAST - 1, 1)]


# ----------------------------------------------------------------------------- raw
@pytest.mark.parametrize("seed,stream,offset,size", CASES + END_CASES, ids=CASE_IDS + ["end5", "end1001", "end1"])
def test_random_raw(seed, stream, offset, size):
    got = winit.random_raw(size, seed=seed, stream=stream, offset=offset)
    assert got.dtype == np.uint32 and got.shape == (size,)
    np.testing.assert_array_equal(got, R.raw_words(size, seed, stream, offset))


def test_random_raw_defaults_and_name():
    np.testing.assert_array_equal(winit.random_raw(9, seed=5), R.raw_words(9, 5, 0, 0))
    for name in NAMES:
        got = winit.random_raw(9, seed=5, name=name, offset=2)
        np.testing.assert_array_equal(got, R.raw_words(9, 5, R.stream_of_name(name), 2))


def test_random_raw_big():
    got = winit.random_raw(BIG, seed=0xDEADBEEFCAFEF00D, stream=2**64 - 1, offset=4 * 2**32 + 3)
    np.testing.assert_array_equal(got, R.raw_words(BIG, 0xDEADBEEFCAFEF00D, 2**64 - 1, 4 * 2**32 + 3))


def test_stream_of_name_is_blake2b():
    # the SPEC formula, spelled out once more by hand for one name
    import hashlib
    d = hashlib.blake2b(b"layer1.weight", digest_size=8).digest()
    assert R.stream_of_name("layer1.weight") == sum(b << (8 * i) for i, b in enumerate(d))


# ----------------------------------------------------------------------------- uniform
@pytest.mark.parametrize("dtype,bits", [("float32", 32), ("float64", 64)])
@pytest.mark.parametrize("seed,stream,offset,size", CASES + END_CASES, ids=CASE_IDS + ["end5", "end1001", "end1"])
def test_uniform_exact(seed, stream, offset, size, dtype, bits):
    got = winit.uniform(size, seed=seed, stream=stream, offset=offset, dtype=dtype)
    assert got.dtype == np.dtype(dtype) and got.shape == (size,)
    assert_same_bits(got, R.uniform_unit(size, seed, stream, offset, bits))


@pytest.mark.parametrize("dtype,bits", [("float32", 32), ("float64", 64)])
@pytest.mark.parametrize("low,high", [(-0.05, 0.05), (-3.0, 7.5), (1e-3, 1e-3 + 1e-7), (2.0, 2.0), (-1e30, 1e30)])
def test_uniform_scaled_exact(low, high, dtype, bits):
    got = winit.uniform((7, 11), low, high, seed=11, stream=4, offset=5, dtype=dtype)
    u = R.uniform_unit(77, 11, 4, 5, bits)
    assert_same_bits(got, R.scale_uniform(u, low, high).reshape(7, 11))


@pytest.mark.parametrize("dtype", HALF_DTYPES)
def test_uniform_half_exact(dtype):
    got = winit.uniform(1001, -2.0, 3.0, seed=3, stream=1, offset=3, dtype=dtype)
    u = R.scale_uniform(R.uniform_unit(1001, 3, 1, 3, 32), -2.0, 3.0)
    assert_same_bits(got, R.cast_half(u, dtype))


@pytest.mark.parametrize("dtype,bits", [("float32", 32), ("float64", 64)])
def test_uniform_big(dtype, bits):
    got = winit.uniform(BIG, seed=2**64 - 1, stream=1, offset=3, dtype=dtype)
    assert_same_bits(got, R.uniform_unit(BIG, 2**64 - 1, 1, 3, bits))


def test_uniform_name():
    for name in NAMES:
        got = winit.uniform(13, seed=1, name=name, offset=1)
        assert_same_bits(got, R.uniform_unit(13, 1, R.stream_of_name(name), 1, 32))


# ----------------------------------------------------------------------------- normal
def _check_close(got, ref, bits, what):
    ratio = R.max_tolerance_ratio(got, ref, bits)
    if ratio > 1.0:
        g = np.asarray(got, np.float64).reshape(-1)
        r = np.asarray(ref, np.float64).reshape(-1)
        err = np.abs(g - r) / R.tolerance(r, bits)
        i = int(np.argmax(err))
        raise AssertionError(f"{what}: {np.sum(err > 1)} values outside the SPEC tolerance; "
                             f"worst flat index {i}: winit {g[i]!r} vs formula {r[i]!r} "
                             f"({err[i]:.3g} x tolerance)")


@pytest.mark.parametrize("dtype,bits", [("float32", 32), ("float64", 64)])
@pytest.mark.parametrize("seed,stream,offset,size", CASES + END_CASES, ids=CASE_IDS + ["end5", "end1001", "end1"])
def test_normal_close(seed, stream, offset, size, dtype, bits):
    got = winit.normal(size, seed=seed, stream=stream, offset=offset, dtype=dtype)
    assert got.dtype == np.dtype(dtype) and got.shape == (size,)
    _check_close(got, R.normal_z(size, seed, stream, offset, bits), bits, "normal")


@pytest.mark.parametrize("dtype,bits", [("float32", 32), ("float64", 64)])
def test_normal_big(dtype, bits):
    got = winit.normal(BIG, seed=0xDEADBEEFCAFEF00D, stream=2**64 - 1, offset=4 * 2**32 + 3, dtype=dtype)
    _check_close(got, R.normal_z(BIG, 0xDEADBEEFCAFEF00D, 2**64 - 1, 4 * 2**32 + 3, bits), bits, "normal big")


@pytest.mark.parametrize("dtype,bits", [("float32", 32), ("float64", 64)])
@pytest.mark.parametrize("mean,std", [(0.0, 0.05), (3.0, 2.5), (-1e3, 1e-3), (0.1, 0.0), (1e20, 1e18)])
def test_normal_scaled(mean, std, dtype, bits):
    """mean + std * z in the working precision, from the same z as the unscaled call."""
    shape = (3, 5, 7)
    got = winit.normal(shape, mean, std, seed=2**32, stream=1, offset=7, dtype=dtype)
    z = winit.normal(shape, seed=2**32, stream=1, offset=7, dtype=dtype)
    assert_same_bits(got, R.scale_normal(z, mean, std))
    # and z itself is the formula (std units)
    _check_close(z.reshape(-1), R.normal_z(105, 2**32, 1, 7, bits), bits, "normal z")


def test_normal_name():
    for name in NAMES:
        got = winit.normal(13, seed=1, name=name, offset=3)
        _check_close(got, R.normal_z(13, 1, R.stream_of_name(name), 3, 32), 32, name)


def test_normal_f32_extreme_words():
    """2**20 float32 normals, including the tail values (largest |z|), stay in tolerance."""
    n = 2**20
    got = winit.normal(n, seed=99, stream=5)
    ref = R.normal_z(n, 99, 5, 0, 32)
    _check_close(got, ref, 32, "normal 2**20")
    i = int(np.argmax(np.abs(ref)))
    assert abs(got[i] - ref[i]) <= R.tolerance(ref[i], 32)


# ----------------------------------------------------------------------------- truncated
BOUNDS = [(-2.0, 2.0), (-1.0, 3.0), (0.5, 1.5), (-3.0, -2.9), (5.0, 6.0), (-8.0, -6.0),
          (-10.0, 10.0), (1e-3, 2e-3), (8.0, 8.001), (-12.0, -11.9), (20.0, 21.0), (-37.0, -36.0),
          (0.0, 1e-9), (-1e-6, 1e-6), (3.0, 40.0)]
INF_BOUNDS = [(2.0, np.inf), (-np.inf, 0.0), (-np.inf, np.inf)]


@pytest.mark.parametrize("dtype,bits", [("float32", 32), ("float64", 64)])
@pytest.mark.parametrize("lower,upper", BOUNDS)
def test_truncated_close(lower, upper, dtype, bits):
    for seed, stream, offset, size in [(0, 0, 0, 1001), (2**64 - 1, 2**64 - 1, 4 * 2**32 + 3, 5),
                                       (0xDEADBEEFCAFEF00D, 1, 3, 3)]:
        got = winit.truncated_normal(size, lower=lower, upper=upper, seed=seed, stream=stream,
                                     offset=offset, dtype=dtype)
        assert got.dtype == np.dtype(dtype) and got.shape == (size,)
        ref = R.truncated_z(size, seed, stream, offset, lower, upper, bits)
        _check_close(got, ref, bits, f"truncated [{lower}, {upper}]")
        assert np.all(got >= np.asarray(lower, got.dtype)) and np.all(got <= np.asarray(upper, got.dtype))


@pytest.mark.parametrize("dtype,bits", [("float32", 32), ("float64", 64)])
@pytest.mark.parametrize("lower,upper", INF_BOUNDS)
def test_truncated_infinite_bounds(lower, upper, dtype, bits):
    """Infinite bounds are not NaN: a half-bounded or unbounded truncation is accepted."""
    got = winit.truncated_normal(1001, lower=lower, upper=upper, seed=3, dtype=dtype)
    _check_close(got, R.truncated_z(1001, 3, 0, 0, lower, upper, bits), bits, f"truncated [{lower}, {upper}]")


@pytest.mark.parametrize("dtype,bits", [("float32", 32), ("float64", 64)])
@pytest.mark.parametrize("seed,stream,offset,size", CASES[::3] + END_CASES)
def test_truncated_default_bounds(seed, stream, offset, size, dtype, bits):
    got = winit.truncated_normal(size, seed=seed, stream=stream, offset=offset, dtype=dtype)
    _check_close(got, R.truncated_z(size, seed, stream, offset, -2.0, 2.0, bits), bits, "truncated")


@pytest.mark.parametrize("dtype,bits", [("float32", 32), ("float64", 64)])
def test_truncated_big(dtype, bits):
    got = winit.truncated_normal(BIG, lower=-1.5, upper=2.5, seed=1, stream=2**64 - 1, offset=5, dtype=dtype)
    _check_close(got, R.truncated_z(BIG, 1, 2**64 - 1, 5, -1.5, 2.5, bits), bits, "truncated big")


@pytest.mark.parametrize("dtype,bits", [("float32", 32), ("float64", 64)])
@pytest.mark.parametrize("mean,std", [(0.0, 0.05), (3.0, 2.5), (-1e3, 1e-3)])
def test_truncated_scaled(mean, std, dtype, bits):
    got = winit.truncated_normal((4, 25), mean, std, -1.0, 2.0, seed=5, stream=2, offset=3, dtype=dtype)
    z = winit.truncated_normal((4, 25), 0.0, 1.0, -1.0, 2.0, seed=5, stream=2, offset=3, dtype=dtype)
    assert_same_bits(got, R.scale_normal(z, mean, std))
    _check_close(z.reshape(-1), R.truncated_z(100, 5, 2, 3, -1.0, 2.0, bits), bits, "truncated z")


def test_truncated_name():
    for name in NAMES:
        got = winit.truncated_normal(13, seed=1, name=name, offset=3)
        _check_close(got, R.truncated_z(13, 1, R.stream_of_name(name), 3, -2.0, 2.0, 32), 32, name)


# ----------------------------------------------------------------------------- the reference
def test_reference_truncated_against_mpmath():
    """The float64 truncated formula of the reference is itself accurate (to ~1e-15)."""
    rng = np.random.default_rng(0)
    for a, b in [bd for bd in BOUNDS if max(map(abs, bd)) < 30] + INF_BOUNDS + [(-20.0, -19.0)]:
        u = np.concatenate([rng.random(1 if abs(a) > 15 else 6), [2**-25, 1 - 2**-25, 0.5]])
        z = R.truncated_from_unit(u, 1 - u, a, b)
        for ui, zi in zip(u, z):
            zm = R.truncated_z_mpmath(ui, a, b)
            assert abs(zi - zm) <= 1e-14 * max(1.0, abs(zm)), (a, b, ui, zi, zm)


def test_reference_normal_scalar():
    """The vectorized reference normal equals a scalar transcription of SPEC 1.3."""
    import math
    for bits in (32, 64):
        for off in (0, 1, 3, 6):
            z = R.normal_z(7, 123, 9, off, bits)
            for j in range(7):
                i = off + j
                if bits == 32:
                    w = R.block_words(i // 4, 123, 9)
                    p = (i % 4) // 2
                    u1 = ((w[2 * p] >> 8) + 1) * 2.0**-24
                    u2 = (w[2 * p + 1] >> 8) * 2.0**-24
                else:
                    w = R.block_words(i // 2, 123, 9)
                    xa, xb = w[0] + (w[1] << 32), w[2] + (w[3] << 32)
                    u1 = ((xa >> 11) + 1) * 2.0**-53
                    u2 = (xb >> 11) * 2.0**-53
                r, t = math.sqrt(-2 * math.log(u1)), 2 * math.pi * u2
                assert z[j] == (r * math.cos(t) if i % 2 == 0 else r * math.sin(t))


# ----------------------------------------------------------------------------- edge words
# Word indices (seed 0, stream 0) whose top 24 bits are special, found once by a scan of the
# first 2**29 words; each is checked against the reference below before use.
# u1 = 2**-24 (w >> 8 == 0: the largest |z|, 5.77) and u1 = 1 (r = 0):
EDGE_A = {0: [59535980, 71035964], 2**24 - 1: [9320226, 72331218]}
# u2 at the quadrant boundaries t = 0, pi/4... (w >> 8 = 0, 2**21, 2**22, 2**23, 3*2**22, max):
EDGE_B = {0: [68676140], 2**21: [94440470], 2**22: [31921704], 2**23: [1819058],
          3 * 2**22: [21153744], 2**24 - 1: [28454924]}


def test_edge_words_are_what_they_claim():
    for top, where in EDGE_A.items():
        for j in where:
            assert int(R.raw_words(1, 0, 0, j)[0]) >> 8 == top
    for top, where in EDGE_B.items():
        for j in where:
            assert int(R.raw_words(1, 0, 0, j + 1)[0]) >> 8 == top


@pytest.mark.parametrize("word", sorted({j for v in EDGE_A.values() for j in v} |
                                        {j for v in EDGE_B.values() for j in v}))
def test_normal_f32_edge_words(word):
    """Elements word, word+1 are the Box-Muller pair of words (word, word+1)."""
    got = winit.normal(6, seed=0, offset=word - 2)
    _check_close(got, R.normal_z(6, 0, 0, word - 2, 32), 32, f"normal at word {word}")
    # the largest reachable |z| in float32 (SPEC 1.3: sqrt(48 ln 2) = 5.77)
    assert np.all(np.abs(got) <= np.float32(5.7682))


@pytest.mark.parametrize("lower,upper", BOUNDS + INF_BOUNDS + [(-37.0, 37.0), (3.0, 3.5)])
def test_truncated_f32_edge_words(lower, upper):
    """u' at its extremes, (0.5 and 2**24 - 0.5) * 2**-24, with narrow and tail bounds."""
    for top, where in EDGE_A.items():
        for j in where:
            got = winit.truncated_normal(3, lower=lower, upper=upper, seed=0, offset=j - 1)
            ref = R.truncated_z(3, 0, 0, j - 1, lower, upper, 32)
            _check_close(got, ref, 32, f"truncated [{lower}, {upper}] at word {j} (top {top})")
            assert np.all(got >= np.float32(lower)) and np.all(got <= np.float32(upper))

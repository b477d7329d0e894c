"""winit.Generator (numpy-style, stateful) and the module default generator (seed=None).

Model: a Generator holds (seed, stream, next_block), next_block starting at 0. A call producing
n elements of a dtype with ``per_block`` elements per Philox block (4 for 32-bit and 16-bit
values and raw words, 2 for float64) equals the functional call with
``offset = next_block * per_block``, then next_block += ceil(n / per_block).
"""
import hashlib

import numpy as np
import pytest

import reference as R
import winit
from conftest import ALL_DTYPES, assert_same_bits, np_dtype


def per_block(dtype):
    return 2 if np.dtype(np_dtype(dtype)) == np.float64 else 4


class Model:
    def __init__(self, seed, stream=0):
        self.seed, self.stream, self.block = seed, stream, 0

    def take(self, n, dtype):
        pb = per_block(dtype)
        offset = self.block * pb
        self.block += -(-n // pb)
        return offset


def _n(size):
    if size is None:
        return 1
    return int(np.prod(size))


# ----------------------------------------------------------------------------- attributes
def test_attributes():
    g = winit.Generator(123, stream=7)
    assert g.seed == 123 and g.stream == 7
    g = winit.Generator(5)
    assert g.stream == 0
    g = winit.Generator(5, name="layer1.weight")
    assert g.stream == R.stream_of_name("layer1.weight")
    assert g.stream == int.from_bytes(hashlib.blake2b(b"layer1.weight", digest_size=8).digest(), "little")


def test_seed_none_uses_os_entropy():
    a, b = winit.Generator(), winit.Generator()
    assert isinstance(a.seed, int) and 0 <= a.seed < 2**64
    assert a.seed != b.seed   # 2**-64 chance of a false alarm
    assert not np.array_equal(a.standard_normal(8), b.standard_normal(8))
    # and it is reproducible from its .seed
    c = winit.Generator(a.seed)
    c.standard_normal(8)
    assert_same_bits(c.random(5), a.random(5))


# ----------------------------------------------------------------------------- sequences
def _calls():
    """(method, kwargs for Generator, functional equivalent, dtype)."""
    return [
        ("standard_normal", dict(size=5), lambda n, **k: winit.normal(n, **k), "float64"),
        ("standard_normal", dict(size=(2, 3), dtype=np.float32), lambda n, **k: winit.normal(n, **k), "float32"),
        ("random", dict(size=7), lambda n, **k: winit.uniform(n, **k), "float64"),
        ("random", dict(size=3, dtype="float32"), lambda n, **k: winit.uniform(n, **k), "float32"),
        ("uniform", dict(low=-2.0, high=5.0, size=9), lambda n, **k: winit.uniform(n, -2.0, 5.0, **k), "float64"),
        ("uniform", dict(low=-2.0, high=5.0, size=1, dtype="float32"), lambda n, **k: winit.uniform(n, -2.0, 5.0, **k), "float32"),
        ("normal", dict(loc=1.5, scale=0.25, size=(3, 3)), lambda n, **k: winit.normal(n, 1.5, 0.25, **k), "float64"),
        ("normal", dict(loc=1.5, scale=0.25, size=6, dtype="float16"), lambda n, **k: winit.normal(n, 1.5, 0.25, **k), "float16"),
        ("truncated_normal", dict(size=11), lambda n, **k: winit.truncated_normal(n, **k), "float64"),
        ("truncated_normal", dict(size=2, dtype="float32"), lambda n, **k: winit.truncated_normal(n, **k), "float32"),
        ("random_raw", dict(size=6), None, "uint32"),
        ("standard_normal", dict(size=0), lambda n, **k: winit.normal(n, **k), "float64"),
        ("random", dict(size=4, dtype="float32"), lambda n, **k: winit.uniform(n, **k), "float32"),
        ("standard_normal", dict(size=1), lambda n, **k: winit.normal(n, **k), "float64"),
    ]


@pytest.mark.parametrize("seed,stream", [(0, 0), (2**64 - 1, 2**64 - 1), (12345, 3)])
def test_sequence_matches_functional(seed, stream):
    g = winit.Generator(seed, stream=stream)
    m = Model(seed, stream)
    for method, kw, fn, dtype in _calls():
        size = kw["size"]
        n = _n(size)
        got = getattr(g, method)(**kw)
        offset = m.take(n, "float32" if dtype == "uint32" else dtype)
        if method == "random_raw":
            want = winit.random_raw(n, seed=seed, stream=stream, offset=offset)
            np.testing.assert_array_equal(np.asarray(got).reshape(-1), want)
            assert np.asarray(got).dtype == np.uint32
            continue
        want = fn(n, seed=seed, stream=stream, offset=offset, dtype=dtype)
        got = np.asarray(got)
        assert got.shape == (size if isinstance(size, tuple) else (size,)), (method, got.shape)
        assert got.dtype == np.dtype(np_dtype(dtype)), (method, got.dtype)
        assert_same_bits(got.reshape(-1), want, f"{method} {kw}")


def test_default_dtype_is_float64():
    g = winit.Generator(1)
    for method in ("standard_normal", "random", "uniform", "normal", "truncated_normal"):
        assert getattr(g, method)(size=3).dtype == np.float64, method


def test_size_none_gives_scalar_and_advances_one_block():
    g = winit.Generator(9)
    x = g.standard_normal()
    assert np.ndim(x) == 0
    assert float(x) == float(winit.normal(1, seed=9, dtype="float64")[0])
    y = g.random()
    assert float(y) == float(winit.uniform(1, seed=9, offset=2, dtype="float64")[0])


def test_reference_through_generator():
    """The generator's stream is SPEC's stream (reference), not only winit's functional one."""
    g = winit.Generator(0xDEADBEEFCAFEF00D, stream=1)
    a = g.random(5, dtype="float32")                   # block 0, 2 blocks
    b = g.random(3)                                    # float64: elements from 2*2=4
    c = g.random_raw(5)                                # words from 4 * (2+2) = 16
    assert_same_bits(a, R.uniform_unit(5, 0xDEADBEEFCAFEF00D, 1, 0, 32))
    assert_same_bits(b, R.uniform_unit(3, 0xDEADBEEFCAFEF00D, 1, 4, 64))
    np.testing.assert_array_equal(c, R.raw_words(5, 0xDEADBEEFCAFEF00D, 1, 16))


@pytest.mark.parametrize("dtype", ALL_DTYPES)
def test_out_advances_like_size(dtype):
    g1, g2 = winit.Generator(4), winit.Generator(4)
    out = np.zeros((3, 5), np_dtype(dtype))
    res = g1.standard_normal(out=out, dtype=np_dtype(dtype))
    assert res is out
    assert_same_bits(out, g2.standard_normal(size=(3, 5), dtype=np_dtype(dtype)))
    assert_same_bits(g1.standard_normal(size=4), g2.standard_normal(size=4))
    out = np.zeros(7, np_dtype(dtype))
    g1.random(out=out, dtype=np_dtype(dtype))
    assert_same_bits(out, g2.random(size=7, dtype=np_dtype(dtype)))
    assert_same_bits(g1.random(size=2), g2.random(size=2))


def test_out_noncontiguous():
    g1, g2 = winit.Generator(4), winit.Generator(4)
    out = np.zeros((6, 4)).T
    g1.standard_normal(out=out)
    assert_same_bits(np.array(out, order="C"), g2.standard_normal(size=(4, 6)))


def test_independent_generators_same_seed():
    a, b = winit.Generator(77, stream=2), winit.Generator(77, stream=2)
    for _ in range(3):
        assert_same_bits(a.standard_normal(10), b.standard_normal(10))
    c = winit.Generator(77, stream=3)
    assert not np.array_equal(winit.Generator(77, stream=2).random(10), c.random(10))


# ----------------------------------------------------------------------------- default generator
def test_manual_seed_reproducible():
    winit.manual_seed(1234)
    a1 = winit.normal(10)
    a2 = winit.uniform((2, 3))
    a3 = winit.truncated_normal(5, dtype="float64")
    winit.manual_seed(1234)
    b1 = winit.normal(10)
    b2 = winit.uniform((2, 3))
    b3 = winit.truncated_normal(5, dtype="float64")
    assert_same_bits(a1, b1)
    assert_same_bits(a2, b2)
    assert_same_bits(a3, b3)
    # successive calls differ within a run
    winit.manual_seed(1234)
    c1, c2 = winit.normal(10), winit.normal(10)
    assert not np.array_equal(c1, c2)
    winit.manual_seed(1235)
    assert not np.array_equal(winit.normal(10), a1)


def test_manual_seed_out_and_integer_seed_do_not_advance():
    winit.manual_seed(99)
    a = winit.normal(4)
    winit.manual_seed(99)
    winit.normal(4, seed=5)           # integer seed: a pure function, default state untouched
    b = winit.normal(4)
    assert_same_bits(a, b)
    winit.manual_seed(99)
    out = np.zeros(4, np.float32)
    winit.normal(out=out)
    assert_same_bits(out, a)


def test_seed_none_differs_between_calls():
    a, b = winit.normal(16), winit.normal(16)
    assert not np.array_equal(a, b)


def test_default_generator_concurrent_calls():
    """seed=None calls from many Python threads each take their own seed from the default
    generator: the same set of results as sequential calls after the same manual_seed."""
    from concurrent.futures import ThreadPoolExecutor

    winit.manual_seed(2024)
    seq = {winit.normal(8).tobytes() for _ in range(64)}
    assert len(seq) == 64
    winit.manual_seed(2024)
    with ThreadPoolExecutor(max_workers=8) as ex:
        par = set(ex.map(lambda _: winit.normal(8).tobytes(), range(64)))
    assert par == seq


def test_generator_concurrent_calls():
    """A Generator shared by threads hands out disjoint blocks: the results are the same set
    as sequential calls."""
    from concurrent.futures import ThreadPoolExecutor

    g = winit.Generator(5)
    seq = {g.random(size=4, dtype="float32").tobytes() for _ in range(64)}
    g = winit.Generator(5)
    with ThreadPoolExecutor(max_workers=8) as ex:
        par = set(ex.map(lambda _: g.random(size=4, dtype="float32").tobytes(), range(64)))
    assert par == seq


def test_refused_random_raw_leaves_the_generator_unchanged():
    g = winit.Generator(5)
    with pytest.raises(ValueError, match="size"):
        g.random_raw(size=8, out=np.empty(4, np.uint32))
    with pytest.raises(TypeError):
        g.random_raw(size=4, out=np.empty(4, np.float32))
    assert g.next_block == 0
    assert np.array_equal(g.random_raw(4), winit.Generator(5).random_raw(4))
